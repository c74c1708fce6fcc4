import { Random } from "@backprop/core";
import { DataError } from "../data-error.js";
import { DEFAULT_MISSING, isMissing, type TableRows } from "./columns.js";
import { encodeRows } from "./encode.js";
import { fitSchema, inputNames } from "./schema.js";
import { TableDataset } from "./table-dataset.js";
import type { RawTable, TableSchema, Task } from "./types.js";

/** The share of the kept rows that goes to the test set when no test file is given. */
export const DEFAULT_TEST_FRACTION = 0.2;

export interface TableOptions {
  /** The column to predict. */
  target: string;
  /** The input columns; default every column but the target. */
  features?: string[];
  /** Default: regression for a numeric target, classification for a text one. */
  task?: Task;
  /** Columns read as categories even where their values are numbers. */
  categorical?: string[];
  /** The text values read as missing (compared after trimming); default DEFAULT_MISSING. */
  missing?: string[];
  /** The share of kept rows held out for testing, in (0, 1); default 0.2. Not used with a test table. */
  testFraction?: number;
  /** Seeds the split; default 0. */
  seed?: number | string;
}

/** What was read: rows, kept and dropped count the table `name`; with a test table, its dropped lines apart. */
export interface TableReport {
  name: string;
  testName?: string;
  /** What the lines count: "line" (CSV) or "record" (JSON). */
  unit: "line" | "record";
  rows: number;
  kept: number;
  /** Rows with a missing value in a column used. */
  dropped: number;
  droppedLines: number[];
  /** The test table's dropped lines, when there is one. */
  testDroppedLines?: number[];
  train: number;
  test: number;
  task: Task;
  inputs: string[];
}

export interface Table {
  train: TableDataset;
  test: TableDataset;
  schema: TableSchema;
  report: TableReport;
}

/**
 * A table ready to train on: the rows holding a value in every column used, split into train and test (seeded,
 * `testFraction` of them to test, or all of `testRaw` to test), the schema fitted on the training rows, both
 * sets encoded by it.
 */
export function prepareTable(raw: RawTable, options: TableOptions, testRaw?: RawTable): Table {
  const { target, task, categorical = [], missing = DEFAULT_MISSING, testFraction = DEFAULT_TEST_FRACTION, seed = 0 } = options;
  const features = options.features ?? raw.columns.filter((column) => column !== target);
  checkColumns(raw, target, features, categorical);
  if (task !== undefined && task !== "regression" && task !== "classification") {
    throw new DataError(`loadTable: task must be "regression" or "classification", got ${JSON.stringify(task)}`);
  }
  const used = [...features, target];
  if (testRaw) {
    const absent = used.find((column) => !testRaw.columns.includes(column));
    if (absent !== undefined) {
      throw new DataError(`${testRaw.name}: has no column "${absent}", which ${raw.name} has (its columns: ${testRaw.columns.join(", ")})`);
    }
  }
  const missingSet = new Set(missing);
  const kept = keptRows(raw, used, missingSet);
  const testKept = testRaw && keptRows(testRaw, used, missingSet);
  // categories and classes come from every kept row (a vocabulary); means and deviations from the training rows alone
  const vocabulary: TableRows[] = [{ raw, rows: kept.rows }];
  if (testRaw && testKept) vocabulary.push({ raw: testRaw, rows: testKept.rows });
  const { train, test } = vocabulary.length === 2 ? { train: vocabulary[0], test: vocabulary[1] } : split(raw, kept.rows, testFraction, seed);
  const schema = fitSchema(train, vocabulary, { target, features, ...(task ? { task } : {}), categorical, missing });

  const report: TableReport = {
    name: raw.name,
    ...(testRaw ? { testName: testRaw.name } : {}),
    unit: raw.unit,
    rows: raw.rows.length,
    kept: kept.rows.length,
    dropped: kept.droppedLines.length,
    droppedLines: kept.droppedLines,
    ...(testKept ? { testDroppedLines: testKept.droppedLines } : {}),
    train: train.rows.length,
    test: test.rows.length,
    task: schema.target.task,
    inputs: inputNames(schema),
  };
  return { train: encodeSet(train, schema), test: encodeSet(test, schema), schema, report };
}

/** The target, features and categorical columns must be the file's; the target is not a feature. */
function checkColumns(raw: RawTable, target: string, features: string[], categorical: string[]): void {
  const columns = `(its columns: ${raw.columns.join(", ")})`;
  if (!raw.columns.includes(target)) throw new DataError(`${raw.name}: target "${target}" is not a column ${columns}`);
  const absent = [...features, ...categorical].find((column) => !raw.columns.includes(column));
  if (absent !== undefined) {
    const what = features.includes(absent) ? "feature" : "categorical";
    throw new DataError(`${raw.name}: ${what} "${absent}" is not a column ${columns}`);
  }
  if (features.includes(target)) throw new DataError(`${raw.name}: "${target}" is the target, so it cannot also be a feature`);
  if (features.length === 0) throw new DataError(`${raw.name}: no features, expected at least one column besides the target "${target}"`);
  const twice = features.find((column, i) => features.indexOf(column) !== i);
  if (twice !== undefined) throw new DataError(`${raw.name}: feature "${twice}" is listed twice, expected each column once`);
}

/** The rows with a value in every column used, and the lines of the others. */
function keptRows(raw: RawTable, used: string[], missing: ReadonlySet<string>): { rows: number[]; droppedLines: number[] } {
  const js = used.map((column) => raw.columns.indexOf(column));
  const rows: number[] = [];
  const droppedLines: number[] = [];
  raw.rows.forEach((cells, i) => {
    if (js.some((j) => isMissing(cells[j], missing))) droppedLines.push(raw.lines[i]);
    else rows.push(i);
  });
  if (rows.length === 0) {
    throw new DataError(`${raw.name}: no row has a value in every column used (${used.join(", ")}), expected at least one complete row`);
  }
  return { rows, droppedLines };
}

/**
 * A seeded split of `rows`: the first round(n * testFraction) of `new Random(seed).permutation(n)` pick the test
 * rows, the rest train; each set in file order.
 */
function split(raw: RawTable, rows: number[], testFraction: number, seed: number | string): { train: TableRows; test: TableRows } {
  if (typeof testFraction !== "number" || !(testFraction > 0 && testFraction < 1)) {
    throw new DataError(`loadTable: testFraction must be a number in (0, 1), got ${testFraction}`);
  }
  const n = rows.length;
  const nTest = Math.round(n * testFraction);
  if (nTest < 1 || n - nTest < 1) {
    throw new DataError(`${raw.name}: ${n} complete row${n === 1 ? "" : "s"} cannot be split ${n - nTest} train / ${nTest} test by testFraction ${testFraction}, expected at least one row in each`);
  }
  const isTest = new Uint8Array(n);
  const permutation = new Random(seed).permutation(n);
  for (let k = 0; k < nTest; k++) isTest[permutation[k]] = 1;
  return { train: { raw, rows: rows.filter((_, k) => !isTest[k]) }, test: { raw, rows: rows.filter((_, k) => isTest[k]) } };
}

/** Rows encoded by the schema; each was checked when the schema was fitted, so a problem here is an error. */
function encodeSet({ raw, rows }: TableRows, schema: TableSchema): TableDataset {
  const { x, t, problems } = encodeRows(raw, schema, { target: "required", rows });
  if (problems.length > 0) throw new DataError(problems[0].message);
  return TableDataset.ofRows(raw, schema, x, t as Float64Array, rows);
}
