import type { Tensor } from "@backprop/core";
import { cloneState, type State } from "../training/state.js";
import { checkGrads, describe, elementsOf, fraction, rowMajorOf, positive, slotsFor, slotsFromState, type Optimizer, type OptimizerSpec, type Slots } from "./optimizer.js";

/** SGD with momentum: v = momentum * v - lr * dW;  W += v. */
export class Momentum implements Optimizer {
  static readonly type = "Momentum";
  readonly lr: number;
  readonly momentum: number;
  private v: Slots | null = null;

  constructor(lr = 0.01, momentum = 0.9) {
    this.lr = positive("Momentum", "lr", lr);
    this.momentum = fraction("Momentum", "momentum", momentum);
  }

  static fromSpec(spec: OptimizerSpec): Momentum {
    return new Momentum(spec.lr as number | undefined, spec.momentum as number | undefined);
  }

  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    checkGrads("Momentum.update", params, grads);
    this.v = slotsFor("Momentum.update", "velocity", this.v, params);
    const { lr, momentum } = this;
    for (const key of Object.keys(params)) {
      const W = elementsOf(params[key]);
      const v = elementsOf(this.v[key]);
      const dW = rowMajorOf(grads[key]);
      for (let i = 0; i < W.length; i++) {
        v[i] = momentum * v[i] - lr * dW[i];
        W[i] += v[i];
      }
    }
  }

  /** { v: the velocity of each parameter, or null before the first update }. */
  state(): State {
    return cloneState({ v: this.v });
  }

  restore(state: State): void {
    this.v = slotsFromState("Momentum", "v", (state as { v?: State }).v);
  }

  spec(): OptimizerSpec {
    return { type: Momentum.type, lr: this.lr, momentum: this.momentum };
  }

  toString(): string {
    return describe(this.spec());
  }
}
