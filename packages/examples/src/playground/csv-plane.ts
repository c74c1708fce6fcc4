import { DataError, numberOf, parseCsv, textOf } from "@backprop/datasets";

/** A CSV's points: x (N, 2) scaled to [-1, 1]; labels (class indices) or targets; classes 0 for regression. */
export interface CsvPlane {
  x: Float64Array;
  labels: Int32Array | null;
  targets: Float64Array | null;
  classes: number;
  /** The classes' names in first-seen order (empty for regression). */
  names: string[];
}

/** The most classes a CSV's label column may hold. */
export const MAX_CSV_CLASSES = 10;

/**
 * A CSV text with a header and three columns: two numeric features and a label or target (the last column unless
 * `target` names one). A label column of text or integers is classification (classes in first-seen order), one of
 * numbers not all integers regression. Each feature is scaled to [-1, 1] by its min and max (a constant one to 0).
 * Errors are DataErrors of one line: "csvPlane: line 4: column y is not a number, got 'abc'".
 */
export function csvPlane(text: string, target?: string): CsvPlane {
  const raw = parseCsv(text, "csvPlane");
  const fail = (what: string): never => {
    throw new DataError(`csvPlane: ${what}`);
  };
  if (raw.columns.length !== 3) fail(`expected 3 columns (two features and a label or target), got ${raw.columns.length} (${raw.columns.join(", ")})`);
  const label = target ?? (raw.columns[2] as string);
  const t = raw.columns.indexOf(label);
  if (t < 0) fail(`there is no column ${label}, expected one of ${raw.columns.join(", ")}`);
  if (raw.rows.length < 2) fail(`expected at least 2 rows of data, got ${raw.rows.length}`);
  const features = [0, 1, 2].filter((j) => j !== t);
  const n = raw.rows.length;

  const x = new Float64Array(2 * n);
  features.forEach((j, k) => {
    for (let i = 0; i < n; i++) {
      const v = numberOf(raw.rows[i][j]);
      if (v === undefined) fail(`line ${raw.lines[i]}: column ${raw.columns[j]} is not a number, got '${textOf(raw.rows[i][j])}'`);
      x[2 * i + k] = v as number;
    }
    scaleColumn(x, k);
  });

  const cells = raw.rows.map((row) => row[t]);
  const numbers = cells.map(numberOf);
  const regression = numbers.every((v) => v !== undefined) && numbers.some((v) => !Number.isInteger(v));
  if (regression) return { x, labels: null, targets: Float64Array.from(numbers as number[]), classes: 0, names: [] };

  const names: string[] = [];
  const labels = new Int32Array(n);
  cells.forEach((cell, i) => {
    const name = textOf(cell);
    if (name === "") fail(`line ${raw.lines[i]}: column ${label} is empty, expected a label`);
    if (!names.includes(name)) names.push(name);
    labels[i] = names.indexOf(name);
  });
  if (names.length < 2) fail(`column ${label} holds one class ('${names[0]}'), expected 2 to ${MAX_CSV_CLASSES}`);
  if (names.length > MAX_CSV_CLASSES) fail(`column ${label} holds ${names.length} classes, expected 2 to ${MAX_CSV_CLASSES}`);
  return { x, labels, targets: null, classes: names.length, names };
}

/** Column k of the (N, 2) x, scaled in place to [-1, 1] by its min and max; a constant column becomes 0. */
function scaleColumn(x: Float64Array, k: number): void {
  let min = Infinity;
  let max = -Infinity;
  for (let i = k; i < x.length; i += 2) {
    min = Math.min(min, x[i]);
    max = Math.max(max, x[i]);
  }
  const range = max - min;
  for (let i = k; i < x.length; i += 2) x[i] = range > 0 ? (2 * (x[i] - min)) / range - 1 : 0;
}
