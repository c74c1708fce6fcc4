import type { DType } from "@backprop/core";
import type { BatchSource } from "@backprop/layers";
import { UsageError } from "./args.js";

/** The samples of `set` at `indices`, renumbered 0 .. indices.length - 1. */
export function subset(set: BatchSource, indices: ArrayLike<number>): BatchSource {
  const rows = Int32Array.from(indices);
  const row = (i: number): number => {
    if (!Number.isInteger(i) || i < 0 || i >= rows.length) throw new RangeError(`subset.batch: index ${i} is out of range for ${rows.length} samples`);
    return rows[i];
  };
  return {
    length: rows.length,
    batch: (at: ArrayLike<number>, dtype?: DType) => set.batch(Int32Array.from(at, row), dtype),
    slice: (start: number, end: number = rows.length, dtype?: DType) => set.batch(rows.subarray(Math.max(0, start), Math.max(0, end)), dtype),
  };
}

/** The first `n` samples of `set`, as the book's `x_train[:n]`; a set with fewer is a UsageError of `command`. */
export function firstSamples(command: string, set: BatchSource, n: number): BatchSource {
  if (set.length < n) throw new UsageError(`${command}: the demo takes the first ${n} training samples, expected at least ${n}, got ${set.length}`);
  return subset(set, Int32Array.from({ length: n }, (_, i) => i));
}
