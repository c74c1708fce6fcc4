import { describe, expect, test } from "vitest";
import { Random } from "@backprop/core";
import { MultiLayerNet, initStd, initWeights } from "../../src/index.js";
import { valuesOf } from "../helpers.js";

/** The sample mean and standard deviation of a list. */
function moments(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length) };
}

describe("initStd", () => {
  test("gives a number as it is, He's sqrt(2 / n) and Xavier's sqrt(1 / n) for a fan-in n, by either of the book's names", () => {
    expect(initStd(0.01, 784)).toBe(0.01);
    expect(initStd("he", 50)).toBe(0.2);
    expect(initStd("relu", 50)).toBe(0.2);
    expect(initStd("xavier", 100)).toBe(0.1);
    expect(initStd("sigmoid", 100)).toBe(0.1);
    expect(initStd("He" as never, 8)).toBe(0.5);
  });

  test("refuses anything else", () => {
    for (const bad of [0, -1, NaN, Infinity, "kaiming"]) {
      expect(() => initStd(bad as never, 10)).toThrow(/^weightInitStd: expected a positive number, "he", "relu", "xavier" or "sigmoid", got /);
    }
  });
});

describe("initial weights", () => {
  // n = 784 * 100 = 78,400 normal samples: the sample std has relative standard error 1 / sqrt(2n) ~ 0.0025 and
  // the mean a standard error of std / sqrt(n) ~ 0.0036 std; 2% and 0.02 std are over 5 of those
  const STD_TOLERANCE = 0.02;
  const MEAN_TOLERANCE = 0.02;

  test("std 0.01, Xavier and He draws have the standard deviation they claim, layer by layer", () => {
    const cases = [
      { init: 0.01 as const, expected: [0.01, 0.01] },
      { init: "xavier" as const, expected: [Math.sqrt(1 / 784), Math.sqrt(1 / 100)] },
      { init: "he" as const, expected: [Math.sqrt(2 / 784), Math.sqrt(2 / 100)] },
    ];
    for (const { init, expected } of cases) {
      const net = new MultiLayerNet(784, [100], 784, { weightInitStd: init, seed: 11 });
      ["W1", "W2"].forEach((name, k) => {
        const { mean, std } = moments(valuesOf(net.params[name]));
        expect(Math.abs(std / expected[k] - 1), `${init} ${name}`).toBeLessThan(STD_TOLERANCE);
        expect(Math.abs(mean) / expected[k], `${init} ${name}`).toBeLessThan(MEAN_TOLERANCE);
      });
      expect(valuesOf(net.params.b1).every((b) => b === 0)).toBe(true);
    }
  });

  test("a wrong scale is caught by the same test: He is not Xavier", () => {
    const he = moments(valuesOf(initWeights(784, 100, "he", new Random(1), "float64"))).std;
    expect(Math.abs(he / Math.sqrt(1 / 784) - 1)).toBeGreaterThan(STD_TOLERANCE);
  });

  test("are normal: about 68.3% of the draws within one standard deviation", () => {
    // P(|z| < 1) = 0.6827; over 78,400 draws its standard error is 0.0017
    const W = valuesOf(initWeights(784, 100, 0.5, new Random(2), "float64"));
    const within = W.filter((w) => Math.abs(w) < 0.5).length / W.length;
    expect(Math.abs(within - 0.6827)).toBeLessThan(0.01);
  });
});
