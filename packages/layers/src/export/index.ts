// Exports of a trained net to other runtimes' formats, as bytes: TensorFlow.js layers models and ONNX.
export { toTfjs, TFJS_TRANSFORM_FORMAT, type TfjsFiles } from "./to-tfjs.js";
export { toOnnx, ONNX_OPSET } from "./to-onnx.js";
export { ExportError } from "./export-error.js";
export { inferenceGraph, type InferenceGraph, type FoldedDropout } from "./inference-graph.js";
export { type ExportOptions, type Transform } from "./export-options.js";
