// MNIST as sets of bytes: the split, the subsets and the book's tensors. Reading the digits from disk is mnist-files.ts.
import { type Random, type Tensor } from "@backprop/core";
import { ImageDataset, type ImageOptions } from "./image-dataset.js";

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
