import { describe, expect, it } from "vitest";
import { METHODS, RACE_SETTINGS, race, raceRows, raceStarts } from "../../src/race/race.js";
import { book, camel, goldsteinPrice } from "../../src/race/test-functions.js";

describe("raceStarts", () => {
  it("draws the same starts from new Random(\"race/<function>\") every time, inside the domain; the book's from (-7, 2) too", () => {
    const starts = raceStarts(camel);
    expect(starts).toHaveLength(RACE_SETTINGS.starts);
    expect(raceStarts(camel)).toEqual(starts);
    for (const [x, y] of starts) {
      expect(x >= -2 && x < 2 && y >= -1 && y < 1).toBe(true);
    }
    expect(raceStarts(goldsteinPrice)).not.toEqual(starts);
    expect(raceStarts(book)[0]).toEqual([-7, 2]);
    expect(raceStarts(book)).toHaveLength(RACE_SETTINGS.starts + 1);
  });
});

describe("race", () => {
  it("book: every method reaches the minimum 0 from every start", () => {
    const rows = raceRows(race(book));
    expect(rows.map((r) => r.method)).toEqual(METHODS);
    for (const r of rows) {
      expect({ method: r.method, atGlobal: r.atGlobal, converged: r.converged }).toEqual({ method: r.method, atGlobal: 7, converged: 7 });
      expect(r.bestF).toBeLessThan(1e-9);
    }
  });

  it("every run that converged stopped at |grad f| < gtol, and its evaluations add up to the row's", () => {
    const result = race(camel);
    const rows = raceRows(result);
    result.methods.forEach(({ runs }, i) => {
      for (const run of runs.filter((r) => r.converged)) expect(Math.hypot(...camel.grad(...run.end))).toBeLessThan(RACE_SETTINGS.gtol);
      expect(rows[i].totalEvaluations).toBe(runs.reduce((s, r) => s + r.evaluations, 0));
      expect(rows[i].meanEvaluations).toBeCloseTo(rows[i].totalEvaluations / 6, 10);
    });
  });

  it("goldstein-price: BDF spends far fewer gradients than GD, and RK45 stalls at the stiff minima", () => {
    const rows = Object.fromEntries(raceRows(race(goldsteinPrice)).map((r) => [r.method, r]));
    // measured: BDF 4851, GD 21016 (4.3 times as many) from the 6 seeded starts
    expect(rows.BDF.converged).toBe(6);
    expect(rows.GD.converged).toBe(6);
    expect(rows.BDF.totalEvaluations * 3).toBeLessThan(rows.GD.totalEvaluations);
    expect(rows.BDF.bestF).toBeCloseTo(3, 9);
    // RK45's steps are held by stability near minima of large curvature: at the cap from most starts
    expect(rows.RK45.converged).toBeLessThan(6);
    expect(rows.RK45.totalEvaluations).toBeGreaterThan(rows.BDF.totalEvaluations * 10);
  });
});
