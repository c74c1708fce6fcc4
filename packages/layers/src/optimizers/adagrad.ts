import type { Tensor } from "@backprop/core";
import { cloneState, type State } from "../training/state.js";
import { EPSILON, checkGrads, describe, elementsOf, rowMajorOf, positive, slotsFor, slotsFromState, type Optimizer, type OptimizerSpec, type Slots } from "./optimizer.js";

/** AdaGrad (Duchi et al., 2011): h += dW * dW;  W -= lr * dW / (sqrt(h) + 1e-7). */
export class AdaGrad implements Optimizer {
  static readonly type = "AdaGrad";
  readonly lr: number;
  private h: Slots | null = null;

  constructor(lr = 0.01) {
    this.lr = positive("AdaGrad", "lr", lr);
  }

  static fromSpec(spec: OptimizerSpec): AdaGrad {
    return new AdaGrad(spec.lr as number | undefined);
  }

  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    checkGrads("AdaGrad.update", params, grads);
    this.h = slotsFor("AdaGrad.update", "squared-gradient sum", this.h, params);
    const { lr } = this;
    for (const key of Object.keys(params)) {
      const W = elementsOf(params[key]);
      const h = elementsOf(this.h[key]);
      const dW = rowMajorOf(grads[key]);
      for (let i = 0; i < W.length; i++) {
        h[i] += dW[i] * dW[i];
        W[i] -= (lr * dW[i]) / (Math.sqrt(h[i]) + EPSILON);
      }
    }
  }

  /** { h: the sum of squared gradients of each parameter, or null before the first update }. */
  state(): State {
    return cloneState({ h: this.h });
  }

  restore(state: State): void {
    this.h = slotsFromState("AdaGrad", "h", (state as { h?: State }).h);
  }

  spec(): OptimizerSpec {
    return { type: AdaGrad.type, lr: this.lr };
  }

  toString(): string {
    return describe(this.spec());
  }
}
