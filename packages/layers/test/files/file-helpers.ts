import { basename } from "node:path";
import { decodeArrayFile, encodeArrayFile, type FileHeader, type StoredArray } from "../../src";
import { readModelBytes, writeFileAtomic } from "../../src/node";

/** encodeArrayFile's bytes written to `path` atomically. */
export function writeArrayFile(path: string, kind: string, header: Record<string, unknown>, arrays: Record<string, { shape: readonly number[]; data: StoredArray }>): void {
  writeFileAtomic(path, [encodeArrayFile(kind, header, arrays)]);
}

/** decodeArrayFile of the file at `path`, named by its base name in errors. */
export function readArrayFile(path: string, kind?: string): { header: FileHeader; arrays: Map<string, StoredArray> } {
  return decodeArrayFile(readModelBytes(path), basename(path), { kind });
}
