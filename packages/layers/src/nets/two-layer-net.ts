import { Random, zeros, type DType } from "@backprop/core";
import { Affine } from "../layers/affine.js";
import { Relu } from "../layers/relu.js";
import type { Loss } from "../losses/loss.js";
import { SoftmaxWithLoss } from "../losses/softmax-with-loss.js";
import { Net } from "./net.js";
import { initWeights, type WeightInit } from "./weight-init.js";

export interface TwoLayerNetOptions {
  /** Standard deviation of the initial weights (the book's weight_init_std, default 0.01), or "he" / "xavier". */
  weightInitStd?: WeightInit;
  /** Seed of the generator that draws the initial weights. */
  seed?: number | string;
  dtype?: DType;
  /** The last layer (default SoftmaxWithLoss, as the book; IdentityWithLoss for regression). */
  lastLayer?: Loss;
}

/**
 * The book's two-layer network of chapter 5: Affine1 -> Relu1 -> Affine2, then SoftmaxWithLoss (or the last layer given).
 * x: (N, inputSize) -> scores (N, outputSize);  W1 (inputSize, hiddenSize), b1, W2 (hiddenSize, outputSize), b2.
 */
export class TwoLayerNet extends Net {
  constructor(inputSize: number, hiddenSize: number, outputSize: number, options: TwoLayerNetOptions = {}) {
    const { weightInitStd = 0.01, seed = 0, dtype = "float64" } = options;
    for (const [name, n] of Object.entries({ inputSize, hiddenSize, outputSize })) {
      if (!Number.isInteger(n) || n <= 0) throw new RangeError(`TwoLayerNet: ${name} must be a positive integer, got ${n}`);
    }
    const rng = new Random(seed);
    const W1 = initWeights(inputSize, hiddenSize, weightInitStd, rng, dtype);
    const W2 = initWeights(hiddenSize, outputSize, weightInitStd, rng, dtype);
    const layers = [
      ["Affine1", new Affine(W1, zeros([hiddenSize], { dtype }))],
      ["Relu1", new Relu()],
      ["Affine2", new Affine(W2, zeros([outputSize], { dtype }))],
    ] as const;
    super(layers, options.lastLayer ?? new SoftmaxWithLoss(), { name: "TwoLayerNet", rng: new Random(`${seed}/dropout`) });
  }
}
