import { DataError, TableDataset, encodeRows, inputSize, readTable, type RawTable, type TableSchema } from "@backprop/datasets";

/** The rows of a file as a test set under a model's schema: rows with a missing value dropped, any other bad cell an error. */
export function readRowsToEvaluate(command: string, path: string, schema: TableSchema, skipLines: number): { test: TableDataset; name: string; dropped: number } {
  const raw = readTable(path, { skipLines });
  const { x, t, rows, problems } = encodeRows(raw, schema, { target: "required" });
  const bad = problems.find((problem) => problem.kind !== "missing");
  if (bad) throw new DataError(`${command}: ${bad.message}`);
  if (rows.length === 0) throw new DataError(`${command}: ${raw.name} has no row without a missing value in the model's columns`);
  return { test: datasetOf(raw, schema, x, t as Float64Array, rows), name: raw.name, dropped: problems.length };
}

/** A TableDataset of encoded rows, their lines taken from the file. */
export function datasetOf(raw: RawTable, schema: TableSchema, x: Float64Array, t: Float64Array, rows: number[]): TableDataset {
  const { target } = schema;
  const classes = target.task === "regression" ? 1 : target.classes.length;
  return new TableDataset(x, t, inputSize(schema), target.task, classes, rows.map((row) => raw.lines[row]));
}
