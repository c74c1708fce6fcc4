import { ShapeError, Tensor, div, formatShape } from "@backprop/core";

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
 * The class index of each row of `t`, which holds N class indices in [0, C) or is an (N, C) one-hot matrix.
 * `where` names the caller in errors.
 */
export function classIndices(where: string, t: Tensor, n: number, classes: number): Int32Array {
  const oneHot = t.ndim === 2 && t.shape[0] === n && t.shape[1] === classes;
  if (!oneHot && !(t.ndim === 1 && t.shape[0] === n)) {
    throw new ShapeError(`${where}: t must hold ${n} class indices in [0, ${classes}) or be (${n}, ${classes}) one-hot, got ${formatShape(t.shape)}`);
  }
  if (oneHot) checkOneHot(where, t);
  const labels = oneHot ? (t.argmax(1).toArray() as number[]) : (t.toArray() as number[]);
  const out = new Int32Array(n);
  labels.forEach((label, i) => {
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new RangeError(`${where}: t[${i}] = ${label} is not a class index in [0, ${classes})`);
    }
    out[i] = label;
  });
  return out;
}

// soft labels or an empty row would be read as argmax's class: refuse them rather than guess
function checkOneHot(where: string, t: Tensor): void {
  const [n, classes] = t.shape;
  for (let i = 0; i < n; i++) {
    let ones = 0;
    for (let c = 0; c < classes; c++) {
      const v = t.get(i, c);
      if (v === 1) ones++;
      else if (v !== 0) throw new RangeError(`${where}: one-hot t must hold only 0 and 1, got t[${i}, ${c}] = ${v}`);
    }
    if (ones !== 1) throw new RangeError(`${where}: one-hot row t[${i}] must hold exactly one 1, got ${ones}`);
  }
}

/**
 * Mean cross-entropy of predicted probabilities y against labels t (class indices or one-hot).
 * y: (C) or (N, C); t: (N) or (N, C) -> a number.
 */
export function crossEntropyError(y: Tensor, t: Tensor): number {
  // one sample: y (C) with t a single index or a (C) one-hot row
  const single = y.ndim === 1;
  const y2 = single ? y.reshape(1, -1) : y;
  const t2 = single ? t.reshape(...(t.size === y.size ? [1, -1] : [-1])) : t;
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
