import { DataError } from "../data-error.js";
import { categoriesOf, columnKind, distinctNumbers, firstNotANumber, numberOf, quoted, whereIs, type TableRows } from "./columns.js";
import type { FeatureColumn, TableSchema, TargetColumn, Task } from "./types.js";

/** The columns to fit, named as in the file. */
export interface SchemaOptions {
  target: string;
  features: string[];
  /** Default: regression for a numeric target, classification for a text one. */
  task?: Task;
  /** Columns read as categories even where their values are numbers. */
  categorical?: string[];
  missing: string[];
}

/**
 * The schema of a table: each column's kind, categories and classes from `all` (the kept rows of every table:
 * a vocabulary, so that no set meets a category the other lacks), means and population standard deviations
 * (ddof 0, as NumPy's std and scikit-learn's StandardScaler) from the training rows `train` alone.
 */
export function fitSchema(train: TableRows, all: TableRows[], options: SchemaOptions): TableSchema {
  const categorical = new Set(options.categorical ?? []);
  const features = options.features.map((name): FeatureColumn => {
    if (columnKind(name, all, categorical.has(name)) === "categorical") return { name, kind: "categorical", categories: categoriesOf(name, all) };
    const { mean, std } = moments(name, train);
    return { name, kind: "numeric", mean, std };
  });
  return { features, target: fitTarget(train, all, options, categorical.has(options.target)), missing: [...options.missing] };
}

function fitTarget(train: TableRows, all: TableRows[], options: SchemaOptions, categorical: boolean): TargetColumn {
  const { target: name, task } = options;
  const file = train.raw.name;
  const numeric = columnKind(name, all, categorical) === "numeric";
  if (task === "regression" && !numeric) {
    const bad = firstNotANumber(name, all);
    if (!bad) throw new DataError(`${file}: the target "${name}" is listed in categorical, so it cannot be a regression target`);
    throw new DataError(`${whereIs(bad.raw, bad.row, name)}: ${quoted(bad.cell)} is not a number, so "${name}" cannot be a regression target (leave task out, or make it classification)`);
  }
  if (numeric && task !== "classification") {
    const { mean, std } = moments(name, train);
    if (std === 0) {
      throw new DataError(`${file}: the target "${name}" is ${mean} in each of the ${train.rows.length} training rows, expected values that vary`);
    }
    return { name, task: "regression", mean, std };
  }
  const classes = numeric ? distinctNumbers(name, all).map(String) : categoriesOf(name, all);
  if (classes.length < 2) {
    throw new DataError(`${file}: the target "${name}" has one class only ('${classes[0]}'), expected at least two`);
  }
  return { name, task: "classification", classes };
}

/** Mean and population standard deviation (ddof 0) of a numeric column over `rows`, in two passes. */
function moments(column: string, { raw, rows }: TableRows): { mean: number; std: number } {
  const j = raw.columns.indexOf(column);
  const values = rows.map((i) => numberOf(raw.rows[i][j]) as number);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

/** The net's input names, in order: a numeric column's name; `Sex=FEMALE`, `Sex=MALE` for a categorical one. */
export function inputNames(schema: TableSchema): string[] {
  return schema.features.flatMap((f) => (f.kind === "numeric" ? [f.name] : f.categories.map((c) => `${f.name}=${c}`)));
}

/**
 * The z-score encodeRows applies, per input: x' = (x - mean[k]) / std[k]. A numeric column's mean and std (a column
 * constant over the training rows keeps std 0 and is divided by 1); a one-hot input unchanged (mean 0, std 1).
 */
export function inputScale(schema: TableSchema): { mean: number[]; std: number[] } {
  const mean: number[] = [];
  const std: number[] = [];
  for (const f of schema.features) {
    if (f.kind === "numeric") {
      mean.push(f.mean);
      std.push(f.std === 0 ? 1 : f.std);
    } else {
      mean.push(...f.categories.map(() => 0));
      std.push(...f.categories.map(() => 1));
    }
  }
  return { mean, std };
}

/** The number of inputs: one per numeric column, one per category. */
export function inputSize(schema: TableSchema): number {
  return schema.features.reduce((n, f) => n + (f.kind === "numeric" ? 1 : f.categories.length), 0);
}

/** The net's outputs: 1 for a regression, one score per class for a classification. */
export function outputSize(schema: TableSchema): number {
  return schema.target.task === "regression" ? 1 : schema.target.classes.length;
}

/** The inputs in a line: `Beak Length (mm), Sex (FEMALE, MALE): 3 inputs`. */
export function describeSchema(schema: TableSchema): string {
  const columns = schema.features.map((f) => (f.kind === "numeric" ? f.name : `${f.name} (${f.categories.join(", ")})`));
  const n = inputSize(schema);
  return `${columns.join(", ")}: ${n} input${n === 1 ? "" : "s"}`;
}

/** A standardized regression output back in the target's units: y * std + mean. */
export function unscale(schema: TableSchema, y: number): number {
  const { target } = schema;
  if (target.task !== "regression") {
    throw new DataError(`unscale: the target "${target.name}" is a classification target, expected a regression target`);
  }
  return y * target.std + target.mean;
}

/** `value` as a TableSchema, checked field by field (as read back from a model file); `where` begins each message. */
export function checkSchema(value: unknown, where: string): TableSchema {
  const schema = object(value, "schema", where);
  const features = array(schema.features, "schema.features", where).map((f, i) => checkFeature(f, `schema.features[${i}]`, where));
  if (features.length === 0) throw new DataError(`${where}: schema.features is empty, expected at least one feature`);
  const names = new Set<string>();
  for (const { name } of features) {
    if (names.has(name)) throw new DataError(`${where}: schema.features names "${name}" twice, expected each column once`);
    names.add(name);
  }
  const target = checkTarget(schema.target, where);
  if (names.has(target.name)) throw new DataError(`${where}: schema.target "${target.name}" is also a feature, expected it apart`);
  const missing = strings(schema.missing, "schema.missing", where);
  return { features, target, missing };
}

function checkFeature(value: unknown, path: string, where: string): FeatureColumn {
  const f = object(value, path, where);
  const name = text(f.name, `${path}.name`, where);
  if (f.kind === "numeric") return { name, kind: "numeric", mean: finite(f.mean, `${path}.mean`, where), std: deviation(f.std, `${path}.std`, where, false) };
  if (f.kind === "categorical") return { name, kind: "categorical", categories: nonEmpty(strings(f.categories, `${path}.categories`, where), `${path}.categories`, where, 1) };
  throw new DataError(`${where}: ${path}.kind must be "numeric" or "categorical", got ${JSON.stringify(f.kind)}`);
}

function checkTarget(value: unknown, where: string): TargetColumn {
  const t = object(value, "schema.target", where);
  const name = text(t.name, "schema.target.name", where);
  if (t.task === "regression") return { name, task: "regression", mean: finite(t.mean, "schema.target.mean", where), std: deviation(t.std, "schema.target.std", where, true) };
  if (t.task === "classification") return { name, task: "classification", classes: nonEmpty(strings(t.classes, "schema.target.classes", where), "schema.target.classes", where, 2) };
  throw new DataError(`${where}: schema.target.task must be "regression" or "classification", got ${JSON.stringify(t.task)}`);
}

function object(value: unknown, path: string, where: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new DataError(`${where}: ${path} must be an object, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

function array(value: unknown, path: string, where: string): unknown[] {
  if (!Array.isArray(value)) throw new DataError(`${where}: ${path} must be an array, got ${JSON.stringify(value)}`);
  return value;
}

function text(value: unknown, path: string, where: string): string {
  if (typeof value !== "string" || value === "") throw new DataError(`${where}: ${path} must be a column name, got ${JSON.stringify(value)}`);
  return value;
}

function strings(value: unknown, path: string, where: string): string[] {
  const items = array(value, path, where);
  const i = items.findIndex((item) => typeof item !== "string");
  if (i !== -1) throw new DataError(`${where}: ${path}[${i}] must be a string, got ${JSON.stringify(items[i])}`);
  if (new Set(items).size !== items.length) throw new DataError(`${where}: ${path} holds a value twice, expected each once`);
  return [...(items as string[])];
}

function nonEmpty(items: string[], path: string, where: string, least: number): string[] {
  if (items.length < least) throw new DataError(`${where}: ${path} must hold at least ${least}, got ${items.length}`);
  return items;
}

function finite(value: unknown, path: string, where: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new DataError(`${where}: ${path} must be a finite number, got ${JSON.stringify(value)}`);
  return value;
}

function deviation(value: unknown, path: string, where: string, positive: boolean): number {
  const std = finite(value, path, where);
  if (positive ? !(std > 0) : !(std >= 0)) throw new DataError(`${where}: ${path} must be a standard deviation ${positive ? "> 0" : ">= 0"}, got ${std}`);
  return std;
}
