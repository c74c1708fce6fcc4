import { ShapeError, Tensor, allocate, formatShape } from "@backprop/core";

/**
 * Every parameter, in the record's order and each in row-major order, as one 1-D tensor (a copy, of the first
 * parameter's dtype): the flat vector that a whole-vector method sees.  params: { W1 (D, M), ... } -> (total size).
 */
export function flattenParams(params: Record<string, Tensor>): Tensor {
  const list = Object.values(params);
  const out = allocate(list[0]?.dtype ?? "float64", list.reduce((n, p) => n + p.size, 0));
  let at = 0;
  for (const p of list) {
    out.set((p.isContiguous ? p : p.copy()).contiguousData(), at);
    at += p.size;
  }
  return Tensor.fromData(out, [out.length]);
}

/** The inverse of flattenParams: writes `flat` back into the parameters in place, exactly. */
export function assignFlat(params: Record<string, Tensor>, flat: Tensor): void {
  const total = Object.values(params).reduce((n, p) => n + p.size, 0);
  if (flat.ndim !== 1 || flat.size !== total) {
    throw new ShapeError(`assignFlat: flat must be (${total},) to fill the parameters, got ${formatShape(flat.shape)}`);
  }
  let at = 0;
  for (const p of Object.values(params)) {
    p.assign(flat.slice(at, at + p.size).reshape(...p.shape));
    at += p.size;
  }
}

/** `flat` cut into tensors of the parameters' shapes, by name (copies): a flat gradient as a record of gradients. */
export function splitFlat(params: Record<string, Tensor>, flat: Float64Array): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  let at = 0;
  for (const [name, p] of Object.entries(params)) {
    out[name] = Tensor.fromData(flat.slice(at, at + p.size), [...p.shape]);
    at += p.size;
  }
  return out;
}
