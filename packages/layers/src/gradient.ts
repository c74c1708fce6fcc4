import { Random, Tensor, forEachOffset, randn, zerosLike } from "@backprop/core";
import type { Layer } from "./layer";

/** The step of the central difference, as the book uses. */
export const NUMERICAL_H = 1e-4;

/**
 * Central-difference gradient of f at x: df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / 2h, for every element of x.
 * x is perturbed in place, one element at a time, and restored exactly. x: any shape -> the same shape.
 */
export function numericalGradient(f: (x: Tensor) => number, x: Tensor, h = NUMERICAL_H): Tensor {
  const grad = zerosLike(x);
  const data = x.nd.data;
  const out = grad.nd.data;
  forEachOffset(x, (at, i) => {
    const saved = data[at];
    data[at] = saved + h;
    const fxh1 = f(x);
    data[at] = saved - h;
    const fxh2 = f(x);
    data[at] = saved;
    out[i] = (fxh1 - fxh2) / (2 * h);
  });
  return grad;
}

/** How far a backprop gradient is from the numerical one, over all elements. */
export interface GradientDiff {
  meanAbsDiff: number;
  maxAbsDiff: number;
  /** max |a - n| / max(|a|, |n|) over the elements where either is non-zero. */
  maxRelError: number;
}

/** Compares two gradients of one shape element by element. */
export function compareGradients(analytic: Tensor, numerical: Tensor): GradientDiff {
  const a = analytic.flatten().toArray() as number[];
  const n = numerical.flatten().toArray() as number[];
  if (a.length !== n.length) throw new Error(`compareGradients: sizes differ, ${a.length} and ${n.length}`);
  let sum = 0;
  let maxAbsDiff = 0;
  let maxRelError = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i] - n[i]);
    sum += diff;
    // NaN must not hide behind a comparison that is false
    maxAbsDiff = diff > maxAbsDiff || diff !== diff ? diff : maxAbsDiff;
    const scale = Math.max(Math.abs(a[i]), Math.abs(n[i]));
    const rel = scale === 0 ? 0 : diff / scale;
    maxRelError = rel > maxRelError || rel !== rel ? rel : maxRelError;
  }
  return { meanAbsDiff: a.length === 0 ? 0 : sum / a.length, maxAbsDiff, maxRelError };
}

/** What gradientCheck needs of a network: its parameters by name, a loss and a backprop gradient. */
export interface Differentiable {
  params: Record<string, Tensor>;
  loss(x: Tensor, t: Tensor): number;
  gradient(x: Tensor, t: Tensor): Record<string, Tensor>;
}

/**
 * Backprop against numerical differentiation, per parameter, as the book's gradient_check.py.
 * Runs in float64: parameters of another dtype are refused.
 */
export function gradientCheck(net: Differentiable, x: Tensor, t: Tensor, h = NUMERICAL_H): Record<string, GradientDiff> {
  for (const [name, p] of Object.entries(net.params)) {
    if (p.dtype !== "float64") throw new Error(`gradientCheck: ${name} is ${p.dtype}, expected float64`);
  }
  const backprop = net.gradient(x, t);
  const result: Record<string, GradientDiff> = {};
  for (const [name, p] of Object.entries(net.params)) {
    const numerical = numericalGradient(() => net.loss(x, t), p, h);
    result[name] = compareGradients(backprop[name], numerical);
  }
  return result;
}

/**
 * Checks one layer's backward on input x: with a fixed random R, the loss sum(forward(x) * R) has gradient
 * backward(R); returns the differences for `x` and for each of the layer's parameters.
 */
export function checkLayer(layer: Layer, x: Tensor, rng: Random, h = NUMERICAL_H): Record<string, GradientDiff> {
  for (const [name, p] of Object.entries({ x, ...(layer.params?.() ?? {}) })) {
    if (p.dtype !== "float64") throw new Error(`checkLayer: ${name} is ${p.dtype}, expected float64`);
  }
  const R = randn(layer.forward(x).shape, rng);
  const loss = (): number => layer.forward(x).mul(R).sum();
  loss();
  const result: Record<string, GradientDiff> = { x: compareGradients(layer.backward(R), numericalGradient(loss, x, h)) };
  const grads = layer.grads?.() ?? {};
  for (const [name, p] of Object.entries(layer.params?.() ?? {})) {
    result[name] = compareGradients(grads[name], numericalGradient(loss, p, h));
  }
  return result;
}
