import { Random, Tensor } from "@backprop/core";
import type { BatchSource } from "../../src/index.js";

export const DIM = 8;
export const CLASSES = 3;
// blob centres 4 apart along their own axis, unit noise: neighbours are 4 * sqrt(2) ~ 5.7 standard deviations
// apart, so that a linear boundary misclassifies well under 1% of the samples
const BLOB_DISTANCE = 4;

/** Rows of x with a class label each: all of BatchSource and no more. */
export class Rows implements BatchSource {
  constructor(
    readonly x: Float64Array,
    readonly labels: Int32Array,
  ) {}

  get length(): number {
    return this.labels.length;
  }

  batch(indices: ArrayLike<number>): { x: Tensor; t: Tensor } {
    return this.gather(indices);
  }

  slice(start: number, end: number): { x: Tensor; t: Tensor } {
    return this.gather(Array.from({ length: end - start }, (_, i) => start + i));
  }

  // shared by batch and slice, so that a spy on one does not see the calls of the other
  private gather(indices: ArrayLike<number>): { x: Tensor; t: Tensor } {
    const n = indices.length;
    const x = new Float64Array(n * DIM);
    const t = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const row = indices[i];
      if (!Number.isInteger(row) || row < 0 || row >= this.length) throw new RangeError(`Rows: row ${row} is not in [0, ${this.length})`);
      x.set(this.x.subarray(row * DIM, (row + 1) * DIM), i * DIM);
      t[i] = this.labels[row];
    }
    return { x: Tensor.fromData(x, [n, DIM]), t: Tensor.fromData(t, [n]) };
  }
}

/** n points of 3 Gaussian blobs in 8-D, class i % 3, centred at BLOB_DISTANCE along axis i % 3. */
export function blobs(n: number, rng: Random): Rows {
  const x = new Float64Array(n * DIM);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % CLASSES;
    for (let d = 0; d < DIM; d++) x[i * DIM + d] = rng.normal() + (d === labels[i] ? BLOB_DISTANCE : 0);
  }
  return new Rows(x, labels);
}

/** The same 120 training and 60 test samples every time, in fresh objects. */
export function data(trainSize = 120): { train: Rows; test: Rows } {
  const rng = new Random("blobs");
  return { train: blobs(trainSize, rng), test: blobs(60, rng) };
}

