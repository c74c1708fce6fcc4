import type { Tensor } from "@backprop/core";
import { checkDout, notForwarded, type Layer, type LayerSpec } from "./layer.js";
import { sigmoid } from "../functions.js";

/** Logistic sigmoid, out = 1 / (1 + exp(-x)), element-wise.  x: any shape -> out: the same shape. */
export class Sigmoid implements Layer {
  static readonly type = "Sigmoid";
  readonly tag = "sigmoid";
  private out?: Tensor;

  static fromSpec(): Sigmoid {
    return new Sigmoid();
  }

  forward(x: Tensor): Tensor {
    this.out = sigmoid(x);
    return this.out;
  }

  /** dout -> dx = dout * (1 - out) * out. */
  backward(dout: Tensor): Tensor {
    if (!this.out) throw notForwarded("Sigmoid");
    checkDout("Sigmoid", dout, this.out.shape);
    return dout.mul(this.out.sub(1).neg()).mul(this.out);
  }

  spec(): LayerSpec {
    return { type: Sigmoid.type };
  }

  toString(): string {
    return "Sigmoid";
  }
}
