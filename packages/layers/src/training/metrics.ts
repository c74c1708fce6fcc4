import { ShapeError, formatShape, type Tensor } from "@backprop/core";
import { classIndices } from "../losses/labels.js";

/**
 * A figure of merit computed over a data set in chunks: each chunk of scores y and targets t adds `sum` and
 * `count`, and the metric is the total sum over the total count.
 */
export interface Metric {
  /** The short name that keys the history: "acc" gives trainAcc and testAcc. */
  readonly name: string;
  measure(y: Tensor, t: Tensor): { sum: number; count: number };
  /** How a trainer's config records it, when it takes options: { name, scale }. The name alone otherwise. */
  spec?(): MetricSpec;
}

/** A metric as a config records it: its name, or its name and the scale of its target. */
export type MetricSpec = string | { name: string; scale: number };

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

/**
 * The mean absolute error, mean |y - t| * scale over every output of every sample. A net trained on a target
 * standardized as (t - mean) / std reports in the target's own units with scale = std.  y, t: (N, M).
 */
export function meanAbsoluteError(scale = 1): Metric {
  checkScale("meanAbsoluteError", scale);
  return {
    name: "mae",
    measure: (y, t) => ({ sum: sumOfDiffs("meanAbsoluteError", y, t, Math.abs) * scale, count: y.size }),
    spec: () => ({ name: "mae", scale }),
  };
}

/** The mean squared error, mean (y - t)^2 * scale^2, in the target's units squared (see meanAbsoluteError).  y, t: (N, M). */
export function meanSquaredError(scale = 1): Metric {
  checkScale("meanSquaredError", scale);
  return {
    name: "mse",
    measure: (y, t) => ({ sum: sumOfDiffs("meanSquaredError", y, t, (d) => d * d) * scale * scale, count: y.size }),
    spec: () => ({ name: "mse", scale }),
  };
}

function checkScale(where: string, scale: number): void {
  if (!(Number.isFinite(scale) && scale > 0)) throw new RangeError(`${where}: scale must be a positive number, got ${scale}`);
}

/** The sum of f(y - t) over every element; y and t of one shape. */
function sumOfDiffs(where: string, y: Tensor, t: Tensor, f: (d: number) => number): number {
  if (y.ndim !== t.ndim || y.shape.some((n, d) => n !== t.shape[d])) {
    throw new ShapeError(`${where}: t must be ${formatShape(y.shape)} to match y, got ${formatShape(t.shape)}`);
  }
  const a = y.contiguousData();
  const b = t.contiguousData();
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += f(a[i] - b[i]);
  return sum;
}

/** The metrics a trainer's config may name, each made from its spec's options. */
export const METRICS: Record<string, (options: { scale?: number }) => Metric> = {
  acc: () => accuracy,
  mae: ({ scale }) => meanAbsoluteError(scale),
  mse: ({ scale }) => meanSquaredError(scale),
};

/** The metric of a config's spec, or an error listing the known ones. */
export function metricOf(spec: MetricSpec): Metric {
  const { name, ...options } = typeof spec === "string" ? { name: spec } : spec;
  if (!Object.hasOwn(METRICS, name)) throw new RangeError(`metric: unknown metric ${JSON.stringify(name)}, expected one of ${Object.keys(METRICS).join(", ")}`);
  return METRICS[name](options);
}

/** How a config records `metric`. */
export function metricSpec(metric: Metric): MetricSpec {
  return metric.spec?.() ?? metric.name;
}

/** trainAcc, testMae: the history key of a metric on a set. */
export function metricKey(set: "train" | "val" | "test", metric: Metric | string): string {
  const name = typeof metric === "string" ? metric : metric.name;
  return `${set}${name[0].toUpperCase()}${name.slice(1)}`;
}
