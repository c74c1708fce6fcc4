import type { OdeSystem } from "../../src/index.js";

/** y' = -y: y(t) = y0 exp(-(t - t0)). */
export const decay: OdeSystem = { n: 1, f: (_t, y, out) => void (out[0] = -y[0]) };

/** y'' = -y as the system (y, v)' = (v, -y): from (1, 0) at 0, (cos t, -sin t). */
export const oscillator: OdeSystem = {
  n: 2,
  f: (_t, y, out) => {
    out[0] = y[1];
    out[1] = -y[0];
  },
};

/** Robertson's chemical kinetics (Hairer and Wanner, Solving ODEs II, sec. IV.1), stiff: rates 0.04, 1e4 and 3e7. */
export const robertson: OdeSystem = {
  n: 3,
  f: (_t, y, out) => {
    out[0] = -0.04 * y[0] + 1e4 * y[1] * y[2];
    out[1] = 0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] * y[1];
    out[2] = 3e7 * y[1] * y[1];
  },
};

/** Hairer and Wanner's reference solution of Robertson's problem at t = 40 (Solving ODEs II, table IV.1.1 and the test set). */
export const ROBERTSON_AT_40 = [0.7158270687, 9.185534764e-6, 0.2841637457];

/** The gradient flow of f(x, y) = (1 - x)^2 + 10 (y - x^2)^2: (x, y)' = -grad f, nonlinear, minimum at (1, 1). */
export const rosenbrockFlow: OdeSystem = {
  n: 2,
  f: (_t, [x, y], out) => {
    out[0] = 2 * (1 - x) + 40 * x * (y - x * x);
    out[1] = -20 * (y - x * x);
  },
};

/**
 * The linear flow theta' = -A theta, A = Q diag(lambda) Q^T with lambda log-spaced from 1 to 1e6 (condition number
 * 1e6) and Q the Householder reflection I - 2 u u^T / u^T u; exact(t) = Q diag(exp(-lambda t)) Q^T theta0.
 */
export function stiffLinearFlow(n = 8) {
  const lambda = Array.from({ length: n }, (_, i) => 10 ** ((6 * i) / (n - 1)));
  const u = Array.from({ length: n }, (_, i) => 1 + (i % 2 ? -0.5 : 0.5) * i);
  const uu = u.reduce((s, v) => s + v * v, 0);
  const Q = (i: number, j: number) => (i === j ? 1 : 0) - (2 * u[i] * u[j]) / uu;
  const A = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => lambda.reduce((s, l, k) => s + Q(i, k) * l * Q(j, k), 0)));
  const system: OdeSystem = {
    n,
    f: (_t, theta, out) => {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s -= A[i][j] * theta[j];
        out[i] = s;
      }
    },
  };
  const exact = (theta0: Float64Array, t: number) => {
    const modes = lambda.map((l, k) => Math.exp(-l * t) * theta0.reduce((s, v, j) => s + Q(j, k) * v, 0));
    return Float64Array.from({ length: n }, (_, i) => modes.reduce((s, m, k) => s + Q(i, k) * m, 0));
  };
  return { system, exact, lambda };
}

/** max_i |y_i - exact_i| / (atol + rtol |exact_i|): the global error in units of the tolerance. */
export function errorInTolerances(y: ArrayLike<number>, exact: ArrayLike<number>, atol: number, rtol: number): number {
  let worst = 0;
  for (let i = 0; i < exact.length; i++) worst = Math.max(worst, Math.abs(y[i] - exact[i]) / (atol + rtol * Math.abs(exact[i])));
  return worst;
}

/** Steps the integrator until it reaches its tEnd. */
export function run<I extends { t: number; step(): void }>(integrator: I, tEnd: number): I {
  while (integrator.t < tEnd) integrator.step();
  return integrator;
}
