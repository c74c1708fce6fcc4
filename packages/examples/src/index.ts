export { run, type Output } from "./cli";
export { trainTwoLayerNet, accuracyInChunks, DEFAULT_TRAIN_CONFIG, DivergedError, type TrainConfig, type TrainResult, type EpochReport } from "./train";
export { checkTwoLayerNet, type GradientCheckConfig, type GradientCheckResult } from "./gradient-check";
export { buyApple } from "./buy-apple";
export { buyAppleOrange } from "./buy-apple-orange";
export { UsageError } from "./args";
