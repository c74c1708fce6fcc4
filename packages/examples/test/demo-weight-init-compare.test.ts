import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

/** The table under the header's blank line, as rows of cells. */
function table(stdout: string): string[][] {
  return stdout.split("\n\n")[1].trimEnd().split("\n").map((line) => line.split(/ {2,}/));
}

const demo = (...flags: string[]) => cli("demo", "weight-init-compare", ...flags);

describe("backprop demo weight-init-compare", () => {
  it("prints the loss from std 0.01, Xavier and He weights, then the book's figures at step 1800", async () => {
    const { code, stdout, stderr } = await demo("--iters", "200", "--batch-size", "32", "--every", "50");
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout.split("\n")[1]).toBe("initial weights: std 0.01, Xavier sqrt(1 / n), He sqrt(2 / n) for n inputs; SGD(lr 0.01)");
    const rows = table(stdout);
    expect(rows[0]).toEqual(["step", "std=0.01", "Xavier", "He"]);
    expect(rows.map((r) => r[0])).toEqual(["step", "0", "50", "100", "150", "199", "book 1800"]);
    expect(rows.at(-1)).toEqual(["book 1800", "2.303", "0.228", "0.166"]);
    const losses = rows.slice(1, -1).map((r) => r.slice(1).map(Number));
    // the book's figure: std 0.01 shrinks the signal to nothing in four layers and stays at ln 10, guessing;
    // He falls first, Xavier (meant for sigmoid) behind it
    for (const [std] of losses) expect(Math.abs(std - Math.log(10))).toBeLessThan(0.01);
    const [, xavier, he] = losses.at(-1) as number[];
    expect(he).toBeLessThan(1.5);
    expect(he).toBeLessThan(xavier);
    expect(xavier).toBeLessThan(Math.log(10));
  });

  it("gives the same table for the same seed and another for another seed", async () => {
    const flags = ["--iters", "20", "--batch-size", "16", "--every", "10"];
    const [a, b, c] = [await demo(...flags, "--seed", "2"), await demo(...flags, "--seed", "2"), await demo(...flags, "--seed", "3")];
    expect(a.stdout).toBe(b.stdout);
    expect(table(c.stdout).slice(1, -1)).not.toEqual(table(a.stdout).slice(1, -1));
  });

  it("refuses bad flags in one line with exit code 2", async () => {
    const cases: [string[], RegExp][] = [
      [["--iters", "-5"], /^backprop demo weight-init-compare: --iters must be a positive integer, got '-5'\n$/],
      [["--every", "0"], /^backprop demo weight-init-compare: --every must be a positive integer, got '0'\n$/],
      [["--optimizers", "adam"], /^backprop demo weight-init-compare: unknown flag --optimizers \(see backprop demo weight-init-compare --help\)\n$/],
    ];
    for (const [flags, message] of cases) {
      const { code, stdout, stderr } = await demo(...flags);
      expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
      expect(stderr).toMatch(message);
    }
  });
});
