import { randn, type DType, type Random, type Tensor } from "@backprop/core";

/**
 * The book's weight_init_std: a standard deviation, or the name of a scale that follows each layer's fan-in n:
 * "he" (or the book's "relu") sqrt(2 / n), for ReLU; "xavier" (or "sigmoid") sqrt(1 / n), for sigmoid and tanh.
 */
export type WeightInit = number | "he" | "relu" | "xavier" | "sigmoid";

/** The standard deviation `init` gives a layer with `fanIn` inputs. */
export function initStd(init: WeightInit, fanIn: number): number {
  switch (typeof init === "string" ? init.toLowerCase() : init) {
    case "he":
    case "relu":
      return Math.sqrt(2 / fanIn);
    case "xavier":
    case "sigmoid":
      return Math.sqrt(1 / fanIn);
    default:
      if (typeof init !== "number" || !Number.isFinite(init) || init <= 0) {
        throw new RangeError(`weightInitStd: expected a positive number, "he", "relu", "xavier" or "sigmoid", got ${JSON.stringify(init)}`);
      }
      return init;
  }
}

/** W (fanIn, fanOut) of normal samples times initStd(init, fanIn), drawn from `rng` in row-major order. */
export function initWeights(fanIn: number, fanOut: number, init: WeightInit, rng: Random, dtype: DType): Tensor {
  return randn([fanIn, fanOut], rng, { dtype }).mul(initStd(init, fanIn));
}
