import { rand, type Random, type Tensor } from "@backprop/core";
import { checkDout, checkOption, notForwarded, type BuildContext, type Layer, type LayerSpec } from "./layer.js";

/**
 * Dropout (Srivastava et al., arXiv 1207.0580), as the book: in training each element is kept where a uniform draw
 * from `rng` exceeds `ratio`, else zeroed; at inference every element is scaled by 1 - ratio.
 * x: any shape -> out: the same shape.
 */
export class Dropout implements Layer {
  static readonly type = "Dropout";
  readonly ratio: number;
  private readonly rng: Random;
  // 1 where the element was kept in the last training forward, else 0
  private mask?: Tensor;

  constructor(ratio: number, rng: Random) {
    this.ratio = checkOption("Dropout", "ratio", ratio, 0, 1);
    this.rng = rng;
  }

  static fromSpec(spec: LayerSpec, context: BuildContext): Dropout {
    return new Dropout(spec.ratio as number, context.rng);
  }

  get tag(): string {
    return `dropout ${this.ratio}`;
  }

  forward(x: Tensor, train = true): Tensor {
    if (!train) return x.mul(1 - this.ratio);
    this.mask = rand(x.shape, this.rng, { dtype: x.dtype }).gt(this.ratio);
    return x.mul(this.mask);
  }

  /** dout -> dx = dout where the element was kept, else 0 (the mask of the last training forward). */
  backward(dout: Tensor): Tensor {
    if (!this.mask) throw notForwarded("Dropout");
    checkDout("Dropout", dout, this.mask.shape);
    return dout.mul(this.mask);
  }

  spec(): LayerSpec {
    return { type: Dropout.type, ratio: this.ratio };
  }

  toString(): string {
    return `Dropout(${this.ratio})`;
  }
}
