import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename } from "node:path";

/**
 * backprop's file of named arrays with a JSON header, used for models and checkpoints:
 *
 *   bytes 0-7    ASCII "BACKPROP"
 *   bytes 8-11   header length H, uint32 little-endian
 *   next H       the header, UTF-8 JSON, padded with spaces so that the arrays start at a multiple of 8
 *   the rest     the arrays back to back, little-endian, at the offsets the header gives
 *
 * The header holds `format: "backprop"`, `version`, `kind`, and `arrays`: `{ name, dtype, shape, offset,
 * byteLength }` per array, offsets counted from the end of the header; anything else in it is the caller's.
 */
export const MAGIC = "BACKPROP";
export const FORMAT_VERSION = 1;

export type ArrayDType = "float64" | "int32";
export type StoredArray = Float64Array | Int32Array;

export interface ArrayEntry {
  name: string;
  dtype: ArrayDType;
  shape: number[];
  offset: number;
  byteLength: number;
}

export interface FileHeader {
  format: "backprop";
  version: number;
  kind: string;
  arrays: ArrayEntry[];
  [key: string]: unknown;
}

/** A model or checkpoint file that cannot be read as one: the message names the file and what is wrong. */
export class ModelFileError extends Error {
  override name = "ModelFileError";
}

const BYTES: Record<ArrayDType, number> = { float64: 8, int32: 4 };
const PREFIX = MAGIC.length + 4;

/** Writes `arrays` with `header` to `path` atomically (see writeFileAtomic). */
export function writeArrayFile(path: string, kind: string, header: Record<string, unknown>, arrays: Record<string, { shape: number[]; data: StoredArray }>): void {
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const [name, { shape, data }] of Object.entries(arrays)) {
    const dtype: ArrayDType = data instanceof Float64Array ? "float64" : "int32";
    const size = shape.reduce((p, n) => p * n, 1);
    if (size !== data.length) throw new RangeError(`writeArrayFile: ${name} has ${data.length} values for shape [${shape}]`);
    entries.push({ name, dtype, shape, offset, byteLength: data.length * BYTES[dtype] });
    offset += data.length * BYTES[dtype];
  }
  let json = JSON.stringify({ ...header, format: "backprop", version: FORMAT_VERSION, kind, arrays: entries });
  json += " ".repeat((8 - ((PREFIX + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.alloc(PREFIX + Buffer.byteLength(json));
  head.write(MAGIC, 0, "latin1");
  head.writeUInt32LE(Buffer.byteLength(json), MAGIC.length);
  head.write(json, PREFIX, "utf8");
  const body = Buffer.alloc(offset);
  for (const [i, { data }] of Object.values(arrays).entries()) {
    const at = entries[i].offset;
    if (data instanceof Float64Array) data.forEach((v, k) => body.writeDoubleLE(v, at + k * 8));
    else data.forEach((v, k) => body.writeInt32LE(v, at + k * 4));
  }
  writeFileAtomic(path, [head, body]);
}

/**
 * Writes `chunks` to `path` through a temporary file beside it, flushed to disk and renamed into place, so that
 * a crash leaves the old file or the new one, never half of one.
 */
export function writeFileAtomic(path: string, chunks: (Uint8Array | string)[]): void {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(temporary, "w");
    try {
      for (const chunk of chunks) {
        if (typeof chunk === "string") writeSync(fd, chunk);
        else writeSync(fd, chunk);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Reads a file written by writeArrayFile, checking the magic, the version, and every array's place and size. */
export function readArrayFile(path: string, kind?: string): { header: FileHeader; arrays: Map<string, StoredArray> } {
  const name = basename(path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelFileError(code === "ENOENT" ? `loadModel: ${path} does not exist` : `loadModel: cannot read ${path}: ${(error as Error).message}`);
  }
  const fail = (what: string): never => {
    throw new ModelFileError(`loadModel: ${name} ${what}`);
  };
  if (bytes.length < PREFIX || bytes.toString("latin1", 0, MAGIC.length) !== MAGIC) {
    fail(`is not a backprop model file (it does not start with "${MAGIC}")`);
  }
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  if (PREFIX + headerLength > bytes.length) fail(`is truncated: its header needs ${headerLength} bytes, got ${bytes.length - PREFIX}`);
  let header: FileHeader;
  try {
    header = JSON.parse(bytes.toString("utf8", PREFIX, PREFIX + headerLength));
  } catch (error) {
    return fail(`has a corrupt header: ${(error as Error).message}`);
  }
  if (header?.format !== "backprop" || !Array.isArray(header.arrays)) fail("has a header without format \"backprop\" and an array list");
  if (header.version !== FORMAT_VERSION) fail(`has format version ${header.version}, expected ${FORMAT_VERSION}`);
  if (kind !== undefined && header.kind !== kind) fail(`is a ${header.kind} file, expected a ${kind} file`);
  const start = PREFIX + headerLength;
  const expectedSize = start + header.arrays.reduce((sum, a) => sum + (a.byteLength ?? 0), 0);
  if (bytes.length !== expectedSize) fail(`has ${bytes.length} bytes, expected ${expectedSize} from its header (truncated or padded)`);
  const arrays = new Map<string, StoredArray>();
  for (const entry of header.arrays) {
    const size = Array.isArray(entry.shape) ? entry.shape.reduce((p, n) => p * n, 1) : NaN;
    const width = BYTES[entry.dtype];
    if (!width || !Number.isInteger(size) || entry.byteLength !== size * width || !(entry.offset >= 0) || start + entry.offset + entry.byteLength > bytes.length) {
      fail(`has a corrupt entry for array ${entry.name}: ${JSON.stringify(entry)}`);
    }
    const at = start + entry.offset;
    const data = entry.dtype === "float64" ? new Float64Array(size) : new Int32Array(size);
    for (let k = 0; k < size; k++) data[k] = entry.dtype === "float64" ? bytes.readDoubleLE(at + k * 8) : bytes.readInt32LE(at + k * 4);
    arrays.set(entry.name, data);
  }
  return { header, arrays };
}
