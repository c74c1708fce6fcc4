import { Affine } from "./affine";
import { Relu } from "./relu";
import { Sigmoid } from "./sigmoid";
import { Tanh } from "./tanh";
import { Dropout } from "./dropout";
import { BatchNormalization } from "./batch-normalization";

// The layers of a net, one file each. Listed here, a layer is known to model files by its `type`.
export { Affine, Relu, Sigmoid, Tanh, Dropout, BatchNormalization };
export type { BatchNormalizationOptions } from "./batch-normalization";
export const LAYER_CLASSES = [Affine, Relu, Sigmoid, Tanh, Dropout, BatchNormalization];
