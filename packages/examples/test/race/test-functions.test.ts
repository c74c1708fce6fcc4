import { Random } from "@backprop/core";
import { describe, expect, it } from "vitest";
import { book, camel, goldsteinPrice, type TestFunction } from "../../src/race/test-functions.js";

const H = 1e-6;
// central differences in float64 agree with an analytic gradient to about H^2 f''' / |grad| + eps |f| / H; relative to
// the gradient's size, 1e-6 leaves room for both on these polynomials and fails a wrong term by orders of magnitude
const GRADIENT_TOLERANCE = 1e-6;

/** The largest |analytic - central difference| / (1 + |central difference|) over `count` random points of fn's domain. */
function gradientError(fn: TestFunction, count = 50): number {
  const random = new Random("race/gradient-check");
  const { x: [x0, x1], y: [y0, y1] } = fn.domain;
  let worst = 0;
  for (let i = 0; i < count; i++) {
    const [x, y] = [x0 + (x1 - x0) * random.random(), y0 + (y1 - y0) * random.random()];
    const numeric = [(fn.f(x + H, y) - fn.f(x - H, y)) / (2 * H), (fn.f(x, y + H) - fn.f(x, y - H)) / (2 * H)];
    const analytic = fn.grad(x, y);
    const scale = Math.max(1, Math.hypot(...numeric));
    worst = Math.max(worst, Math.hypot(analytic[0] - numeric[0], analytic[1] - numeric[1]) / scale);
  }
  return worst;
}

describe("the race's test functions", () => {
  it("give the values computed by hand", () => {
    expect(camel.f(0, 0)).toBe(0);
    // (4 - 2.1 + 1/3) + 1 + 0
    expect(camel.f(1, 1)).toBeCloseTo(3.2333333333333334, 14);
    // (4 - 2.1 + 1/3) - 0.5 + (-4 + 1) / 4
    expect(camel.f(1, -0.5)).toBeCloseTo(0.9833333333333334, 14);
    // [1 + 1 * 19] * [30 + 0]
    expect(goldsteinPrice.f(0, 0)).toBe(600);
    // [1 + 9 * 3] * [30 + 1 * 37]
    expect(goldsteinPrice.f(1, 1)).toBe(1876);
    expect(book.f(-7, 2)).toBeCloseTo(6.45, 14);
  });

  it("reach their published minima, where the gradient vanishes", () => {
    for (const [x, y] of camel.minima) {
      expect(camel.f(x, y)).toBeCloseTo(-1.0316, 4);
      expect(Math.hypot(...camel.grad(x, y))).toBeLessThan(1e-9);
    }
    expect(camel.minima.map(([x, y]) => [Number(x.toFixed(4)), Number(y.toFixed(4))])).toEqual([[0.0898, -0.7127], [-0.0898, 0.7127]]);
    // the right second factor (48y - 36xy + 27y^2) gives exactly 3 and a zero gradient at (0, -1)
    expect(goldsteinPrice.f(0, -1)).toBe(3);
    expect(goldsteinPrice.grad(0, -1)).toEqual([0, 0]);
    expect(book.f(0, 0)).toBe(0);
    expect(book.grad(0, 0)).toEqual([0, 0]);
    for (const fn of [camel, goldsteinPrice, book]) for (const [x, y] of fn.minima) expect(fn.f(x, y)).toBeCloseTo(fn.fMin, 12);
  });

  it("have analytic gradients that agree with central differences", () => {
    for (const fn of [camel, goldsteinPrice, book]) expect(gradientError(fn), fn.name).toBeLessThan(GRADIENT_TOLERANCE);
  });

  it("the same check rejects a wrong gradient", () => {
    // a typo in one term: 12y^3 for 16y^3 in df/dy
    const wrong: TestFunction = { ...camel, grad: (x, y) => [camel.grad(x, y)[0], x - 8 * y + 12 * y ** 3] };
    expect(gradientError(wrong)).toBeGreaterThan(1e3 * GRADIENT_TOLERANCE);
    // and a gradient 0.1% off in df/dx
    const off: TestFunction = {
      ...goldsteinPrice,
      grad: (x, y) => {
        const [gx, gy] = goldsteinPrice.grad(x, y);
        return [gx * 0.999, gy];
      },
    };
    expect(gradientError(off)).toBeGreaterThan(GRADIENT_TOLERANCE);
  });
});
