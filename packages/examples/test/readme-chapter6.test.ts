import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";

const exampleFile = new URL("../src/readme-chapter6.ts", import.meta.url);
const readme = new URL("../../../README.md", import.meta.url);

describe("the README's chapter 6 example", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is quoted verbatim in README.md", () => {
    const code = readFileSync(exampleFile, "utf8").trim();
    expect(readFileSync(readme, "utf8")).toContain("```ts\n" + code + "\n```");
  });

  it("runs: 5 epochs of Adam on a BatchNorm and Dropout net pass 93% test accuracy, and it prints the net's layers", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await import("../src/readme-chapter6.js");
    const lines = log.mock.calls.map((call) => call.join(" "));
    expect(lines).toHaveLength(6);
    expect(lines.slice(0, 5).map((l) => Number(/^step (\d+):/.exec(l)?.[1]))).toEqual([80, 160, 240, 320, 400]);
    expect(Number(/test accuracy (0\.\d+)$/.exec(lines[4])?.[1])).toBeGreaterThanOrEqual(0.93);
    // the figure the README gives, reproduced from the seeds
    expect(lines[4]).toBe("step 400: test accuracy 0.9445");
    expect(lines[5]).toBe(
      "MultiLayerNetExtend(784 -> 100 -> 100 -> 10, batchnorm, relu, dropout 0.1) Affine1 -> BatchNorm1 -> Activation_function1 -> Dropout1 -> Affine2 -> BatchNorm2 -> Activation_function2 -> Dropout2 -> Affine3",
    );
  });
});
