import { resolve } from "node:path";
import { DataError, PENGUINS, describeSchema, loadPenguins, type Table, type TableSchema, type Task } from "@backprop/datasets";
import { loadTable } from "@backprop/datasets/node";

/** The embedded table's name. */
export const PENGUINS_DATASET = "penguins";

/**
 * Where a run's table comes from and how it was read, as models and checkpoints record it: the file (or the
 * embedded penguins), the columns, the split, and the schema fitted on the training rows.
 */
export interface TableSource {
  source: "table";
  /** "penguins" for the embedded table; else the file's absolute path. */
  file: string;
  /** A second file of test rows; without it the file is split. */
  testFile?: string;
  target: string;
  /** The feature columns as given; undefined: every column but the target (penguins: its five). */
  features?: string[];
  task?: Task;
  categorical?: string[];
  testFraction: number;
  splitSeed: number;
  skipLines: number;
  /** The columns, standardization and categories: what evaluate and predict apply to new rows. */
  schema?: TableSchema;
}

/** Reads the table of `source` and fits its schema on the training rows. */
export function loadTableSource(source: TableSource): Table {
  const { target, features, task, categorical, testFraction, splitSeed: seed, skipLines, testFile } = source;
  const options = { target, ...(features ? { features } : {}), ...(task ? { task } : {}), ...(categorical ? { categorical } : {}), testFraction, seed };
  if (source.file === PENGUINS_DATASET) {
    // another target than body mass reads every other column; the default keeps the five the issue names
    const chosen = features ?? (target === PENGUINS.target ? PENGUINS.features : undefined);
    return loadPenguins({ ...options, ...(chosen ? { features: chosen } : {}) });
  }
  return loadTable(source.file, { ...options, skipLines, ...(testFile ? { testPath: testFile } : {}) });
}

/** A source's table, checked to fit the schema recorded beside it: the same file gives the same transform. */
export function reloadTableSource(source: TableSource, where: string): Table {
  const table = loadTableSource(source);
  if (source.schema && JSON.stringify(table.schema) !== JSON.stringify(source.schema)) {
    throw new DataError(`${where}: ${table.report.name} is not the table the model was trained on: its columns, categories or training rows' means and deviations differ from the ones recorded`);
  }
  return table;
}

/** A table source from the train flags' values, before its schema is fitted. */
export function tableSourceOf(file: string, options: Omit<TableSource, "source" | "file" | "schema">): TableSource {
  return { source: "table", file: file === PENGUINS_DATASET ? file : resolve(file), ...options, ...(options.testFile ? { testFile: resolve(options.testFile) } : {}) };
}

/**
 * What train prints of a table: the task and target, the rows kept and dropped and the split, the inputs.
 *   regression of "Body Mass (g)" on penguins.json (embedded): 344 rows, 333 kept, 11 dropped for a missing value (lines ...); 266 train / 67 test (split seed 0)
 *   inputs: Beak Length (mm), ..., Species (Adelie, Chinstrap, Gentoo): 8 inputs; ...
 */
export function describeTable(table: Table, source: TableSource): string[] {
  const { report, schema } = table;
  const where = source.file === PENGUINS_DATASET ? `${report.name} (embedded)` : report.name;
  const dropped = report.dropped === 0 ? "none dropped" : `${report.dropped} dropped for a missing value (${linesText(report.unit, report.droppedLines)})`;
  const testDropped = report.testDroppedLines ?? [];
  const testText = testDropped.length === 0 ? "" : `, ${testDropped.length} of its rows dropped for a missing value (${linesText(report.unit, testDropped)})`;
  const split = report.testName ? `${report.train} train / ${report.test} test from ${report.testName}${testText}` : `${report.train} train / ${report.test} test (split seed ${source.splitSeed}, test fraction ${source.testFraction})`;
  const target = schema.target;
  const targetText =
    target.task === "regression"
      ? `target standardized by the training rows' mean ${round(target.mean)} and std ${round(target.std)}; the loss is half the mean squared error of the standardized target, MAE and MSE are in the target's units`
      : `${target.classes.length} classes: ${target.classes.join(", ")}`;
  return [
    `${target.task} of "${target.name}" on ${where}: ${report.rows} rows, ${report.kept} kept, ${dropped}; ${split}`,
    `inputs: ${describeSchema(schema)}, standardized by the training rows; ${targetText}`,
  ];
}

/** "lines 4, 9, 10, ... 3 more": the first eight. */
function linesText(unit: "line" | "record", lines: number[]): string {
  const more = lines.length > 8 ? `, ... ${lines.length - 8} more` : "";
  return `${unit}${lines.length === 1 ? "" : "s"} ${lines.slice(0, 8).join(", ")}${more}`;
}

/** A figure to 5 significant digits, as a plain number: 4207.1, 2.6341, 123460. */
export function round(x: number): string {
  return String(Number(x.toPrecision(5)));
}
