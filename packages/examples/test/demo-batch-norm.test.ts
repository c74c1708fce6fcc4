import { describe, expect, it } from "vitest";
import { weightScales } from "../src/demo-batch-norm.js";
import { cli } from "./helpers.js";

/** The table under the header's blank line, as rows of cells. */
function table(stdout: string): string[][] {
  return stdout.split("\n\n")[1].trimEnd().split("\n").map((line) => line.split(/ {2,}/));
}

/** "0.1180 / 0.4360" -> [0.118, 0.436]: without and with BatchNorm. */
const pair = (cell: string): number[] => cell.split(" / ").map(Number);

const demo = (...flags: string[]) => cli("demo", "batch-norm", ...flags);

describe("backprop demo batch-norm", () => {
  it("takes the book's weight scales np.logspace(0, -4, n)", () => {
    // 10^(-4k/15), k = 0 .. 15, to ten digits
    const book = [1, 0.5411695265, 0.2928644565, 0.1584893192, 0.08576958986, 0.04641588834, 0.02511886432, 0.01359356391, 0.007356422545, 0.003981071706, 0.00215443469, 0.001165914401, 0.0006309573445, 0.0003414548874, 0.0001847849797, 0.0001];
    const scales = weightScales(16);
    expect(scales).toHaveLength(16);
    scales.forEach((w, k) => expect(Math.abs(w - book[k]) / book[k]).toBeLessThan(1e-9));
    // the default's 6 scales are every third of the book's
    weightScales(6).forEach((w, k) => expect(Math.abs(w - book[3 * k]) / book[3 * k]).toBeLessThan(1e-9));
    expect(weightScales(1)).toEqual([1]);
  });

  it("shows BatchNorm learning where the plain net stalls, as the book's figure", async () => {
    const { code, stdout, stderr } = await demo("--scales", "2", "--epochs", "4");
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout.split("\n")[0]).toMatch(/^MultiLayerNetExtend\(784 -> 100 -> 100 -> 100 -> 100 -> 100 -> 10, relu\) and MultiLayerNetExtend\(784 -> 100 -> 100 -> 100 -> 100 -> 100 -> 10, batchnorm, relu\) on the first 1000 of 8000 train \/ 2000 test digits \(embedded\): SGD\(lr 0\.01\), batch 100 drawn with replacement, 4 epochs, seed 0$/);
    const rows = table(stdout);
    expect(rows).toEqual([
      ["scale", "epoch 0", "epoch 3"],
      ["1", expect.any(String), expect.any(String)],
      ["0.0001", expect.any(String), expect.any(String)],
    ]);
    for (const row of rows.slice(1)) for (const cell of row.slice(1)) expect(cell).toMatch(/^[01]\.\d{4} \/ [01]\.\d{4}$/);
    // accuracies on 1000 digits are whole counts
    for (const row of rows.slice(1)) for (const acc of row.slice(1).flatMap(pair)) expect(Math.abs(acc * 1000 - Math.round(acc * 1000))).toBeLessThan(1e-9);
    // from weights of std 1e-4 the signal vanishes without BatchNorm: near chance; with it the net learns
    const [plain, batchNorm] = pair(rows[2][2]);
    expect(plain).toBeLessThan(0.2);
    expect(batchNorm).toBeGreaterThan(plain + 0.2);
  });

  it("gives the same table for the same seed and another for another seed", async () => {
    const flags = ["--scales", "1", "--epochs", "1"];
    const [a, b, c] = [await demo(...flags, "--seed", "4"), await demo(...flags, "--seed", "4"), await demo(...flags, "--seed", "5")];
    expect(a.stdout).toBe(b.stdout);
    expect(table(c.stdout)[1]).not.toEqual(table(a.stdout)[1]);
  });

  it("refuses bad flags in one line with exit code 2", async () => {
    const cases: [string[], RegExp][] = [
      [["--scales", "0"], /^backprop demo batch-norm: --scales must be a positive integer, got '0'\n$/],
      [["--epochs", "two"], /^backprop demo batch-norm: --epochs must be a positive integer, got 'two'\n$/],
      [["--seed", "1.5"], /^backprop demo batch-norm: --seed must be a non-negative integer, got '1\.5'\n$/],
    ];
    for (const [flags, message] of cases) {
      const { code, stdout, stderr } = await demo(...flags);
      expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
      expect(stderr).toMatch(message);
    }
  });
});
