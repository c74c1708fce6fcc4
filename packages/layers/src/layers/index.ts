// The layers of a net, one file each. A layer exported here is known to model files by its `type` (registry.ts).
export { Affine } from "./affine";
export { Relu } from "./relu";
export { Sigmoid } from "./sigmoid";
export { Tanh } from "./tanh";
export { Dropout } from "./dropout";
export { BatchNormalization, type BatchNormalizationOptions } from "./batch-normalization";
