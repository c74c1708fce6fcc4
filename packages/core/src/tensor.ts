import ndarray, { type NdArray } from "ndarray";
import { AllocationError, ShapeError, formatShape, formatValue } from "./errors.js";
import * as elementwise from "./elementwise.js";
import * as reduce from "./reduce.js";
import * as linalg from "./linalg.js";
import * as indexing from "./indexing.js";

export type DType = "float64" | "float32";
export type Data = Float64Array | Float32Array;
export type Shape = readonly number[];
export type NestedArray = number | NestedArray[];
export interface ReduceOptions {
  keepDims?: boolean;
}

/** Row-major strides of a shape: (2, 3, 4) -> [12, 4, 1]. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = step;
    step *= shape[i];
  }
  return strides;
}

export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const n of shape) size *= n;
  return size;
}

const BYTES: Record<DType, number> = { float64: 8, float32: 4 };

/** `dtype` itself when it is "float64" or "float32"; anything else is a RangeError naming `op`. */
export function checkDType(op: string, dtype: unknown): DType {
  if (dtype !== "float64" && dtype !== "float32") {
    throw new RangeError(`${op}: dtype must be "float64" or "float32", got ${formatValue(dtype)}`);
  }
  return dtype;
}

/**
 * A zeroed buffer of `size` values of `dtype`: every tensor's memory comes from here. A size that no typed array
 * can hold, or that the engine cannot allocate, is an AllocationError naming `op` and `shape` (default: (size,)).
 */
export function allocate(dtype: DType, size: number, op = "allocate", shape: Shape = [size]): Data {
  checkDType(op, dtype);
  if (Number.isNaN(size) || size < 0 || (Number.isFinite(size) && !Number.isInteger(size))) {
    throw new RangeError(`${op}: size must be a non-negative integer, got ${size}`);
  }
  if (!Number.isSafeInteger(size)) throw allocationError(op, shape, size, dtype);
  try {
    return dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
  } catch (error) {
    // "Invalid typed array length" beyond the engine's limit, "Array buffer allocation failed" out of memory
    if (error instanceof RangeError) throw allocationError(op, shape, size, dtype, error);
    throw error;
  }
}

function allocationError(op: string, shape: Shape, size: number, dtype: DType, cause?: unknown): AllocationError {
  const gb = (size * BYTES[dtype]) / 1e9;
  const amount = gb >= 1 ? `${Number(gb.toPrecision(4))} GB` : `${Number((gb * 1e3).toPrecision(4))} MB`;
  return new AllocationError(`${op}: cannot allocate ${formatShape(shape)} = ${size} ${dtype} values (${amount})`, cause === undefined ? undefined : { cause });
}

/** The ndarray view underneath a tensor: for the core's own modules, not exported from the package. */
export let ndOf: (x: Tensor) => NdArray<Data>;

/**
 * An n-dimensional array of float64 (or float32) numbers on a scijs ndarray. Shapes, broadcasting and
 * reductions follow NumPy. Pure methods return a new tensor; the in-place ones are named `i*` (`isub`).
 */
export class Tensor {
  // buffer, shape, strides and offset; private, so that every read and write goes through the tensor's methods
  readonly #nd: NdArray<Data>;

  static {
    ndOf = (x) => x.#nd;
  }

  /** A tensor over a scijs ndarray of float64 or float32 (no copy); every element it addresses must lie in its data. */
  constructor(nd: NdArray<Data>) {
    checkNdarray(nd);
    this.#nd = nd;
  }

  /** A tensor of `shape` over `data` in row-major order (no copy). */
  static fromData(data: Data, shape: Shape): Tensor {
    if (!(data instanceof Float64Array) && !(data instanceof Float32Array)) {
      const got = (data as object | null | undefined)?.constructor?.name ?? formatValue(data);
      throw new TypeError(`fromData: data must be a Float64Array or a Float32Array, got ${got}`);
    }
    if (sizeOf(shape) !== data.length) {
      throw new ShapeError(`fromData: ${data.length} values cannot fill shape ${formatShape(shape)}`);
    }
    return new Tensor(ndarray(data, [...shape], stridesOf(shape), 0));
  }

  get shape(): readonly number[] {
    return this.#nd.shape;
  }

  get size(): number {
    return this.#nd.size;
  }

  get ndim(): number {
    return this.#nd.shape.length;
  }

  get dtype(): DType {
    return this.#nd.data instanceof Float32Array ? "float32" : "float64";
  }

  /** True when the elements lie in row-major order with no gaps in the buffer (see `contiguousData`). */
  get isContiguous(): boolean {
    const { shape, stride } = this.#nd;
    let step = 1;
    for (let i = shape.length - 1; i >= 0; i--) {
      if (shape[i] !== 1 && stride[i] !== step) return false;
      step *= shape[i];
    }
    return true;
  }

  /** The element at one index per dimension; negative indices count from the end. */
  get(...index: number[]): number {
    return this.#nd.data[this.offsetOf("get", index)];
  }

  /** Writes one element in place. */
  set(index: readonly number[], value: number): void {
    this.#nd.data[this.offsetOf("set", index)] = value;
  }

  /**
   * The elements of a contiguous tensor in row-major order, as a view of its own buffer (no copy): writing to it
   * writes the tensor. For loops that must touch every element fast (an optimizer's update, numerical
   * differentiation); anything else reads through `get`, `item` or `toArray`. A non-contiguous view (such as `T`)
   * is refused: take `copy()` first.
   */
  contiguousData(): Data {
    if (!this.isContiguous) {
      throw new ShapeError(`contiguousData: ${this} is a non-contiguous view (strides [${this.#nd.stride.join(", ")}]); copy() it first`);
    }
    return this.#nd.data.subarray(this.#nd.offset, this.#nd.offset + this.size);
  }

  /** The single element of a tensor of size 1, as a number. */
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError(`item: only a tensor of size 1 has one item, got ${formatShape(this.shape)}`);
    }
    return this.#nd.data[this.#nd.offset];
  }

  /** Nested arrays of numbers, as NumPy's `tolist()`; a 0-d tensor gives a number. */
  toArray(): NestedArray {
    const { shape } = this;
    const flat = indexing.flatValues(this);
    let k = 0;
    const build = (d: number): NestedArray => {
      if (d === shape.length) return flat[k++];
      const out: NestedArray[] = new Array(shape[d]);
      for (let i = 0; i < shape[d]; i++) out[i] = build(d + 1);
      return out;
    };
    return build(0);
  }

  toString(): string {
    return `Tensor${formatShape(this.shape).replace(",)", ")")} ${this.dtype}`;
  }

  /** A copy that owns a fresh contiguous buffer. */
  copy(): Tensor {
    return indexing.contiguous(this, true);
  }

  astype(dtype: DType): Tensor {
    checkDType("astype", dtype);
    if (dtype === this.dtype) return this.copy();
    const out = allocate(dtype, this.size, "astype", this.shape);
    out.set(indexing.flatValues(this));
    return Tensor.fromData(out, this.shape);
  }

  /** The transpose as a view (no copy): axes reversed. */
  get T(): Tensor {
    return this.transpose();
  }

  /** A view with the axes permuted (reversed when none are given). */
  transpose(...axes: number[]): Tensor {
    return indexing.transpose(this, axes);
  }

  /** Rows `start` to `end` (exclusive) along the first axis, as a view (no copy). */
  slice(start: number, end: number = this.shape[0]): Tensor {
    return indexing.slice(this, start, end);
  }

  /** The rows at `indices` along the first axis, copied: a mini-batch. */
  take(indices: ArrayLike<number>): Tensor {
    return indexing.take(this, indices);
  }

  /** The same elements in a new shape; one dimension may be -1. A view when the tensor is contiguous. */
  reshape(...shape: number[]): Tensor {
    return indexing.reshape(this, shape);
  }

  /** The elements as a 1-D tensor. */
  flatten(): Tensor {
    return indexing.reshape(this, [-1]);
  }

  add(other: Tensor | number): Tensor {
    return elementwise.add(this, other);
  }

  sub(other: Tensor | number): Tensor {
    return elementwise.sub(this, other);
  }

  mul(other: Tensor | number): Tensor {
    return elementwise.mul(this, other);
  }

  div(other: Tensor | number): Tensor {
    return elementwise.div(this, other);
  }

  maximum(other: Tensor | number): Tensor {
    return elementwise.maximum(this, other);
  }

  minimum(other: Tensor | number): Tensor {
    return elementwise.minimum(this, other);
  }

  pow(exponent: Tensor | number): Tensor {
    return elementwise.pow(this, exponent);
  }

  neg(): Tensor {
    return elementwise.neg(this);
  }

  exp(): Tensor {
    return elementwise.exp(this);
  }

  log(): Tensor {
    return elementwise.log(this);
  }

  sqrt(): Tensor {
    return elementwise.sqrt(this);
  }

  tanh(): Tensor {
    return elementwise.tanh(this);
  }

  abs(): Tensor {
    return elementwise.abs(this);
  }

  /** 1 where this > other, else 0. */
  gt(other: Tensor | number): Tensor {
    return elementwise.gt(this, other);
  }

  /** 1 where this >= other, else 0. */
  ge(other: Tensor | number): Tensor {
    return elementwise.ge(this, other);
  }

  /** 1 where this < other, else 0. */
  lt(other: Tensor | number): Tensor {
    return elementwise.lt(this, other);
  }

  /** 1 where this <= other, else 0. */
  le(other: Tensor | number): Tensor {
    return elementwise.le(this, other);
  }

  /** 1 where this == other, else 0. */
  eq(other: Tensor | number): Tensor {
    return elementwise.eq(this, other);
  }

  /** 1 where this != other, else 0. */
  ne(other: Tensor | number): Tensor {
    return elementwise.ne(this, other);
  }

  /** In place: this -= other (other broadcast to this shape). Returns this. */
  isub(other: Tensor | number): this {
    elementwise.isub(this, other);
    return this;
  }

  /** In place: this -= scale * other, in one pass (an optimizer's step). Returns this. */
  isubScaled(other: Tensor, scale: number): this {
    elementwise.isubScaled(this, other, scale);
    return this;
  }

  /** In place: this += other (other broadcast to this shape). Returns this. */
  iadd(other: Tensor | number): this {
    elementwise.iadd(this, other);
    return this;
  }

  /** In place: this *= other (other broadcast to this shape). Returns this. */
  imul(other: Tensor | number): this {
    elementwise.imul(this, other);
    return this;
  }

  /** In place: this /= other (other broadcast to this shape). Returns this. */
  idiv(other: Tensor | number): this {
    elementwise.idiv(this, other);
    return this;
  }

  /** In place: copy `other` (broadcast to this shape) into this. Returns this. */
  assign(other: Tensor | number): this {
    elementwise.assign(this, other);
    return this;
  }

  /** Sum of all elements, or along one axis. */
  sum(): number;
  sum(axis: number, options?: ReduceOptions): Tensor;
  sum(axis?: number, options?: ReduceOptions): number | Tensor {
    return reduce.sum(this, axis, options);
  }

  /** Mean of all elements, or along one axis. */
  mean(): number;
  mean(axis: number, options?: ReduceOptions): Tensor;
  mean(axis?: number, options?: ReduceOptions): number | Tensor {
    return reduce.mean(this, axis, options);
  }

  /** Largest element, or the largest along one axis. */
  max(): number;
  max(axis: number, options?: ReduceOptions): Tensor;
  max(axis?: number, options?: ReduceOptions): number | Tensor {
    return reduce.max(this, axis, options);
  }

  /** Smallest element, or the smallest along one axis. */
  min(): number;
  min(axis: number, options?: ReduceOptions): Tensor;
  min(axis?: number, options?: ReduceOptions): number | Tensor {
    return reduce.min(this, axis, options);
  }

  /** Flat index of the largest element, or the indices of the largest along one axis (first wins ties). */
  argmax(): number;
  argmax(axis: number, options?: ReduceOptions): Tensor;
  argmax(axis?: number, options?: ReduceOptions): number | Tensor {
    return reduce.argmax(this, axis, options);
  }

  /** NumPy's dot for 1-D and 2-D tensors: inner product, matrix-vector or matrix product. */
  dot(other: Tensor): Tensor {
    return linalg.dot(this, other);
  }

  private offsetOf(op: string, index: readonly number[]): number {
    const { shape, stride, offset } = this.#nd;
    if (index.length !== shape.length) {
      throw new ShapeError(`${op}: a ${shape.length}-d tensor of shape ${formatShape(shape)} needs ${shape.length} indices, got ${index.length}`);
    }
    let at = offset;
    for (let d = 0; d < shape.length; d++) {
      let i = index[d];
      if (!Number.isInteger(i) || i >= shape[d] || i < -shape[d]) {
        throw new RangeError(`${op}: index ${i} is out of bounds for axis ${d} with size ${shape[d]}`);
      }
      if (i < 0) i += shape[d];
      at += i * stride[d];
    }
    return at;
  }
}

/** Refuses an ndarray that a tensor cannot stand on: another element type, or elements outside its data. */
function checkNdarray(nd: NdArray<Data>): void {
  const buffer: unknown = nd?.data;
  if (!(buffer instanceof Float64Array) && !(buffer instanceof Float32Array)) {
    const got = (buffer as object | undefined)?.constructor?.name ?? typeof buffer;
    throw new TypeError(`Tensor: expected an ndarray over a Float64Array or Float32Array, got ${got}`);
  }
  const { shape, stride, offset, data } = nd;
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new ShapeError(`Tensor: shape must be non-negative integers, got [${shape.join(", ")}]`);
  }
  if (sizeOf(shape) === 0) return;
  let lo = offset;
  let hi = offset;
  shape.forEach((n, d) => {
    const reach = (n - 1) * stride[d];
    if (reach < 0) lo += reach;
    else hi += reach;
  });
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi >= data.length) {
    throw new ShapeError(
      `Tensor: an ndarray of shape ${formatShape(shape)} with strides [${stride.join(", ")}] and offset ${offset} addresses elements ${lo} to ${hi}, but its data holds ${data.length}`,
    );
  }
}
