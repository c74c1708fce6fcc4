import { DataError } from "../data-error.js";
import type { Cell, RawTable } from "./types.js";

/** The text values read as missing by default, compared after trimming. */
export const DEFAULT_MISSING = ["", "NA", "N/A", "NaN", "nan", "null", "?"];

/** A plain decimal, as people write numbers in a table: no hex, no Infinity, no thousands separators. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Some rows of a table, by index into `raw.rows`. */
export interface TableRows {
  raw: RawTable;
  rows: number[];
}

/** Whether a cell holds no value: null, or text that is one of `missing` once trimmed. */
export function isMissing(cell: Cell, missing: ReadonlySet<string>): boolean {
  return cell === null || (typeof cell === "string" && missing.has(cell.trim()));
}

/** A cell's number: a JSON number, or text that is a plain decimal once trimmed; undefined for anything else. */
export function numberOf(cell: Cell): number | undefined {
  if (typeof cell === "number") return Number.isFinite(cell) ? cell : undefined;
  if (typeof cell !== "string") return undefined;
  const text = cell.trim();
  return DECIMAL.test(text) ? Number(text) : undefined;
}

/** A cell as a category: text trimmed, a number or boolean as String() writes it. */
export function textOf(cell: Cell): string {
  return typeof cell === "string" ? cell.trim() : String(cell);
}

/** Where a cell is, for messages: `data.csv: line 12, column "x"` (or `record 12` for JSON). */
export function whereIs(raw: RawTable, row: number, column: string): string {
  return `${raw.name}: ${raw.unit} ${raw.lines[row]}, column "${column}"`;
}

/** A cell as messages quote it: 'abc'. */
export function quoted(cell: Cell): string {
  return `'${textOf(cell)}'`;
}

/**
 * How to read a column, over rows that hold a value in it: numeric when at least half the values are numbers
 * (then each must be one), else categorical; `categorical` forces the latter.
 */
export function columnKind(column: string, sets: TableRows[], categorical: boolean): "numeric" | "categorical" {
  if (categorical) return "categorical";
  let values = 0;
  let numbers = 0;
  for (const { raw, rows } of sets) {
    const j = raw.columns.indexOf(column);
    for (const i of rows) {
      values++;
      if (numberOf(raw.rows[i][j]) !== undefined) numbers++;
    }
  }
  if (2 * numbers < values) return "categorical";
  const bad = firstNotANumber(column, sets);
  if (bad) {
    throw new DataError(`${whereIs(bad.raw, bad.row, column)}: ${quoted(bad.cell)} is not a number, and the column's other values are (to read it as categories, list it in categorical)`);
  }
  return "numeric";
}

/** The first cell of `column` in `sets` that is not a number, in file order. */
export function firstNotANumber(column: string, sets: TableRows[]): { raw: RawTable; row: number; cell: Cell } | undefined {
  for (const { raw, rows } of sets) {
    const j = raw.columns.indexOf(column);
    for (const i of rows) {
      if (numberOf(raw.rows[i][j]) === undefined) return { raw, row: i, cell: raw.rows[i][j] };
    }
  }
  return undefined;
}

/** The distinct texts of `column` in `sets`, sorted by code unit (plain `<`), so the order does not depend on a locale. */
export function categoriesOf(column: string, sets: TableRows[]): string[] {
  const seen = new Set<string>();
  for (const { raw, rows } of sets) {
    const j = raw.columns.indexOf(column);
    for (const i of rows) seen.add(textOf(raw.rows[i][j]));
  }
  return [...seen].sort(byCodeUnit);
}

/** The distinct numbers of `column` in `sets`, in numeric order. */
export function distinctNumbers(column: string, sets: TableRows[]): number[] {
  const seen = new Set<number>();
  for (const { raw, rows } of sets) {
    const j = raw.columns.indexOf(column);
    for (const i of rows) seen.add(numberOf(raw.rows[i][j]) as number);
  }
  return [...seen].sort((a, b) => a - b);
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
