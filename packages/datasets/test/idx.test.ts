import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { parseIdx } from "../src/index.js";
import { loadIdxDirectory, loadMnist, readIdxImages, readIdxLabels } from "../src/node.js";
import { expectDataError } from "./table/helpers.js";

const TRAIN_LABELS = [7, 0, 9, 2];
const TEST_LABELS = [5, 3, 8];

/** Pixel j of train image k: (j + 50k) mod 256, so image 1 starts at 50 and reaches 255 at pixel 205. */
function trainPixel(k: number, j: number): number {
  return (j + 50 * k) % 256;
}

/** Pixel j of test image k: (3j + 7k + 1) mod 256. */
function testPixel(k: number, j: number): number {
  return (3 * j + 7 * k + 1) % 256;
}

function pixelsOf(count: number, size: number, pixel: (k: number, j: number) => number): Uint8Array {
  return Uint8Array.from({ length: count * size }, (_, i) => pixel(Math.floor(i / size), i % size));
}

/** IDX bytes written by hand: 0x00 0x00 0x08 ndims, the sizes as big-endian u32, then the data. */
function idxBytes(dims: number[], data: ArrayLike<number>): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((n, i) => header.writeUInt32BE(n, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(Uint8Array.from(data))]);
}

function imagesIdx(count: number, rows: number, cols: number, pixel: (k: number, j: number) => number): Buffer {
  return idxBytes([count, rows, cols], pixelsOf(count, rows * cols, pixel));
}

function labelsIdx(labels: number[]): Buffer {
  return idxBytes([labels.length], labels);
}

type Files = Record<"train-images-idx3-ubyte" | "train-labels-idx1-ubyte" | "t10k-images-idx3-ubyte" | "t10k-labels-idx1-ubyte", Buffer>;

/** 4 train and 3 test images of 28x28 with the patterns above. */
function mnistFiles(): Files {
  return {
    "train-images-idx3-ubyte": imagesIdx(4, 28, 28, trainPixel),
    "train-labels-idx1-ubyte": labelsIdx(TRAIN_LABELS),
    "t10k-images-idx3-ubyte": imagesIdx(3, 28, 28, testPixel),
    "t10k-labels-idx1-ubyte": labelsIdx(TEST_LABELS),
  };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "backprop-idx-"));
  dirs.push(dir);
  return dir;
}

/** A folder with the four files, raw or each as `<name>.gz`, after `change` had its way with them. */
function mnistFolder(gzip: boolean, change: (files: Files) => void = () => {}): string {
  const dir = tempDir();
  const files = mnistFiles();
  change(files);
  for (const [name, bytes] of Object.entries(files)) {
    writeFileSync(join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  }
  return dir;
}


function escape(path: string): string {
  return path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("parseIdx", () => {
  it("reads the sizes big-endian and gives the data as a view, not a copy", () => {
    const bytes = idxBytes([2, 3, 258], Array.from({ length: 2 * 3 * 258 }, (_, i) => i % 256));
    const { dims, data } = parseIdx(bytes, "x");
    expect(dims).toEqual([2, 3, 258]);
    expect(data.length).toBe(1548);
    expect([data[0], data[1], data[255], data[256], data[1547]]).toEqual([0, 1, 255, 0, 1547 % 256]);
    expect(data.buffer).toBe(bytes.buffer);
    expect(data.byteOffset).toBe(bytes.byteOffset + 16);
  });

  it("reads bytes that start inside a larger buffer", () => {
    const whole = new Uint8Array(100);
    whole.set(idxBytes([3], [4, 5, 6]), 40);
    const { dims, data } = parseIdx(whole.subarray(40, 51), "x");
    expect(dims).toEqual([3]);
    expect([...data]).toEqual([4, 5, 6]);
  });

  it("refuses a file that is not IDX, naming its magic", () => {
    expectDataError(() => parseIdx(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 0), "digits.png"),
      /^loadMnist: digits\.png is not an IDX file of unsigned bytes \(magic 0x89504e47, expected 0x000008 and the number of dimensions\)$/);
    // IDX type 0x0d holds floats
    expectDataError(() => parseIdx(Uint8Array.of(0, 0, 0x0d, 1, 0, 0, 0, 0), "floats"), /^loadMnist: floats is not an IDX file of unsigned bytes \(magic 0x00000d01, /);
  });
});

describe("loadIdxDirectory", () => {
  it("reads 4 train and 3 test images of 28x28 with their labels, in the files' order", () => {
    const { train, test } = loadIdxDirectory(mnistFolder(false), {});
    expect([train.length, train.rows, train.cols, train.classes]).toEqual([4, 28, 28, 10]);
    expect([test.length, test.rows, test.cols, test.classes]).toEqual([3, 28, 28, 10]);
    expect([...train.labels]).toEqual(TRAIN_LABELS);
    expect([...test.labels]).toEqual(TEST_LABELS);
    expect([...train.pixels]).toEqual([...pixelsOf(4, 784, trainPixel)]);
    expect([...test.pixels]).toEqual([...pixelsOf(3, 784, testPixel)]);
    // by hand: train image 1 is 50, 51, ..., 255 (pixel 205), 0, 1, ...; test image 2 is 15, 18, 21, ...
    expect([train.pixels[784], train.pixels[784 + 205], train.pixels[784 + 206]]).toEqual([50, 255, 0]);
    expect([test.pixels[2 * 784], test.pixels[2 * 784 + 1], test.pixels[2 * 784 + 2]]).toEqual([15, 18, 21]);
  });

  it("gives tensors of the bytes: p / 255 in rows of 784 and class indices by default", () => {
    const { train, test } = loadIdxDirectory(mnistFolder(false), {});
    const { x, t } = train.batch([1, 3]);
    expect(x.shape).toEqual([2, 784]);
    expect(t.shape).toEqual([2]);
    expect(Array.from(x.contiguousData().subarray(0, 3))).toEqual([50 / 255, 51 / 255, 52 / 255]);
    expect([x.contiguousData()[205], x.contiguousData()[206]]).toEqual([1, 0]);
    expect(x.contiguousData()[784]).toBe(150 / 255);
    expect(Array.from(t.contiguousData())).toEqual([0, 2]);
    expect(Array.from(test.all().t.contiguousData())).toEqual(TEST_LABELS);
  });

  it("shapes the tensors by the options: (N, 1, 28, 28) integers and (N, 10) one-hot", () => {
    const { train } = loadIdxDirectory(mnistFolder(true), { normalize: false, flatten: false, oneHot: true });
    const { x, t } = train.batch([2]);
    expect(x.shape).toEqual([1, 1, 28, 28]);
    expect(t.shape).toEqual([1, 10]);
    expect(Array.from(x.contiguousData().subarray(0, 3))).toEqual([100, 101, 102]);
    expect(Array.from(t.contiguousData())).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it("gives identical results for raw and gzip files", () => {
    const raw = loadIdxDirectory(mnistFolder(false), {});
    const gz = loadIdxDirectory(mnistFolder(true), {});
    for (const set of ["train", "test"] as const) {
      expect(Buffer.from(gz[set].pixels).equals(Buffer.from(raw[set].pixels))).toBe(true);
      expect([...gz[set].labels]).toEqual([...raw[set].labels]);
      expect(Array.from(gz[set].all().x.contiguousData())).toEqual(Array.from(raw[set].all().x.contiguousData()));
    }
  });

  it("tells gzip by its first bytes, not by the name", () => {
    const dir = tempDir();
    const files = mnistFiles();
    // gzip under the raw names, raw bytes under the .gz names
    writeFileSync(join(dir, "train-images-idx3-ubyte"), gzipSync(files["train-images-idx3-ubyte"]));
    writeFileSync(join(dir, "train-labels-idx1-ubyte.gz"), files["train-labels-idx1-ubyte"]);
    writeFileSync(join(dir, "t10k-images-idx3-ubyte.gz"), files["t10k-images-idx3-ubyte"]);
    writeFileSync(join(dir, "t10k-labels-idx1-ubyte"), gzipSync(files["t10k-labels-idx1-ubyte"]));
    const { train, test } = loadIdxDirectory(dir, {});
    expect([...train.pixels]).toEqual([...pixelsOf(4, 784, trainPixel)]);
    expect([...train.labels]).toEqual(TRAIN_LABELS);
    expect([...test.pixels]).toEqual([...pixelsOf(3, 784, testPixel)]);
    expect([...test.labels]).toEqual(TEST_LABELS);
  });

  it("reads the raw file when both it and the .gz are there", () => {
    const dir = mnistFolder(true);
    writeFileSync(join(dir, "train-labels-idx1-ubyte"), labelsIdx([1, 1, 1, 1]));
    expect([...loadIdxDirectory(dir, {}).train.labels]).toEqual([1, 1, 1, 1]);
  });

  it("keeps the pixels as the file's bytes, no copy", () => {
    const dir = mnistFolder(false);
    const images = readIdxImages(join(dir, "train-images-idx3-ubyte"));
    expect(images.pixels).toBeInstanceOf(Uint8Array);
    // a view of the file's bytes: the 16-byte header sits right before the pixels in the same buffer
    const header = new Uint8Array(images.pixels.buffer, images.pixels.byteOffset - 16, 16);
    expect([...header]).toEqual([0, 0, 8, 3, 0, 0, 0, 4, 0, 0, 0, 28, 0, 0, 0, 28]);
  });

  it("reads images and labels alone", () => {
    const dir = mnistFolder(true);
    const images = readIdxImages(join(dir, "t10k-images-idx3-ubyte.gz"));
    expect([images.count, images.rows, images.cols]).toEqual([3, 28, 28]);
    expect([...images.pixels]).toEqual([...pixelsOf(3, 784, testPixel)]);
    expect([...readIdxLabels(join(dir, "t10k-labels-idx1-ubyte.gz"))]).toEqual(TEST_LABELS);
  });

  it("reads any size of image that train and test share", () => {
    const dir = mnistFolder(false, (files) => {
      files["train-images-idx3-ubyte"] = imagesIdx(4, 5, 7, trainPixel);
      files["t10k-images-idx3-ubyte"] = imagesIdx(3, 5, 7, testPixel);
    });
    const { train, test } = loadIdxDirectory(dir, { flatten: false });
    expect(train.batch([0]).x.shape).toEqual([1, 1, 5, 7]);
    expect([...test.pixels]).toEqual([...pixelsOf(3, 35, testPixel)]);
  });
});

describe("loadMnist({ dir })", () => {
  it("gives the files' sets in order, ignoring seed, with the shape options", () => {
    const dir = mnistFolder(true);
    const mnist = loadMnist({ dir, seed: 5, oneHot: true });
    expect(mnist.xTrain.shape).toEqual([4, 784]);
    expect(mnist.tTrain.shape).toEqual([4, 10]);
    expect(mnist.xTest.shape).toEqual([3, 784]);
    expect(Array.from(mnist.tTest.argmax(1).contiguousData())).toEqual(TEST_LABELS);
    expect(mnist.xTrain.contiguousData()[784]).toBe(50 / 255);
    expect(Array.from(loadMnist({ dir }).tTrain.contiguousData())).toEqual(TRAIN_LABELS);
  });
});

describe("loadIdxDirectory errors", () => {
  it("names a missing folder", () => {
    const dir = join(tempDir(), "nope");
    expectDataError(() => loadIdxDirectory(dir, {}),
      new RegExp(`^loadMnist: data folder ${escape(dir)} does not exist, expected a folder with train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte \\(each raw or \\.gz\\)$`));
    expectDataError(() => loadMnist({ dir }), /^loadMnist: data folder .*nope does not exist/);
  });

  it("says so when the folder is a file", () => {
    const file = join(tempDir(), "mnist.zip");
    writeFileSync(file, "PK");
    expectDataError(() => loadIdxDirectory(file, {}), new RegExp(`^loadMnist: data folder ${escape(file)} is a file, expected a folder with train-images-idx3-ubyte, `));
  });

  it("names both paths it looked for when a file is missing", () => {
    const dir = mnistFolder(true);
    rmSync(join(dir, "t10k-labels-idx1-ubyte.gz"));
    const path = join(dir, "t10k-labels-idx1-ubyte");
    expectDataError(() => loadIdxDirectory(dir, {}),
      new RegExp(`^loadMnist: data folder ${escape(dir)} has no t10k-labels-idx1-ubyte, expected ${escape(path)} or ${escape(path)}\\.gz$`));
  });

  it("names a file it cannot read", () => {
    const dir = mnistFolder(true);
    mkdirSync(join(dir, "train-images-idx3-ubyte"));
    expectDataError(() => loadIdxDirectory(dir, {}), /^loadMnist: cannot read .*train-images-idx3-ubyte, expected an IDX image file, got: EISDIR/);
  });

  it("names a truncated raw file, with what its header promises", () => {
    const dir = mnistFolder(false, (files) => {
      files["train-images-idx3-ubyte"] = files["train-images-idx3-ubyte"].subarray(0, 16 + 3000);
    });
    expectDataError(() => loadIdxDirectory(dir, {}),
      /^loadMnist: train-images-idx3-ubyte is truncated: its header promises 4 images of 28x28 \(3136 bytes of pixels\), got 3000$/);
  });

  it("names a truncated label file", () => {
    const dir = mnistFolder(true, (files) => {
      files["t10k-labels-idx1-ubyte"] = files["t10k-labels-idx1-ubyte"].subarray(0, 8 + 2);
    });
    expectDataError(() => loadIdxDirectory(dir, {}), /^loadMnist: t10k-labels-idx1-ubyte\.gz is truncated: its header promises 3 labels \(3 bytes\), got 2$/);
  });

  it("names a gzip file cut short", () => {
    const dir = mnistFolder(true);
    const path = join(dir, "t10k-images-idx3-ubyte.gz");
    const gz = readFileSync(path);
    writeFileSync(path, gz.subarray(0, gz.length - 10));
    expectDataError(() => loadIdxDirectory(dir, {}), /^loadMnist: t10k-images-idx3-ubyte\.gz is not a valid gzip file: unexpected end of file$/);
  });

  it("names a whole gzip file of truncated IDX data", () => {
    const dir = mnistFolder(true, (files) => {
      files["t10k-images-idx3-ubyte"] = files["t10k-images-idx3-ubyte"].subarray(0, 16 + 2 * 784 + 5);
    });
    expectDataError(() => loadIdxDirectory(dir, {}),
      /^loadMnist: t10k-images-idx3-ubyte\.gz is truncated: its header promises 3 images of 28x28 \(2352 bytes of pixels\), got 1573$/);
  });

  it("names a corrupt gzip file, with zlib's reason", () => {
    const dir = mnistFolder(true);
    const path = join(dir, "train-images-idx3-ubyte.gz");
    const gz = readFileSync(path);
    // the CRC-32 of the unpacked data sits 8 bytes from the end
    gz[gz.length - 8] ^= 0xff;
    writeFileSync(path, gz);
    expectDataError(() => loadIdxDirectory(dir, {}), /^loadMnist: train-images-idx3-ubyte\.gz is not a valid gzip file: incorrect data check$/);
    // byte 2 of a gzip header names the compression method, and 8 (deflate) is the only one
    gz[2] = 7;
    writeFileSync(path, gz);
    expectDataError(() => loadIdxDirectory(dir, {}), /^loadMnist: train-images-idx3-ubyte\.gz is not a valid gzip file: unknown compression method$/);
  });

  it("refuses a label file where images belong, and images where labels belong", () => {
    const swappedTrain = mnistFolder(true, (files) => {
      files["train-images-idx3-ubyte"] = labelsIdx(TRAIN_LABELS);
    });
    expectDataError(() => loadIdxDirectory(swappedTrain, {}),
      /^loadMnist: train-images-idx3-ubyte\.gz is an IDX label file \(magic 0x00000801\), expected an image file \(magic 0x00000803\)$/);
    const swappedTest = mnistFolder(false, (files) => {
      files["t10k-labels-idx1-ubyte"] = imagesIdx(3, 28, 28, testPixel);
    });
    expectDataError(() => loadIdxDirectory(swappedTest, {}),
      /^loadMnist: t10k-labels-idx1-ubyte is an IDX image file \(magic 0x00000803\), expected a label file \(magic 0x00000801\)$/);
  });

  it("reads the magic before the sizes: image bytes under a label magic are a label file, not extra bytes", () => {
    const dir = mnistFolder(false, (files) => {
      // byte 3 counts the dimensions: 1 makes the image file's header read as 4 labels and 3144 bytes more
      files["train-images-idx3-ubyte"][3] = 1;
    });
    expectDataError(() => loadIdxDirectory(dir, {}),
      /^loadMnist: train-images-idx3-ubyte is an IDX label file \(magic 0x00000801\), expected an image file \(magic 0x00000803\)$/);
  });

  it("still names another magic as not an image file", () => {
    const dir = mnistFolder(true, (files) => {
      files["train-images-idx3-ubyte"] = idxBytes([4, 784], pixelsOf(4, 784, trainPixel));
    });
    expectDataError(() => loadIdxDirectory(dir, {}),
      /^loadMnist: train-images-idx3-ubyte\.gz is not an IDX image file \(magic 0x00000802, expected 0x00000803\)$/);
  });

  it("refuses extra bytes after the data", () => {
    const dir = mnistFolder(true, (files) => {
      files["train-images-idx3-ubyte"] = Buffer.concat([files["train-images-idx3-ubyte"], Buffer.alloc(4)]);
    });
    expectDataError(() => loadIdxDirectory(dir, {}),
      /^loadMnist: train-images-idx3-ubyte\.gz has 4 extra bytes at the end: its header promises 4 images of 28x28 \(3136 bytes of pixels\), got 3140$/);
  });

  it("refuses labels that do not count one per image", () => {
    const dir = mnistFolder(false, (files) => {
      files["train-labels-idx1-ubyte"] = labelsIdx(TRAIN_LABELS.slice(0, 3));
    });
    expectDataError(() => loadIdxDirectory(dir, {}),
      /^loadMnist: train-labels-idx1-ubyte does not match train-images-idx3-ubyte, expected 4 labels \(one per image\), got 3$/);
  });

  it("names the file, index and value of a label out of [0, 10)", () => {
    for (const value of [10, 255]) {
      const dir = mnistFolder(true, (files) => {
        files["t10k-labels-idx1-ubyte"] = labelsIdx([5, value, 8]);
      });
      expectDataError(() => loadIdxDirectory(dir, {}),
        new RegExp(`^loadMnist: t10k-labels-idx1-ubyte\\.gz label 1 is out of range, expected a class in \\[0, 10\\), got ${value}$`));
    }
  });

  it("refuses a set with no images, no labels or images of no pixels", () => {
    const noImages = mnistFolder(true, (files) => {
      files["train-images-idx3-ubyte"] = imagesIdx(0, 28, 28, trainPixel);
      files["train-labels-idx1-ubyte"] = labelsIdx([]);
    });
    expectDataError(() => loadIdxDirectory(noImages, {}), /^loadMnist: train-images-idx3-ubyte\.gz has no images, expected at least one$/);
    const noTest = mnistFolder(false, (files) => {
      files["t10k-images-idx3-ubyte"] = imagesIdx(0, 28, 28, testPixel);
    });
    expectDataError(() => loadMnist({ dir: noTest }), /^loadMnist: t10k-images-idx3-ubyte has no images, expected at least one$/);
    const noLabels = mnistFolder(false, (files) => {
      files["t10k-labels-idx1-ubyte"] = labelsIdx([]);
    });
    expectDataError(() => loadIdxDirectory(noLabels, {}), /^loadMnist: t10k-labels-idx1-ubyte has no labels, expected one per image of t10k-images-idx3-ubyte$/);
    const noPixels = mnistFolder(false, (files) => {
      files["train-images-idx3-ubyte"] = imagesIdx(4, 28, 0, trainPixel);
    });
    expectDataError(() => loadIdxDirectory(noPixels, {}), /^loadMnist: train-images-idx3-ubyte has images of 28x0 pixels, expected at least one pixel$/);
  });

  it("names trailing junk after a gzip stream, rather than zlib's incorrect header check", () => {
    const dir = mnistFolder(true);
    const path = join(dir, "t10k-labels-idx1-ubyte.gz");
    writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.from("junk\n")]));
    expectDataError(() => loadIdxDirectory(dir, {}), /^loadMnist: t10k-labels-idx1-ubyte\.gz is a gzip file with 5 bytes of trailing junk after its compressed data$/);
    // after two whole members, too
    const two = mnistFolder(true);
    const images = join(two, "train-images-idx3-ubyte.gz");
    const raw = mnistFiles()["train-images-idx3-ubyte"];
    writeFileSync(images, Buffer.concat([gzipSync(raw.subarray(0, 100)), gzipSync(raw.subarray(100)), Buffer.alloc(300, 0x41)]));
    expectDataError(() => loadIdxDirectory(two, {}), /^loadMnist: train-images-idx3-ubyte\.gz is a gzip file with 300 bytes of trailing junk after its compressed data$/);
  });

  it("reads a gzip file of several members, and zeros after the stream, as gzip does", () => {
    const dir = mnistFolder(true);
    const raw = mnistFiles()["train-images-idx3-ubyte"];
    writeFileSync(join(dir, "train-images-idx3-ubyte.gz"), Buffer.concat([gzipSync(raw.subarray(0, 1000)), gzipSync(raw.subarray(1000)), Buffer.alloc(7)]));
    expect([...loadIdxDirectory(dir, {}).train.pixels]).toEqual([...pixelsOf(4, 784, trainPixel)]);
  });

  it("a gzip header with a file name still finds where its member ends", () => {
    const dir = mnistFolder(true);
    const gz = gzipSync(mnistFiles()["t10k-labels-idx1-ubyte"]);
    // FNAME (flag 0x08): a zero-terminated name right after the 10-byte header, as gzip(1) writes
    const named = Buffer.concat([gz.subarray(0, 3), Buffer.of(gz[3] | 0x08), gz.subarray(4, 10), Buffer.from("labels\0"), gz.subarray(10), Buffer.from("xy")]);
    writeFileSync(join(dir, "t10k-labels-idx1-ubyte.gz"), named);
    expectDataError(() => loadIdxDirectory(dir, {}), /^loadMnist: t10k-labels-idx1-ubyte\.gz is a gzip file with 2 bytes of trailing junk after its compressed data$/);
  });

  it("refuses test images of another size than the train images", () => {
    const dir = mnistFolder(false, (files) => {
      files["t10k-images-idx3-ubyte"] = imagesIdx(3, 14, 14, testPixel);
    });
    expectDataError(() => loadIdxDirectory(dir, {}),
      /^loadMnist: t10k-images-idx3-ubyte does not match the image size of train-images-idx3-ubyte, expected 28x28, got 14x14$/);
  });

  it("names a header-only file and files too short for a header", () => {
    const headerOnly = mnistFolder(false, (files) => {
      files["train-images-idx3-ubyte"] = files["train-images-idx3-ubyte"].subarray(0, 16);
    });
    expectDataError(() => loadIdxDirectory(headerOnly, {}),
      /^loadMnist: train-images-idx3-ubyte is truncated: its header promises 4 images of 28x28 \(3136 bytes of pixels\), got 0$/);
    const shortSizes = mnistFolder(true, (files) => {
      files["train-images-idx3-ubyte"] = files["train-images-idx3-ubyte"].subarray(0, 10);
    });
    expectDataError(() => loadIdxDirectory(shortSizes, {}),
      /^loadMnist: train-images-idx3-ubyte\.gz is too short for an IDX header of 3 dimensions, expected at least 16 bytes, got 10$/);
    const shortMagic = mnistFolder(false, (files) => {
      files["train-labels-idx1-ubyte"] = Buffer.of(0, 0);
    });
    expectDataError(() => loadIdxDirectory(shortMagic, {}),
      /^loadMnist: train-labels-idx1-ubyte is too short for an IDX header, expected at least 4 bytes, got 2$/);
    const empty = mnistFolder(true, (files) => {
      files["t10k-images-idx3-ubyte"] = Buffer.alloc(0);
    });
    expectDataError(() => loadIdxDirectory(empty, {}), /^loadMnist: t10k-images-idx3-ubyte\.gz is too short for an IDX header, expected at least 4 bytes, got 0$/);
  });
});

// repository root: packages/datasets/test -> three levels up; the original files sit beside it in ../shared
const MNIST_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "shared", "data", "mnist");

describe("the original MNIST files", () => {
  it.skipIf(!existsSync(MNIST_DIR))("give 60,000 train and 10,000 test images, labelled as published", () => {
    const mnist = loadMnist({ dir: MNIST_DIR });
    expect([mnist.train.length, mnist.train.rows, mnist.train.cols]).toEqual([60_000, 28, 28]);
    expect([mnist.test.length, mnist.test.rows, mnist.test.cols]).toEqual([10_000, 28, 28]);
    const counts = new Array<number>(10).fill(0);
    for (const label of mnist.train.labels) counts[label]++;
    expect(counts).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect([...mnist.train.labels.subarray(0, 10)]).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect([...mnist.test.labels.subarray(0, 10)]).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);

    // the first two images, straight from the file, against a batch of them; xTrain is never made
    const raw = gunzipSync(readFileSync(join(MNIST_DIR, "train-images-idx3-ubyte.gz"))).subarray(16, 16 + 2 * 784);
    const { x, t } = mnist.train.batch([0, 1]);
    expect(x.shape).toEqual([2, 784]);
    expect(Array.from(x.contiguousData())).toEqual(Array.from(raw, (p) => p / 255));
    expect(Array.from(t.contiguousData())).toEqual([5, 0]);
    expect(mnist.train.pixels.length).toBe(60_000 * 784);
  });
});

// Debian's dataset-fashion-mnist package, where it is installed: the same reader, another data set
const FASHION = "/usr/share/datasets/fashion-mnist";

describe("Fashion-MNIST (opt-in)", () => {
  it.skipIf(!existsSync(FASHION))("reads 60,000 / 10,000 images with 6,000 and 1,000 of each class", () => {
    const { train, test } = loadMnist({ dir: FASHION });
    expect([train.length, test.length]).toEqual([60000, 10000]);
    expect([train.rows, train.cols]).toEqual([28, 28]);
    const count = (labels: Uint8Array): number[] => labels.reduce((c, l) => (c[l]++, c), new Array<number>(10).fill(0));
    expect(count(train.labels)).toEqual(new Array(10).fill(6000));
    expect(count(test.labels)).toEqual(new Array(10).fill(1000));
  });
});
