// @backprop/layers: layers, losses, nets, optimizers, gradient checks, training, and model files as bytes.
// Nothing here touches a Node built-in, so that it loads in a browser; @backprop/layers/node reads and writes paths.
export { type Layer, type LayerSpec, type BuildContext } from "./layers/layer";
export { Affine, Relu, Sigmoid, Tanh, Dropout, BatchNormalization, type BatchNormalizationOptions } from "./layers";
export { LAYERS } from "./layers/registry";
export { MulLayer } from "./layers/mul-layer";
export { AddLayer } from "./layers/add-layer";
export { type Value } from "./layers/value";
export { type Loss, type LossSpec } from "./losses/loss";
export { SoftmaxWithLoss, IdentityWithLoss } from "./losses";
export { LOSSES } from "./losses/registry";
export { classIndices } from "./losses/labels";
export { sigmoid, softmax, crossEntropyError } from "./functions";
export * from "./nets";
export { type Optimizer, type OptimizerSpec } from "./optimizers/optimizer";
export { SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam } from "./optimizers";
export { OPTIMIZERS } from "./optimizers/registry";
export { Registry, type Registered } from "./registry";
export { numericalGradient, NUMERICAL_H } from "./gradient/numerical-gradient";
export { compareGradients, gradientsAgree, gradientCheck, numericalGradients, checkLayer, checkLoss, type GradientDiff, type CheckLayerOptions, type Differentiable } from "./gradient/gradient-check";
export { Trainer, DivergedError, MAX_COUNT, metricsOf, type TrainerConfig, type TrainerOptions, type TrainingHistory, type Evaluation } from "./training/trainer";
export { evaluateMetrics, predictions, type BatchSource } from "./training/batch-source";
export { accuracy, meanAbsoluteError, meanSquaredError, METRICS, metricOf, metricSpec, metricKey, countCorrect, type Metric, type MetricSpec } from "./training/metrics";
export { cloneState, type State } from "./training/state";
export { ModelFileError, encodeArrayFile, decodeArrayFile, MAGIC, FORMAT_VERSION, READABLE_VERSIONS, type FileHeader, type ArrayEntry, type StoredArray } from "./files/array-file";
export { crc32 } from "./files/crc32";
export { encodeModel, decodeModel, modelContents, type ModelHeader, type ModelMeta } from "./files/model";
export { encodeCheckpoint, decodeCheckpoint, resumeTrainer, type Checkpoint } from "./files/checkpoint";
