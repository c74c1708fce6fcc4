import { describe, expect, it } from "vitest";
import { TableDataset } from "../../src/index.js";
import { values } from "./helpers.js";

// three rows of two inputs: row 0 is 0.5 -1, row 1 is 2 3, row 2 is -4 0.25
const X = Float64Array.of(0.5, -1, 2, 3, -4, 0.25);

function regression(): TableDataset {
  return new TableDataset(X, Float64Array.of(1.5, -2, 0.125), 2, "regression", 1, [2, 3, 5]);
}

function classification(): TableDataset {
  return new TableDataset(X, Float64Array.of(2, 0, 1), 2, "classification", 3, [2, 3, 5]);
}

describe("TableDataset", () => {
  it("knows its size and where its rows come from", () => {
    const set = classification();
    expect([set.length, set.inputSize, set.classes, set.task]).toEqual([3, 2, 3, "classification"]);
    expect(set.lines).toEqual([2, 3, 5]);
    expect(String(set)).toBe("TableDataset(3 rows, 2 inputs, 3 classes)");
    expect(String(regression())).toBe("TableDataset(3 rows, 2 inputs, regression)");
  });

  it("batch gives the rows at the indices, in that order; a regression target is (n, 1)", () => {
    const { x, t } = regression().batch([2, 0, 2]);
    expect(x.shape).toEqual([3, 2]);
    expect(t.shape).toEqual([3, 1]);
    expect(x.dtype).toBe("float64");
    expect(values(x)).toEqual([-4, 0.25, 0.5, -1, -4, 0.25]);
    expect(values(t)).toEqual([0.125, 1.5, 0.125]);
  });

  it("batch gives class indices (n) for classification", () => {
    const { x, t } = classification().batch(Int32Array.of(1, 2));
    expect(x.shape).toEqual([2, 2]);
    expect(t.shape).toEqual([2]);
    expect(values(x)).toEqual([2, 3, -4, 0.25]);
    expect(values(t)).toEqual([0, 1]);
  });

  it("gives float32 when asked", () => {
    const { x, t } = regression().batch([0], "float32");
    expect(x.dtype).toBe("float32");
    expect(t.dtype).toBe("float32");
    expect(values(x)).toEqual([0.5, -1]);
    expect(values(t)).toEqual([1.5]);
  });

  it("slice gives rows start..end-1, clamped; all gives every row", () => {
    const set = regression();
    expect(values(set.slice(1, 2).x)).toEqual([2, 3]);
    expect(set.slice(2, 10).x.shape).toEqual([1, 2]);
    expect(set.slice(5, 9).x.shape).toEqual([0, 2]);
    expect(values(set.all().x)).toEqual(Array.from(X));
    expect(set.all().t.shape).toEqual([3, 1]);
  });

  it("refuses an index out of range", () => {
    expect(() => regression().batch([0, 3])).toThrow(new RangeError("TableDataset.batch: index 3 is out of range for 3 rows"));
    expect(() => regression().batch([-1])).toThrow(new RangeError("TableDataset.batch: index -1 is out of range for 3 rows"));
    expect(() => regression().batch([0.5])).toThrow(new RangeError("TableDataset.batch: index 0.5 is out of range for 3 rows"));
  });

  it("refuses arrays that do not fit together", () => {
    expect(() => new TableDataset(X, Float64Array.of(1, 2), 2, "regression", 1, [1, 2])).toThrow(new RangeError("TableDataset: 2 rows of 2 inputs need 4 values, got 6"));
    expect(() => new TableDataset(X, Float64Array.of(1, 2, 3), 2, "regression", 1, [1])).toThrow(new RangeError("TableDataset: 3 rows need 3 lines, got 1"));
    expect(() => new TableDataset(X, Float64Array.of(0, 3, 1), 2, "classification", 3, [1, 2, 3])).toThrow(new RangeError("TableDataset: row 1 has class 3, expected a class index in [0, 3)"));
    expect(() => new TableDataset(X, Float64Array.of(0, 1, 1), 2, "regression", 2, [1, 2, 3])).toThrow(new RangeError("TableDataset: a regression set has classes 1, got 2"));
  });
});
