import { extname } from "node:path";
import type { TrainingHistory } from "@backprop/layers";
import { writeFileAtomic } from "@backprop/layers/node";
import { metricKeys } from "./metric-format.js";

export const HISTORY_FORMATS = [".json", ".csv"];

/**
 * Writes the history as JSON (`{ loss, evalIterations, trainAcc, testAcc }`, or trainMae, trainMse, testMae,
 * testMse for a regression) or as CSV with one row per step, `iteration,loss,train_acc,test_acc` (or
 * `train_mae,train_mse,test_mae,test_mse`), the metrics filled at the steps that were evaluated.
 */
export function writeHistory(path: string, history: TrainingHistory): void {
  if (extname(path) === ".json") {
    writeFileAtomic(path, [`${JSON.stringify(history)}\n`]);
    return;
  }
  const keys = metricKeys(history);
  const evals = new Map(history.evalIterations.map((it, k) => [it, k]));
  const blank = keys.map(() => "").join(",");
  const rows = history.loss.map((loss, i) => {
    const k = evals.get(i + 1);
    return `${i + 1},${loss},${k === undefined ? blank : keys.map((key) => history[key][k]).join(",")}`;
  });
  const header = ["iteration", "loss", ...keys.map((key) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))].join(",");
  writeFileAtomic(path, [`${header}\n${rows.join("\n")}\n`]);
}
