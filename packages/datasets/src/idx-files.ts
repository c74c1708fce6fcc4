// Reading IDX files and folders of them by path, in Node (@backprop/datasets/node); parseIdx reads bytes anywhere.
import { readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { constants, gunzipSync, inflateRawSync } from "node:zlib";
import { DataError } from "./data-error.js";
import { IDX_FILES, IMAGES_MAGIC, LABELS_MAGIC, parseIdxOf, type Idx, type IdxImages } from "./idx.js";
import { ImageDataset, type ImageOptions } from "./image-dataset.js";

/** MNIST and Fashion-MNIST both label their images with ten classes. */
const NUM_CLASSES = 10;
const GZIP_ID1 = 0x1f;
const GZIP_ID2 = 0x8b;
const GZIP_SIZE_BYTES = 4;
// a gzip member: a 10-byte header (its flags at byte 3), optional fields, deflate data, then CRC-32 and size
const GZIP_HEADER_BYTES = 10;
const GZIP_TRAILER_BYTES = 8;
const GZIP_FLAGS = { headerCrc: 0x02, extra: 0x04, name: 0x08, comment: 0x10 };
// deflate compresses at most about 1032:1, so a larger size in a gzip trailer is not to be trusted
const MAX_DEFLATE_RATIO = 1032;
const FILE_LIST = `${IDX_FILES.trainImages}, ${IDX_FILES.trainLabels}, ${IDX_FILES.testImages} and ${IDX_FILES.testLabels} (each raw or .gz)`;

/** Reads an IDX image file (magic 0x00000803: count, rows, cols), gzip-compressed or raw. */
export function readIdxImages(path: string): IdxImages {
  const { dims, data } = readIdx(path, IMAGES_MAGIC, "image");
  return { pixels: data, count: dims[0], rows: dims[1], cols: dims[2] };
}

/** Reads an IDX label file (magic 0x00000801: count), gzip-compressed or raw: one byte per label. */
export function readIdxLabels(path: string): Uint8Array {
  return readIdx(path, LABELS_MAGIC, "label").data;
}

/**
 * The train and test sets of a folder holding `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
 * `t10k-images-idx3-ubyte` and `t10k-labels-idx1-ubyte` (MNIST, Fashion-MNIST: ten classes), in the files' order.
 * Each file is read as `<name>` if that exists, else as `<name>.gz`; gzip is told by its first bytes, not by the name.
 * The pixels stay the files' bytes (one per pixel); `options` shape the tensors that the sets make.
 */
export function loadIdxDirectory(dir: string, options: ImageOptions = {}): { train: ImageDataset; test: ImageDataset } {
  checkFolder(dir);
  const train = readSet(dir, IDX_FILES.trainImages, IDX_FILES.trainLabels, options);
  const test = readSet(dir, IDX_FILES.testImages, IDX_FILES.testLabels, options);
  if (test.dataset.rows !== train.dataset.rows || test.dataset.cols !== train.dataset.cols) {
    throw new DataError(`loadMnist: ${test.imagesName} does not match the image size of ${train.imagesName}, expected ${train.dataset.rows}x${train.dataset.cols}, got ${test.dataset.rows}x${test.dataset.cols}`);
  }
  return { train: train.dataset, test: test.dataset };
}

/** The test set alone of such a folder (t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte): what evaluating a model reads. */
export function loadIdxTestSet(dir: string, options: ImageOptions = {}): ImageDataset {
  checkFolder(dir);
  return readSet(dir, IDX_FILES.testImages, IDX_FILES.testLabels, options).dataset;
}

function checkFolder(dir: string): void {
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (stat === undefined) {
    throw new DataError(`loadMnist: data folder ${dir} does not exist, expected a folder with ${FILE_LIST}`);
  }
  if (!stat.isDirectory()) {
    throw new DataError(`loadMnist: data folder ${dir} is a file, expected a folder with ${FILE_LIST}`);
  }
}

function readSet(dir: string, imagesFile: string, labelsFile: string, options: ImageOptions): { dataset: ImageDataset; imagesName: string } {
  const imagesPath = findFile(dir, imagesFile);
  const labelsPath = findFile(dir, labelsFile);
  const images = readIdxImages(imagesPath);
  const labels = readIdxLabels(labelsPath);
  const imagesName = basename(imagesPath);
  const labelsName = basename(labelsPath);
  if (images.count === 0) throw new DataError(`loadMnist: ${imagesName} has no images, expected at least one`);
  if (images.rows === 0 || images.cols === 0) {
    throw new DataError(`loadMnist: ${imagesName} has images of ${images.rows}x${images.cols} pixels, expected at least one pixel`);
  }
  if (labels.length === 0) throw new DataError(`loadMnist: ${labelsName} has no labels, expected one per image of ${imagesName}`);
  if (labels.length !== images.count) {
    throw new DataError(`loadMnist: ${labelsName} does not match ${imagesName}, expected ${images.count} labels (one per image), got ${labels.length}`);
  }
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= NUM_CLASSES) {
      throw new DataError(`loadMnist: ${labelsName} label ${i} is out of range, expected a class in [0, ${NUM_CLASSES}), got ${labels[i]}`);
    }
  }
  const dataset = new ImageDataset(images.pixels, labels, images.rows, images.cols, NUM_CLASSES, options);
  return { dataset, imagesName };
}

/** `dir/name` if it exists, else `dir/name.gz`: a raw file is there because someone unpacked the .gz, and reads faster. */
function findFile(dir: string, name: string): string {
  const raw = join(dir, name);
  const gz = `${raw}.gz`;
  if (statSync(raw, { throwIfNoEntry: false }) !== undefined) return raw;
  if (statSync(gz, { throwIfNoEntry: false }) !== undefined) return gz;
  throw new DataError(`loadMnist: data folder ${dir} has no ${name}, expected ${raw} or ${gz}`);
}

function readIdx(path: string, magic: number, kind: string): Idx {
  const name = basename(path);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new DataError(`loadMnist: cannot read ${path}, expected an IDX ${kind} file, got: ${(error as Error).message}`);
  }
  if (bytes.length >= 2 && bytes[0] === GZIP_ID1 && bytes[1] === GZIP_ID2) bytes = gunzip(bytes, name);
  return parseIdxOf(bytes, name, magic);
}

function gunzip(gz: Uint8Array, name: string): Uint8Array {
  // the trailer's last 4 bytes hold the unpacked size (mod 2^32): one output buffer of that size, one byte more so
  // that zlib does not start another when it is full, saves joining 16 KiB chunks at twice the memory
  const size = gz.length >= GZIP_SIZE_BYTES ? new DataView(gz.buffer, gz.byteOffset + gz.length - GZIP_SIZE_BYTES).getUint32(0, true) : 0;
  const options = size <= gz.length * MAX_DEFLATE_RATIO ? { chunkSize: Math.max(constants.Z_MIN_CHUNK, size + 1) } : {};
  try {
    return gunzipSync(gz, options);
  } catch (error) {
    // zlib reads bytes after a member as the next member: junk there reads as "incorrect header check"
    const junk = trailingJunk(gz);
    if (junk > 0) throw new DataError(`loadMnist: ${name} is a gzip file with ${junk} bytes of trailing junk after its compressed data`);
    throw new DataError(`loadMnist: ${name} is not a valid gzip file: ${(error as Error).message}`);
  }
}

/**
 * The bytes after the last whole gzip member of `gz` that do not start another member, or 0 when there are none or
 * a member itself is broken (zlib's message then says how).
 */
function trailingJunk(gz: Uint8Array): number {
  let at = 0;
  while (at < gz.length) {
    if (gz[at] !== GZIP_ID1 || gz[at + 1] !== GZIP_ID2) return at > 0 ? gz.length - at : 0;
    const end = memberEnd(gz, at);
    if (end === undefined) return 0;
    at = end;
  }
  return 0;
}

/** Where the gzip member at `start` ends (after its trailer), or undefined when it is cut short or does not inflate. */
function memberEnd(gz: Uint8Array, start: number): number | undefined {
  const flags = gz[start + 3];
  let at = start + GZIP_HEADER_BYTES;
  if (flags & GZIP_FLAGS.extra) at += 2 + (gz[at] | (gz[at + 1] << 8));
  for (const flag of [GZIP_FLAGS.name, GZIP_FLAGS.comment]) {
    if (flags & flag) {
      while (at < gz.length && gz[at] !== 0) at++;
      at++;
    }
  }
  if (flags & GZIP_FLAGS.headerCrc) at += 2;
  if (at >= gz.length) return undefined;
  try {
    // raw inflate stops at the end of the deflate data; bytesWritten counts the input it read
    const { engine } = inflateRawSync(gz.subarray(at), { info: true }) as unknown as { engine: { bytesWritten: number } };
    const end = at + engine.bytesWritten + GZIP_TRAILER_BYTES;
    return end <= gz.length ? end : undefined;
  } catch {
    return undefined;
  }
}
