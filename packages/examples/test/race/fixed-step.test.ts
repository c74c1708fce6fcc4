import { describe, expect, it } from "vitest";
import { GRID, descend, fastestLr, gridLr, largestStableLr } from "../../src/race/fixed-step.js";
import { RACE_SETTINGS, raceStarts } from "../../src/race/race.js";
import { TEST_FUNCTIONS, book } from "../../src/race/test-functions.js";

const stop = RACE_SETTINGS;

describe("descend", () => {
  it("is the book's SGD on f = x^2/20 + y^2: x -= lr x / 10, y -= lr 2y, one gradient per update", () => {
    const run = descend(book, { type: "SGD", lr: 0.95 }, [-7, 2], { gtol: 0, maxEvaluations: 30 }, true);
    let [x, y] = [-7, 2];
    for (let i = 0; i < 30; i++) [x, y] = [x - (0.95 * x) / 10, y - 0.95 * 2 * y];
    expect(run.path).toHaveLength(31);
    expect(run.path[30][0]).toBeCloseTo(x, 14);
    expect(run.path[30][1]).toBeCloseTo(y, 14);
    expect({ evaluations: run.evaluations, converged: run.converged }).toEqual({ evaluations: 30, converged: false });
  });

  it("stops at the first gradient below gtol, and gives up on a run that leaves the domain far behind", () => {
    const run = descend(book, { type: "SGD", lr: 0.5 }, [-7, 2], stop);
    expect(run.converged).toBe(true);
    expect(Math.hypot(...book.grad(...run.end))).toBeLessThan(stop.gtol);
    // lr 1.5: y -> (1 - 3) y doubles each step
    const diverged = descend(book, { type: "SGD", lr: 1.5 }, [-7, 2], stop);
    expect(diverged.converged).toBe(false);
    expect(diverged.evaluations).toBeLessThan(20);
  });
});

describe("the learning-rate search", () => {
  for (const name of Object.keys(TEST_FUNCTIONS)) {
    it(`${name}: GD's lr converges from every start and the next one up the grid does not`, () => {
      const fn = TEST_FUNCTIONS[name];
      const starts = raceStarts(fn);
      const choice = largestStableLr(fn, "SGD", starts, stop);
      expect(choice).toBeDefined();
      const { k, lr } = choice!;
      expect(lr).toBe(gridLr(k));
      expect(starts.every((s) => descend(fn, { type: "SGD", lr }, s, stop).converged)).toBe(true);
      expect(starts.every((s) => descend(fn, { type: "SGD", lr: gridLr(k + 1) }, s, stop).converged)).toBe(false);
    });
  }

  it("book: Momentum's and Adam's lr converge from every start, and no lr near them on the grid does so with fewer gradients", () => {
    const starts = raceStarts(book);
    for (const type of ["Momentum", "Adam"]) {
      const { k, totalEvaluations } = fastestLr(book, type, starts, stop)!;
      for (let j = Math.max(GRID.kMin, k - 4); j <= Math.min(GRID.kMax, k + 4); j++) {
        const runs = starts.map((s) => descend(book, { type, lr: gridLr(j) }, s, stop));
        const total = runs.reduce((sum, r) => sum + r.evaluations, 0);
        if (j === k) expect({ converged: runs.every((r) => r.converged), total }).toEqual({ converged: true, total: totalEvaluations });
        else if (runs.every((r) => r.converged)) expect(total, `${type} at 10^(${j}/8)`).toBeGreaterThanOrEqual(totalEvaluations);
      }
    }
  });
});
