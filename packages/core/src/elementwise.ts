import ndarray, { type NdArray } from "ndarray";
import ops from "ndarray-ops";
import { ShapeError, formatShape } from "./errors.js";
import { broadcastShapes, broadcastTo } from "./broadcast.js";
import { forEachOffset } from "./indexing.js";
import { Tensor, allocate, ndOf, sizeOf, type Data, type DType, type Shape } from "./tensor.js";

type Binary = (out: NdArray, a: NdArray, b: NdArray) => unknown;
type WithScalar = (out: NdArray, a: NdArray, s: number) => unknown;
type Operand = Tensor | number;

function empty(op: string, shape: Shape, dtype: DType): Tensor {
  return Tensor.fromData(allocate(dtype, sizeOf(shape), op, shape), shape);
}

/** A number as a 0-d array, so it broadcasts like any tensor. */
function scalar(value: number, dtype: DType): NdArray<Data> {
  const data = allocate(dtype, 1);
  data[0] = value;
  return ndarray(data, [], [], 0);
}

function binary(op: string, a: Operand, b: Operand, vv: Binary, vs: WithScalar): Tensor {
  if (typeof a === "number" && typeof b === "number") {
    throw new TypeError(`${op}: needs at least one tensor, got two numbers`);
  }
  if (typeof b === "number") {
    const x = a as Tensor;
    const out = empty(op, x.shape, x.dtype);
    vs(ndOf(out), ndOf(x), b);
    return out;
  }
  const dtype = typeof a === "number" ? b.dtype : a.dtype === "float64" || b.dtype === "float64" ? "float64" : "float32";
  const left = typeof a === "number" ? scalar(a, dtype) : ndOf(a);
  const shape = broadcastShapes(op, left.shape, ndOf(b).shape);
  const out = empty(op, shape, dtype);
  vv(ndOf(out), broadcastTo(left, shape), broadcastTo(ndOf(b), shape));
  return out;
}

function unary(op: string, x: Tensor, f: (out: NdArray, a: NdArray) => unknown): Tensor {
  const out = empty(op, x.shape, x.dtype);
  f(ndOf(out), ndOf(x));
  return out;
}

function inPlace(op: string, x: Tensor, other: Operand, vv: (a: NdArray, b: NdArray) => unknown, vs: (a: NdArray, s: number) => unknown): void {
  if (typeof other === "number") {
    vs(ndOf(x), other);
    return;
  }
  const shape = broadcastShapes(op, x.shape, other.shape);
  if (shape.length !== x.ndim || shape.some((n, d) => n !== x.shape[d])) {
    throw new ShapeError(`${op}: cannot broadcast ${formatShape(other.shape)} into ${formatShape(x.shape)} in place`);
  }
  // a view of x's own buffer (x.isub(x.T)) would read values already written: read from a copy, as NumPy does
  const source = ndOf(other).data === ndOf(x).data ? other.copy() : other;
  vv(ndOf(x), broadcastTo(ndOf(source), shape));
}

export const add = (a: Operand, b: Operand): Tensor => binary("add", a, b, ops.add, ops.adds);
export const sub = (a: Operand, b: Operand): Tensor => binary("sub", a, b, ops.sub, ops.subs);
export const mul = (a: Operand, b: Operand): Tensor => binary("mul", a, b, ops.mul, ops.muls);
export const div = (a: Operand, b: Operand): Tensor => binary("div", a, b, ops.div, ops.divs);
export const pow = (a: Operand, b: Operand): Tensor => binary("pow", a, b, ops.pow, ops.pows);
export const maximum = (a: Operand, b: Operand): Tensor => binary("maximum", a, b, ops.max, ops.maxs);
export const minimum = (a: Operand, b: Operand): Tensor => binary("minimum", a, b, ops.min, ops.mins);
export const gt = (a: Operand, b: Operand): Tensor => binary("gt", a, b, ops.gt, ops.gts);
export const ge = (a: Operand, b: Operand): Tensor => binary("ge", a, b, ops.geq, ops.geqs);
export const lt = (a: Operand, b: Operand): Tensor => binary("lt", a, b, ops.lt, ops.lts);
export const le = (a: Operand, b: Operand): Tensor => binary("le", a, b, ops.leq, ops.leqs);
export const eq = (a: Operand, b: Operand): Tensor => binary("eq", a, b, ops.eq, ops.eqs);
export const ne = (a: Operand, b: Operand): Tensor => binary("ne", a, b, ops.neq, ops.neqs);

export const neg = (x: Tensor): Tensor => unary("neg", x, ops.neg);
export const exp = (x: Tensor): Tensor => unary("exp", x, ops.exp);
export const log = (x: Tensor): Tensor => unary("log", x, ops.log);
export const sqrt = (x: Tensor): Tensor => unary("sqrt", x, ops.sqrt);
export const abs = (x: Tensor): Tensor => unary("abs", x, ops.abs);

/** tanh element-wise (ndarray-ops has no tanh: Math.tanh over the elements in row-major order). */
export function tanh(x: Tensor): Tensor {
  const out = empty("tanh", x.shape, x.dtype);
  const y = ndOf(out).data;
  const src = ndOf(x).data;
  forEachOffset(x, (at, i) => {
    y[i] = Math.tanh(src[at]);
  });
  return out;
}

export const iadd = (x: Tensor, other: Operand): void => inPlace("iadd", x, other, ops.addeq, ops.addseq);
export const isub = (x: Tensor, other: Operand): void => inPlace("isub", x, other, ops.subeq, ops.subseq);
export const imul = (x: Tensor, other: Operand): void => inPlace("imul", x, other, ops.muleq, ops.mulseq);
export const idiv = (x: Tensor, other: Operand): void => inPlace("idiv", x, other, ops.diveq, ops.divseq);
export const assign = (x: Tensor, other: Operand): void => inPlace("assign", x, other, ops.assign, ops.assigns);

/**
 * In place: x -= scale * other, in one pass (SGD's update). Each element is x - scale * other computed in float64
 * and stored in x's dtype, whatever the operands' layout: the same bits for a contiguous operand, a transposed
 * view or a broadcast one. In float64 that is the very result of isub(x, mul(other, scale)).
 */
export function isubScaled(x: Tensor, other: Tensor, scale: number): void {
  const sameShape = other.ndim === x.ndim && other.shape.every((n, d) => n === x.shape[d]);
  // a copy (of other's own dtype, so the same values) stands in for a view, a broadcast or an alias of x
  const source = sameShape && other.isContiguous && ndOf(other).data !== ndOf(x).data ? other : broadcastCopy("isub", other, x.shape);
  const b = ndOf(source).data;
  const bo = ndOf(source).offset;
  const a = ndOf(x).data;
  if (x.isContiguous) {
    const ao = ndOf(x).offset;
    const n = x.size;
    for (let i = 0; i < n; i++) a[ao + i] -= scale * b[bo + i];
    return;
  }
  forEachOffset(x, (at, i) => {
    a[at] -= scale * b[bo + i];
  });
}

/** `other` broadcast to `shape` as a fresh contiguous tensor of its own dtype. */
function broadcastCopy(op: string, other: Tensor, shape: Shape): Tensor {
  const target = broadcastShapes(op, shape, other.shape);
  if (target.length !== shape.length || target.some((n, d) => n !== shape[d])) {
    throw new ShapeError(`${op}: cannot broadcast ${formatShape(other.shape)} into ${formatShape(shape)} in place`);
  }
  const out = empty(op, shape, other.dtype);
  ops.assign(ndOf(out), broadcastTo(ndOf(other), shape));
  return out;
}
