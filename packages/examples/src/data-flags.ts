// The data flags that train, graph and sweep share: --dataset, --data, and the table's flags, read into the data
// source a run records. A command that does not take a table flag leaves it undefined, and its default holds.
import { existsSync, statSync } from "node:fs";
import { DataError, PENGUINS } from "@backprop/datasets";
import { UsageError, nonNegativeInt, ratio, type FlagValues } from "./args.js";
import { dataSource, type DataSource } from "./data.js";
import { PENGUINS_DATASET, tableSourceOf, type TableSource } from "./table-data.js";

/** The data sets --dataset names. */
export const DATASETS = ["mnist", PENGUINS_DATASET];

/** The flags that read a table, and only a table. */
export const TABLE_FLAGS = ["target", "features", "task", "categorical", "test-fraction", "test-data", "skip-lines", "split-seed"];

/** The data the flags name: the embedded digits, an IDX folder, the penguins or a table file; `command` names the caller in errors. */
export function dataSourceOfFlags(command: string, v: FlagValues): DataSource {
  const dataset = v.dataset as string | undefined;
  const path = v.data as string | undefined;
  if (dataset !== undefined && !DATASETS.includes(dataset)) throw new UsageError(`${command}: --dataset must be ${DATASETS.join(" or ")}, got '${dataset}'`);
  if (dataset !== undefined && path !== undefined) throw new UsageError(`${command}: give --dataset or --data, not both`);
  const table = dataset === PENGUINS_DATASET || (path !== undefined && isTableFile(path));
  const tableFlag = TABLE_FLAGS.find((flag) => v[flag] !== undefined);
  if (!table) {
    if (tableFlag) throw new UsageError(`${command}: --${tableFlag} is for a table (--dataset penguins or --data FILE.csv), not for images`);
    return dataSource(path);
  }
  if (path !== undefined && !existsSync(path)) throw new DataError(`${command}: --data ${path} does not exist`);
  const target = (v.target as string | undefined) ?? (path === undefined ? PENGUINS.target : undefined);
  if (target === undefined) throw new UsageError(`${command}: --data ${path} is a table: give --target COLUMN, the column to predict`);
  const task = v.task as string | undefined;
  if (task !== undefined && task !== "regression" && task !== "classification") throw new UsageError(`${command}: --task must be regression or classification, got '${task}'`);
  const testFile = v["test-data"] as string | undefined;
  if (testFile !== undefined && v["test-fraction"] !== undefined) throw new UsageError(`${command}: give --test-fraction or --test-data, not both`);
  if (testFile !== undefined && !existsSync(testFile)) throw new DataError(`${command}: --test-data ${testFile} does not exist`);
  const source: TableSource = tableSourceOf(path ?? PENGUINS_DATASET, {
    target,
    features: columnList(command, "features", v.features),
    task: task as TableSource["task"],
    categorical: columnList(command, "categorical", v.categorical),
    testFraction: ratio(command, "test-fraction", v["test-fraction"]) ?? 0.2,
    splitSeed: nonNegativeInt(command, "split-seed", v["split-seed"], 0),
    skipLines: nonNegativeInt(command, "skip-lines", v["skip-lines"], 0),
    testFile,
  });
  // undefined options are left out, so that the source records only what was chosen
  return Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined)) as TableSource;
}

/** "a,b,c" as column names; undefined when absent. */
function columnList(command: string, flag: string, raw: string | boolean | undefined): string[] | undefined {
  if (typeof raw !== "string") return undefined;
  const names = raw.split(",").map((name) => name.trim());
  if (names.some((name) => name === "")) throw new UsageError(`${command}: --${flag} must be a comma-separated list of column names, got '${raw}'`);
  return names;
}

/** A file that is there, or a path that names a table by its extension; anything else is a folder of IDX files. */
function isTableFile(path: string): boolean {
  return existsSync(path) ? !statSync(path).isDirectory() : /\.(csv|json)$/i.test(path);
}
