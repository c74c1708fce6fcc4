import { describe, expect, test } from "vitest";
import { gmres, luFactor, luSolve } from "../../src/index.js";

// A = H diag(-3, -1, 0.5, 2, 4, 7) H with the Householder reflection H = I - 2 u u^T / u^T u: symmetric, indefinite
const n = 6;
const EIGENVALUES = [-3, -1, 0.5, 2, 4, 7];
const u = [1, -2, 0.5, 3, -1, 2];
const uu = u.reduce((s, v) => s + v * v, 0);
const H = (i: number, j: number) => (i === j ? 1 : 0) - (2 * u[i] * u[j]) / uu;
const matrix = (eigenvalues: number[]) => Float64Array.from({ length: n * n }, (_, k) => eigenvalues.reduce((s, l, m) => s + H(Math.floor(k / n), m) * l * H(k % n, m), 0));
const A = matrix(EIGENVALUES);
// restarted GMRES may stagnate on an indefinite matrix, never on a positive definite one (Elman's bound)
const A_POSITIVE = matrix(EIGENVALUES.map(Math.abs));
const b = Float64Array.from([1, 2, -1, 0.5, 3, -2]);

function counted(M = A) {
  const calls = { count: 0 };
  const apply = (v: Float64Array, out: Float64Array) => {
    calls.count++;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += M[i * n + j] * v[j];
      out[i] = s;
    }
  };
  return { calls, apply };
}

function residual(x: Float64Array, M = A): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let j = 0; j < n; j++) s -= M[i * n + j] * x[j];
    sum += s * s;
  }
  return Math.sqrt(sum);
}

const bNorm = Math.hypot(...b);

describe("gmres", () => {
  test("solves a symmetric indefinite 6x6 system to the tolerance, as LU does; iterations are the calls of apply", () => {
    const { calls, apply } = counted();
    const result = gmres(apply, b, undefined, { tolerance: 1e-10 });
    expect(result.converged).toBe(true);
    expect(result.iterations).toBe(calls.count);
    expect(result.iterations).toBeLessThanOrEqual(n); // without restarts GMRES is exact after n steps
    expect(residual(result.x)).toBeLessThanOrEqual(1e-10 * bNorm * 10);
    expect(result.residual).toBeLessThanOrEqual(1e-10 * bNorm);
    const exact = luSolve(luFactor(A, n), b);
    result.x.forEach((v, i) => expect(Math.abs(v - exact[i])).toBeLessThan(1e-9));
  });

  test("restarted every 2 vectors it converges on a positive definite matrix, counting each restart's true residual as a call", () => {
    const { calls, apply } = counted(A_POSITIVE);
    const result = gmres(apply, b, undefined, { restart: 2, tolerance: 1e-8, maxIterations: 1000 });
    expect(result.converged).toBe(true);
    expect(result.iterations).toBe(calls.count);
    expect(result.iterations).toBeGreaterThan(n);
    expect(residual(result.x, A_POSITIVE)).toBeLessThanOrEqual(1e-8 * bNorm * 10);
  });

  test("starting from x0 = the solution it stops at once, after one call for the residual", () => {
    const { apply } = counted();
    const exact = luSolve(luFactor(A, n), b);
    const result = gmres(apply, b, exact, { tolerance: 1e-8 });
    expect([result.converged, result.iterations]).toEqual([true, 1]);
  });

  test("a budget of 2 calls is not enough: converged false, the residual left, and x0 untouched", () => {
    const { calls, apply } = counted();
    const x0 = new Float64Array(n);
    const result = gmres(apply, b, x0, { tolerance: 1e-12, maxIterations: 2 });
    expect(result.converged).toBe(false);
    expect([result.iterations, calls.count]).toEqual([2, 2]);
    expect(result.residual).toBeGreaterThan(1e-12 * bNorm);
    expect(Math.abs(result.residual - residual(result.x))).toBeLessThan(1e-9);
    expect(Array.from(x0)).toEqual(new Array(n).fill(0));
  });

  test("b = 0 gives x = 0 without a call", () => {
    const { calls, apply } = counted();
    const result = gmres(apply, new Float64Array(n));
    expect([result.converged, result.iterations, calls.count, result.residual]).toEqual([true, 0, 0, 0]);
  });
});
