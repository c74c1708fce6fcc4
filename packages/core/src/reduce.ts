import { flatValues, forEachOffsetOf, normalizeAxis } from "./indexing.js";
import { Tensor, allocate, ndOf, sizeOf, type ReduceOptions } from "./tensor.js";
import { ShapeError, formatShape } from "./errors.js";

/** Folds `count` values read at `data[base + k * step]` into one number. */
type Fold = (data: ArrayLike<number>, base: number, step: number, count: number) => number;

const sumFold: Fold = (data, base, step, count) => {
  let s = 0;
  for (let k = 0; k < count; k++) s += data[base + k * step];
  return s;
};

// NaN propagates, as in NumPy
const maxFold: Fold = (data, base, step, count) => {
  let m = -Infinity;
  for (let k = 0; k < count; k++) {
    const v = data[base + k * step];
    if (v > m || v !== v) m = v;
    if (m !== m) break;
  }
  return m;
};

const minFold: Fold = (data, base, step, count) => {
  let m = Infinity;
  for (let k = 0; k < count; k++) {
    const v = data[base + k * step];
    if (v < m || v !== v) m = v;
    if (m !== m) break;
  }
  return m;
};

// the first NaN wins, as in NumPy
const argmaxFold: Fold = (data, base, step, count) => {
  let best = 0;
  let m = data[base];
  if (m !== m) return 0;
  for (let k = 1; k < count; k++) {
    const v = data[base + k * step];
    if (v !== v) return k;
    if (v > m) {
      m = v;
      best = k;
    }
  }
  return best;
};

/**
 * Applies `fold` along `axis` (every element when `axis` is undefined) and returns the result: a number for a
 * full reduction, else a tensor with that axis removed, or kept as size 1 with `keepDims`.
 */
function reduceAlong(op: string, x: Tensor, fold: Fold, axis: number | undefined, options: ReduceOptions = {}): number | Tensor {
  if (axis === undefined) {
    if (x.size === 0 && fold !== sumFold) throw new ShapeError(`${op}: cannot reduce an empty tensor ${formatShape(x.shape)}`);
    const flat = flatValues(x);
    return fold(flat, 0, 1, flat.length);
  }
  const ax = normalizeAxis(op, axis, x.ndim);
  const count = x.shape[ax];
  if (count === 0 && fold !== sumFold) throw new ShapeError(`${op}: cannot reduce axis ${axis} of size 0 in ${formatShape(x.shape)}`);
  const nd = ndOf(x);
  const step = nd.stride[ax];
  // x's layout with the reduced axis dropped: its offsets are where each fold starts
  const outer = { shape: x.shape.filter((_, d) => d !== ax), stride: nd.stride.filter((_, d) => d !== ax), offset: nd.offset };
  // indices stay float64 whatever x is, so that they are exact
  const out = allocate(fold === argmaxFold ? "float64" : x.dtype, sizeOf(outer.shape), op, outer.shape);
  const data = nd.data;
  forEachOffsetOf(outer, (base, i) => {
    out[i] = fold(data, base, step, count);
  });
  const shape = options.keepDims ? x.shape.map((n, d) => (d === ax ? 1 : n)) : outer.shape;
  return Tensor.fromData(out, shape);
}

export function sum(x: Tensor, axis?: number, options?: ReduceOptions): number | Tensor {
  return reduceAlong("sum", x, sumFold, axis, options);
}

export function mean(x: Tensor, axis?: number, options?: ReduceOptions): number | Tensor {
  const total = reduceAlong("mean", x, sumFold, axis, options);
  const count = axis === undefined ? x.size : x.shape[normalizeAxis("mean", axis, x.ndim)];
  return typeof total === "number" ? total / count : total.div(count);
}

export function max(x: Tensor, axis?: number, options?: ReduceOptions): number | Tensor {
  return reduceAlong("max", x, maxFold, axis, options);
}

export function min(x: Tensor, axis?: number, options?: ReduceOptions): number | Tensor {
  return reduceAlong("min", x, minFold, axis, options);
}

export function argmax(x: Tensor, axis?: number, options?: ReduceOptions): number | Tensor {
  return reduceAlong("argmax", x, argmaxFold, axis, options);
}

/** Sums `x` down to `shape`, undoing a broadcast: the gradient of an input that was broadcast to x's shape. */
export function sumTo(x: Tensor, shape: readonly number[]): Tensor {
  const lead = x.ndim - shape.length;
  if (lead < 0 || shape.some((n, d) => n !== 1 && n !== x.shape[d + lead])) {
    throw new ShapeError(`sumTo: ${formatShape(x.shape)} was not broadcast from ${formatShape(shape)}`);
  }
  let out = x;
  for (let d = 0; d < lead; d++) out = out.sum(0);
  shape.forEach((n, d) => {
    if (n === 1 && out.shape[d] !== 1) out = out.sum(d, { keepDims: true });
  });
  return out === x ? x.copy() : out;
}
