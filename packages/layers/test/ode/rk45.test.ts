import { describe, expect, test } from "vitest";
import { OdeError, Rk45, type OdeCounts } from "../../src/index.js";
import { decay, errorInTolerances, oscillator, run } from "./ode-problems.js";

describe("Rk45", () => {
  test("y' = -y from y(0) = 1 to t = 5 lands on tEnd exactly, within a few tolerances of exp(-5)", () => {
    const rk = run(new Rk45(decay, 0, Float64Array.of(1), { rtol: 1e-6, atol: 1e-9, tEnd: 5 }), 5);
    expect(rk.t).toBe(5);
    expect(errorInTolerances(rk.y, [Math.exp(-5)], 1e-9, 1e-6)).toBeLessThan(10);
    expect(rk.f[0]).toBe(-rk.y[0]); // FSAL: f at the new point is kept
  });

  test("y'' = -y to t = 10 as a system follows (cos t, -sin t)", () => {
    const rk = run(new Rk45(oscillator, 0, Float64Array.of(1, 0), { rtol: 1e-7, atol: 1e-9, tEnd: 10 }), 10);
    expect(rk.t).toBe(10);
    expect(errorInTolerances(rk.y, [Math.cos(10), -Math.sin(10)], 1e-9, 1e-7)).toBeLessThan(10);
  });

  test("a fifth-order method: rtol and atol 1e3 times smaller cut the error at least 100-fold", () => {
    const error = (rtol: number) => {
      const rk = run(new Rk45(oscillator, 0, Float64Array.of(1, 0), { rtol, atol: rtol * 1e-3, tEnd: 10 }), 10);
      return Math.hypot(rk.y[0] - Math.cos(10), rk.y[1] + Math.sin(10));
    };
    const [coarse, fine] = [error(1e-4), error(1e-7)];
    expect(coarse).toBeGreaterThan(0);
    expect(coarse / fine).toBeGreaterThan(100);
  });

  test("counts: 6 calls per step attempt, plus f(t0, y0) and one for the initial step", () => {
    const rk = run(new Rk45(oscillator, 0, Float64Array.of(1, 0), { tEnd: 10 }), 10);
    const { accepted, rejected, evaluations } = rk.counts;
    expect(evaluations).toBe(2 + 6 * (accepted + rejected));
    expect(accepted).toBeGreaterThan(10);
  });

  test("step() at tEnd throws", () => {
    const rk = run(new Rk45(decay, 0, Float64Array.of(1), { tEnd: 5 }), 5);
    expect(() => rk.step()).toThrow(OdeError);
    expect(() => rk.step()).toThrow(/^Rk45\.step: already at tEnd = 5$/);
  });

  test("state/restore continues bit for bit", () => {
    const a = new Rk45(oscillator, 0, Float64Array.of(1, 0), { rtol: 1e-6, tEnd: 20 });
    for (let k = 0; k < 7; k++) a.step();
    const snapshot = a.state();
    const after = (rk: Rk45): [number[], number, number, OdeCounts] => {
      for (let k = 0; k < 9; k++) rk.step();
      return [Array.from(rk.y), rk.t, rk.h, { ...rk.counts }];
    };
    const expected = after(a);
    const b = new Rk45(oscillator, 0, Float64Array.of(1, 0), { rtol: 1e-6, tEnd: 20 });
    b.restore(snapshot);
    expect(after(b)).toEqual(expected);
    // built from the snapshot, it evaluates nothing until it steps
    let calls = 0;
    const counting = { n: 2, f: (t: number, y: Float64Array, out: Float64Array) => (calls++, oscillator.f(t, y, out)) };
    const c = new Rk45(counting, 0, Float64Array.of(1, 0), { rtol: 1e-6, tEnd: 20 }, snapshot);
    expect(calls).toBe(0);
    expect(after(c)).toEqual(expected);
  });

  test("bad options and a bad state are refused, naming them", () => {
    expect(() => new Rk45(decay, 0, Float64Array.of(1), { rtol: -1 })).toThrow(/^Rk45: rtol must be a positive number, got -1$/);
    expect(() => new Rk45(decay, 0, Float64Array.of(1), { atol: -1 })).toThrow(/^Rk45: atol must be a non-negative number, got -1$/);
    expect(() => new Rk45(decay, 0, Float64Array.of(1, 2))).toThrow(/^Rk45: y0 must have length system.n = 1, got 2$/);
    const rk = new Rk45(decay, 0, Float64Array.of(1));
    const state = rk.state() as { [key: string]: unknown };
    expect(() => rk.restore({ ...state, h: -1 } as never)).toThrow(/^Rk45\.restore: h must be a non-negative finite number, got -1$/);
    expect(() => rk.restore({ ...state, method: "bdf" } as never)).toThrow(/^Rk45\.restore: method must be "rk45", got "bdf"$/);
  });
});

describe("a step on which f overflows", () => {
  // y' = -y, but f is NaN wherever |y| > 1.5, as a gradient that overflows: a first step of 5 lands there
  const overflowing = { n: 1, f: (_t: number, y: Float64Array, out: Float64Array) => void (out[0] = Math.abs(y[0]) > 1.5 ? Number.NaN : -y[0]) };

  test.each(["Rk45", "Bdf"] as const)("%s rejects it, cuts the step and goes on to the solution", async (name) => {
    const { Bdf } = await import("../../src/index.js");
    const make = name === "Rk45" ? Rk45 : Bdf;
    const ode = run(new make(overflowing, 0, Float64Array.of(1), { rtol: 1e-6, atol: 1e-9, tEnd: 5, firstStep: 5 }), 5);
    expect(ode.t).toBe(5);
    expect(ode.counts.rejected).toBeGreaterThanOrEqual(1);
    // BDF's global error on y' = -y is about 10 tolerances without the overflow too (scipy's as well)
    expect(errorInTolerances(ode.y, [Math.exp(-5)], 1e-9, 1e-6)).toBeLessThan(20);
  });
});
