import type { Tensor } from "@backprop/core";
import type { State } from "../training/state.js";
import { checkGrads, describe, positive, type Optimizer, type OptimizerSpec } from "./optimizer.js";

/** Stochastic gradient descent: W -= lr * dW. */
export class SGD implements Optimizer {
  static readonly type = "SGD";
  readonly lr: number;

  constructor(lr = 0.01) {
    this.lr = positive("SGD", "lr", lr);
  }

  static fromSpec(spec: OptimizerSpec): SGD {
    return new SGD(spec.lr as number | undefined);
  }

  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    checkGrads("SGD.update", params, grads);
    for (const key of Object.keys(params)) params[key].isubScaled(grads[key], this.lr);
  }

  /** SGD keeps nothing between updates. */
  state(): State {
    return {};
  }

  restore(): void {}

  spec(): OptimizerSpec {
    return { type: SGD.type, lr: this.lr };
  }

  toString(): string {
    return describe(this.spec());
  }
}
