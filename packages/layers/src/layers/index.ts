import { Affine } from "./affine.js";
import { Relu } from "./relu.js";
import { Sigmoid } from "./sigmoid.js";
import { Tanh } from "./tanh.js";
import { Dropout } from "./dropout.js";
import { BatchNormalization } from "./batch-normalization.js";

// The layers of a net, one file each. Listed here, a layer is known to model files by its `type`.
export { Affine, Relu, Sigmoid, Tanh, Dropout, BatchNormalization };
export type { BatchNormalizationOptions } from "./batch-normalization.js";
export const LAYER_CLASSES = [Affine, Relu, Sigmoid, Tanh, Dropout, BatchNormalization];
