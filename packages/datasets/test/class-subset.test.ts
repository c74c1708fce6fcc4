import { describe, expect, test } from "vitest";
import { ImageDataset, classSubset } from "../src/index.js";

// ten 1x2 images whose first pixel is the row number and second the label: labels 0 1 2 0 1 2 0 1 2 0
const labels = Uint8Array.from([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
const pixels = Uint8Array.from([...labels].flatMap((label, row) => [row, label]));
const set = new ImageDataset(pixels, labels, 1, 2, 3, { normalize: false });

const rowsOf = (s: ImageDataset): number[] => Array.from({ length: s.length }, (_, i) => s.pixels[2 * i]);

describe("classSubset", () => {
  test("takes perClass images of each class in the set's order, labels renumbered by their place in the list", () => {
    const s = classSubset(set, [2, 0], 2);
    expect(rowsOf(s)).toEqual([0, 2, 3, 5]);
    expect(Array.from(s.labels)).toEqual([1, 0, 1, 0]);
    expect(s.classes).toBe(2);
    // the options carry over: still the raw pixels
    expect(s.batch([1]).x.toArray()).toEqual([[2, 2]]);
  });

  test("skip leaves out the first images of each class: the next ones, disjoint from the first", () => {
    const first = classSubset(set, [0, 1], 1);
    const next = classSubset(set, [0, 1], 1, 1);
    expect(rowsOf(first)).toEqual([0, 1]);
    expect(rowsOf(next)).toEqual([3, 4]);
  });

  test("a class with too few images, an unknown or repeated class are one-line errors", () => {
    expect(() => classSubset(set, [1], 3, 1)).toThrow("classSubset: class 1 has 3 images, expected at least 4 (1 skipped, then 3 per class)");
    expect(() => classSubset(set, [3], 1)).toThrow("classSubset: class 3 is not one of the set's classes 0..2");
    expect(() => classSubset(set, [0, 0], 1)).toThrow("classSubset: class 0 is listed twice");
    expect(() => classSubset(set, [0], 0)).toThrow("classSubset: perClass must be a positive integer or Infinity, got 0");
  });

  test("perClass Infinity takes every image of the classes", () => {
    expect(rowsOf(classSubset(set, [0], Infinity))).toEqual([0, 3, 6, 9]);
    expect(rowsOf(classSubset(set, [0], Infinity, 3))).toEqual([9]);
    expect(() => classSubset(set, [0], Infinity, 4)).toThrow("classSubset: class 0 has 4 images, expected at least 5 (4 skipped, then all of them)");
  });
});
