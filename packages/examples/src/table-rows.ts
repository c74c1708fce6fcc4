import { DataError, TableDataset, encodeRows, type TableSchema } from "@backprop/datasets";
import { readTable } from "@backprop/datasets/node";

/** The rows of a file as a test set under a model's schema: rows with a missing value dropped, any other bad cell an error. */
export function readRowsToEvaluate(command: string, path: string, schema: TableSchema, skipLines: number): { test: TableDataset; name: string; dropped: number } {
  const raw = readTable(path, { skipLines });
  const { x, t, rows, problems } = encodeRows(raw, schema, { target: "required" });
  const bad = problems.find((problem) => problem.kind !== "missing");
  if (bad) throw new DataError(`${command}: ${bad.message}`);
  if (rows.length === 0) throw new DataError(`${command}: ${raw.name} has no row without a missing value in the model's columns`);
  return { test: TableDataset.ofRows(raw, schema, x, t as Float64Array, rows), name: raw.name, dropped: problems.length };
}
