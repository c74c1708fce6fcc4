import type { Tensor } from "@backprop/core";
import { cloneState, type State } from "../training/state.js";
import { EPSILON, checkGrads, describe, elementsOf, fraction, rowMajorOf, positive, slotsFor, slotsFromState, type Optimizer, type OptimizerSpec, type Slots } from "./optimizer.js";

/**
 * Adam (Kingma and Ba, arXiv 1412.6980), in the book's form with the bias correction folded into the step:
 * m += (1 - beta1) * (dW - m);  v += (1 - beta2) * (dW^2 - v);  W -= lr_t * m / (sqrt(v) + 1e-7),
 * lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t) at update t = 1, 2, ...
 */
export class Adam implements Optimizer {
  static readonly type = "Adam";
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  private iter = 0;
  private m: Slots | null = null;
  private v: Slots | null = null;

  constructor(lr = 0.001, beta1 = 0.9, beta2 = 0.999) {
    this.lr = positive("Adam", "lr", lr);
    this.beta1 = fraction("Adam", "beta1", beta1);
    this.beta2 = fraction("Adam", "beta2", beta2);
  }

  static fromSpec(spec: OptimizerSpec): Adam {
    return new Adam(spec.lr as number | undefined, spec.beta1 as number | undefined, spec.beta2 as number | undefined);
  }

  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    checkGrads("Adam.update", params, grads);
    this.m = slotsFor("Adam.update", "first moment", this.m, params);
    this.v = slotsFor("Adam.update", "second moment", this.v, params);
    this.iter++;
    const { beta1, beta2 } = this;
    const lrT = (this.lr * Math.sqrt(1 - beta2 ** this.iter)) / (1 - beta1 ** this.iter);
    for (const key of Object.keys(params)) {
      const W = elementsOf(params[key]);
      const m = elementsOf(this.m[key]);
      const v = elementsOf(this.v[key]);
      const dW = rowMajorOf(grads[key]);
      for (let i = 0; i < W.length; i++) {
        const g = dW[i];
        m[i] += (1 - beta1) * (g - m[i]);
        v[i] += (1 - beta2) * (g * g - v[i]);
        W[i] -= (lrT * m[i]) / (Math.sqrt(v[i]) + EPSILON);
      }
    }
  }

  /** { iter: updates so far, m and v: the moments of each parameter, or null before the first update }. */
  state(): State {
    return cloneState({ iter: this.iter, m: this.m, v: this.v });
  }

  restore(state: State): void {
    const { iter, m, v } = state as { iter?: State; m?: State; v?: State };
    if (!Number.isInteger(iter) || (iter as number) < 0) throw new RangeError(`Adam.restore: iter must be a non-negative integer, got ${JSON.stringify(iter)}`);
    this.iter = iter as number;
    this.m = slotsFromState("Adam", "m", m);
    this.v = slotsFromState("Adam", "v", v);
  }

  spec(): OptimizerSpec {
    return { type: Adam.type, lr: this.lr, beta1: this.beta1, beta2: this.beta2 };
  }

  toString(): string {
    return describe(this.spec());
  }
}
