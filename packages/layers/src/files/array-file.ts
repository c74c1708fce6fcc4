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
 * These functions work on bytes, so that they run in a browser too; files/node.ts reads and writes paths.
 */
export const MAGIC = "BACKPROP";
/** The version written; version 1 (chapter 5's TwoLayerNet files) is still read. */
export const FORMAT_VERSION = 2;
export const READABLE_VERSIONS = [1, 2];

export type ArrayDType = "float64" | "float32" | "int32";
export type StoredArray = Float64Array | Float32Array | Int32Array;

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

const BYTES: Record<ArrayDType, number> = { float64: 8, float32: 4, int32: 4 };
const PREFIX = MAGIC.length + 4;

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
  const encoder = new TextEncoder();
  const text = JSON.stringify({ ...header, format: "backprop", version: FORMAT_VERSION, kind, arrays: entries });
  const padding = (8 - ((PREFIX + encoder.encode(text).length) % 8)) % 8;
  const json = encoder.encode(text + " ".repeat(padding));
  const bytes = new Uint8Array(PREFIX + json.length + offset);
  const view = new DataView(bytes.buffer);
  bytes.set(encoder.encode(MAGIC), 0);
  view.setUint32(MAGIC.length, json.length, true);
  bytes.set(json, PREFIX);
  const start = PREFIX + json.length;
  Object.values(arrays).forEach(({ data }, i) => {
    const at = start + entries[i].offset;
    if (data instanceof Float64Array) data.forEach((v, k) => view.setFloat64(at + k * 8, v, true));
    else if (data instanceof Float32Array) data.forEach((v, k) => view.setFloat32(at + k * 4, v, true));
    else data.forEach((v, k) => view.setInt32(at + k * 4, v, true));
  });
  return bytes;
}

/**
 * Reads the bytes of a file written by encodeArrayFile, checking the magic, the version, the kind when given, and
 * every array's place and size. `name` names the file in errors, which begin with `where` (default "loadModel").
 */
export function decodeArrayFile(bytes: Uint8Array, name: string, options: { kind?: string; where?: string } = {}): { header: FileHeader; arrays: Map<string, StoredArray> } {
  const { kind, where = "loadModel" } = options;
  const fail = (what: string): never => {
    throw new ModelFileError(`${where}: ${name} ${what}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < PREFIX || new TextDecoder("latin1").decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) {
    fail(`is not a backprop model file (it does not start with "${MAGIC}")`);
  }
  const headerLength = view.getUint32(MAGIC.length, true);
  if (PREFIX + headerLength > bytes.length) fail(`is truncated: its header needs ${headerLength} bytes, got ${bytes.length - PREFIX}`);
  let header: FileHeader;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(PREFIX, PREFIX + headerLength)));
  } catch (error) {
    return fail(`has a corrupt header: ${(error as Error).message}`);
  }
  if (header?.format !== "backprop" || !Array.isArray(header.arrays)) fail('has a header without format "backprop" and an array list');
  if (!READABLE_VERSIONS.includes(header.version)) fail(`has format version ${header.version}, expected ${READABLE_VERSIONS.join(" or ")}`);
  if (kind !== undefined && header.kind !== kind) fail(`is a ${header.kind} file, expected a ${kind} file`);
  const start = PREFIX + headerLength;
  const expectedSize = start + header.arrays.reduce((sum, a) => sum + (a?.byteLength ?? 0), 0);
  if (bytes.length !== expectedSize) fail(`has ${bytes.length} bytes, expected ${expectedSize} from its header (truncated or padded)`);
  const arrays = new Map<string, StoredArray>();
  for (const entry of header.arrays) {
    const size = Array.isArray(entry?.shape) ? entry.shape.reduce((p, n) => p * n, 1) : NaN;
    const width = BYTES[entry?.dtype];
    if (!width || !Number.isInteger(size) || entry.byteLength !== size * width || !(entry.offset >= 0) || start + entry.offset + entry.byteLength > bytes.length) {
      fail(`has a corrupt entry for array ${entry?.name}: ${JSON.stringify(entry)}`);
    }
    const at = start + entry.offset;
    const data = entry.dtype === "float64" ? new Float64Array(size) : entry.dtype === "float32" ? new Float32Array(size) : new Int32Array(size);
    for (let k = 0; k < size; k++) {
      data[k] = entry.dtype === "float64" ? view.getFloat64(at + k * 8, true) : entry.dtype === "float32" ? view.getFloat32(at + k * 4, true) : view.getInt32(at + k * 4, true);
    }
    arrays.set(entry.name, data);
  }
  return { header, arrays };
}
