import type { DType, Tensor } from "@backprop/core";
import type { Net } from "../nets/net.js";
import { classIndices } from "../losses/labels.js";
import type { Metric } from "./metrics.js";

/** Where a trainer takes its samples: a data set that makes tensors for the rows asked for. */
export interface BatchSource {
  readonly length: number;
  batch(indices: ArrayLike<number>, dtype?: DType): { x: Tensor; t: Tensor };
  slice(start: number, end: number, dtype?: DType): { x: Tensor; t: Tensor };
}

// predicting 10,000 rows at once would hold a (10000, 100) hidden layer per layer and more; 1,000 at a time is plenty
const EVAL_CHUNK = 1000;

/** Calls `visit` with the inference-mode scores and the targets of the first `count` samples, in chunks. */
export function forEachChunk(net: Net, set: BatchSource, count: number, visit: (y: Tensor, t: Tensor, start: number) => void): void {
  const n = Math.min(count, set.length);
  for (let start = 0; start < n; start += EVAL_CHUNK) {
    const { x, t } = set.slice(start, Math.min(start + EVAL_CHUNK, n), net.dtype);
    visit(net.predict(x, false), t, start);
  }
}

/** Each metric over the first `count` samples of `set` (all by default), by name. */
export function evaluateMetrics(net: Net, set: BatchSource, metrics: readonly Metric[], count: number = set.length): Record<string, number> {
  const totals = metrics.map(() => ({ sum: 0, count: 0 }));
  forEachChunk(net, set, count, (y, t) => {
    metrics.forEach((metric, k) => {
      const { sum, count } = metric.measure(y, t);
      totals[k].sum += sum;
      totals[k].count += count;
    });
  });
  return Object.fromEntries(metrics.map((metric, k) => [metric.name, totals[k].sum / totals[k].count]));
}

/** The net's predicted class and the true class of the first `count` samples of `set`, predicted in chunks. */
export function predictions(net: Net, set: BatchSource, count: number = set.length): { predicted: Int32Array; labels: Int32Array } {
  const n = Math.min(count, set.length);
  const predicted = new Int32Array(n);
  const labels = new Int32Array(n);
  forEachChunk(net, set, n, (y, t, start) => {
    predicted.set(y.argmax(1).contiguousData(), start);
    labels.set(classIndices("predictions", t, y.shape[0], y.shape[1]), start);
  });
  return { predicted, labels };
}

/** The last layer's loss as a metric named "loss" (weight decay left out): evaluated with others, in the same forward passes. */
export function lossMetric(net: Net): Metric {
  return { name: "loss", measure: (y, t) => ({ sum: net.lastLayer.forward(y, t) * y.shape[0], count: y.shape[0] }) };
}

/** The last layer's mean loss over the first `count` samples of `set` in inference mode, without weight decay: a validation loss. */
export function meanLoss(net: Net, set: BatchSource, count: number = set.length): number {
  return evaluateMetrics(net, set, [lossMetric(net)], count).loss;
}
