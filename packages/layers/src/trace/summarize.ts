import type { Tensor } from "@backprop/core";

/** Counts of a tensor's finite elements in equal bins over [min, max]; the last bin takes max itself. */
export interface Histogram {
  min: number;
  max: number;
  counts: number[];
}

/** What a picture shows of a tensor too large to print: its shape and the statistics of its elements. */
export interface TensorSummary {
  shape: number[];
  size: number;
  mean: number;
  /** The population standard deviation (NumPy's default, ddof 0). */
  std: number;
  min: number;
  max: number;
  histogram: Histogram;
}

/**
 * The shape, mean, std, min and max of x's elements, and their histogram in `bins` equal bins over [min, max]
 * (over [v - 0.5, v + 0.5] when every element is v, as NumPy's histogram). A NaN makes the mean and std NaN and is
 * left out of min, max and the histogram, as is ±Infinity of the histogram.  x: any shape, at least one element.
 */
export function summarize(x: Tensor, bins: number): TensorSummary {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`summarize: bins must be a positive integer, got ${bins}`);
  if (x.size === 0) throw new RangeError(`summarize: x must have at least one element, got shape (${x.shape.join(", ")})`);
  const data = (x.isContiguous ? x : x.copy()).contiguousData();
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / data.length;
  let squares = 0;
  for (let i = 0; i < data.length; i++) squares += (data[i] - mean) ** 2;
  return { shape: [...x.shape], size: data.length, mean, std: Math.sqrt(squares / data.length), min, max, histogram: histogramOf(data, bins) };
}

function histogramOf(data: ArrayLike<number>, bins: number): Histogram {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) continue;
    lo = Math.min(lo, data[i]);
    hi = Math.max(hi, data[i]);
  }
  const counts = new Array<number>(bins).fill(0);
  if (lo > hi) return { min: 0, max: 0, counts };
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) continue;
    // halves, so that the width of [-MAX_VALUE, MAX_VALUE] does not overflow
    counts[Math.min(bins - 1, Math.floor(((data[i] / 2 - lo / 2) / (hi / 2 - lo / 2)) * bins))]++;
  }
  return { min: lo, max: hi, counts };
}
