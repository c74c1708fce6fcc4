import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { cli, writeIdxFolder } from "./helpers.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The table under the header's blank line, as rows of cells. */
function table(stdout: string): string[][] {
  return stdout.split("\n\n")[1].trimEnd().split("\n").map((line) => line.split(/ {2,}/));
}

const demo = (...flags: string[]) => cli("demo", "optimizer-compare-mnist", ...flags);
const SMALL = ["--iters", "100", "--batch-size", "32", "--every", "50"];

describe("backprop demo optimizer-compare-mnist", () => {
  it("prints each optimizer's loss at steps 0, every, ... and the last, then the book's figures at step 1900", async () => {
    const { code, stdout, stderr } = await demo(...SMALL);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout.split("\n")[0]).toBe(
      "MultiLayerNet(784 -> 100 -> 100 -> 100 -> 100 -> 10, relu) per column on 8000 train / 2000 test digits (embedded): batch 32 drawn with replacement, the same for every net, 100 steps, seed 0",
    );
    const rows = table(stdout);
    expect(rows.map((r) => r[0])).toEqual(["step", "0", "50", "99", "book 1900"]);
    expect(rows[0]).toEqual(["step", "SGD", "Momentum", "AdaGrad", "Adam"]);
    expect(rows.at(-1)).toEqual(["book 1900", "0.150", "0.050", "0.016", "0.032"]);
    for (const row of rows.slice(1, -1)) {
      expect(row).toHaveLength(5);
      for (const cell of row.slice(1)) expect(cell).toMatch(/^\d+\.\d{3}$/);
    }
    // every net starts from the same He weights: its first loss is about ln 10
    for (const cell of rows[1].slice(1)) expect(Math.abs(Number(cell) - Math.log(10))).toBeLessThan(0.5);
    // the book's figure: the adaptive methods fall well below plain SGD
    const [sgd, momentum, adagrad, adam] = rows[3].slice(1).map(Number);
    expect(adagrad).toBeLessThan(sgd / 2);
    expect(adam).toBeLessThan(sgd / 2);
    expect(momentum).toBeLessThan(sgd);
  });

  it("gives the same table for the same seed and another for another seed", async () => {
    const a = await demo("--iters", "20", "--batch-size", "16", "--every", "10", "--seed", "5");
    const b = await demo("--iters", "20", "--batch-size", "16", "--every", "10", "--seed", "5");
    const c = await demo("--iters", "20", "--batch-size", "16", "--every", "10", "--seed", "6");
    expect(a.stdout).toBe(b.stdout);
    expect(table(c.stdout).slice(1, -1)).not.toEqual(table(a.stdout).slice(1, -1));
  });

  it("compares the optimizers of --optimizers, Nesterov and RMSprop too, without a book figure for them", async () => {
    const { code, stdout } = await demo("--optimizers", "nesterov,RMSprop,sgd", "--iters", "10", "--batch-size", "16", "--every", "5");
    expect(code).toBe(0);
    expect(stdout.split("\n")[1]).toBe("optimizers: Nesterov(lr 0.01, momentum 0.9), RMSprop(lr 0.01, decayRate 0.99), SGD(lr 0.01)");
    const rows = table(stdout);
    expect(rows[0]).toEqual(["step", "Nesterov", "RMSprop", "SGD"]);
    expect(rows.at(-1)).toEqual(["book 1900", "-", "-", "0.150"]);
  });

  it("reads --data DIR", async () => {
    const dir = writeIdxFolder({ train: 60, test: 20 });
    dirs.push(dir);
    const { code, stdout } = await demo("--data", dir, "--iters", "3", "--batch-size", "8", "--optimizers", "adam");
    expect(code).toBe(0);
    expect(stdout).toContain(`on 60 train / 20 test images from ${dir}:`);
    expect(table(stdout).map((r) => r[0])).toEqual(["step", "0", "2", "book 1900"]);
  });

  describe("bad flags are one line and exit code 2", () => {
    const cases: [string[], RegExp][] = [
      [["--optimizers", "sgd,lbfgs"], /^backprop demo optimizer-compare-mnist: --optimizers must list names of sgd, momentum, nesterov, adagrad, rmsprop, adam, got 'sgd,lbfgs'\n$/],
      [["--optimizers", "adam,sgd,adam"], /^backprop demo optimizer-compare-mnist: --optimizers must name each optimizer once, got 'adam' twice in 'adam,sgd,adam'\n$/],
      [["--iters", "0"], /^backprop demo optimizer-compare-mnist: --iters must be a positive integer, got '0'\n$/],
      [["--batch-size", "1.5"], /^backprop demo optimizer-compare-mnist: --batch-size must be a positive integer, got '1\.5'\n$/],
      [["--batch-size", "9000"], /^backprop demo optimizer-compare-mnist: --batch-size must be at most the 8000 training samples, got 9000\n$/],
      [["--every", "x"], /^backprop demo optimizer-compare-mnist: --every must be a positive integer, got 'x'\n$/],
      [["--seed", "-1"], /^backprop demo optimizer-compare-mnist: --seed must be a non-negative integer, got '-1'\n$/],
      [["--lr", "0.1"], /^backprop demo optimizer-compare-mnist: unknown flag --lr \(see backprop demo optimizer-compare-mnist --help\)\n$/],
    ];
    for (const [flags, message] of cases) {
      it(flags.join(" "), async () => {
        const { code, stdout, stderr } = await demo(...flags);
        expect(code).toBe(2);
        expect(stdout).toBe("");
        expect(stderr).toMatch(message);
      });
    }
  });
});
