import { ShapeError, Tensor, div, formatShape } from "@backprop/core";
import { classIndices } from "./losses/labels.js";

// keeps log() finite when a predicted probability is 0, as the book does
const LOG_EPSILON = 1e-7;

/** 1 / (1 + exp(-x)), element-wise. */
export function sigmoid(x: Tensor): Tensor {
  return div(1, x.neg().exp().add(1));
}

/** Softmax along the last axis.  x: (C) or (N, C) -> the same shape, each row summing to 1. */
export function softmax(x: Tensor): Tensor {
  if (x.ndim !== 1 && x.ndim !== 2) {
    throw new ShapeError(`softmax: x must be (C) or (N, C), got ${formatShape(x.shape)}`);
  }
  // subtracting the row max leaves the result unchanged and keeps exp() from overflowing
  const shifted = x.sub(x.max(-1, { keepDims: true }));
  const e = shifted.exp();
  return e.div(e.sum(-1, { keepDims: true }));
}

/**
 * Mean cross-entropy of predicted probabilities y against labels t (class indices or one-hot, see classIndices).
 * y: (N, C) with t (N) or (N, C); or one sample, y (C) with t () or (C) -> a number.
 */
export function crossEntropyError(y: Tensor, t: Tensor): number {
  // one sample is a batch of one: a 0-d t is its class index, a 1-d t its one-hot row
  const single = y.ndim === 1;
  if (single && t.ndim !== 0 && !(t.ndim === 1 && t.shape[0] === y.shape[0])) {
    throw new ShapeError(`crossEntropyError: for one sample y ${formatShape(y.shape)}, t must be a class index (a 0-d tensor) or a ${formatShape(y.shape)} one-hot row, got ${formatShape(t.shape)}`);
  }
  const y2 = single ? y.reshape(1, -1) : y;
  const t2 = single ? t.reshape(...(t.ndim === 0 ? [1] : [1, -1])) : t;
  if (y2.ndim !== 2) throw new ShapeError(`crossEntropyError: y must be (C) or (N, C), got ${formatShape(y.shape)}`);
  const [n, classes] = y2.shape;
  return meanNegativeLog(y2, classIndices("crossEntropyError", t2, n, classes));
}

/** -mean(log(y[i, labels[i]] + 1e-7)): the cross-entropy of probabilities y (N, C) at known class indices. */
export function meanNegativeLog(y: Tensor, labels: Int32Array): number {
  let total = 0;
  for (let i = 0; i < labels.length; i++) total += Math.log(y.get(i, labels[i]) + LOG_EPSILON);
  return -total / labels.length;
}
