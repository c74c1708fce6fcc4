import { zeros } from "@backprop/core";
import { DataError, checkSchema, inputSize, outputSize, type TableDataset, type TableSchema } from "@backprop/datasets";
import { loadIdxTestSet } from "@backprop/datasets/node";
import { evaluateMetrics, meanAbsoluteError, meanSquaredError, predictions, type BatchSource, type Metric, type ModelHeader, type Net } from "@backprop/layers";
import { loadModel } from "@backprop/layers/node";
import { UsageError, nonNegativeInt, parseFlags } from "./args.js";
import { dataSource, describeData, loadData, type DataSource, type ImageSource } from "./data.js";
import type { Output } from "./output.js";
import { readRowsToEvaluate } from "./table-rows.js";
import { subsetTest } from "./train-subset.js";
import { PENGUINS_DATASET, reloadTableSource, round, type TableSource } from "./table-data.js";

const CMD = "backprop evaluate";

export const EVALUATE_HELP = `Usage: backprop evaluate --model PATH [flags]

Loads a model written by 'train --save' (or a checkpoint) and tests it. A classifier prints its accuracy and
the confusion matrix (rows: the true class, columns: the predicted one); a regression model its mean absolute
and mean squared error in the target's units, beside those of predicting the training rows' mean.

Flags:
  --model PATH      the model file
  --data PATH       what to test on (default: the test set of the data the model was trained on, as recorded in
                    it): a folder of IDX files for an image model; for a table model a CSV or JSON file with the
                    model's columns, every row of it tested with the model's standardization and categories
                    (rows with a missing value are dropped and counted)
  --skip-lines N    lines before the CSV header (default 0)
  --json            print { model, data, testSize, correct, accuracy, confusion } (classification) or
                    { model, data, task, target, testSize, dropped, mae, mse, baseline: { mae, mse } } (regression)
  --help            this text

Exit codes: 0 done, 2 bad flags or a bad model or data file.
`;

/** confusion[t][p]: how many test samples of class t the net predicts as p. */
export function confusionMatrix(net: Net, test: BatchSource & { classes: number }): number[][] {
  const confusion = Array.from({ length: test.classes }, () => new Array<number>(test.classes).fill(0));
  const { predicted, labels } = predictions(net, test);
  labels.forEach((t, i) => confusion[t][predicted[i]]++);
  return confusion;
}

export function evaluateCommand(argv: string[], out: Output): number {
  const { values: v } = parseFlags(CMD, argv, { model: { type: "string" }, data: { type: "string" }, "skip-lines": { type: "string" }, json: { type: "boolean" }, help: { type: "boolean" } });
  if (v.help) {
    out.stdout(EVALUATE_HELP);
    return 0;
  }
  if (typeof v.model !== "string") throw new UsageError(`${CMD}: --model PATH is required`);
  const { net, header } = loadModel(v.model);
  const recorded = recordedData(header);
  const path = v.data as string | undefined;
  if (recorded?.source === "table") return evaluateTable(net, v.model, recorded, path, nonNegativeInt(CMD, "skip-lines", v["skip-lines"], 0), v.json === true, out);
  if (v["skip-lines"] !== undefined) throw new UsageError(`${CMD}: --skip-lines is for a table, and ${v.model} was trained on images`);
  const data = path !== undefined ? dataSource(path) : ((recorded as ImageSource | undefined) ?? dataSource(undefined));
  // only the test files: a training file that evaluation never reads cannot stop it
  // a model of some classes only (--train-subset) is tested on those
  const test = data.source === "idx" ? (data.subset ? subsetTest(loadIdxTestSet(data.dir), data.subset) : loadIdxTestSet(data.dir)) : loadData(data).test;
  const [inputs, outputs] = netSizes(net);
  if (test.imageSize !== inputs || test.classes !== outputs) {
    throw new UsageError(
      `${CMD}: the model takes ${inputs} inputs and ${outputs} classes, but the test images are ${test.rows}x${test.cols} = ${test.imageSize} pixels in ${test.classes} classes`,
    );
  }
  const confusion = confusionMatrix(net, test);
  const correct = confusion.reduce((sum, row, k) => sum + row[k], 0);
  const accuracy = correct / test.length;
  if (v.json) {
    out.stdout(`${JSON.stringify({ model: v.model, data, testSize: test.length, correct, accuracy, confusion })}\n`);
    return 0;
  }
  out.stdout(`${net} from ${v.model} on the ${describeData(data, { test })}\n`);
  printAccuracy(out, accuracy, correct, test.length, confusion, confusion.map((_, k) => String(k)));
  return 0;
}

/** A table model on its recorded test set or on every row of a file. */
function evaluateTable(net: Net, model: string, recorded: TableSource, path: string | undefined, skipLines: number, json: boolean, out: Output): number {
  const schema = checkSchema(recorded.schema, `${CMD}: ${model}`);
  checkNetFits(net, schema, model);
  const { test, name, dropped } = path !== undefined ? readRowsToEvaluate(CMD, path, schema, skipLines) : recordedTest(recorded);
  const { target } = schema;
  const data = path !== undefined ? { source: "table", file: path } : recorded.file;
  if (target.task === "classification") {
    const confusion = confusionMatrix(net, test);
    const correct = confusion.reduce((sum, row, k) => sum + row[k], 0);
    const accuracy = correct / test.length;
    if (json) {
      out.stdout(`${JSON.stringify({ model, data, task: target.task, target: target.name, classes: target.classes, testSize: test.length, dropped, correct, accuracy, confusion })}\n`);
      return 0;
    }
    out.stdout(`${net} from ${model} on ${test.length} rows of ${name}${droppedText(dropped)}: classes of "${target.name}"\n`);
    printAccuracy(out, accuracy, correct, test.length, confusion, target.classes);
    return 0;
  }
  const metrics = [meanAbsoluteError(target.std), meanSquaredError(target.std)];
  const { mae, mse } = evaluateMetrics(net, test, metrics);
  // the net predicts the standardized target; predicting the training rows' mean is predicting 0 there
  const baseline = baselineOf(test, metrics);
  if (json) {
    out.stdout(`${JSON.stringify({ model, data, task: target.task, target: target.name, testSize: test.length, dropped, mae, mse, baseline: { mae: baseline.mae, mse: baseline.mse } })}\n`);
    return 0;
  }
  out.stdout(`${net} from ${model} on ${test.length} rows of ${name}${droppedText(dropped)}: "${target.name}"\n`);
  out.stdout(`test MAE ${round(mae)}, MSE ${round(mse)} (RMSE ${round(Math.sqrt(mse))})\n`);
  out.stdout(`predicting the training mean ${round(target.mean)}: MAE ${round(baseline.mae)}, MSE ${round(baseline.mse)}\n`);
  return 0;
}

/** The recorded table's test set, read again and checked against the model's schema. */
function recordedTest(recorded: TableSource): { test: TableDataset; name: string; dropped: number } {
  const table = reloadTableSource(recorded, CMD);
  const name = recorded.file === PENGUINS_DATASET ? `${table.report.name} (embedded; its test split)` : `${table.report.testName ?? table.report.name} (its test ${table.report.testName ? "file" : "split"})`;
  return { test: table.test, name, dropped: 0 };
}

/** The metrics of predicting 0 for every row: the standardized target's training mean. */
function baselineOf(test: TableDataset, metrics: Metric[]): Record<string, number> {
  const { t } = test.all();
  return Object.fromEntries(metrics.map((metric) => {
    const { sum, count } = metric.measure(zeros(t.shape), t);
    return [metric.name, sum / count];
  }));
}

function droppedText(dropped: number): string {
  return dropped > 0 ? ` (${dropped} more dropped for a missing value)` : "";
}

function printAccuracy(out: Output, accuracy: number, correct: number, n: number, confusion: number[][], names: string[]): void {
  out.stdout(`test accuracy ${accuracy.toFixed(4)} (${correct} / ${n})\n`);
  out.stdout("confusion matrix (rows: true class, columns: predicted)\n");
  const width = Math.max(4, String(n).length + 1, ...names.map((name) => name.length + 1));
  const label = Math.max(4, ...names.map((name) => name.length + 1));
  out.stdout(`${" ".repeat(label)}${names.map((name) => name.padStart(width)).join("")}\n`);
  confusion.forEach((row, t) => out.stdout(`${names[t].padStart(label)}${row.map((k) => String(k).padStart(width)).join("")}\n`));
}

/** Refuses a net whose sizes are not the schema's: a file whose header and weights disagree. */
export function checkNetFits(net: Net, schema: TableSchema, model: string): void {
  const [inputs, outputs] = netSizes(net);
  const expected = [inputSize(schema), outputSize(schema)];
  if (inputs !== expected[0] || outputs !== expected[1]) {
    throw new DataError(`${model}: the net takes ${inputs} inputs and gives ${outputs} outputs, but its table's columns make ${expected[0]} inputs and ${expected[1]} outputs`);
  }
}

/** The data a model or checkpoint was trained on, wherever its version keeps it. */
export function recordedData(header: ModelHeader): DataSource | undefined {
  if (header.version === 1) {
    const v1 = header as unknown as { training?: { config?: { data?: DataSource } }; checkpoint?: { data?: DataSource } };
    return v1.training?.config?.data ?? v1.checkpoint?.data;
  }
  return header.data as DataSource | undefined;
}

/** The inputs a net takes and the classes it scores: its first Affine's input and its last one's output. */
export function netSizes(net: Net): [number, number] {
  const affine = net.spec().layers.filter((l) => l.type === "Affine");
  return [affine[0]?.inputSize as number, affine.at(-1)?.outputSize as number];
}
