import { Tensor, allocate, type DType } from "@backprop/core";
import { indexRange } from "./index-range.js";

/** The brightest 8-bit pixel; normalized pixels are p / MAX_PIXEL. */
export const MAX_PIXEL = 255;

export interface ImageOptions {
  /** Pixels as p / 255 in [0, 1] (default), else the integers 0..255. */
  normalize?: boolean;
  /** Each image as one row of rows * cols values (default), else as (1, rows, cols). */
  flatten?: boolean;
  /** Labels as (N, classes) one-hot rows, else (N) class indices (default). */
  oneHot?: boolean;
}

/**
 * Labelled 8-bit grayscale images kept as bytes: N images of rows x cols, one label in [0, classes) each.
 * Tensors are made only for the samples asked for, so a large set costs a byte per pixel until then.
 */
export class ImageDataset {
  readonly length: number;
  readonly imageSize: number;
  private readonly normalize: boolean;
  private readonly flatten: boolean;
  private readonly oneHot: boolean;

  constructor(
    /** N * rows * cols bytes, row-major per image. */
    readonly pixels: Uint8Array,
    /** N class indices. */
    readonly labels: Uint8Array,
    readonly rows: number,
    readonly cols: number,
    readonly classes: number,
    options: ImageOptions = {},
  ) {
    this.length = labels.length;
    this.imageSize = rows * cols;
    if (pixels.length !== this.length * this.imageSize) {
      throw new RangeError(`ImageDataset: ${this.length} images of ${rows}x${cols} need ${this.length * this.imageSize} pixels, got ${pixels.length}`);
    }
    if (!Number.isInteger(classes) || classes < 1) throw new RangeError(`ImageDataset: classes must be a positive integer, got ${classes}`);
    // checked once here, so that batch() can trust them: a one-hot row of a label >= classes would land in the next row
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i];
      if (!Number.isInteger(label) || label < 0 || label >= classes) {
        throw new RangeError(`ImageDataset: label ${i} is out of range, expected a class in [0, ${classes}), got ${label}`);
      }
    }
    ({ normalize: this.normalize = true, flatten: this.flatten = true, oneHot: this.oneHot = false } = options);
  }

  /** How its tensors are made: normalized, flattened, one-hot or not. */
  get options(): Required<ImageOptions> {
    return { normalize: this.normalize, flatten: this.flatten, oneHot: this.oneHot };
  }

  /** x (N, rows * cols) or (N, 1, rows, cols) and t (N) or (N, classes), float64 unless told, for the samples at `indices`. */
  batch(indices: ArrayLike<number>, dtype: DType = "float64"): { x: Tensor; t: Tensor } {
    const n = indices.length;
    const size = this.imageSize;
    const xShape = this.flatten ? [n, size] : [n, 1, this.rows, this.cols];
    const tShape = this.oneHot ? [n, this.classes] : [n];
    const x = allocate(dtype, n * size, "ImageDataset.batch", xShape);
    const t = allocate(dtype, this.oneHot ? n * this.classes : n, "ImageDataset.batch", tShape);
    const { pixels, normalize } = this;
    for (let i = 0; i < n; i++) {
      const row = indices[i];
      if (!Number.isInteger(row) || row < 0 || row >= this.length) {
        throw new RangeError(`ImageDataset.batch: index ${row} is out of range for ${this.length} images`);
      }
      const from = row * size;
      const to = i * size;
      // p / 255 here rather than from a table: the same bits, and faster in the loop that touches every pixel
      if (normalize) for (let j = 0; j < size; j++) x[to + j] = pixels[from + j] / MAX_PIXEL;
      else for (let j = 0; j < size; j++) x[to + j] = pixels[from + j];
      const label = this.labels[row];
      if (this.oneHot) t[i * this.classes + label] = 1;
      else t[i] = label;
    }
    return { x: Tensor.fromData(x, xShape), t: Tensor.fromData(t, tShape) };
  }

  /** The samples start..end-1 as tensors. */
  slice(start: number, end: number = this.length, dtype: DType = "float64"): { x: Tensor; t: Tensor } {
    return this.batch(indexRange(start, end, this.length), dtype);
  }

  /** The whole set as tensors (float64: 8 bytes a pixel). */
  all(): { x: Tensor; t: Tensor } {
    return this.slice(0, this.length);
  }
}
