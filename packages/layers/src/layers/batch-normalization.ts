import { ShapeError, formatShape, zerosLike, type Tensor } from "@backprop/core";
import { cloneState, type State } from "../training/state.js";
import { checkDout, checkOption, notForwarded, type BuildContext, type Layer, type LayerSpec } from "./layer.js";

/** The book's 10e-7 under the square root, which keeps a feature of zero variance finite. */
const DEFAULT_EPS = 1e-6;

export interface BatchNormalizationOptions {
  /** Weight of the old running statistics in each update (the book's 0.9). */
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalization (Ioffe and Szegedy, arXiv 1502.03167), as the book: out = gamma * xn + beta, where xn is x
 * standardized per feature by the batch's mean and variance in training, and by the running mean and variance
 * (updated at every training forward) at inference.  x: (N, D) -> out: (N, D);  gamma, beta: (D).
 */
export class BatchNormalization implements Layer {
  static readonly type = "BatchNormalization";
  readonly tag = "batchnorm";
  readonly momentum: number;
  readonly eps: number;
  gamma: Tensor;
  beta: Tensor;
  runningMean: Tensor;
  runningVar: Tensor;
  dgamma?: Tensor;
  dbeta?: Tensor;
  private cache?: { xc: Tensor; xn: Tensor; std: Tensor; batchSize: number };

  constructor(gamma: Tensor, beta: Tensor, options: BatchNormalizationOptions = {}) {
    if (gamma.ndim !== 1 || beta.ndim !== 1 || beta.shape[0] !== gamma.shape[0]) {
      throw new ShapeError(`BatchNormalization: gamma and beta must be (D), got ${formatShape(gamma.shape)} and ${formatShape(beta.shape)}`);
    }
    this.gamma = gamma;
    this.beta = beta;
    this.momentum = checkOption("BatchNormalization", "momentum", options.momentum ?? 0.9, 0, 1, true);
    this.eps = checkOption("BatchNormalization", "eps", options.eps ?? DEFAULT_EPS, 0, Infinity);
    this.runningMean = zerosLike(gamma);
    this.runningVar = zerosLike(gamma);
  }

  /** { type: "BatchNormalization", size: D, momentum, eps } -> gamma of ones and beta of zeros, to be loaded. */
  static fromSpec(spec: LayerSpec, context: BuildContext): BatchNormalization {
    const { size, momentum, eps } = spec;
    if (!Number.isInteger(size) || (size as number) <= 0) throw new RangeError(`BatchNormalization: size must be a positive integer, got ${JSON.stringify(size)}`);
    return new BatchNormalization(context.param([size as number], 1), context.param([size as number]), { momentum: momentum as number, eps: eps as number });
  }

  forward(x: Tensor, train = true): Tensor {
    const D = this.gamma.shape[0];
    if (x.ndim !== 2 || x.shape[1] !== D) throw new ShapeError(`BatchNormalization.forward: x must be (N, ${D}) to match gamma (${D},), got ${formatShape(x.shape)}`);
    let xn: Tensor;
    if (train) {
      const mu = x.mean(0);
      const xc = x.sub(mu);
      const variance = xc.mul(xc).mean(0);
      const std = variance.add(this.eps).sqrt();
      xn = xc.div(std);
      this.cache = { xc, xn, std, batchSize: x.shape[0] };
      this.runningMean.assign(this.runningMean.mul(this.momentum).add(mu.mul(1 - this.momentum)));
      this.runningVar.assign(this.runningVar.mul(this.momentum).add(variance.mul(1 - this.momentum)));
    } else {
      xn = x.sub(this.runningMean).div(this.runningVar.add(this.eps).sqrt());
    }
    return xn.mul(this.gamma).add(this.beta);
  }

  /** dout: (N, D) -> dx: (N, D), through the batch's mean and variance;  keeps dgamma, dbeta: (D). */
  backward(dout: Tensor): Tensor {
    if (!this.cache) throw notForwarded("BatchNormalization");
    const { xc, xn, std, batchSize } = this.cache;
    checkDout("BatchNormalization", dout, xc.shape);
    this.dbeta = dout.sum(0);
    this.dgamma = xn.mul(dout).sum(0);
    const dxn = dout.mul(this.gamma);
    const dstd = dxn.mul(xc).div(std.mul(std)).sum(0).neg();
    const dvar = dstd.mul(0.5).div(std);
    const dxc = dxn.div(std).add(xc.mul(2 / batchSize).mul(dvar));
    const dmu = dxc.sum(0);
    return dxc.sub(dmu.div(batchSize));
  }

  params(): Record<string, Tensor> {
    return { gamma: this.gamma, beta: this.beta };
  }

  grads(): Record<string, Tensor> {
    if (!this.dgamma || !this.dbeta) throw new Error("BatchNormalization.grads: no gradients before the first backward");
    return { gamma: this.dgamma, beta: this.dbeta };
  }

  /** The running mean and variance used at inference (copies). */
  state(): State {
    return cloneState({ runningMean: this.runningMean, runningVar: this.runningVar });
  }

  restore(state: State): void {
    const { runningMean, runningVar } = state as { runningMean: Tensor; runningVar: Tensor };
    for (const [name, saved] of Object.entries({ runningMean, runningVar })) {
      if (saved?.shape?.[0] !== this.gamma.shape[0] || saved.ndim !== 1) {
        throw new ShapeError(`BatchNormalization.restore: ${name} must be (${this.gamma.shape[0]},), got ${saved?.shape ? formatShape(saved.shape) : String(saved)}`);
      }
    }
    this.runningMean.assign(runningMean);
    this.runningVar.assign(runningVar);
  }

  spec(): LayerSpec {
    return { type: BatchNormalization.type, size: this.gamma.shape[0], momentum: this.momentum, eps: this.eps };
  }

  toString(): string {
    return `BatchNormalization(${this.gamma.shape[0]})`;
  }
}
