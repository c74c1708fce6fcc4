import { readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { DataError } from "../data-error.js";
import { prepareTable, type Table, type TableOptions } from "./load-table.js";
import { parseTable, type ParseOptions } from "./parse.js";
import type { RawTable } from "./types.js";

export interface LoadTableOptions extends TableOptions, ParseOptions {
  /** A second file of the same columns whose rows are the test set; without it the file is split. */
  testPath?: string;
}

/** Reads a CSV or JSON table (see parseTable); its name in messages is the file's base name. */
export function readTable(path: string, options: ParseOptions = {}): RawTable {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) throw new DataError(`loadTable: ${path} does not exist`);
  if (stat.isDirectory()) throw new DataError(`loadTable: ${path} is a folder, expected a CSV or JSON file`);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new DataError(`loadTable: cannot read ${path}: ${(error as Error).message}`);
  }
  return parseTable(bytes, basename(path), options);
}

/** A table file ready to train on (see prepareTable); `skipLines` applies to both files. */
export function loadTable(path: string, options: LoadTableOptions): Table {
  const { skipLines, testPath, ...table } = options;
  const parse = skipLines === undefined ? {} : { skipLines };
  return prepareTable(readTable(path, parse), table, testPath === undefined ? undefined : readTable(testPath, parse));
}
