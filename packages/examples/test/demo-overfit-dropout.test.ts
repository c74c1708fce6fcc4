import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

/** The table under the header's blank line, as rows of cells. */
function table(stdout: string): string[][] {
  return stdout.split("\n\n")[1].trimEnd().split("\n").map((line) => line.split(/ {2,}/));
}

const demo = (...flags: string[]) => cli("demo", "overfit-dropout", ...flags);

describe("backprop demo overfit-dropout", () => {
  it("prints train and test accuracy without and with Dropout every 10 epochs and at the last", async () => {
    const { code, stdout, stderr } = await demo("--epochs", "41");
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout.split("\n")[0]).toMatch(/^MultiLayerNetExtend\(784 -> 100 -> 100 -> 100 -> 100 -> 100 -> 100 -> 10, relu\) and MultiLayerNetExtend\(784 -> 100 -> 100 -> 100 -> 100 -> 100 -> 100 -> 10, relu, dropout 0\.2\) on the first 300 of /);
    const rows = table(stdout);
    expect(rows[0]).toEqual(["epoch", "train, no dropout", "test, no dropout", "train, dropout 0.2", "test, dropout 0.2"]);
    expect(rows.map((r) => r[0])).toEqual(["epoch", "0", "10", "20", "30", "40"]);
    for (const row of rows.slice(1)) for (const cell of row.slice(1)) expect(cell).toMatch(/^[01]\.\d{4}$/);
    // the book's figure: Dropout keeps the train accuracy from running away from the test accuracy
    const [train0, test0, train1, test1] = (rows.at(-1) as string[]).slice(1).map(Number);
    expect(train0 - test0).toBeGreaterThan(0.15);
    expect(train1 - test1).toBeLessThan(train0 - test0 - 0.05);

    // the same seed draws the same weights, batches and masks: a shorter run is the start of this one
    const shorter = await demo("--epochs", "11");
    expect(table(shorter.stdout)).toEqual(rows.slice(0, 3));
  });

  it("draws other masks from another seed and drops the share of --dropout", async () => {
    const [a, b] = [await demo("--epochs", "2", "--dropout", "0.5", "--seed", "3"), await demo("--epochs", "2", "--dropout", "0.5", "--seed", "4")];
    expect(table(a.stdout)[0].slice(3)).toEqual(["train, dropout 0.5", "test, dropout 0.5"]);
    expect(table(b.stdout).slice(1)).not.toEqual(table(a.stdout).slice(1));
  });

  it("refuses bad flags in one line with exit code 2", async () => {
    const cases: [string[], RegExp][] = [
      [["--dropout", "1"], /^backprop demo overfit-dropout: --dropout must be a ratio between 0 and 1, got '1'\n$/],
      [["--dropout", ""], /^backprop demo overfit-dropout: --dropout must be a ratio between 0 and 1, got ''\n$/],
      [["--epochs", "3.5"], /^backprop demo overfit-dropout: --epochs must be a positive integer, got '3\.5'\n$/],
      [["--weight-decay", "0.1"], /^backprop demo overfit-dropout: unknown flag --weight-decay \(see backprop demo overfit-dropout --help\)\n$/],
    ];
    for (const [flags, message] of cases) {
      const { code, stdout, stderr } = await demo(...flags);
      expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
      expect(stderr).toMatch(message);
    }
  });
});
