import { DataError } from "../data-error.js";
import { isMissing, numberOf, quoted, textOf, whereIs } from "./columns.js";
import { inputScale, inputSize } from "./schema.js";
import type { Cell, RawTable, TableSchema } from "./types.js";

/** Why a row could not be encoded: its first cell that is missing, not a number, or of a category never seen. */
export interface EncodeProblem {
  /** Index into raw.rows. */
  row: number;
  line: number;
  column: string;
  kind: "missing" | "not-a-number" | "unknown-category";
  message: string;
}

export interface EncodeOptions {
  /** "required": the file must have the target column; "optional": t when it does; "ignore": never t. */
  target: "required" | "optional" | "ignore";
  /** The rows to encode, by index into raw.rows; default all. */
  rows?: number[];
}

export interface Encoded {
  /** (N, inputSize) row-major: z-scores and one-hot categories. */
  x: Float64Array;
  /** (N): the standardized target or the class index; null without a target. */
  t: Float64Array | null;
  /** Which rows of raw.rows are in x, in order. */
  rows: number[];
  /** One per row left out. */
  problems: EncodeProblem[];
}

/**
 * The rows of `raw` as the net's inputs by `schema`: a numeric column as (x - mean) / std (std 0 as 1), a
 * categorical one as one 0/1 input per category in the schema's order. A row with a bad cell is left out and
 * named in `problems`; a column the schema needs and the file lacks is an error.
 */
export function encodeRows(raw: RawTable, schema: TableSchema, options: EncodeOptions): Encoded {
  const columnOf = (name: string, what: string): number => {
    const j = raw.columns.indexOf(name);
    if (j === -1) throw new DataError(`${raw.name}: has no column "${name}", ${what} (its columns: ${raw.columns.join(", ")})`);
    return j;
  };
  const features = schema.features.map((f) => ({
    ...f,
    j: columnOf(f.name, "which the model was trained on"),
    index: f.kind === "categorical" ? new Map(f.categories.map((c, k) => [c, k])) : undefined,
  }));
  const { target } = schema;
  const hasTarget = options.target === "required" || (options.target === "optional" && raw.columns.includes(target.name));
  const jt = hasTarget ? columnOf(target.name, "the target the model was trained to predict") : -1;
  const classIndex = target.task === "classification" ? new Map(target.classes.map((c, k) => [c, k])) : undefined;
  const missing = new Set(schema.missing);
  const size = inputSize(schema);
  const scale = inputScale(schema);
  const wanted = options.rows ?? raw.rows.map((_, i) => i);

  const x = new Float64Array(wanted.length * size);
  const t = hasTarget ? new Float64Array(wanted.length) : null;
  const rows: number[] = [];
  const problems: EncodeProblem[] = [];
  for (const i of wanted) {
    const cells = raw.rows[i];
    const at = rows.length * size;
    const problem = (column: string, kind: EncodeProblem["kind"], what: string): EncodeProblem => ({
      row: i,
      line: raw.lines[i],
      column,
      kind,
      message: `${whereIs(raw, i, column)}: ${what}`,
    });
    let bad: EncodeProblem | undefined;
    let k = at;
    for (const f of features) {
      const cell = cells[f.j];
      if (isMissing(cell, missing)) bad = problem(f.name, "missing", noValue(cell));
      else if (f.kind === "numeric") {
        const v = numberOf(cell);
        if (v === undefined) bad = problem(f.name, "not-a-number", `${quoted(cell)} is not a number`);
        else {
          x[k] = (v - scale.mean[k - at]) / scale.std[k - at];
          k++;
        }
      } else {
        const c = (f.index as Map<string, number>).get(textOf(cell));
        if (c === undefined) bad = problem(f.name, "unknown-category", `${quoted(cell)} is a category the model never saw (it knows ${f.categories.join(", ")})`);
        else {
          x.fill(0, k, k + f.categories.length);
          x[k + c] = 1;
          k += f.categories.length;
        }
      }
      if (bad) break;
    }
    if (!bad && t) {
      const cell = cells[jt];
      if (isMissing(cell, missing)) bad = problem(target.name, "missing", noValue(cell));
      else if (target.task === "regression") {
        const v = numberOf(cell);
        if (v === undefined) bad = problem(target.name, "not-a-number", `${quoted(cell)} is not a number`);
        else t[rows.length] = (v - target.mean) / target.std;
      } else {
        const c = classOf(cell, classIndex as Map<string, number>);
        if (c === undefined) bad = problem(target.name, "unknown-category", `${quoted(cell)} is a class the model never saw (it knows ${target.classes.join(", ")})`);
        else t[rows.length] = c;
      }
    }
    if (bad) problems.push(bad);
    else rows.push(i);
  }
  return { x: x.slice(0, rows.length * size), t: t ? t.slice(0, rows.length) : null, rows, problems };
}

/** A cell's class: its text, or else its number as String() writes it, as numeric classes are stored ("1.0" is class "1"). */
function classOf(cell: Cell, index: Map<string, number>): number | undefined {
  const c = index.get(textOf(cell));
  if (c !== undefined) return c;
  const v = numberOf(cell);
  return v === undefined ? undefined : index.get(String(v));
}

function noValue(cell: Cell): string {
  return cell === null || cell.toString().trim() === "" ? "no value" : `no value (${quoted(cell)} reads as missing)`;
}
