import { zerosLike, type Tensor } from "@backprop/core";

// keeps the division finite where a squared-gradient sum is still 0, as the book does
const EPSILON = 1e-7;

/** Updates parameters in place from their gradients, by name. */
export interface Optimizer {
  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void;
}

// The optimizers of the book's chapter 6, in order of increasing complexity.

/** Stochastic gradient descent: W -= lr * dW. */
export class SGD implements Optimizer {
  constructor(public lr = 0.01) {}

  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    for (const key of Object.keys(params)) params[key].isubScaled(grads[key], this.lr);
  }
}

/** SGD with momentum: v = momentum * v - lr * dW;  W += v. */
export class Momentum implements Optimizer {
  private v?: Record<string, Tensor>;

  constructor(public lr = 0.01, readonly momentum = 0.9) {}

  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    this.v ??= mapValues(params, zerosLike);
    for (const key of Object.keys(params)) {
      this.v[key].imul(this.momentum).isub(grads[key].mul(this.lr));
      params[key].iadd(this.v[key]);
    }
  }
}

/** AdaGrad: h += dW * dW;  W -= lr * dW / (sqrt(h) + 1e-7). */
export class AdaGrad implements Optimizer {
  private h?: Record<string, Tensor>;

  constructor(public lr = 0.01) {}

  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    this.h ??= mapValues(params, zerosLike);
    for (const key of Object.keys(params)) {
      this.h[key].iadd(grads[key].mul(grads[key]));
      params[key].isub(grads[key].mul(this.lr).div(this.h[key].sqrt().add(EPSILON)));
    }
  }
}

/** Adam (Kingma and Ba, arXiv 1412.6980), in the book's form with the bias correction folded into lr. */
export class Adam implements Optimizer {
  private m?: Record<string, Tensor>;
  private v?: Record<string, Tensor>;
  private iter = 0;

  constructor(public lr = 0.001, readonly beta1 = 0.9, readonly beta2 = 0.999) {}

  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    this.m ??= mapValues(params, zerosLike);
    this.v ??= mapValues(params, zerosLike);
    this.iter++;
    const lrT = (this.lr * Math.sqrt(1 - this.beta2 ** this.iter)) / (1 - this.beta1 ** this.iter);
    for (const key of Object.keys(params)) {
      const g = grads[key];
      this.m[key].iadd(g.sub(this.m[key]).mul(1 - this.beta1));
      this.v[key].iadd(g.mul(g).sub(this.v[key]).mul(1 - this.beta2));
      params[key].isub(this.m[key].mul(lrT).div(this.v[key].sqrt().add(EPSILON)));
    }
  }
}

function mapValues(record: Record<string, Tensor>, f: (t: Tensor) => Tensor): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}
