import { resolve } from "node:path";
import { loadMnist, type Mnist } from "@backprop/datasets";

/** Where a run's digits come from, as recorded in checkpoints and models. */
export type DataSource = { source: "embedded"; splitSeed: number } | { source: "idx"; dir: string };

/** The embedded split's seed is fixed, so that runs with different --seed are compared on the same test set. */
export const EMBEDDED_SPLIT_SEED = 0;

export function dataSource(dir: string | undefined): DataSource {
  return dir === undefined ? { source: "embedded", splitSeed: EMBEDDED_SPLIT_SEED } : { source: "idx", dir: resolve(dir) };
}

export function loadData(data: DataSource): Mnist {
  return data.source === "idx" ? loadMnist({ dir: data.dir }) : loadMnist({ seed: data.splitSeed });
}

/** "8000 train / 2000 test digits (embedded)" or "60000 train / 10000 test images from DIR"; only the test set with `testOnly`. */
export function describeData(data: DataSource, mnist: Mnist, testOnly = false): string {
  const counts = testOnly ? `${mnist.test.length} test` : `${mnist.train.length} train / ${mnist.test.length} test`;
  return data.source === "idx" ? `${counts} images from ${data.dir}` : `${counts} digits (embedded)`;
}
