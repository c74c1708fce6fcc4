import { describe, expect, it } from "vitest";
import type { Tensor } from "@backprop/core";
import { ImageDataset, type ImageOptions } from "../src/index.js";

// three images of 2x3: image 0 is 0..5, image 1 is 10..15, image 2 is 250..255; labels 2, 0, 1 of 3 classes
const PIXELS = Uint8Array.of(0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 250, 251, 252, 253, 254, 255);
const LABELS = Uint8Array.of(2, 0, 1);

function dataset(options: ImageOptions = {}): ImageDataset {
  return new ImageDataset(PIXELS, LABELS, 2, 3, 3, options);
}

function values(x: Tensor): number[] {
  return Array.from(x.contiguousData());
}

describe("ImageDataset", () => {
  it("knows its size", () => {
    const set = dataset();
    expect([set.length, set.imageSize, set.rows, set.cols, set.classes]).toEqual([3, 6, 2, 3, 3]);
  });

  it("batch gives the images at the indices, in that order, as p / 255 rows, and their labels", () => {
    const { x, t } = dataset().batch([2, 0]);
    expect(x.shape).toEqual([2, 6]);
    expect(t.shape).toEqual([2]);
    expect(x.dtype).toBe("float64");
    expect(values(x)).toEqual([250 / 255, 251 / 255, 252 / 255, 253 / 255, 254 / 255, 1, 0, 1 / 255, 2 / 255, 3 / 255, 4 / 255, 5 / 255]);
    expect(values(t)).toEqual([1, 2]);
  });

  it("batch may repeat an index", () => {
    const { x, t } = dataset({ normalize: false }).batch([1, 1]);
    expect(values(x)).toEqual([10, 11, 12, 13, 14, 15, 10, 11, 12, 13, 14, 15]);
    expect(values(t)).toEqual([0, 0]);
  });

  it("without normalize, pixels are the bytes 0..255", () => {
    const { x } = dataset({ normalize: false }).batch([2]);
    expect(values(x)).toEqual([250, 251, 252, 253, 254, 255]);
  });

  it("without flatten, images are (N, 1, rows, cols)", () => {
    const { x } = dataset({ flatten: false, normalize: false }).batch([0, 1]);
    expect(x.shape).toEqual([2, 1, 2, 3]);
    expect(values(x)).toEqual([0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15]);
  });

  it("with oneHot, labels are (N, classes) rows with a 1 at the label", () => {
    const { t } = dataset({ oneHot: true }).batch([0, 1, 2]);
    expect(t.shape).toEqual([3, 3]);
    expect(values(t)).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
  });

  it("slice gives the samples start..end-1, clamped to the set", () => {
    const set = dataset({ normalize: false });
    const middle = set.slice(1, 2);
    expect(middle.x.shape).toEqual([1, 6]);
    expect(values(middle.x)).toEqual([10, 11, 12, 13, 14, 15]);
    expect(values(middle.t)).toEqual([0]);
    expect(values(set.slice(1).t)).toEqual([0, 1]);
    expect(values(set.slice(2, 10).x)).toEqual([250, 251, 252, 253, 254, 255]);
    const empty = set.slice(3);
    expect(empty.x.shape).toEqual([0, 6]);
    expect(empty.t.shape).toEqual([0]);
  });

  it("all gives every sample in order", () => {
    const { x, t } = dataset({ normalize: false, flatten: false, oneHot: true }).all();
    expect(x.shape).toEqual([3, 1, 2, 3]);
    expect(t.shape).toEqual([3, 3]);
    expect(values(x)).toEqual(Array.from(PIXELS));
    expect(values(t)).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
  });

  it("leaves its bytes as they are", () => {
    const pixels = PIXELS.slice();
    const set = new ImageDataset(pixels, LABELS, 2, 3, 3);
    set.all();
    expect(set.pixels).toBe(pixels);
    expect(Array.from(pixels)).toEqual(Array.from(PIXELS));
  });

  it("refuses an index out of range, negative or not whole", () => {
    const set = dataset();
    expect(() => set.batch([0, 3])).toThrow(/^ImageDataset\.batch: index 3 is out of range for 3 images$/);
    expect(() => set.batch([-1])).toThrow(/^ImageDataset\.batch: index -1 is out of range for 3 images$/);
    expect(() => set.batch([0.5])).toThrow(/^ImageDataset\.batch: index 0\.5 is out of range for 3 images$/);
    expect(() => set.batch([3])).toThrow(RangeError);
  });

  it("refuses a label out of [0, classes) when it is made, naming the image and the label", () => {
    // a one-hot batch would have written label 3 of 3 classes into the next sample's row
    expect(() => new ImageDataset(PIXELS, Uint8Array.of(2, 3, 1), 2, 3, 3, { oneHot: true })).toThrow(/^ImageDataset: label 1 is out of range, expected a class in \[0, 3\), got 3$/);
    expect(() => new ImageDataset(PIXELS, Uint8Array.of(2, 0, 255), 2, 3, 3)).toThrow(/^ImageDataset: label 2 is out of range, expected a class in \[0, 3\), got 255$/);
    expect(() => new ImageDataset(PIXELS, [0, 1.5, 2] as unknown as Uint8Array, 2, 3, 3)).toThrow(/^ImageDataset: label 1 is out of range, expected a class in \[0, 3\), got 1\.5$/);
    expect(() => new ImageDataset(PIXELS, Uint8Array.of(2, 3, 1), 2, 3, 3)).toThrow(RangeError);
    expect(() => new ImageDataset(PIXELS, LABELS, 2, 3, 0)).toThrow(/^ImageDataset: classes must be a positive integer, got 0$/);
    expect(new ImageDataset(PIXELS, Uint8Array.of(2, 2, 2), 2, 3, 3).classes).toBe(3);
  });

  it("names itself when a batch is too large to allocate", () => {
    const set = dataset();
    const indices = { length: 2 ** 40 } as ArrayLike<number>;
    expect(() => set.batch(indices)).toThrow(/^ImageDataset\.batch: cannot allocate \(1099511627776, 6\) = 6597069766656 float64 values \(52780 GB\)$/);
  });

  it("refuses an unknown dtype", () => {
    expect(() => dataset().batch([0], "float16" as "float32")).toThrow(/^ImageDataset\.batch: dtype must be "float64" or "float32", got "float16"$/);
  });

  it("refuses pixels that do not fill its images", () => {
    expect(() => new ImageDataset(PIXELS.subarray(1), LABELS, 2, 3, 3)).toThrow(/^ImageDataset: 3 images of 2x3 need 18 pixels, got 17$/);
    expect(() => new ImageDataset(PIXELS, LABELS.subarray(0, 2), 2, 3, 3)).toThrow(/^ImageDataset: 2 images of 2x3 need 12 pixels, got 18$/);
  });
});

describe("ImageDataset in float32", () => {
  it("makes float32 batches whose pixels are p / 255 rounded to float32", () => {
    const pixels = Uint8Array.from([0, 1, 127, 255, 3, 50, 200, 254]);
    const set = new ImageDataset(pixels, Uint8Array.from([4, 9]), 2, 2, 10);
    const { x, t } = set.batch([1, 0], "float32");
    expect(x.dtype).toBe("float32");
    expect(t.dtype).toBe("float32");
    expect(x.shape).toEqual([2, 4]);
    expect(x.toArray()).toEqual([
      [Math.fround(3 / 255), Math.fround(50 / 255), Math.fround(200 / 255), Math.fround(254 / 255)],
      [0, Math.fround(1 / 255), Math.fround(127 / 255), 1],
    ]);
    expect(t.toArray()).toEqual([9, 4]);
    expect(set.slice(0, 1, "float32").x.dtype).toBe("float32");
  });
});
