import { Random, ones, zeros, type DType } from "@backprop/core";
import { Affine } from "../layers/affine.js";
import { BatchNormalization } from "../layers/batch-normalization.js";
import { Dropout } from "../layers/dropout.js";
import type { Layer } from "../layers/layer.js";
import { Relu } from "../layers/relu.js";
import { Sigmoid } from "../layers/sigmoid.js";
import { Tanh } from "../layers/tanh.js";
import type { Loss } from "../losses/loss.js";
import { SoftmaxWithLoss } from "../losses/softmax-with-loss.js";
import { Net } from "./net.js";
import { initWeights, type WeightInit } from "./weight-init.js";

const ACTIVATION_LAYER = { relu: Relu, sigmoid: Sigmoid, tanh: Tanh };

export type Activation = keyof typeof ACTIVATION_LAYER;

export interface MultiLayerNetOptions {
  /** The activation layer after each hidden Affine (default "relu"). */
  activation?: Activation;
  /** The book's weight_init_std: a number, or "he"/"relu" (the default) or "xavier"/"sigmoid". */
  weightInitStd?: WeightInit;
  /** loss += lambda/2 * sum of W^2 over every Affine's W; dW += lambda * W (default 0). */
  weightDecayLambda?: number;
  /** Seed of the initial weights; Dropout's masks come from a stream of their own, `${seed}/dropout`. */
  seed?: number | string;
  dtype?: DType;
  /** The last layer (default SoftmaxWithLoss, as the book; IdentityWithLoss for regression). */
  lastLayer?: Loss;
}

export interface MultiLayerNetExtendOptions extends MultiLayerNetOptions {
  /** A BatchNormalization (gamma ones, beta zeros) after each hidden Affine. */
  useBatchnorm?: boolean;
  /** A Dropout after each hidden activation. */
  useDropout?: boolean;
  /** The share Dropout drops (default 0.5, as the book). */
  dropoutRatio?: number;
}

/**
 * The book's fully connected net of any depth: (Affine -> activation) per hidden size, then Affine and
 * SoftmaxWithLoss (or the last layer given), with the book's layer names (Affine1, Activation_function1, ..., AffineL+1).
 * x: (N, inputSize) -> scores (N, outputSize).
 */
export class MultiLayerNet extends Net {
  readonly inputSize: number;
  readonly hiddenSizeList: readonly number[];
  readonly outputSize: number;
  readonly activation: Activation;

  constructor(inputSize: number, hiddenSizeList: readonly number[], outputSize: number, options: MultiLayerNetOptions = {}) {
    super(...multiLayer("MultiLayerNet", inputSize, hiddenSizeList, outputSize, options));
    this.inputSize = inputSize;
    this.hiddenSizeList = [...hiddenSizeList];
    this.outputSize = outputSize;
    this.activation = options.activation ?? "relu";
  }
}

/**
 * The book's MultiLayerNetExtend: MultiLayerNet with weight decay, BatchNormalization (BatchNorm1, ...) after each
 * hidden Affine and Dropout (Dropout1, ...) after each hidden activation.
 */
export class MultiLayerNetExtend extends Net {
  readonly inputSize: number;
  readonly hiddenSizeList: readonly number[];
  readonly outputSize: number;
  readonly activation: Activation;
  readonly useBatchnorm: boolean;
  readonly useDropout: boolean;
  readonly dropoutRatio: number;

  constructor(inputSize: number, hiddenSizeList: readonly number[], outputSize: number, options: MultiLayerNetExtendOptions = {}) {
    super(...multiLayer("MultiLayerNetExtend", inputSize, hiddenSizeList, outputSize, options));
    this.inputSize = inputSize;
    this.hiddenSizeList = [...hiddenSizeList];
    this.outputSize = outputSize;
    this.activation = options.activation ?? "relu";
    this.useBatchnorm = options.useBatchnorm ?? false;
    this.useDropout = options.useDropout ?? false;
    this.dropoutRatio = options.dropoutRatio ?? 0.5;
  }
}

/** The layers, last layer and options of either net; the weights are drawn in layer order from Random(seed). */
function multiLayer(name: string, inputSize: number, hiddenSizeList: readonly number[], outputSize: number, options: MultiLayerNetExtendOptions): ConstructorParameters<typeof Net> {
  const { activation = "relu", weightInitStd = "relu", weightDecayLambda = 0, seed = 0, dtype = "float64" } = options;
  const { useBatchnorm = false, useDropout = false, dropoutRatio = 0.5 } = options;
  const sizes = [inputSize, ...hiddenSizeList, outputSize];
  if (!Array.isArray(hiddenSizeList) || sizes.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new RangeError(`${name}: sizes must be positive integers, got inputSize ${inputSize}, hiddenSizeList ${JSON.stringify(hiddenSizeList)}, outputSize ${outputSize}`);
  }
  const Activation = ACTIVATION_LAYER[activation];
  if (!Object.hasOwn(ACTIVATION_LAYER, activation)) {
    throw new RangeError(`${name}: activation must be ${Object.keys(ACTIVATION_LAYER).map((a) => `"${a}"`).join(", ")}, got ${JSON.stringify(activation)}`);
  }
  const rng = new Random(seed);
  const masks = new Random(`${seed}/dropout`);
  const layers: Array<[string, Layer]> = [];
  for (let idx = 1; idx < sizes.length; idx++) {
    const W = initWeights(sizes[idx - 1], sizes[idx], weightInitStd, rng, dtype);
    layers.push([`Affine${idx}`, new Affine(W, zeros([sizes[idx]], { dtype }))]);
    if (idx === sizes.length - 1) break;
    if (useBatchnorm) layers.push([`BatchNorm${idx}`, new BatchNormalization(ones([sizes[idx]], { dtype }), zeros([sizes[idx]], { dtype }))]);
    layers.push([`Activation_function${idx}`, new Activation()]);
    if (useDropout) layers.push([`Dropout${idx}`, new Dropout(dropoutRatio, masks)]);
  }
  return [layers, options.lastLayer ?? new SoftmaxWithLoss(), { name, weightDecayLambda, rng: masks }];
}
