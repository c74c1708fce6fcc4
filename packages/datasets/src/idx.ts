import { DataError } from "./data-error.js";

/** The magic number of an IDX file of unsigned bytes with 3 dimensions: count, rows, cols. */
export const IMAGES_MAGIC = 0x00000803;
/** The magic number of an IDX file of unsigned bytes with 1 dimension: count. */
export const LABELS_MAGIC = 0x00000801;
/** The four files of MNIST, also used by Fashion-MNIST; each may be raw or gzip-compressed with a `.gz` suffix. */
export const IDX_FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

const MAGIC_BYTES = 4;
const SIZE_BYTES = 4;
const UNSIGNED_BYTE = 0x08;

// in its own file so that the readers of bytes can throw it without importing node:fs
export { DataError } from "./data-error.js";

/** An IDX file of unsigned bytes: its sizes, and `data` holding their product of bytes, row-major. */
export interface Idx {
  dims: number[];
  data: Uint8Array;
}

/** Images from an IDX file: `pixels` holds count * rows * cols bytes, row-major per image. */
export interface IdxImages {
  pixels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

/**
 * Parses IDX bytes (big-endian): magic 0x00 0x00, type 0x08 (unsigned byte), the number of dimensions, one u32
 * size per dimension, then exactly their product of bytes. `data` is a view into `bytes`, not a copy.
 * `name` is the file as the user knows it, for the error messages.
 */
export function parseIdx(bytes: Uint8Array, name: string): Idx {
  if (bytes.length < MAGIC_BYTES) {
    throw new DataError(`loadMnist: ${name} is too short for an IDX header, expected at least ${MAGIC_BYTES} bytes, got ${bytes.length}`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== UNSIGNED_BYTE) {
    throw new DataError(`loadMnist: ${name} is not an IDX file of unsigned bytes (magic ${hex(magicOf(bytes))}, expected 0x000008 and the number of dimensions)`);
  }
  const ndims = bytes[3];
  const headerBytes = MAGIC_BYTES + SIZE_BYTES * ndims;
  if (bytes.length < headerBytes) {
    throw new DataError(`loadMnist: ${name} is too short for an IDX header of ${ndims} dimensions, expected at least ${headerBytes} bytes, got ${bytes.length}`);
  }
  const header = new DataView(bytes.buffer, bytes.byteOffset, headerBytes);
  const dims = Array.from({ length: ndims }, (_, i) => header.getUint32(MAGIC_BYTES + SIZE_BYTES * i, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const got = bytes.length - headerBytes;
  if (got < expected) {
    throw new DataError(`loadMnist: ${name} is truncated: its header promises ${describe(dims)}, got ${got}`);
  }
  if (got > expected) {
    throw new DataError(`loadMnist: ${name} has ${got - expected} extra bytes at the end: its header promises ${describe(dims)}, got ${got}`);
  }
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, expected) };
}

/**
 * Parses the IDX bytes of an image file (magic 0x00000803) or a label file (0x00000801), telling one from the other
 * by its magic before reading the sizes: a label file's header read as an image file's would promise the wrong size.
 */
export function parseIdxOf(bytes: Uint8Array, name: string, magic: number): Idx {
  const kind = magic === IMAGES_MAGIC ? "image" : "label";
  if (bytes.length >= MAGIC_BYTES && bytes[0] === 0 && bytes[1] === 0 && bytes[2] === UNSIGNED_BYTE) {
    const got = magicOf(bytes);
    const other = magic === IMAGES_MAGIC ? { magic: LABELS_MAGIC, kind: "label" } : { magic: IMAGES_MAGIC, kind: "image" };
    if (got === other.magic) {
      throw new DataError(`loadMnist: ${name} is an IDX ${other.kind} file (magic ${hex(got)}), expected ${kind === "image" ? "an" : "a"} ${kind} file (magic ${hex(magic)})`);
    }
    if (got !== magic) throw new DataError(`loadMnist: ${name} is not an IDX ${kind} file (magic ${hex(got)}, expected ${hex(magic)})`);
  }
  return parseIdx(bytes, name);
}

function magicOf(bytes: Uint8Array): number {
  return ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
}

function hex(magic: number): string {
  return `0x${magic.toString(16).padStart(8, "0")}`;
}

/** What an IDX header promises, in words: `4 images of 28x28 (3136 bytes of pixels)`. */
function describe(dims: number[]): string {
  const bytes = dims.reduce((a, b) => a * b, 1);
  if (dims.length === 3) return `${dims[0]} images of ${dims[1]}x${dims[2]} (${bytes} bytes of pixels)`;
  if (dims.length === 1) return `${dims[0]} labels (${bytes} bytes)`;
  return `${dims.length === 0 ? "a scalar" : `an array of ${dims.join("x")}`} (${bytes} bytes)`;
}
