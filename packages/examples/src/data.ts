import { resolve } from "node:path";
import { mnistOf, outputSize, type ImageDataset, type Mnist, type Table } from "@backprop/datasets";
import { loadMnist } from "@backprop/datasets/node";
import { IdentityWithLoss, SoftmaxWithLoss, accuracy, meanAbsoluteError, meanSquaredError, type BatchSource, type Loss, type Metric } from "@backprop/layers";
import { describeTable, loadTableSource, reloadTableSource, type TableSource } from "./table-data.js";
import { describeSubset, subsetSets, type TrainSubset } from "./train-subset.js";

/** Where a run's digits come from, as recorded in checkpoints and models, and the classes it keeps (--train-subset). */
export type ImageSource = ({ source: "embedded"; splitSeed: number } | { source: "idx"; dir: string }) & { subset?: TrainSubset };

/** Where a run's data comes from: images (MNIST) or a table. */
export type DataSource = ImageSource | TableSource;

/** The embedded split's seed is fixed, so that runs with different --seed are compared on the same test set. */
export const EMBEDDED_SPLIT_SEED = 0;

export function dataSource(dir: string | undefined): ImageSource {
  return dir === undefined ? { source: "embedded", splitSeed: EMBEDDED_SPLIT_SEED } : { source: "idx", dir: resolve(dir) };
}

/** The images of a source; with a subset, its classes only and its validation set (see TrainSubset). */
export function loadData(data: ImageSource): Mnist & { validation?: ImageDataset } {
  const mnist = data.source === "idx" ? loadMnist({ dir: data.dir }) : loadMnist({ seed: data.splitSeed });
  if (!data.subset) return mnist;
  const sets = subsetSets(mnist.train, mnist.test, data.subset, "backprop");
  return Object.assign(mnistOf(sets.train, sets.test), { validation: sets.validation });
}

/**
 * "8000 train / 2000 test digits (embedded)" or "60000 train / 10000 test images from DIR"; only the test set's count
 * without `train`; a subset's validation count and classes too.
 */
export function describeData(data: ImageSource, sets: { train?: { length: number }; validation?: { length: number }; test: { length: number } }): string {
  const validation = sets.validation ? ` / ${sets.validation.length} validation` : "";
  const counts = sets.train ? `${sets.train.length} train${validation} / ${sets.test.length} test` : `${sets.test.length} test`;
  const subset = data.subset ? ` (${describeSubset(data.subset)})` : "";
  return data.source === "idx" ? `${counts} images from ${data.dir}${subset}` : `${counts} digits (embedded${data.subset ? `; ${describeSubset(data.subset)}` : ""})`;
}

/** A run's data as the trainer needs it, whatever it is: the two sets, the net's sizes, its last layer and metrics. */
export interface RunData {
  /** The source, with a table's fitted schema: what models and checkpoints record. */
  source: DataSource;
  train: BatchSource;
  test: BatchSource;
  /** Samples held out from training, when the data has some (--train-subset). */
  validation?: BatchSource;
  inputSize: number;
  outputSize: number;
  task: "regression" | "classification";
  lastLayer(): Loss;
  metrics: Metric[];
  /** The header lines that say what the data is. */
  describe(): string[];
  mnist?: Mnist;
  table?: Table;
}

/** Reads a run's data; `recorded` checks a table against the schema a model or checkpoint holds (`where` names the caller). */
export function loadRunData(source: DataSource, where?: string): RunData {
  if (source.source !== "table") {
    const mnist = loadData(source);
    return {
      source,
      train: mnist.train,
      test: mnist.test,
      ...(mnist.validation && { validation: mnist.validation }),
      inputSize: mnist.train.imageSize,
      outputSize: mnist.train.classes,
      task: "classification",
      lastLayer: () => new SoftmaxWithLoss(),
      metrics: [accuracy],
      describe: () => [describeData(source, mnist)],
      mnist,
    };
  }
  const table = where ? reloadTableSource(source, where) : loadTableSource(source);
  const fitted: TableSource = { ...source, schema: table.schema };
  const { target } = table.schema;
  const regression = target.task === "regression";
  return {
    source: fitted,
    train: table.train,
    test: table.test,
    inputSize: table.train.inputSize,
    outputSize: outputSize(table.schema),
    task: target.task,
    lastLayer: () => (regression ? new IdentityWithLoss() : new SoftmaxWithLoss()),
    // the net learns the standardized target; its errors times the target's std are in the target's units
    metrics: regression ? [meanAbsoluteError(target.std), meanSquaredError(target.std)] : [accuracy],
    describe: () => describeTable(table, fitted),
    table,
  };
}
