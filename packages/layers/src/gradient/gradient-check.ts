import { randn, type Random, type Tensor } from "@backprop/core";
import type { Layer } from "../layers/layer.js";
import type { Loss } from "../losses/loss.js";
import type { State } from "../training/state.js";
import { NUMERICAL_H, numericalGradient } from "./numerical-gradient.js";

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

/** True when every parameter's mean |diff| is at most `tolerance`; one parameter above it, or a NaN, fails. */
export function gradientsAgree(diffs: Record<string, GradientDiff>, tolerance: number): boolean {
  // "<=" rather than a test against ">", so that NaN fails
  return Object.values(diffs).every((d) => d.meanAbsDiff <= tolerance);
}

/** What a gradient check needs of a net: its parameters, its loss, backprop, and (if it has one) its state. */
export interface Differentiable {
  params: Record<string, Tensor>;
  loss(x: Tensor, t: Tensor, train?: boolean): number;
  gradient(x: Tensor, t: Tensor): Record<string, Tensor>;
  state?(): State;
  restore?(state: State): void;
}

/**
 * Gradients of the training-mode loss by central differences, per parameter (slow: two losses per element). Before
 * each loss the net's state is put back, so that every evaluation draws the same Dropout mask as `gradient` would
 * from that state; the net is left as it was.
 */
export function numericalGradients(net: Differentiable, x: Tensor, t: Tensor, h = NUMERICAL_H): Record<string, Tensor> {
  const saved = net.state?.();
  const reset = (): void => {
    if (saved !== undefined) net.restore?.(saved);
  };
  const loss = (): number => {
    reset();
    return net.loss(x, t, true);
  };
  const grads: Record<string, Tensor> = {};
  for (const [name, p] of Object.entries(net.params)) grads[name] = numericalGradient(loss, p, h);
  reset();
  return grads;
}

/**
 * Backprop against numerical differentiation, per parameter, as the book's gradient_check.py, on the training-mode
 * loss (weight decay included). Both start from the net's present state, so Dropout draws one mask for all of them;
 * the net is left as it was. Runs in float64: parameters of another dtype are refused.
 */
export function gradientCheck(net: Differentiable, x: Tensor, t: Tensor, h = NUMERICAL_H): Record<string, GradientDiff> {
  for (const [name, p] of Object.entries(net.params)) {
    if (p.dtype !== "float64") throw new Error(`gradientCheck: ${name} is ${p.dtype}, expected float64`);
  }
  const saved = net.state?.();
  const backprop = net.gradient(x, t);
  if (saved !== undefined) net.restore?.(saved);
  const numerical = numericalGradients(net, x, t, h);
  const result: Record<string, GradientDiff> = {};
  for (const name of Object.keys(net.params)) result[name] = compareGradients(backprop[name], numerical[name]);
  return result;
}

export interface CheckLayerOptions {
  /** Passed to forward (default true: the training behaviour, which is what backward differentiates). */
  train?: boolean;
  /** Called before every forward: put back a generator here so that a random layer draws one mask throughout. */
  reset?: () => void;
  h?: number;
}

/**
 * Checks one layer's backward on input x: with a fixed random R, the loss sum(forward(x) * R) has gradient
 * backward(R); returns the differences for `x` and for each of the layer's parameters.
 */
export function checkLayer(layer: Layer, x: Tensor, rng: Random, options: CheckLayerOptions = {}): Record<string, GradientDiff> {
  const { train = true, reset = () => {}, h = NUMERICAL_H } = options;
  for (const [name, p] of Object.entries({ x, ...(layer.params?.() ?? {}) })) {
    if (p.dtype !== "float64") throw new Error(`checkLayer: ${name} is ${p.dtype}, expected float64`);
  }
  reset();
  const R = randn(layer.forward(x, train).shape, rng);
  const loss = (): number => {
    reset();
    return layer.forward(x, train).mul(R).sum();
  };
  loss();
  const result: Record<string, GradientDiff> = { x: compareGradients(layer.backward(R), numericalGradient(loss, x, h)) };
  const grads = layer.grads?.() ?? {};
  for (const [name, p] of Object.entries(layer.params?.() ?? {})) {
    result[name] = compareGradients(grads[name], numericalGradient(loss, p, h));
  }
  return result;
}

/** Checks a loss's backward: dy = backward(1) against the numerical gradient of forward(y, t) with respect to y. */
export function checkLoss(loss: Loss, y: Tensor, t: Tensor, h = NUMERICAL_H): GradientDiff {
  if (y.dtype !== "float64") throw new Error(`checkLoss: y is ${y.dtype}, expected float64`);
  loss.forward(y, t);
  const dy = loss.backward(1);
  return compareGradients(dy, numericalGradient((v) => loss.forward(v, t), y, h));
}
