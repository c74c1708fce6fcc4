import type { Tensor } from "@backprop/core";
import { cloneState, type State } from "../training/state.js";
import { EPSILON, checkGrads, describe, elementsOf, fraction, rowMajorOf, positive, slotsFor, slotsFromState, type Optimizer, type OptimizerSpec, type Slots } from "./optimizer.js";

/** RMSprop (Tieleman and Hinton, 2012): h = decayRate * h + (1 - decayRate) * dW * dW;  W -= lr * dW / (sqrt(h) + 1e-7). */
export class RMSprop implements Optimizer {
  static readonly type = "RMSprop";
  readonly lr: number;
  readonly decayRate: number;
  private h: Slots | null = null;

  constructor(lr = 0.01, decayRate = 0.99) {
    this.lr = positive("RMSprop", "lr", lr);
    this.decayRate = fraction("RMSprop", "decayRate", decayRate);
  }

  static fromSpec(spec: OptimizerSpec): RMSprop {
    return new RMSprop(spec.lr as number | undefined, spec.decayRate as number | undefined);
  }

  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    checkGrads("RMSprop.update", params, grads);
    this.h = slotsFor("RMSprop.update", "mean square", this.h, params);
    const { lr, decayRate } = this;
    const rest = 1 - decayRate;
    for (const key of Object.keys(params)) {
      const W = elementsOf(params[key]);
      const h = elementsOf(this.h[key]);
      const dW = rowMajorOf(grads[key]);
      for (let i = 0; i < W.length; i++) {
        h[i] *= decayRate;
        h[i] += rest * dW[i] * dW[i];
        W[i] -= (lr * dW[i]) / (Math.sqrt(h[i]) + EPSILON);
      }
    }
  }

  /** { h: the running mean square of each parameter's gradient, or null before the first update }. */
  state(): State {
    return cloneState({ h: this.h });
  }

  restore(state: State): void {
    this.h = slotsFromState("RMSprop", "h", (state as { h?: State }).h);
  }

  spec(): OptimizerSpec {
    return { type: RMSprop.type, lr: this.lr, decayRate: this.decayRate };
  }

  toString(): string {
    return describe(this.spec());
  }
}
