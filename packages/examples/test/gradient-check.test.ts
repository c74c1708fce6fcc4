import { describe, expect, it } from "vitest";
import { loadMnist } from "@backprop/datasets";
import { checkTwoLayerNet } from "../src";
import { cli } from "./helpers";

// a narrower net than the command's default (784-50-10) keeps this test at a second; the check is the same
describe("checkTwoLayerNet", () => {
  const data = loadMnist();

  it("passes on MNIST digits with every mean |diff| <= 1e-6, as the book's gradient_check.py", () => {
    const result = checkTwoLayerNet(data, { hidden: 8, samples: 3, seed: 0, tolerance: 1e-6 });
    expect(Object.keys(result.params)).toEqual(["W1", "b1", "W2", "b2"]);
    for (const d of Object.values(result.params)) {
      expect(d.meanAbsDiff).toBeLessThanOrEqual(1e-6);
      expect(d.maxAbsDiff).toBeGreaterThanOrEqual(d.meanAbsDiff);
    }
    expect(result.passed).toBe(true);
  });

  it("fails with exit code 1 when the tolerance is below what central differences can reach", async () => {
    const { code, stdout } = await cli("gradcheck", "--hidden", "4", "--samples", "2", "--tolerance", "1e-15");
    expect(code).toBe(1);
    expect(stdout).toMatch(/^gradient check: TwoLayerNet\(784 -> 4 -> 10\), 2 samples, seed 0$/m);
    expect(stdout).toMatch(/^W1: \d\.\de-\d+ {2}\(max \|diff\| \d\.\de-\d+, max rel error \d\.\de[-+]\d+\)$/m);
    expect(stdout).toMatch(/^FAILED: a mean \|diff\| is above 1e-15$/m);
  });

  it("prints JSON with every parameter's figures", async () => {
    const { code, stdout } = await cli("gradcheck", "--hidden", "4", "--samples", "2", "--json");
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.tolerance).toBe(1e-6);
    expect(report.passed).toBe(true);
    expect(Object.keys(report.params)).toEqual(["W1", "b1", "W2", "b2"]);
    expect(Object.keys(report.params.W1)).toEqual(["meanAbsDiff", "maxAbsDiff", "maxRelError"]);
  });
});
