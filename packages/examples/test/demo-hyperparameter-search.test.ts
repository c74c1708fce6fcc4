import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

const demo = (...flags: string[]) => cli("demo", "hyperparameter-search", ...flags);

const TRIAL = /^trial +(\d+) {2}val acc ([01]\.\d{4}) {2}train acc ([01]\.\d{4}) {2}lr (\S+) {2}weight decay (\S+)$/;

/** The trial lines and the table of the best, as rows of cells. */
function parse(stdout: string): { trials: RegExpExecArray[]; best: string[][] } {
  const lines = stdout.split("\n");
  const trials = lines.filter((l) => l.startsWith("trial ")).map((l) => TRIAL.exec(l) as RegExpExecArray);
  const best = stdout.split("\n\n").at(-1)!.trimEnd().split("\n").map((l) => l.split(/ {2,}/));
  return { trials, best };
}

describe("backprop demo hyperparameter-search", () => {
  it("prints one line per trial, then the best sorted by validation accuracy", async () => {
    const { code, stdout, stderr } = await demo("--trials", "6", "--epochs", "3");
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout.split("\n")[0]).toMatch(/^6 trials of MultiLayerNet\(784 -> 100 -> 100 -> 100 -> 100 -> 100 -> 100 -> 10, relu\) on 400 train \+ 100 validation of the first 500 of 8000 train \/ 2000 test digits \(embedded\): SGD, batch 100 drawn with replacement, 3 epochs, seed 0$/);
    const { trials, best } = parse(stdout);
    expect(trials.map((m) => m?.[1])).toEqual(["1", "2", "3", "4", "5", "6"]);
    for (const [, , val, train, lr, decay] of trials) {
      // the book's ranges: lr in [1e-6, 1e-2), weight decay in [1e-8, 1e-4)
      expect(Number(lr)).toBeGreaterThanOrEqual(1e-6);
      expect(Number(lr)).toBeLessThan(1e-2);
      expect(Number(decay)).toBeGreaterThanOrEqual(1e-8);
      expect(Number(decay)).toBeLessThan(1e-4);
      // 100 validation and 400 training digits: accuracies are whole counts of them
      expect(Math.abs(Number(val) * 100 - Math.round(Number(val) * 100))).toBeLessThan(1e-6);
      expect(Math.abs(Number(train) * 400 - Math.round(Number(train) * 400))).toBeLessThan(1e-6);
    }
    expect(best[0]).toEqual(["rank", "val acc", "train acc", "lr", "weight decay", "trial"]);
    expect(best.slice(1).map((r) => r[0])).toEqual(["Best-1", "Best-2", "Best-3", "Best-4", "Best-5", "Best-6"]);
    const vals = best.slice(1).map((r) => Number(r[1]));
    expect(vals).toEqual([...vals].sort((a, b) => b - a));
    // the table holds the trials' own figures
    const byTrial = new Map(trials.map(([, n, val, train, lr, decay]) => [n, [val, train, lr, decay]]));
    for (const [, val, train, lr, decay, n] of best.slice(1)) expect([val, train, lr, decay]).toEqual(byTrial.get(n));
  });

  it("shows only the best 20", async () => {
    const { stdout } = await demo("--trials", "21", "--epochs", "1");
    const { trials, best } = parse(stdout);
    expect(trials).toHaveLength(21);
    expect(best).toHaveLength(21);
    expect(stdout).toContain("the best 20 by validation accuracy:");
  });

  it("draws the trials from --seed: the same lines for the same seed, others for another", async () => {
    const flags = ["--trials", "3", "--epochs", "1"];
    const [a, b, c] = [await demo(...flags, "--seed", "8"), await demo(...flags, "--seed", "8"), await demo(...flags, "--seed", "9")];
    expect(a.stdout).toBe(b.stdout);
    expect(parse(c.stdout).trials.map((m) => m[4])).not.toEqual(parse(a.stdout).trials.map((m) => m[4]));
  });

  it("refuses bad flags in one line with exit code 2", async () => {
    const cases: [string[], RegExp][] = [
      [["--trials", "0"], /^backprop demo hyperparameter-search: --trials must be a positive integer, got '0'\n$/],
      [["--epochs", "-1"], /^backprop demo hyperparameter-search: --epochs must be a positive integer, got '-1'\n$/],
      [["--lr", "0.1"], /^backprop demo hyperparameter-search: unknown flag --lr \(see backprop demo hyperparameter-search --help\)\n$/],
    ];
    for (const [flags, message] of cases) {
      const { code, stdout, stderr } = await demo(...flags);
      expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
      expect(stderr).toMatch(message);
    }
  });
});
