import { zerosLike, type Tensor } from "@backprop/core";

/** The step of the central difference, as the book uses. */
export const NUMERICAL_H = 1e-4;

/**
 * Central-difference gradient of f at x: df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / 2h, for every element of x in
 * row-major order. x is perturbed in place, one element at a time, and restored exactly. x: any shape -> the same shape.
 */
export function numericalGradient(f: (x: Tensor) => number, x: Tensor, h = NUMERICAL_H): Tensor {
  const grad = zerosLike(x);
  const out = grad.contiguousData();
  const element = elementAccess(x);
  for (let i = 0; i < x.size; i++) {
    const saved = element.get(i);
    element.set(i, saved + h);
    const fxh1 = f(x);
    element.set(i, saved - h);
    const fxh2 = f(x);
    element.set(i, saved);
    out[i] = (fxh1 - fxh2) / (2 * h);
  }
  return grad;
}

/** Reads and writes x's element at a row-major index: through its buffer when contiguous, else through its view. */
function elementAccess(x: Tensor): { get(i: number): number; set(i: number, v: number): void } {
  if (x.isContiguous) {
    const data = x.contiguousData();
    return { get: (i) => data[i], set: (i, v) => (data[i] = v) };
  }
  const index = (i: number): number[] => {
    const at = new Array<number>(x.ndim);
    for (let d = x.ndim - 1; d >= 0; d--) {
      at[d] = i % x.shape[d];
      i = Math.floor(i / x.shape[d]);
    }
    return at;
  };
  return { get: (i) => x.get(...index(i)), set: (i, v) => x.set(index(i), v) };
}
