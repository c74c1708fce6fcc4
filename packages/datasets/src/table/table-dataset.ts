import { Tensor, allocate, type DType } from "@backprop/core";
import { inputSize, outputSize } from "./schema.js";
import type { RawTable, TableSchema, Task } from "./types.js";
import { indexRange } from "../index-range.js";

/**
 * Encoded rows of a table: N rows of `inputSize` inputs, and a target per row (a standardized number for
 * regression, a class index in [0, classes) for classification). Batches as ImageDataset's.
 */
export class TableDataset {
  readonly length: number;

  constructor(
    /** N * inputSize values, row-major. */
    readonly x: Float64Array,
    /** N targets. */
    readonly t: Float64Array,
    readonly inputSize: number,
    readonly task: Task,
    /** 1 for regression, the number of classes for classification. */
    readonly classes: number,
    /** The line (or JSON record) each row comes from. */
    readonly lines: number[],
  ) {
    this.length = t.length;
    if (x.length !== this.length * inputSize) {
      throw new RangeError(`TableDataset: ${this.length} rows of ${inputSize} inputs need ${this.length * inputSize} values, got ${x.length}`);
    }
    if (lines.length !== this.length) throw new RangeError(`TableDataset: ${this.length} rows need ${this.length} lines, got ${lines.length}`);
    if (task === "regression" && classes !== 1) throw new RangeError(`TableDataset: a regression set has classes 1, got ${classes}`);
    if (task === "classification") {
      const bad = t.findIndex((c) => !Number.isInteger(c) || c < 0 || c >= classes);
      if (bad !== -1) throw new RangeError(`TableDataset: row ${bad} has class ${t[bad]}, expected a class index in [0, ${classes})`);
    }
  }

  /** The rows `rows` of `raw` as encodeRows encoded them by `schema` (x and t), with their lines in the file. */
  static ofRows(raw: RawTable, schema: TableSchema, x: Float64Array, t: Float64Array, rows: number[]): TableDataset {
    return new TableDataset(x, t, inputSize(schema), schema.target.task, outputSize(schema), rows.map((row) => raw.lines[row]));
  }

  /** x (n, inputSize) and t: (n, 1) for regression, (n) class indices for classification; float64 unless told. */
  batch(indices: ArrayLike<number>, dtype: DType = "float64"): { x: Tensor; t: Tensor } {
    const n = indices.length;
    const size = this.inputSize;
    const x = allocate(dtype, n * size);
    const t = allocate(dtype, n);
    for (let i = 0; i < n; i++) {
      const row = indices[i];
      if (!Number.isInteger(row) || row < 0 || row >= this.length) {
        throw new RangeError(`TableDataset.batch: index ${row} is out of range for ${this.length} rows`);
      }
      x.set(this.x.subarray(row * size, (row + 1) * size), i * size);
      t[i] = this.t[row];
    }
    return { x: Tensor.fromData(x, [n, size]), t: Tensor.fromData(t, this.task === "regression" ? [n, 1] : [n]) };
  }

  /** The rows start..end-1 as tensors. */
  slice(start: number, end: number = this.length, dtype: DType = "float64"): { x: Tensor; t: Tensor } {
    return this.batch(indexRange(start, end, this.length), dtype);
  }

  /** The whole set as tensors. */
  all(): { x: Tensor; t: Tensor } {
    return this.slice(0, this.length);
  }

  toString(): string {
    const target = this.task === "regression" ? "regression" : `${this.classes} classes`;
    return `TableDataset(${this.length} rows, ${this.inputSize} inputs, ${target})`;
  }
}
