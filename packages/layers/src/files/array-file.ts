import { crc32, hex32 } from "./crc32.js";

/**
 * backprop's file of named arrays with a JSON header, used for models and checkpoints (version 3):
 *
 *   bytes 0-7    ASCII "BACKPROP"
 *   bytes 8-11   header length H, uint32 little-endian
 *   bytes 12-15  CRC-32 of the H bytes of the header (its padding included), uint32 little-endian
 *   next H       the header, UTF-8 JSON, padded with spaces so that the arrays start at a multiple of 8
 *   the rest     the arrays back to back, little-endian, at the offsets the header gives
 *
 * The header holds `format: "backprop"`, `version`, `kind`, and `arrays`: `{ name, dtype, shape, offset,
 * byteLength, crc32 }` per array, offsets counted from the end of the header, crc32 the CRC-32 of the array's
 * bytes; anything else in it is the caller's. Versions 1 and 2 have no checksums: their header follows its length
 * at byte 12. These functions work on bytes, so that they run in a browser too; files/node-files.ts reads and
 * writes paths.
 */
export const MAGIC = "BACKPROP";
/** The version written; versions 1 (chapter 5's TwoLayerNet files) and 2 (any net, no checksums) are still read. */
export const FORMAT_VERSION = 3;
export const READABLE_VERSIONS = [1, 2, 3];

export type ArrayDType = "float64" | "float32" | "int32";
export type StoredArray = Float64Array | Float32Array | Int32Array;

export interface ArrayEntry {
  name: string;
  dtype: ArrayDType;
  shape: number[];
  offset: number;
  byteLength: number;
  /** The CRC-32 of the array's bytes (version 3). */
  crc32?: number;
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

const BYTES: Record<ArrayDType, number> = { float64: 8, float32: 4, int32: 4 };
const PREFIX = MAGIC.length + 8;
// versions 1 and 2: the magic and the header's length, no checksum
const LEGACY_PREFIX = MAGIC.length + 4;
const OPEN_BRACE = 0x7b;
const CHANGED = "(the file changed after it was written)";

function dtypeOf(data: StoredArray): ArrayDType {
  return data instanceof Float64Array ? "float64" : data instanceof Float32Array ? "float32" : "int32";
}

/** The bytes of a file of `kind` holding `arrays` and the header fields `header`. */
export function encodeArrayFile(kind: string, header: Record<string, unknown>, arrays: Record<string, { shape: readonly number[]; data: StoredArray }>): Uint8Array {
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const [name, { shape, data }] of Object.entries(arrays)) {
    const dtype = dtypeOf(data);
    const size = shape.reduce((p, n) => p * n, 1);
    if (size !== data.length) throw new RangeError(`encodeArrayFile: ${name} has ${data.length} values for shape [${shape}]`);
    entries.push({ name, dtype, shape: [...shape], offset, byteLength: data.length * BYTES[dtype] });
    offset += data.length * BYTES[dtype];
  }
  // the arrays first, since the header carries their checksums
  const body = new Uint8Array(offset);
  const view = new DataView(body.buffer);
  Object.values(arrays).forEach(({ data }, i) => {
    const entry = entries[i];
    const at = entry.offset;
    if (data instanceof Float64Array) data.forEach((v, k) => view.setFloat64(at + k * 8, v, true));
    else if (data instanceof Float32Array) data.forEach((v, k) => view.setFloat32(at + k * 4, v, true));
    else data.forEach((v, k) => view.setInt32(at + k * 4, v, true));
    entry.crc32 = crc32(body.subarray(at, at + entry.byteLength));
  });
  const encoder = new TextEncoder();
  const text = JSON.stringify({ ...header, format: "backprop", version: FORMAT_VERSION, kind, arrays: entries });
  const padding = (8 - ((PREFIX + encoder.encode(text).length) % 8)) % 8;
  const json = encoder.encode(text + " ".repeat(padding));
  const bytes = new Uint8Array(PREFIX + json.length + body.length);
  const out = new DataView(bytes.buffer);
  bytes.set(encoder.encode(MAGIC), 0);
  out.setUint32(MAGIC.length, json.length, true);
  out.setUint32(MAGIC.length + 4, crc32(json), true);
  bytes.set(json, PREFIX);
  bytes.set(body, PREFIX + json.length);
  return bytes;
}

/**
 * Reads the bytes of a file written by encodeArrayFile (any readable version), checking the magic, the header's
 * checksum, the version, the kind when given, and every array: its entry, its place inside the file, that no two
 * share a name or a byte, and its checksum. `name` names the file in errors, which begin with `where` (default
 * "loadModel").
 */
export function decodeArrayFile(bytes: Uint8Array, name: string, options: { kind?: string; where?: string } = {}): { header: FileHeader; arrays: Map<string, StoredArray> } {
  const { kind, where = "loadModel" } = options;
  const fail = (what: string): never => {
    throw new ModelFileError(`${where}: ${name} ${what}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < LEGACY_PREFIX || new TextDecoder("latin1").decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) {
    fail(`is not a backprop model file (it does not start with "${MAGIC}")`);
  }
  // versions 1 and 2 start their header, a JSON object, at byte 12; version 3 puts the header's checksum there and
  // the header at 16, so an older file has "{" at 12 (its first byte) but not at 16 (its fifth)
  const legacy = bytes[LEGACY_PREFIX] === OPEN_BRACE && bytes[PREFIX] !== OPEN_BRACE;
  const prefix = legacy ? LEGACY_PREFIX : PREFIX;
  if (bytes.length < prefix) fail(`is truncated: it has ${bytes.length} bytes, fewer than the ${prefix} before its header`);
  const headerLength = view.getUint32(MAGIC.length, true);
  if (prefix + headerLength > bytes.length) fail(`is truncated: its header needs ${headerLength} bytes, got ${bytes.length - prefix}`);
  const headerBytes = bytes.subarray(prefix, prefix + headerLength);
  if (!legacy) {
    const expected = view.getUint32(MAGIC.length + 4, true);
    const actual = crc32(headerBytes);
    if (actual !== expected) fail(`has a corrupt header: its checksum is ${hex32(actual)}, expected ${hex32(expected)} ${CHANGED}`);
  }
  let header: FileHeader;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(headerBytes));
  } catch (error) {
    return fail(`has a corrupt header: ${(error as Error).message}`);
  }
  if (header?.format !== "backprop" || !Array.isArray(header.arrays)) fail('has a header without format "backprop" and an array list');
  const { version } = header;
  if (!READABLE_VERSIONS.includes(version)) fail(`has format version ${JSON.stringify(version)}, expected ${READABLE_VERSIONS.slice(0, -1).join(", ")} or ${READABLE_VERSIONS.at(-1)}`);
  if (legacy && version >= 3) fail(`has format version ${version} without the header checksum that version ${version} files have`);
  if (!legacy && version < 3) fail(`has format version ${version} but a header checksum, which only files of version 3 and later have`);
  if (kind !== undefined && header.kind !== kind) fail(`is a ${header.kind} file, expected a ${kind} file`);
  const entries = header.arrays;
  const checksummed = version >= 3;
  for (const entry of entries) checkEntry(entry, checksummed, fail);
  const start = prefix + headerLength;
  const expectedSize = start + entries.reduce((sum, a) => sum + a.byteLength, 0);
  if (bytes.length !== expectedSize) fail(`has ${bytes.length} bytes, expected ${expectedSize} from its header (truncated or padded)`);
  checkPlaces(entries, bytes.length - start, fail);
  if (checksummed) {
    for (const entry of entries) {
      const actual = crc32(bytes.subarray(start + entry.offset, start + entry.offset + entry.byteLength));
      if (actual !== entry.crc32) fail(`is corrupt: array ${entry.name}'s checksum is ${hex32(actual)}, expected ${hex32(entry.crc32 as number)} ${CHANGED}`);
    }
  }
  const arrays = new Map<string, StoredArray>();
  for (const entry of entries) {
    const size = entry.byteLength / BYTES[entry.dtype];
    const at = start + entry.offset;
    const data = entry.dtype === "float64" ? new Float64Array(size) : entry.dtype === "float32" ? new Float32Array(size) : new Int32Array(size);
    for (let k = 0; k < size; k++) {
      data[k] = entry.dtype === "float64" ? view.getFloat64(at + k * 8, true) : entry.dtype === "float32" ? view.getFloat32(at + k * 4, true) : view.getInt32(at + k * 4, true);
    }
    arrays.set(entry.name, data);
  }
  return { header, arrays };
}

/** Throws unless `entry` describes an array: a name, a known dtype, a shape, its byte length, an offset, a checksum. */
function checkEntry(entry: ArrayEntry, checksummed: boolean, fail: (what: string) => never): void {
  const corrupt = (why: string): never =>
    fail(`has a corrupt entry ${typeof entry?.name === "string" ? `for array ${entry.name}` : "in its array list"}: ${JSON.stringify(entry)} (${why})`);
  if (entry === null || typeof entry !== "object" || typeof entry.name !== "string") corrupt("no name");
  const width = Object.hasOwn(BYTES, entry.dtype) ? BYTES[entry.dtype] : undefined;
  if (width === undefined) corrupt(`unknown dtype ${JSON.stringify(entry.dtype)}, expected float64, float32 or int32`);
  if (!Array.isArray(entry.shape) || !entry.shape.every((n) => Number.isInteger(n) && n >= 0)) corrupt("its shape is not a list of non-negative integers");
  const expected = entry.shape.reduce((p, n) => p * n, 1) * (width as number);
  if (entry.byteLength !== expected) corrupt(`${entry.dtype} of shape [${entry.shape}] takes ${expected} bytes, not ${JSON.stringify(entry.byteLength)}`);
  if (!Number.isInteger(entry.offset) || entry.offset < 0) corrupt("its offset is not a non-negative integer");
  if (checksummed && !(Number.isInteger(entry.crc32) && (entry.crc32 as number) >= 0 && (entry.crc32 as number) <= 0xffffffff)) {
    corrupt("its crc32 is not a 32-bit checksum");
  }
}

/** Throws unless the arrays have distinct names and lie inside the `size` bytes of arrays, without overlapping. */
function checkPlaces(entries: ArrayEntry[], size: number, fail: (what: string) => never): void {
  const names = new Set<string>();
  for (const { name } of entries) {
    if (names.has(name)) fail(`has two arrays named ${name}`);
    names.add(name);
  }
  for (const entry of entries) {
    const end = entry.offset + entry.byteLength;
    if (end > size) fail(`has a corrupt entry for array ${entry.name}: ${JSON.stringify(entry)} (it ends at byte ${end}, past the ${size} bytes of arrays)`);
  }
  // in order of offset, each array must start after every earlier one ends; an empty array takes no byte
  const placed = entries.filter((e) => e.byteLength > 0).sort((a, b) => a.offset - b.offset);
  let last: ArrayEntry | undefined;
  for (const entry of placed) {
    if (last && entry.offset < last.offset + last.byteLength) {
      fail(`is corrupt: arrays ${last.name} and ${entry.name} overlap (bytes ${last.offset}-${last.offset + last.byteLength - 1} and ${entry.offset}-${entry.offset + entry.byteLength - 1})`);
    }
    if (!last || entry.offset + entry.byteLength > last.offset + last.byteLength) last = entry;
  }
}
