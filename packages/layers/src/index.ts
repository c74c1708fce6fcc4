// @backprop/layers: layers, losses, nets, optimizers, gradient checks, training, and model files as bytes.
// Nothing here touches a Node built-in, so that it loads in a browser; @backprop/layers/node reads and writes paths.
export { type Layer, type LayerSpec, type BuildContext } from "./layers/layer.js";
export { Affine, Relu, Sigmoid, Tanh, Dropout, BatchNormalization, type BatchNormalizationOptions } from "./layers/index.js";
export { LAYERS } from "./layers/registry.js";
export { MulLayer } from "./layers/mul-layer.js";
export { AddLayer } from "./layers/add-layer.js";
export { type Value } from "./layers/value.js";
export { type Loss, type LossSpec } from "./losses/loss.js";
export { SoftmaxWithLoss, IdentityWithLoss } from "./losses/index.js";
export { LOSSES } from "./losses/registry.js";
export { classIndices } from "./losses/labels.js";
export { sigmoid, softmax, crossEntropyError } from "./functions.js";
export * from "./nets/index.js";
export { type Optimizer, type OptimizerSpec } from "./optimizers/optimizer.js";
export { SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam } from "./optimizers/index.js";
export { OPTIMIZERS } from "./optimizers/registry.js";
export { Registry, type Registered } from "./registry.js";
export { numericalGradient, NUMERICAL_H } from "./gradient/numerical-gradient.js";
export { compareGradients, gradientsAgree, gradientCheck, numericalGradients, checkLayer, checkLoss, type GradientDiff, type CheckLayerOptions, type Differentiable } from "./gradient/gradient-check.js";
export { Trainer, DivergedError, MAX_COUNT, metricsOf, type TrainerConfig, type TrainerOptions, type TrainingHistory, type Evaluation } from "./training/trainer.js";
export { evaluateMetrics, predictions, type BatchSource } from "./training/batch-source.js";
export { accuracy, meanAbsoluteError, meanSquaredError, METRICS, metricOf, metricSpec, metricKey, countCorrect, type Metric, type MetricSpec } from "./training/metrics.js";
export { cloneState, type State } from "./training/state.js";
export { ModelFileError, encodeArrayFile, decodeArrayFile, MAGIC, FORMAT_VERSION, READABLE_VERSIONS, type FileHeader, type ArrayEntry, type StoredArray } from "./files/array-file.js";
export { crc32 } from "./files/crc32.js";
export { serializeModel, deserializeModel, modelContents, type ModelHeader, type ModelMeta } from "./files/model.js";
export { encodeCheckpoint, decodeCheckpoint, resumeTrainer, type Checkpoint } from "./files/checkpoint.js";
export { toTfjs, toOnnx, inferenceGraph, type InferenceGraph, type FoldedDropout, ExportError, ONNX_OPSET, TFJS_TRANSFORM_FORMAT, type TfjsFiles, type ExportOptions, type Transform } from "./export/index.js";
