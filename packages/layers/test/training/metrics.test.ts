import { describe, expect, test } from "vitest";
import { tensor } from "@backprop/core";
import { accuracy, meanAbsoluteError, meanSquaredError, metricKey, metricOf, metricSpec } from "../../src/index.js";

// three samples, one output: errors y - t are 1, -2 and 0.5
const y = tensor([[3], [1], [2.5]]);
const t = tensor([[2], [3], [2]]);

describe("regression metrics", () => {
  test("meanAbsoluteError sums |y - t| over the rows: (1 + 2 + 0.5) / 3", () => {
    expect(meanAbsoluteError().measure(y, t)).toEqual({ sum: 3.5, count: 3 });
  });

  test("meanSquaredError sums (y - t)^2: (1 + 4 + 0.25) / 3", () => {
    expect(meanSquaredError().measure(y, t)).toEqual({ sum: 5.25, count: 3 });
  });

  test("a scale reads a standardized target in its own units: |e| * s and e^2 * s^2", () => {
    // a target standardized with std 100: errors of 1, 2 and 0.5 standard deviations are 100, 200 and 50 units
    expect(meanAbsoluteError(100).measure(y, t)).toEqual({ sum: 350, count: 3 });
    expect(meanSquaredError(100).measure(y, t)).toEqual({ sum: 52500, count: 3 });
  });

  test("counts every output of every sample", () => {
    const y2 = tensor([[1, 2], [3, 4]]);
    const t2 = tensor([[0, 2], [3, 1]]);
    expect(meanAbsoluteError().measure(y2, t2)).toEqual({ sum: 4, count: 4 });
  });

  test("refuses targets of another shape and a scale that is not positive", () => {
    expect(() => meanAbsoluteError().measure(y, tensor([2, 3, 2]))).toThrow(/^meanAbsoluteError: t must be \(3, 1\) to match y, got \(3,\)$/);
    expect(() => meanSquaredError(0)).toThrow(/^meanSquaredError: scale must be a positive number, got 0$/);
    expect(() => meanAbsoluteError(Number.NaN)).toThrow(/scale must be a positive number, got NaN/);
  });

  test("a config records a metric by its spec and rebuilds the same metric from it", () => {
    expect(metricSpec(accuracy)).toBe("acc");
    expect(metricSpec(meanAbsoluteError(812.5))).toEqual({ name: "mae", scale: 812.5 });
    const mae = metricOf({ name: "mae", scale: 100 });
    expect(mae.measure(y, t)).toEqual({ sum: 350, count: 3 });
    expect(metricOf("mse").measure(y, t)).toEqual({ sum: 5.25, count: 3 });
    expect(metricOf("acc")).toBe(accuracy);
    expect(() => metricOf("rmse")).toThrow(/^metric: unknown metric "rmse", expected one of acc, mae, mse$/);
    expect(() => metricOf("constructor")).toThrow(/unknown metric "constructor"/);
  });

  test("history keys: trainMae, testMse", () => {
    expect(metricKey("train", meanAbsoluteError())).toBe("trainMae");
    expect(metricKey("test", meanSquaredError())).toBe("testMse");
  });
});
