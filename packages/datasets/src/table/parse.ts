// csv-parse through "#csv-parse" (package.json imports): its Node build uses Buffer, a browser bundle gets its own build with Buffer inside
import { CsvError, parse } from "#csv-parse";
import { DataError } from "../data-error.js";
import type { Cell, RawTable } from "./types.js";

export interface ParseOptions {
  /** Lines to skip before the header row (a title, a licence), read as plain lines, not as CSV; default 0. CSV only. */
  skipLines?: number;
}

const BOM = 0xfeff;
const LF = 0x0a;
const CR = 0x0d;
/** U+FFFD as UTF-8: where a file holds it, the decoder's U+FFFD is no sign of a bad byte. */
const REPLACEMENT_BYTES = [0xef, 0xbf, 0xbd];

/**
 * A table from a file's bytes (or text): JSON when the name ends in `.json` or the text starts with `[`, else CSV.
 * Bytes must be UTF-8 (a leading BOM is dropped).
 */
export function parseTable(bytes: Uint8Array | string, name: string, options: ParseOptions = {}): RawTable {
  const text = typeof bytes === "string" ? bytes : decodeUtf8(bytes, name);
  if (/\.json$/i.test(name) || /^\s*\[/.test(text)) {
    if ((options.skipLines ?? 0) > 0) {
      throw new DataError(`${name}: skipLines applies to CSV files, expected 0 for a JSON file, got ${options.skipLines}`);
    }
    return parseJsonTable(text, name);
  }
  return parseCsv(text, name, options);
}

/**
 * A CSV table: comma separated, fields quoted with `"` (a doubled `""` inside is one quote; a quoted field may hold
 * commas and line breaks), lines ending in LF, CRLF or CR, an optional UTF-8 BOM. After `skipLines` lines comes the
 * header row; column names are trimmed. Blank lines are skipped. Cells are the text as written, untrimmed.
 */
export function parseCsv(text: string, name: string, options: ParseOptions = {}): RawTable {
  const { skipLines = 0 } = options;
  if (!Number.isInteger(skipLines) || skipLines < 0) {
    throw new DataError(`${name}: skipLines must be a whole number >= 0, got ${skipLines}`);
  }
  if (text.charCodeAt(0) === BOM) text = text.slice(1);
  // skipped lines are cut off by hand: csv-parse's from_line would still parse them, and a title may hold a lone quote
  const body = text.slice(offsetAfterLines(text, skipLines));
  const bytes = new TextEncoder().encode(body);
  // csv-parse counts a CRLF inside quotes as two lines, so lines are counted here from where each record ends
  const ends: number[] = [];
  let records: string[][];
  try {
    records = parse(body, {
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (record: string[], context: { bytes: number }) => {
        ends.push(context.bytes);
        return record;
      },
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = startLines(bytes, [...ends, bytes.length], skipLines + 1).at(-1) as number;
    throw new DataError(`${name}: line ${line}: ${csvProblem(error)}`);
  }
  const starts = startLines(bytes, ends, skipLines + 1);
  if (records.length === 0) {
    const after = skipLines > 0 ? ` after the ${skipLines} skipped line${skipLines === 1 ? "" : "s"}` : "";
    throw new DataError(`${name}: is empty${after}, expected a header row and rows of data`);
  }
  const columns = records[0].map((column) => column.trim());
  const headerLine = starts[0];
  checkColumnNames(columns, `${name}: line ${headerLine}`);
  const rows: Cell[][] = [];
  const lines: number[] = [];
  for (let i = 1; i < records.length; i++) {
    const record = records[i];
    // a line of spaces is a blank line, unless one column makes it a row with a blank value
    if (record.length === 1 && columns.length > 1 && record[0].trim() === "") continue;
    if (record.length !== columns.length) {
      throw new DataError(`${name}: line ${starts[i]} has ${plural(record.length, "value")}, expected ${columns.length} as in the header (${columns.join(", ")})`);
    }
    rows.push(record);
    lines.push(starts[i]);
  }
  if (rows.length === 0) {
    throw new DataError(`${name}: line ${headerLine} is a header (${columns.join(", ")}) with no rows of data after it`);
  }
  return { name, columns, rows, lines, unit: "line" };
}

/** A JSON table: an array of records (objects) whose values are numbers, strings, booleans or null. */
export function parseJsonTable(text: string, name: string): RawTable {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DataError(`${name}: is not valid JSON (${(error as Error).message})`);
  }
  return recordsTable(value, name);
}

/**
 * A table from parsed JSON records: the columns are every key in the order first seen, a key a record lacks is
 * null there, and `lines` are record numbers 1..N.
 */
export function recordsTable(records: unknown, name: string): RawTable {
  if (!Array.isArray(records)) {
    throw new DataError(`${name}: expected an array of records ([{"column": value, ...}, ...]), got ${kindOf(records)}`);
  }
  if (records.length === 0) {
    throw new DataError(`${name}: is an empty array, expected at least one record`);
  }
  const index = new Map<string, number>();
  records.forEach((record: unknown, i) => {
    if (record === null || typeof record !== "object" || Array.isArray(record)) {
      throw new DataError(`${name}: record ${i + 1} is not an object, expected {"column": value, ...}, got ${kindOf(record)}`);
    }
    for (const [key, cell] of Object.entries(record)) {
      if (cell !== null && typeof cell === "object") {
        throw new DataError(`${name}: record ${i + 1}, column "${key}": ${kindOf(cell)} is not a cell, expected a number, a string, a boolean or null`);
      }
      if (key === "") throw new DataError(`${name}: record ${i + 1} has a column with no name ("")`);
      if (!index.has(key)) index.set(key, index.size);
    }
  });
  const columns = [...index.keys()];
  const rows = records.map((record: Record<string, Cell>) => columns.map((column) => (Object.hasOwn(record, column) ? record[column] : null)));
  return { name, columns, rows, lines: rows.map((_, i) => i + 1), unit: "record" };
}

/** `bytes` as UTF-8 text; a byte that is not UTF-8 is an error naming its line. */
function decodeUtf8(bytes: Uint8Array, name: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const { line, byte } = firstBadByte(bytes);
    throw new DataError(`${name}: line ${line}: byte 0x${byte.toString(16).padStart(2, "0")} is not UTF-8, expected a UTF-8 text file`);
  }
}

/** The first byte that does not decode as UTF-8, and its line: where the lenient decoder wrote U+FFFD for a byte that is not one. */
function firstBadByte(bytes: Uint8Array): { line: number; byte: number } {
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  const encoder = new TextEncoder();
  for (let at = text.indexOf("\ufffd"); at !== -1; at = text.indexOf("\ufffd", at + 1)) {
    // the text before `at` decoded cleanly, so it encodes back to the same bytes
    const offset = encoder.encode(text.slice(0, at)).length;
    if (REPLACEMENT_BYTES.every((b, k) => bytes[offset + k] === b)) continue;
    return { line: 1 + countBreaks(bytes, 0, offset), byte: bytes[offset] };
  }
  return { line: 1, byte: bytes[0] };
}

/** Columns must have names, each once. */
function checkColumnNames(columns: string[], where: string): void {
  const seen = new Map<string, number>();
  columns.forEach((column, i) => {
    if (column === "") throw new DataError(`${where}: column ${i + 1} has no name`);
    const first = seen.get(column);
    if (first !== undefined) throw new DataError(`${where}: columns ${first + 1} and ${i + 1} are both named "${column}"`);
    seen.set(column, i);
  });
}

/** What went wrong, for the CSV errors a person can make by hand; csv-parse's own words otherwise. */
function csvProblem(error: CsvError): string {
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return `a quoted field is not closed, expected a closing " before the end of the file`;
    case "CSV_INVALID_CLOSING_QUOTE":
      return `a quoted field goes on after its closing ", expected a comma or the end of the line (write "" for a quote inside quotes)`;
    case "INVALID_OPENING_QUOTE":
      return `a " inside a field that does not start with one, expected the whole field quoted (write "" for a quote inside quotes)`;
    default:
      return `is not valid CSV (${error.message})`;
  }
}

/** The offset in `text` just after its first `count` lines (a line ends at LF, CRLF or CR). */
function offsetAfterLines(text: string, count: number): number {
  let at = 0;
  for (let line = 0; line < count && at < text.length; line++) {
    while (at < text.length && text[at] !== "\n" && text[at] !== "\r") at++;
    at += text.startsWith("\r\n", at) ? 2 : 1;
  }
  return Math.min(at, text.length);
}

/**
 * The line each record starts on, given the byte offset where each ends (after its line break): the first line
 * that is not blank after the previous record. `firstLine` is the line number of byte 0.
 */
function startLines(bytes: Uint8Array, ends: number[], firstLine: number): number[] {
  const starts: number[] = [];
  let line = firstLine;
  let at = 0;
  for (const end of ends) {
    for (; at < end && (bytes[at] === LF || bytes[at] === CR); at++) line += countBreaks(bytes, at, at + 1);
    starts.push(line);
    line += countBreaks(bytes, at, end);
    at = end;
  }
  return starts;
}

/** The line breaks that end in bytes[from..to): LF, and CR not followed by LF. */
function countBreaks(bytes: Uint8Array, from: number, to: number): number {
  let breaks = 0;
  for (let i = from; i < to; i++) {
    if (bytes[i] === LF || (bytes[i] === CR && bytes[i + 1] !== LF)) breaks++;
  }
  return breaks;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}...` : value)}`;
  return `the ${typeof value} ${String(value)}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
