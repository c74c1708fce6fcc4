import type { Tensor } from "@backprop/core";
import { checkDout, notForwarded, type Layer, type LayerSpec } from "./layer.js";

/** Hyperbolic tangent, out = tanh(x), element-wise.  x: any shape -> out: the same shape. */
export class Tanh implements Layer {
  static readonly type = "Tanh";
  readonly tag = "tanh";
  private out?: Tensor;

  static fromSpec(): Tanh {
    return new Tanh();
  }

  forward(x: Tensor): Tensor {
    this.out = x.tanh();
    return this.out;
  }

  /** dout -> dx = dout * (1 - out^2), since tanh' = 1 - tanh^2. */
  backward(dout: Tensor): Tensor {
    if (!this.out) throw notForwarded("Tanh");
    checkDout("Tanh", dout, this.out.shape);
    return dout.mul(this.out.mul(this.out).sub(1).neg());
  }

  spec(): LayerSpec {
    return { type: Tanh.type };
  }

  toString(): string {
    return "Tanh";
  }
}
