import { Tensor } from "@backprop/core";
import { BatchNormalization } from "../layers/batch-normalization.js";
import { Dropout } from "../layers/dropout.js";
import type { Net } from "../nets/net.js";
import { assignFlat } from "../nets/flat-params.js";
import { rowMajorOf } from "../optimizers/optimizer.js";
import type { BatchSource } from "./batch-source.js";

/** Samples per forward and backward pass: the memory of one (1000, 784) batch and its activations, whatever the set's size. */
export const OBJECTIVE_CHUNK = 1000;

/**
 * The full-batch loss L(θ) of a net on a training set, weight decay included, and its gradient ∇L(θ), as functions
 * of the net's flat parameter vector θ (flattenParams' order): the mean over every sample, computed OBJECTIVE_CHUNK
 * samples at a time and weighted by each chunk's share, so memory stays that of one chunk. Evaluating writes θ into
 * the net. The last point's loss and gradient are kept: asking again at the same θ costs nothing and is not counted.
 */
export class FullBatchObjective {
  /** The number of parameters, the length of θ. */
  readonly size: number;
  /** Gradients computed so far (a point asked for twice in a row counts once). */
  evaluations = 0;
  private readonly theta: Float64Array;
  private readonly grad: Float64Array;
  private loss = Number.NaN;
  private cached = false;

  constructor(
    readonly net: Net,
    readonly set: BatchSource,
    readonly chunk: number = OBJECTIVE_CHUNK,
  ) {
    if (net.dtype !== "float64") throw new TypeError(`FullBatchObjective: ${net} is ${net.dtype}, expected float64: an ODE solver's error control needs float64 gradients`);
    const dropout = [...net.layers].find(([, layer]) => layer instanceof Dropout);
    if (dropout) throw new TypeError(`FullBatchObjective: ${net}'s ${dropout[0]} draws a new mask at every gradient, so the full-batch loss it would follow is not a function of θ; train it without dropout`);
    // in training mode it normalizes each chunk by the chunk's statistics, and every gradient (each Jacobian column
    // at a trial θ too) moves its running statistics
    const batchNorm = [...net.layers].find(([, layer]) => layer instanceof BatchNormalization);
    if (batchNorm) throw new TypeError(`FullBatchObjective: ${net}'s ${batchNorm[0]} normalizes by each chunk's statistics and updates its running ones at every gradient, so the loss is not the full batch's function of θ; train it without batch norm`);
    if (!(set.length >= 1)) throw new RangeError("FullBatchObjective: the training set is empty, expected at least one sample");
    this.size = Object.values(net.params).reduce((n, p) => n + p.size, 0);
    this.theta = new Float64Array(this.size);
    this.grad = new Float64Array(this.size);
  }

  /** The loss and gradient kept from the last evaluation when it was at θ, else undefined. */
  kept(theta: Float64Array): { loss: number; grad: Float64Array } | undefined {
    return this.cached && sameValues(theta, this.theta) ? { loss: this.loss, grad: this.grad } : undefined;
  }

  /** Keeps `loss` and `grad` as those at θ, computed elsewhere (a checkpoint's): asking at θ then costs nothing. */
  keep(theta: Float64Array, loss: number, grad: Float64Array): void {
    if (theta.length !== this.size || grad.length !== this.size) throw new RangeError(`FullBatchObjective.keep: θ and its gradient must have the net's ${this.size} values, got ${theta.length} and ${grad.length}`);
    this.theta.set(theta);
    this.grad.set(grad);
    this.loss = loss;
    this.cached = true;
  }

  /** L(θ) and ∇L(θ); the gradient is the objective's own array, valid until the next call. θ: (size). */
  evaluate(theta: Float64Array): { loss: number; grad: Float64Array } {
    if (theta.length !== this.size) throw new RangeError(`FullBatchObjective.evaluate: θ has ${theta.length} values, expected the net's ${this.size} parameters`);
    if (this.cached && sameValues(theta, this.theta)) return { loss: this.loss, grad: this.grad };
    this.theta.set(theta);
    assignFlat(this.net.params, Tensor.fromData(this.theta.slice(), [this.size]));
    const n = this.set.length;
    const { grad } = this;
    grad.fill(0);
    let loss = 0;
    for (let start = 0; start < n; start += this.chunk) {
      const end = Math.min(start + this.chunk, n);
      const { x, t } = this.set.slice(start, end, "float64");
      const grads = this.net.gradient(x, t);
      // the chunks' mean losses weighted by their share of the samples: the mean over all (and weight decay once)
      const share = (end - start) / n;
      loss += share * (this.net.lastLoss as number);
      let at = 0;
      for (const name of Object.keys(this.net.params)) {
        const g = rowMajorOf(grads[name]);
        for (let i = 0; i < g.length; i++) grad[at + i] += share * g[i];
        at += g.length;
      }
    }
    this.loss = loss;
    this.cached = true;
    this.evaluations++;
    return { loss, grad };
  }
}

/** Whether two arrays hold the same numbers, bit for bit (NaN never is). */
function sameValues(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
