/** A cell as read: text from a CSV file, a JSON value from a JSON file; null where the file has no value. */
export type Cell = string | number | boolean | null;

/** A table as read from a file, before any column is chosen: a header and rows exactly as long as it. */
export interface RawTable {
  /** The file's name (its base name), which every error about it starts with. */
  name: string;
  columns: string[];
  rows: Cell[][];
  /** Where each row is in the file: the 1-based line it starts on (CSV), or its 1-based record number (JSON). */
  lines: number[];
  /** What `lines` counts, for messages: "line" (CSV) or "record" (JSON). */
  unit: "line" | "record";
}

/** Regression: predict a number. Classification: predict one of a set of classes. */
export type Task = "regression" | "classification";

/**
 * A feature column as the net sees it: a number standardized as (x - mean) / std, std fitted on the training
 * rows (a column constant there keeps std 0 and is divided by 1), or text that becomes one 0/1 input per category.
 */
export type FeatureColumn =
  | { name: string; kind: "numeric"; mean: number; std: number }
  | { name: string; kind: "categorical"; categories: string[] };

/**
 * The target: a number the net predicts standardized as (t - mean) / std (fitted on the training rows), or a
 * class, whose index in `classes` is the net's output.
 */
export type TargetColumn =
  | { name: string; task: "regression"; mean: number; std: number }
  | { name: string; task: "classification"; classes: string[] };

/**
 * Everything that turns a row of a file into the net's inputs and its outputs back into the target's units and
 * names: the column order, the standardization and the categories. Plain JSON, stored in model files.
 */
export interface TableSchema {
  features: FeatureColumn[];
  target: TargetColumn;
  /** The text values read as missing (a row with one is dropped). */
  missing: string[];
}
