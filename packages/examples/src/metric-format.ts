import type { TrainingHistory } from "@backprop/layers";

/** How each metric reads on a line: accuracy as 0.9412, errors in the target's units to 5 significant digits. */
const LABELS: Record<string, { label: string; format: (x: number) => string }> = {
  Acc: { label: "acc", format: (x) => x.toFixed(4) },
  Mae: { label: "MAE", format: (x) => String(Number(x.toPrecision(5))) },
  Mse: { label: "MSE", format: (x) => String(Number(x.toPrecision(5))) },
  Loss: { label: "loss", format: (x) => x.toFixed(4) },
};

/** "train acc 0.9412  test acc 0.9377" (val acc and val loss with a validation set), or "train MAE 281.4  train MSE 123460 ..." from history keys, joined by `separator`. */
export function formatMetrics(values: Record<string, number>, separator: string): string {
  return Object.entries(values)
    .map(([key, value]) => {
      const [, set, name] = /^(train|val|test)(.*)$/.exec(key) ?? [key, key, ""];
      const known = LABELS[name];
      return known ? `${set} ${known.label} ${known.format(value)}` : `${key} ${value}`;
    })
    .join(separator);
}

/** One metric's value as formatMetrics prints it: testAcc 0.93771 -> "0.9377", testMse 511917 -> "511920". */
export function formatMetric(key: string, value: number): string {
  const known = LABELS[/^(?:train|val|test)(.*)$/.exec(key)?.[1] ?? ""];
  return known ? known.format(value) : String(value);
}

/** The metrics' keys of a history, in its order: trainAcc, testAcc, or trainMae, trainMse, testMae, testMse. */
export function metricKeys(history: TrainingHistory): string[] {
  return Object.keys(history).filter((key) => key !== "loss" && key !== "evalIterations");
}

/** The last evaluation of every metric in a history: { trainAcc, testAcc } or { trainMae, trainMse, testMae, testMse }. */
export function finalValues(history: TrainingHistory): Record<string, number> {
  return Object.fromEntries(metricKeys(history).map((key) => [key, history[key].at(-1) as number]));
}
