import { ShapeError, formatShape } from "./errors.js";
import type { Random } from "./random.js";
import { Tensor, allocate, checkDType, sizeOf, type DType, type NestedArray, type Shape } from "./tensor.js";

export interface CreateOptions {
  dtype?: DType;
}

/** The dtype `options` ask for, float64 when they do not say; anything but "float64" or "float32" is a RangeError. */
function dtypeOf(op: string, options: CreateOptions): DType {
  return options.dtype === undefined ? "float64" : checkDType(op, options.dtype);
}

function checkShape(op: string, shape: Shape): void {
  if (!Array.isArray(shape) || shape.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new ShapeError(`${op}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
}

/** A tensor from nested arrays of numbers (or one number, giving a 0-d tensor); float64 unless told. */
export function tensor(values: NestedArray | ArrayLike<number>, options: CreateOptions = {}): Tensor {
  const dtype = dtypeOf("tensor", options);
  const shape: number[] = [];
  for (let v: unknown = values; typeof v !== "number"; v = (v as ArrayLike<unknown>)[0]) {
    if (!Array.isArray(v) && !ArrayBuffer.isView(v)) {
      throw new TypeError(`tensor: expected numbers in nested arrays, got ${JSON.stringify(v) ?? String(v)}`);
    }
    const n = (v as ArrayLike<unknown>).length;
    shape.push(n);
    if (n === 0) break;
  }
  const out = allocate(dtype, sizeOf(shape), "tensor", shape);
  let k = 0;
  const fill = (v: unknown, d: number, path: string): void => {
    if (d === shape.length) {
      if (typeof v !== "number") {
        // an array here is a ragged shape; anything else is not a number at all
        const Kind = Array.isArray(v) || ArrayBuffer.isView(v) ? ShapeError : TypeError;
        throw new Kind(`tensor: expected a number at ${path || "the top"}, got ${JSON.stringify(v)}`);
      }
      out[k++] = v;
      return;
    }
    const row = v as ArrayLike<unknown>;
    if (typeof v === "number" || row.length !== shape[d]) {
      const got = typeof v === "number" ? "a number" : `${row.length} items`;
      throw new ShapeError(`tensor: ragged nested array, expected ${shape[d]} items at ${path || "the top"} to make ${formatShape(shape)}, got ${got}`);
    }
    for (let i = 0; i < shape[d]; i++) fill(row[i], d + 1, `${path}[${i}]`);
  };
  fill(values, 0, "");
  return Tensor.fromData(out, shape);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: Shape, value: number, options: CreateOptions = {}): Tensor {
  return filled("full", shape, value, options);
}

function filled(op: string, shape: Shape, value: number, options: CreateOptions): Tensor {
  checkShape(op, shape);
  const data = allocate(dtypeOf(op, options), sizeOf(shape), op, shape);
  if (value !== 0) data.fill(value);
  return Tensor.fromData(data, shape);
}

export function zeros(shape: Shape, options: CreateOptions = {}): Tensor {
  return filled("zeros", shape, 0, options);
}

export function ones(shape: Shape, options: CreateOptions = {}): Tensor {
  return filled("ones", shape, 1, options);
}

export function zerosLike(x: Tensor): Tensor {
  return filled("zerosLike", x.shape, 0, { dtype: x.dtype });
}

export function onesLike(x: Tensor): Tensor {
  return filled("onesLike", x.shape, 1, { dtype: x.dtype });
}

/** 0, 1, ..., n-1 as a 1-D tensor. */
export function arange(n: number, options: CreateOptions = {}): Tensor {
  checkShape("arange", [n]);
  const data = allocate(dtypeOf("arange", options), n, "arange", [n]);
  for (let i = 0; i < n; i++) data[i] = i;
  return Tensor.fromData(data, [n]);
}

/** Samples of the standard normal distribution, drawn from `rng` in row-major order. */
export function randn(shape: Shape, rng: Random, options: CreateOptions = {}): Tensor {
  checkShape("randn", shape);
  const data = allocate(dtypeOf("randn", options), sizeOf(shape), "randn", shape);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return Tensor.fromData(data, shape);
}

/** Uniform samples in [0, 1), drawn from `rng` in row-major order. */
export function rand(shape: Shape, rng: Random, options: CreateOptions = {}): Tensor {
  checkShape("rand", shape);
  const data = allocate(dtypeOf("rand", options), sizeOf(shape), "rand", shape);
  for (let i = 0; i < data.length; i++) data[i] = rng.random();
  return Tensor.fromData(data, shape);
}
