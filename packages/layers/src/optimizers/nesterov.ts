import type { Tensor } from "@backprop/core";
import { cloneState, type State } from "../training/state.js";
import { checkGrads, describe, elementsOf, fraction, rowMajorOf, positive, slotsFor, slotsFromState, type Optimizer, type OptimizerSpec, type Slots } from "./optimizer.js";

/**
 * Nesterov's accelerated gradient (Bengio et al., arXiv 1212.0901), in the book's form:
 * W += momentum^2 * v;  W -= (1 + momentum) * lr * dW;  v = momentum * v - lr * dW.
 */
export class Nesterov implements Optimizer {
  static readonly type = "Nesterov";
  readonly lr: number;
  readonly momentum: number;
  private v: Slots | null = null;

  constructor(lr = 0.01, momentum = 0.9) {
    this.lr = positive("Nesterov", "lr", lr);
    this.momentum = fraction("Nesterov", "momentum", momentum);
  }

  static fromSpec(spec: OptimizerSpec): Nesterov {
    return new Nesterov(spec.lr as number | undefined, spec.momentum as number | undefined);
  }

  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    checkGrads("Nesterov.update", params, grads);
    this.v = slotsFor("Nesterov.update", "velocity", this.v, params);
    const { lr, momentum } = this;
    const ahead = momentum * momentum;
    const step = (1 + momentum) * lr;
    for (const key of Object.keys(params)) {
      const W = elementsOf(params[key]);
      const v = elementsOf(this.v[key]);
      const dW = rowMajorOf(grads[key]);
      for (let i = 0; i < W.length; i++) {
        W[i] += ahead * v[i];
        W[i] -= step * dW[i];
        v[i] *= momentum;
        v[i] -= lr * dW[i];
      }
    }
  }

  /** { v: the velocity of each parameter, or null before the first update }. */
  state(): State {
    return cloneState({ v: this.v });
  }

  restore(state: State): void {
    this.v = slotsFromState("Nesterov", "v", (state as { v?: State }).v);
  }

  spec(): OptimizerSpec {
    return { type: Nesterov.type, lr: this.lr, momentum: this.momentum };
  }

  toString(): string {
    return describe(this.spec());
  }
}
