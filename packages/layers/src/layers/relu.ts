import type { Tensor } from "@backprop/core";
import { checkDout, notForwarded, type Layer, type LayerSpec } from "./layer.js";

/** Rectified linear unit, out = max(0, x), element-wise.  x: any shape -> out: the same shape. */
export class Relu implements Layer {
  static readonly type = "Relu";
  readonly tag = "relu";
  // 1 where x > 0, else 0: the book's mask, inverted so that backward is one product
  private mask?: Tensor;

  static fromSpec(): Relu {
    return new Relu();
  }

  forward(x: Tensor): Tensor {
    this.mask = x.gt(0);
    // not x * mask, which gives NaN for -Infinity
    return x.maximum(0);
  }

  /** dout -> dx = dout where x > 0, else 0. */
  backward(dout: Tensor): Tensor {
    if (!this.mask) throw notForwarded("Relu");
    checkDout("Relu", dout, this.mask.shape);
    return dout.mul(this.mask);
  }

  spec(): LayerSpec {
    return { type: Relu.type };
  }

  toString(): string {
    return "Relu";
  }
}
