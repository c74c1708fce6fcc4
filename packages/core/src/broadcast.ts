import ndarray, { type NdArray } from "ndarray";
import { ShapeError, formatShape } from "./errors.js";
import type { Data, Shape } from "./tensor.js";

/** NumPy's broadcast of two shapes: align on the right; each pair of sizes must match or one must be 1. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const ndim = Math.max(a.length, b.length);
  const out = new Array<number>(ndim);
  for (let i = 1; i <= ndim; i++) {
    const m = a.length - i >= 0 ? a[a.length - i] : 1;
    const n = b.length - i >= 0 ? b[b.length - i] : 1;
    if (m !== n && m !== 1 && n !== 1) {
      throw new ShapeError(`${op}: cannot broadcast ${formatShape(a)} with ${formatShape(b)}`);
    }
    out[ndim - i] = m === 1 ? n : m;
  }
  return out;
}

/** A view of `x` with `shape`, reading broadcast axes through stride 0 (no copy). */
export function broadcastTo(x: NdArray<Data>, shape: Shape): NdArray<Data> {
  const lead = shape.length - x.shape.length;
  const stride = shape.map((_, d) => {
    const k = d - lead;
    return k < 0 || x.shape[k] === 1 ? 0 : x.stride[k];
  });
  return ndarray(x.data, [...shape], stride, x.offset);
}
