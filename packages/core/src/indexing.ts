import ndarray from "ndarray";
import { ShapeError, formatShape } from "./errors.js";
import { Tensor, allocate, ndOf, sizeOf, stridesOf, type Data } from "./tensor.js";

/** Calls `visit` with the buffer offset of every element of `x`, in row-major order. */
export function forEachOffset(x: Tensor, visit: (offset: number, flatIndex: number) => void): void {
  forEachOffsetOf(ndOf(x), visit);
}

/** forEachOffset over any layout of shape, strides and offset. */
export function forEachOffsetOf(layout: { shape: readonly number[]; stride: readonly number[]; offset: number }, visit: (offset: number, flatIndex: number) => void): void {
  const { shape, stride, offset } = layout;
  const ndim = shape.length;
  const size = sizeOf(shape);
  if (size === 0) return;
  if (ndim === 0) return visit(offset, 0);
  const counter = new Array<number>(ndim).fill(0);
  const last = ndim - 1;
  const n = shape[last];
  const s = stride[last];
  let base = offset;
  for (let flat = 0; flat < size; flat += n) {
    for (let j = 0; j < n; j++) visit(base + j * s, flat + j);
    // advance the counter over all but the last axis
    let d = last - 1;
    while (d >= 0) {
      counter[d]++;
      base += stride[d];
      if (counter[d] < shape[d]) break;
      base -= stride[d] * shape[d];
      counter[d] = 0;
      d--;
    }
  }
}

/** The elements of `x` in row-major order, as a buffer of its dtype (the tensor's own when contiguous). */
export function flatValues(x: Tensor): Data {
  if (x.isContiguous) return x.contiguousData();
  const out = allocate(x.dtype, x.size, "copy", x.shape);
  const src = ndOf(x).data;
  forEachOffset(x, (at, i) => {
    out[i] = src[at];
  });
  return out;
}

/** `x` itself when contiguous (unless `copy`), else a contiguous copy. */
export function contiguous(x: Tensor, copy = false): Tensor {
  if (!copy && x.isContiguous) return x;
  if (!x.isContiguous) return Tensor.fromData(flatValues(x), x.shape);
  const out = allocate(x.dtype, x.size, "copy", x.shape);
  out.set(x.contiguousData());
  return Tensor.fromData(out, x.shape);
}

export function normalizeAxis(op: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis >= ndim || axis < -ndim) {
    throw new ShapeError(`${op}: axis ${axis} is out of bounds for a ${ndim}-d tensor`);
  }
  return axis < 0 ? axis + ndim : axis;
}

export function transpose(x: Tensor, axes: readonly number[]): Tensor {
  const ndim = x.ndim;
  const order = axes.length === 0 ? [...Array(ndim).keys()].reverse() : axes.map((a) => normalizeAxis("transpose", a, ndim));
  if (order.length !== ndim || new Set(order).size !== ndim) {
    throw new ShapeError(`transpose: axes [${axes.join(", ")}] are not a permutation of the ${ndim} axes of ${formatShape(x.shape)}`);
  }
  return new Tensor(ndOf(x).transpose(...order));
}

export function slice(x: Tensor, start: number, end: number): Tensor {
  if (x.ndim === 0) throw new ShapeError("slice: cannot slice a 0-d tensor");
  const n = x.shape[0];
  const lo = Math.min(Math.max(start < 0 ? start + n : start, 0), n);
  const hi = Math.min(Math.max(end < 0 ? end + n : end, lo), n);
  return new Tensor(ndOf(x).hi(hi).lo(lo));
}

export function take(x: Tensor, indices: ArrayLike<number>): Tensor {
  if (x.ndim === 0) throw new ShapeError("take: cannot take rows of a 0-d tensor");
  const n = x.shape[0];
  const rest = x.shape.slice(1);
  const rowSize = sizeOf(rest);
  const out = allocate(x.dtype, indices.length * rowSize, "take", [indices.length, ...rest]);
  const src = ndOf(contiguous(x));
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (!Number.isInteger(r) || r < 0 || r >= n) {
      throw new RangeError(`take: row index ${r} is out of bounds for ${n} rows of ${formatShape(x.shape)}`);
    }
    out.set(src.data.subarray(src.offset + r * rowSize, src.offset + (r + 1) * rowSize), i * rowSize);
  }
  return Tensor.fromData(out, [indices.length, ...rest]);
}

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const free = shape.indexOf(-1);
  const known = sizeOf(shape.filter((d) => d !== -1));
  const target = [...shape];
  const bad = shape.some((d) => !Number.isInteger(d) || d < -1) || shape.filter((d) => d === -1).length > 1;
  if (!bad && free >= 0 && known > 0 && x.size % known === 0) target[free] = x.size / known;
  if (bad || sizeOf(target) !== x.size || target.includes(-1)) {
    throw new ShapeError(`reshape: cannot reshape ${formatShape(x.shape)} (size ${x.size}) into ${formatShape(shape)}`);
  }
  const src = contiguous(x);
  const { data, offset } = ndOf(src);
  return new Tensor(ndarray(data, target, stridesOf(target), offset));
}
