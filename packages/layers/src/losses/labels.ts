import { ShapeError, formatShape, type Tensor } from "@backprop/core";

/**
 * The class index of each of the N rows of scores, from labels t: the one place that reads class labels.
 * Their rank decides, never their sizes: t of rank 1, (N), holds class indices in [0, C); t of rank 2, (N, C),
 * holds one-hot rows (only 0 and 1, exactly one 1 per row). `where` names the caller in errors.
 */
export function classIndices(where: string, t: Tensor, n: number, classes: number): Int32Array {
  const fits = t.ndim === 1 ? t.shape[0] === n : t.ndim === 2 && t.shape[0] === n && t.shape[1] === classes;
  if (!fits) {
    throw new ShapeError(`${where}: t must hold ${n} class indices in [0, ${classes}) or be (${n}, ${classes}) one-hot, got ${formatShape(t.shape)}`);
  }
  if (t.ndim === 2) return oneHotIndices(where, t);
  const out = new Int32Array(n);
  const labels = t.toArray() as number[];
  labels.forEach((label, i) => {
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new RangeError(`${where}: t[${i}] = ${label} is not a class index in [0, ${classes})`);
    }
    out[i] = label;
  });
  return out;
}

// soft labels or an empty row would be read as argmax's class: refuse them rather than guess
function oneHotIndices(where: string, t: Tensor): Int32Array {
  const [n, classes] = t.shape;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let ones = 0;
    for (let c = 0; c < classes; c++) {
      const v = t.get(i, c);
      if (v === 1) {
        ones++;
        out[i] = c;
      } else if (v !== 0) {
        throw new RangeError(`${where}: one-hot t must hold only 0 and 1, got t[${i}, ${c}] = ${v}`);
      }
    }
    if (ones !== 1) throw new RangeError(`${where}: one-hot row t[${i}] must hold exactly one 1, got ${ones}`);
  }
  return out;
}
