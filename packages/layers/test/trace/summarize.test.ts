import { describe, expect, test } from "vitest";
import { tensor } from "@backprop/core";
import { summarize } from "../../src/index.js";

describe("summarize", () => {
  test("gives the shape, mean, population std, min, max and a histogram whose last bin takes the max", () => {
    // mean 3; squared deviations 4, 1, 0, 9: variance 14 / 4 = 3.5; bins of width 1 over [1, 6]
    const s = summarize(tensor([[1, 2], [3, 6]]), 5);
    expect(s).toEqual({ shape: [2, 2], size: 4, mean: 3, std: Math.sqrt(3.5), min: 1, max: 6, histogram: { min: 1, max: 6, counts: [1, 1, 1, 0, 1] } });
  });

  test("reads a view (a transpose) in its own order, the same numbers", () => {
    const s = summarize(tensor([[1, 2, 3], [4, 5, 10]]).T, 3);
    // mean 25 / 6; bins of width 3 over [1, 10]: 1, 2, 3 | 4, 5 | 10
    expect(s.shape).toEqual([3, 2]);
    expect(s.mean).toBeCloseTo(25 / 6, 15);
    expect(s.histogram.counts).toEqual([3, 2, 1]);
  });

  test("spreads a constant over [v - 0.5, v + 0.5], as NumPy: np.histogram([2, 2, 2], bins=2) is [0, 3]", () => {
    expect(summarize(tensor([2, 2, 2]), 2)).toEqual({ shape: [3], size: 3, mean: 2, std: 0, min: 2, max: 2, histogram: { min: 1.5, max: 2.5, counts: [0, 3] } });
  });

  test("a NaN makes the mean NaN and stays out of min, max and the histogram; so does an infinity of the histogram", () => {
    const s = summarize(tensor([1, NaN, 3]), 2);
    expect(s.mean).toBeNaN();
    expect([s.min, s.max]).toEqual([1, 3]);
    expect(s.histogram).toEqual({ min: 1, max: 3, counts: [1, 1] });
    const inf = summarize(tensor([1, Infinity]), 1);
    expect(inf.max).toBe(Infinity);
    expect(inf.histogram).toEqual({ min: 0.5, max: 1.5, counts: [1] });
  });

  test("bins a range as wide as the doubles without overflow", () => {
    expect(summarize(tensor([-Number.MAX_VALUE, 0, Number.MAX_VALUE]), 2).histogram.counts).toEqual([1, 2]);
  });

  test("refuses a bad bin count and an empty tensor", () => {
    expect(() => summarize(tensor([1]), 0)).toThrow(/^summarize: bins must be a positive integer, got 0$/);
    expect(() => summarize(tensor([[]]), 3)).toThrow(/^summarize: x must have at least one element, got shape \(1, 0\)$/);
  });
});
