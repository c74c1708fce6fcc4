import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { cli, writeIdxFolder } from "./helpers.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The table under the header's blank line, as rows of cells. */
function table(stdout: string): string[][] {
  return stdout.split("\n\n")[1].trimEnd().split("\n").map((line) => line.split(/ {2,}/));
}

const demo = (...flags: string[]) => cli("demo", "overfit-weight-decay", ...flags);

describe("backprop demo overfit-weight-decay", () => {
  it("prints train and test accuracy without and with weight decay every 10 epochs and at the last", async () => {
    const { code, stdout, stderr } = await demo("--epochs", "61");
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout.split("\n")[0]).toBe(
      "MultiLayerNet(784 -> 100 -> 100 -> 100 -> 100 -> 100 -> 100 -> 10, relu) and MultiLayerNet(784 -> 100 -> 100 -> 100 -> 100 -> 100 -> 100 -> 10, relu, weight decay 0.1) on the first 300 of 8000 train / 2000 test digits (embedded): SGD(lr 0.01), batch 100 drawn with replacement, 61 epochs, seed 0",
    );
    const rows = table(stdout);
    expect(rows[0]).toEqual(["epoch", "train, no decay", "test, no decay", "train, decay 0.1", "test, decay 0.1"]);
    expect(rows.map((r) => r[0])).toEqual(["epoch", "0", "10", "20", "30", "40", "50", "60"]);
    const accs = rows.slice(1).map((r) => r.slice(1).map(Number));
    // accuracies over 300 train and 2000 test digits are whole counts
    for (const [train0, test0, train1, test1] of accs) {
      for (const [acc, n] of [[train0, 300], [test0, 2000], [train1, 300], [test1, 2000]]) expect(Math.abs(acc * n - Math.round(acc * n))).toBeLessThan(0.02);
    }
    // the book's figures: on 300 digits the plain net runs away from its test accuracy; weight decay narrows the gap
    const [train0, test0, train1, test1] = accs.at(-1) as number[];
    expect(train0).toBeGreaterThan(0.9);
    expect(train0 - test0).toBeGreaterThan(0.15);
    expect(train1 - test1).toBeLessThan(train0 - test0 - 0.05);

    // the same seed draws the same weights and batches: a shorter run is the start of this one; another seed is another
    const shorter = await demo("--epochs", "11");
    expect(table(shorter.stdout)).toEqual(rows.slice(0, 3));
    const other = await demo("--epochs", "1", "--seed", "1");
    expect(table(other.stdout)[1]).not.toEqual(rows[1]);
  });

  it("decays the second net by --weight-decay", async () => {
    const { code, stdout } = await demo("--epochs", "1", "--weight-decay", "0.5");
    expect(code).toBe(0);
    expect(stdout.split("\n")[0]).toContain("MultiLayerNet(784 -> 100 -> 100 -> 100 -> 100 -> 100 -> 100 -> 10, relu, weight decay 0.5) on");
    expect(table(stdout)[0]).toEqual(["epoch", "train, no decay", "test, no decay", "train, decay 0.5", "test, decay 0.5"]);
  });

  it("refuses bad flags, and too few training digits, in one line with exit code 2", async () => {
    const dir = writeIdxFolder({ train: 200, test: 20 });
    dirs.push(dir);
    const cases: [string[], RegExp][] = [
      [["--weight-decay", "0"], /^backprop demo overfit-weight-decay: --weight-decay must be a positive number, got '0'\n$/],
      [["--weight-decay", "-0.1"], /^backprop demo overfit-weight-decay: --weight-decay must be a positive number, got '-0\.1'\n$/],
      [["--epochs", "0"], /^backprop demo overfit-weight-decay: --epochs must be a positive integer, got '0'\n$/],
      [["--data", dir], /^backprop demo overfit-weight-decay: the demo takes the first 300 training samples, expected at least 300, got 200\n$/],
    ];
    for (const [flags, message] of cases) {
      const { code, stdout, stderr } = await demo(...flags);
      expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
      expect(stderr).toMatch(message);
    }
  });
});
