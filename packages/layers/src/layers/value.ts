import { ShapeError, Tensor, broadcastShapes, formatShape, full, sumTo } from "@backprop/core";

/** What MulLayer and AddLayer compute on: plain numbers, as in the book's first graphs, or tensors. */
export type Value = number | Tensor;

export function mulValues(a: Value, b: Value): Value {
  if (typeof a === "number") return typeof b === "number" ? a * b : b.mul(a);
  return a.mul(b);
}

export function addValues(a: Value, b: Value): Value {
  if (typeof a === "number") return typeof b === "number" ? a + b : b.add(a);
  return a.add(b);
}

const shapeOf = (v: Value): readonly number[] => (typeof v === "number" ? [] : v.shape);

/** Throws unless x and y broadcast together, naming the layer. */
export function checkOperands(where: string, x: Value, y: Value): void {
  broadcastShapes(`${where}.forward`, shapeOf(x), shapeOf(y));
}

/** Throws unless `dout` has the shape of the forward output of x and y (a number stands for a 0-d value). */
export function checkDout(where: string, dout: Value, x: Value, y: Value): void {
  const out = broadcastShapes(`${where}.forward`, shapeOf(x), shapeOf(y));
  const got = shapeOf(dout);
  if (got.length !== out.length || got.some((n, d) => n !== out[d])) {
    throw new ShapeError(`${where}.backward: dout must be ${formatShape(out)} to match the forward output, got ${formatShape(got)}`);
  }
}

/** `grad` summed back to the shape of `input`, which may have been broadcast (a number input gets the sum of all). */
export function reduceLike(grad: Value, input: Value): Value {
  if (typeof grad === "number") return typeof input === "number" ? grad : full(input.shape, grad, { dtype: input.dtype });
  if (typeof input === "number") return grad.sum();
  return sumTo(grad, input.shape);
}
