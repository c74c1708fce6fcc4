import type { State } from "../training/state.js";

/** dy/dt = f(t, y) in n unknowns. f writes f(t, y) into out (length n) and neither keeps nor changes y. */
export interface OdeSystem {
  readonly n: number;
  f(t: number, y: Float64Array, out: Float64Array): void;
}

/** What an integrator has spent, counted as it goes. */
export interface OdeCounts {
  accepted: number; // accepted steps
  rejected: number; // rejected step attempts (error test failed, or Newton did not converge)
  evaluations: number; // every call of f, whatever for: this is the "gradient evaluations" figure
  jacobianColumns: number; // the calls of f spent on dense finite-difference Jacobians (included in evaluations)
  jacobianProducts: number; // the calls of f spent on matrix-free Jacobian-vector products (included in evaluations)
  jacobians: number; // Jacobian (re)computations: dense J, or a new linearization point for Krylov
  factorizations: number; // LU factorizations
  newtonIterations: number;
  krylovIterations: number; // GMRES iterations over all solves
}

/** Counts that are all zero. */
export function emptyCounts(): OdeCounts {
  return { accepted: 0, rejected: 0, evaluations: 0, jacobianColumns: 0, jacobianProducts: 0, jacobians: 0, factorizations: 0, newtonIterations: 0, krylovIterations: 0 };
}

/** The tolerances and step limits shared by the integrators. */
export interface OdeOptions {
  rtol?: number; // default 1e-3 (scipy's)
  atol?: number; // default 1e-6 (scipy's)
  firstStep?: number; // default: selectInitialStep
  maxStep?: number; // default Infinity
  tEnd?: number; // default Infinity: steps never pass it (the last step lands on it exactly)
}

/** An integration that cannot go on: the step size fell below what t can resolve, or t has reached tEnd. */
export class OdeError extends Error {
  override name = "OdeError";
}

/** The float64 machine epsilon, numpy's finfo(float).eps. */
export const EPS = 2 ** -52;

/** The smallest rtol the integrators accept (scipy's 100 * eps): a smaller rtol asks for digits float64 lacks. */
export const MIN_RTOL = 100 * EPS;

/** The error norm sqrt(mean((err_i / (atol + rtol * max(|y_i|, |ynew_i|)))^2)): a step passes when it is <= 1. */
export function rmsNorm(err: Float64Array, y: Float64Array, ynew: Float64Array, atol: number, rtol: number): number {
  let sum = 0;
  for (let i = 0; i < err.length; i++) {
    const e = err[i] / (atol + rtol * Math.max(Math.abs(y[i]), Math.abs(ynew[i])));
    sum += e * e;
  }
  return Math.sqrt(sum / err.length);
}

/** The distance from |t| to the next float64 up (numpy's spacing), the resolution of t. */
export function spacing(t: number): number {
  const bits = new Float64Array([Math.abs(t)]);
  const word = new BigInt64Array(bits.buffer);
  word[0] += 1n;
  return bits[0] - Math.abs(t);
}

/** The step-size limits and tolerances, checked: RangeError naming the option. rtol below MIN_RTOL is raised to it, as scipy does. */
export function checkOptions(where: string, t0: number, y0: Float64Array, options: OdeOptions) {
  const { rtol = 1e-3, atol = 1e-6, firstStep, maxStep = Infinity, tEnd = Infinity } = options;
  const positive = (name: string, value: number) => {
    if (typeof value !== "number" || !(value > 0)) throw new RangeError(`${where}: ${name} must be a positive number, got ${String(value)}`);
  };
  positive("rtol", rtol);
  if (typeof atol !== "number" || !(atol >= 0)) throw new RangeError(`${where}: atol must be a non-negative number, got ${String(atol)}`);
  positive("maxStep", maxStep);
  if (!Number.isFinite(t0)) throw new RangeError(`${where}: t0 must be a finite number, got ${String(t0)}`);
  if (typeof tEnd !== "number" || !(tEnd >= t0)) throw new RangeError(`${where}: tEnd must be a number >= t0 = ${t0}, got ${String(tEnd)}`);
  if (firstStep !== undefined) {
    positive("firstStep", firstStep);
    if (firstStep > tEnd - t0) throw new RangeError(`${where}: firstStep must not pass tEnd - t0 = ${tEnd - t0}, got ${firstStep}`);
  }
  if (!(y0 instanceof Float64Array) || y0.length === 0) throw new RangeError(`${where}: y0 must be a non-empty Float64Array, got ${describe(y0)}`);
  if (!y0.every(Number.isFinite)) throw new RangeError(`${where}: y0 must be finite, got ${Array.from(y0).find((v) => !Number.isFinite(v))} in it`);
  return { rtol: Math.max(rtol, MIN_RTOL), atol, firstStep, maxStep, tEnd };
}

function describe(value: unknown): string {
  return value instanceof Float64Array ? "an empty Float64Array" : ((value as object | null)?.constructor?.name ?? String(value));
}

/**
 * Hairer's initial step (Hairer, Norsett and Wanner, Solving ODEs I, sec. II.4; scipy's select_initial_step) for a
 * method whose error estimate is of order `order`: one call of f, at t0 + h0.
 */
export function selectInitialStep(
  f: (t: number, y: Float64Array, out: Float64Array) => void,
  t0: number,
  y0: Float64Array,
  f0: Float64Array,
  order: number,
  { rtol, atol, tEnd, maxStep }: { rtol: number; atol: number; tEnd: number; maxStep: number },
): number {
  const interval = tEnd - t0;
  if (interval === 0) return 0;
  const n = y0.length;
  const rms = (v: (i: number) => number) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (v(i) / (atol + rtol * Math.abs(y0[i]))) ** 2;
    return Math.sqrt(sum / n);
  };
  const d0 = rms((i) => y0[i]);
  const d1 = rms((i) => f0[i]);
  // 1e-5: y0 or f0 too close to zero to say anything about the scale; start small
  const h0 = Math.min(d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1, interval);
  const y1 = new Float64Array(n);
  for (let i = 0; i < n; i++) y1[i] = y0[i] + h0 * f0[i];
  const f1 = new Float64Array(n);
  f(t0 + h0, y1, f1);
  const d2 = rms((i) => f1[i] - f0[i]) / h0;
  const h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / Math.max(d1, d2)) ** (1 / (order + 1));
  return Math.min(100 * h0, h1, interval, maxStep);
}

/** A one-step-at-a-time integrator of an OdeSystem, forward in t. */
export interface OdeIntegrator {
  readonly method: "bdf" | "rk45";
  readonly n: number;
  readonly t: number;
  /** The current solution: the integrator's own array, valid until the next step; callers copy it if they keep it. */
  readonly y: Float64Array;
  /** f(t, y) at the current point when the integrator has it (RK45 always: FSAL; BDF: not kept, undefined). */
  readonly f: Float64Array | undefined;
  /** The step size the next step will try. */
  readonly h: number;
  /** BDF's current order (1-5); RK45: 5. */
  readonly order: number;
  readonly counts: OdeCounts;
  /** Takes one accepted step (trying smaller steps as needed); throws OdeError when the step size falls below
   *  10 * spacing(t), or when t has reached tEnd. */
  step(): void;
  /** Everything needed to continue bit for bit: an integrator restored from it takes exactly the steps the original would. */
  state(): State;
  /** Checks every field first (a RangeError naming the field, and no change), then continues from `state`. */
  restore(state: State): void;
}
