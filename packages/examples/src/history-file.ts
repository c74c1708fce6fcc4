import { extname } from "node:path";
import type { TrainingHistory } from "@backprop/layers";
import { writeFileAtomic } from "@backprop/layers/node";

export const HISTORY_FORMATS = [".json", ".csv"];

/**
 * Writes the history as JSON (`{ loss, evalIterations, trainAcc, testAcc }`) or as CSV with one row per step,
 * `iteration,loss,train_acc,test_acc`, the accuracies filled at the steps that were evaluated.
 */
export function writeHistory(path: string, history: TrainingHistory): void {
  if (extname(path) === ".json") {
    writeFileAtomic(path, [`${JSON.stringify(history)}\n`]);
    return;
  }
  const evals = new Map(history.evalIterations.map((it, k) => [it, k]));
  const rows = history.loss.map((loss, i) => {
    const k = evals.get(i + 1);
    return k === undefined ? `${i + 1},${loss},,` : `${i + 1},${loss},${history.trainAcc[k]},${history.testAcc[k]}`;
  });
  writeFileAtomic(path, [`iteration,loss,train_acc,test_acc\n${rows.join("\n")}\n`]);
}
