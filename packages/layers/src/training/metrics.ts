import type { Tensor } from "@backprop/core";
import { classIndices } from "../losses/labels";

/**
 * A figure of merit computed over a data set in chunks: each chunk of scores y and targets t adds `sum` and
 * `count`, and the metric is the total sum over the total count.
 */
export interface Metric {
  /** The short name that keys the history: "acc" gives trainAcc and testAcc. */
  readonly name: string;
  measure(y: Tensor, t: Tensor): { sum: number; count: number };
}

/** How many rows of scores y (N, C) have their highest score at their class in t; `where` names the caller in errors. */
export function countCorrect(where: string, y: Tensor, t: Tensor): number {
  const labels = classIndices(where, t, y.shape[0], y.shape[1]);
  const guesses = y.argmax(1).contiguousData();
  let correct = 0;
  labels.forEach((label, i) => {
    if (guesses[i] === label) correct++;
  });
  return correct;
}

/** The fraction of samples whose highest score is their class (t: class indices or one-hot). */
export const accuracy: Metric = {
  name: "acc",
  measure: (y: Tensor, t: Tensor) => ({ sum: countCorrect("accuracy", y, t), count: y.shape[0] }),
};

/** The metrics a trainer's config may name. */
export const METRICS: Record<string, Metric> = { [accuracy.name]: accuracy };

/** The metric of a name, or an error listing the known ones. */
export function metricByName(name: string): Metric {
  const metric = METRICS[name];
  if (!metric) throw new RangeError(`metric: unknown metric ${JSON.stringify(name)}, expected one of ${Object.keys(METRICS).join(", ")}`);
  return metric;
}

/** trainAcc, testAcc: the history key of a metric on a set. */
export function metricKey(set: "train" | "test", metric: Metric): string {
  return `${set}${metric.name[0].toUpperCase()}${metric.name.slice(1)}`;
}
