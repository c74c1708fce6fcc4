import type { State } from "../training/state.js";
import { DenseNewton, KrylovNewton, type NewtonSolver } from "./newton-solvers.js";
import { StateReader, tensorOf } from "./ode-state.js";
import { rmsNorm } from "./error-norm.js";
import { EPS, checkOptions, spacing, type OdeOptions } from "./ode-options.js";
import { OdeError, emptyCounts, type OdeCounts, type OdeIntegrator, type OdeSystem } from "./ode-system.js";
import { selectInitialStep } from "./select-initial-step.js";

/** How BDF solves its Newton systems (I - c J) dy = r; see DenseNewton and KrylovNewton. */
export interface BdfOptions extends OdeOptions {
  /** "dense": finite-difference Jacobian (n calls of f, forward differences) + LU;
   *  "krylov": matrix-free Newton-Krylov, J·v ≈ (f(yJ + εv) - fJ) / ε at the linearization point yJ, solved by GMRES;
   *  "auto" (default): dense when n <= denseLimit. */
  linear?: "dense" | "krylov" | "auto";
  /** The most unknowns "auto" solves with a dense Jacobian (default DENSE_LIMIT). */
  denseLimit?: number;
  /** GMRES per Newton solve: restart 30, maxIterations 100, tolerance 1e-2 (relative; inexact Newton) by default. */
  krylov?: { restart?: number; maxIterations?: number; tolerance?: number };
}

/**
 * The most unknowns "auto" gives a dense Jacobian: n calls of f to build, n² numbers (32 MB at 2,000) and n³/3
 * multiply-adds to factorize; past it, Hessian-vector products cost one call of f each.
 */
export const DENSE_LIMIT = 2000;

const MAX_ORDER = 5;
const NEWTON_MAXITER = 4;
const MIN_FACTOR = 0.2;
const MAX_FACTOR = 10;
// Shampine and Reichelt 1997, table 1: kappa of the NDFs of orders 1-5 (order 5 is plain BDF); the values scipy uses
const KAPPA = [0, -0.185, -1 / 9, -0.0823, -0.0415, 0];
// gamma_k = sum_{j <= k} 1/j; the NDF of order k reads alpha_k (y_new - y_predict) = h f(y_new) - sum_{j <= k} gamma_j D^j y_n
const GAMMA = KAPPA.map((_, k) => Array.from({ length: k }, (_, j) => 1 / (j + 1)).reduce((s, v) => s + v, 0));
const ALPHA = KAPPA.map((kappa, k) => (1 - kappa) * GAMMA[k]);
// the local error of order k is ERROR_CONST[k] times the (k+1)-th difference of the new solution
const ERROR_CONST = KAPPA.map((kappa, k) => kappa * GAMMA[k] + 1 / (k + 1));

/** The (order + 1) x (order + 1) matrix of scipy's compute_R: with U = R(1), (R U)^T turns the differences D at step h into those at factor * h. */
function computeR(order: number, factor: number): number[][] {
  const R = Array.from({ length: order + 1 }, () => new Array<number>(order + 1).fill(0));
  R[0].fill(1);
  for (let i = 1; i <= order; i++) for (let j = 1; j <= order; j++) R[i][j] = (R[i - 1][j] * (i - 1 - factor * j)) / i;
  return R;
}

/** Rescales the first order + 1 rows of D (rows of n) in place for a step size changed by `factor`. */
function changeD(D: Float64Array, n: number, order: number, factor: number): void {
  const R = computeR(order, factor);
  const U = computeR(order, 1);
  const RU = R.map((row) => U[0].map((_, j) => row.reduce((s, r, k) => s + r * U[k][j], 0)));
  const old = D.slice(0, (order + 1) * n);
  for (let j = 0; j <= order; j++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k <= order; k++) s += RU[k][j] * old[k * n + i];
      D[j * n + i] = s;
    }
  }
}

function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}

/**
 * Variable-order (1-5) BDF with the NDF corrections of Shampine and Reichelt ("The MATLAB ODE Suite", SIAM J. Sci.
 * Comput. 18, 1997), quasi-constant step size over the backward differences D (MAX_ORDER + 3 rows of n), and a
 * simplified Newton iteration on (I - c J) with J frozen until Newton fails: scipy's solve_ivp "BDF", written again.
 * Stiff problems: the step size follows the accuracy of the slow modes, not the stability of the fast ones.
 */
export class Bdf implements OdeIntegrator {
  readonly method = "bdf";
  readonly n: number;
  readonly counts: OdeCounts = emptyCounts();
  readonly f = undefined;
  private readonly system: OdeSystem;
  private readonly rtol: number;
  private readonly atol: number;
  private readonly maxStep: number;
  private readonly tEnd: number;
  private readonly newtonTol: number;
  private readonly solver: NewtonSolver;
  #t: number;
  #y: Float64Array;
  #h: number;
  #order = 1;
  private nEqualSteps = 0;
  private readonly D: Float64Array;
  // the Newton iteration's work arrays
  private readonly yPredict: Float64Array;
  private readonly fPredict: Float64Array;
  private readonly psi: Float64Array;
  private readonly yNew: Float64Array;
  private readonly d: Float64Array;
  private readonly fy: Float64Array;
  private readonly r: Float64Array;
  private readonly dy: Float64Array;

  /** From (t0, y0), or, given `restored` (a state() of a Bdf of these options), from there: then nothing is evaluated. */
  constructor(system: OdeSystem, t0: number, y0: Float64Array, options: BdfOptions = {}, restored?: State) {
    const { rtol, atol, firstStep, maxStep, tEnd } = checkOptions("Bdf", t0, y0, options);
    if (system.n !== y0.length) throw new RangeError(`Bdf: y0 must have length system.n = ${system.n}, got ${y0.length}`);
    const n = (this.n = system.n);
    this.system = system;
    this.rtol = rtol;
    this.atol = atol;
    this.maxStep = maxStep;
    this.tEnd = tEnd;
    // scipy's: tight enough that Newton's error stays below the local error, loose enough not to waste iterations
    this.newtonTol = Math.max((10 * EPS) / rtol, Math.min(0.03, Math.sqrt(rtol)));
    this.solver = makeSolver(n, this.evaluate, this.counts, atol, options);
    [this.yPredict, this.fPredict, this.psi, this.yNew, this.d, this.fy, this.r, this.dy] = Array.from({ length: 8 }, () => new Float64Array(n));
    this.#t = t0;
    this.#y = y0.slice();
    this.#h = 0;
    this.D = new Float64Array((MAX_ORDER + 3) * n);
    // a resumed run takes f, the first step and the Jacobian from its state: n gradients a dense Jacobian would cost
    if (restored !== undefined) {
      this.restore(restored);
      return;
    }
    const f0 = new Float64Array(n);
    this.evaluate(t0, this.#y, f0);
    this.#h = firstStep ?? selectInitialStep(this.evaluate, t0, this.#y, f0, 1, { rtol, atol, tEnd, maxStep });
    this.D.set(y0);
    for (let i = 0; i < n; i++) this.D[n + i] = f0[i] * this.#h;
    this.solver.setJacobian(t0, this.#y, f0);
  }

  get t(): number {
    return this.#t;
  }
  get y(): Float64Array {
    return this.#y;
  }
  get h(): number {
    return this.#h;
  }
  get order(): number {
    return this.#order;
  }
  /** "dense" or "krylov", as options.linear chose. */
  get linear(): "dense" | "krylov" {
    return this.solver.kind;
  }

  private readonly evaluate = (t: number, y: Float64Array, out: Float64Array): void => {
    this.counts.evaluations++;
    this.system.f(t, y, out);
  };

  step(): void {
    const { tEnd, counts } = this;
    const t = this.#t;
    const order = this.#order;
    if (t >= tEnd) throw new OdeError(`Bdf.step: already at tEnd = ${tEnd}`);
    const minStep = 10 * spacing(t);
    let h = this.#h;
    const clipped = h > this.maxStep ? this.maxStep : h < minStep ? minStep : h;
    if (clipped !== h) this.rescale(clipped / h);
    h = clipped;
    // scipy's rule: J is trusted to be current only once it has been recomputed within this step
    let currentJ = false;
    for (;;) {
      if (h < minStep) throw new OdeError(`Bdf.step: the step size h = ${h} fell below 10 * spacing(t) = ${minStep} at t = ${t}`);
      let tNew = t + h;
      if (tNew > tEnd) {
        tNew = tEnd;
        this.rescale((tNew - t) / h);
      }
      h = tNew - t;
      this.predict(order);
      const c = h / ALPHA[order];
      let newton = this.newton(tNew, c);
      // a non-finite f at the prediction would give a non-finite J: only a smaller step can help
      while (!newton.converged && !currentJ && allFinite(this.fPredict)) {
        this.solver.setJacobian(tNew, this.yPredict, this.fPredict);
        currentJ = true;
        newton = this.newton(tNew, c);
      }
      if (!newton.converged) {
        counts.rejected++;
        h *= 0.5;
        this.rescale(0.5);
        continue;
      }
      const safety = (0.9 * (2 * NEWTON_MAXITER + 1)) / (2 * NEWTON_MAXITER + newton.iterations);
      const errorNorm = this.norm(this.d, ERROR_CONST[order]);
      // a NaN error (f overflowed within the step) is a failed error test, the step cut by the most
      if (!(errorNorm <= 1)) {
        counts.rejected++;
        const factor = Number.isNaN(errorNorm) ? MIN_FACTOR : Math.max(MIN_FACTOR, safety * errorNorm ** (-1 / (order + 1)));
        h *= factor;
        this.rescale(factor);
        continue;
      }
      counts.accepted++;
      this.accept(tNew, h, safety, errorNorm);
      return;
    }
  }

  /** yPredict = sum_{j <= k} D^j y_n and psi = sum_{1 <= j <= k} gamma_j D^j y_n / alpha_k. */
  private predict(order: number): void {
    const { n, D, yPredict, psi } = this;
    yPredict.set(D.subarray(0, n));
    psi.fill(0);
    for (let j = 1; j <= order; j++) {
      for (let i = 0; i < n; i++) {
        yPredict[i] += D[j * n + i];
        psi[i] += (GAMMA[j] * D[j * n + i]) / ALPHA[order];
      }
    }
  }

  /**
   * The simplified Newton iteration for y_new - c f(t_new, y_new) = y_predict - psi from y_predict (scipy's
   * solve_bdf_system): leaves y_new and d = y_new - y_predict; it stops, unconverged, when the rate of convergence
   * estimated from successive corrections says NEWTON_MAXITER iterations cannot reach newtonTol.
   */
  private newton(tNew: number, c: number): { converged: boolean; iterations: number } {
    const { n, yNew, yPredict, d, fy, r, dy, psi, newtonTol, counts } = this;
    yNew.set(yPredict);
    d.fill(0);
    let dyNormOld = 0;
    for (let k = 0; k < NEWTON_MAXITER; k++) {
      this.evaluate(tNew, yNew, fy);
      counts.newtonIterations++;
      if (k === 0) this.fPredict.set(fy);
      if (!allFinite(fy)) return { converged: false, iterations: k + 1 };
      for (let i = 0; i < n; i++) r[i] = c * fy[i] - psi[i] - d[i];
      this.solver.solve(c, r, dy);
      const dyNorm = rmsNorm(dy, yPredict, yPredict, this.atol, this.rtol);
      const rate = k === 0 ? undefined : dyNorm / dyNormOld;
      if (rate !== undefined && (rate >= 1 || (rate ** (NEWTON_MAXITER - k) / (1 - rate)) * dyNorm > newtonTol)) return { converged: false, iterations: k + 1 };
      for (let i = 0; i < n; i++) {
        yNew[i] += dy[i];
        d[i] += dy[i];
      }
      if (dyNorm === 0 || (rate !== undefined && (rate / (1 - rate)) * dyNorm < newtonTol)) return { converged: true, iterations: k + 1 };
      dyNormOld = dyNorm;
    }
    return { converged: false, iterations: NEWTON_MAXITER };
  }

  /** The rms norm of constant * v, scaled by atol + rtol * |y_new|. */
  private norm(v: Float64Array, constant: number): number {
    return rmsNorm(v.map((vi) => constant * vi), this.yNew, this.yNew, this.atol, this.rtol);
  }

  /** The step size changes by `factor` on purpose: the differences follow, and (I - c J) must be factored again. */
  private rescale(factor: number): void {
    changeD(this.D, this.n, this.#order, factor);
    this.nEqualSteps = 0;
    this.solver.stepChanged();
  }

  /** Moves to (tNew, yNew), updates the differences, and after order + 1 equal steps picks the order (k - 1, k or k + 1) that allows the largest step. */
  private accept(tNew: number, h: number, safety: number, errorNorm: number): void {
    const { n, D, d } = this;
    const order = this.#order;
    this.#t = tNew;
    this.#y.set(this.yNew);
    this.#h = h;
    this.nEqualSteps++;
    // D^{j+1} y_new = D^j y_new - D^j y_n, and d is D^{k+1} y_new of the new interpolating polynomial
    for (let i = 0; i < n; i++) {
      D[(order + 2) * n + i] = d[i] - D[(order + 1) * n + i];
      D[(order + 1) * n + i] = d[i];
    }
    for (let j = order; j >= 0; j--) for (let i = 0; i < n; i++) D[j * n + i] += D[(j + 1) * n + i];
    if (this.nEqualSteps < order + 1) return;
    const errorLower = order > 1 ? this.norm(D.subarray(order * n, (order + 1) * n), ERROR_CONST[order - 1]) : Infinity;
    const errorHigher = order < MAX_ORDER ? this.norm(D.subarray((order + 2) * n, (order + 3) * n), ERROR_CONST[order + 1]) : Infinity;
    const factors = [errorLower, errorNorm, errorHigher].map((e, i) => e ** (-1 / (order + i)));
    const best = factors.reduce((b, f, i) => (f > factors[b] ? i : b), 0);
    this.#order = order + best - 1;
    const factor = Math.min(MAX_FACTOR, safety * factors[best]);
    this.#h *= factor;
    this.rescale(factor);
  }

  /** { method: "bdf", linear, t, y: (n), D: (8, n), h, order, nEqualSteps, the Newton solver's fields (dense: J, c; krylov: tJ, yJ, fJ), counts }. */
  state(): State {
    const { n } = this;
    return {
      method: this.method,
      linear: this.solver.kind,
      t: this.#t,
      y: tensorOf(this.#y, [n]),
      D: tensorOf(this.D, [MAX_ORDER + 3, n]),
      h: this.#h,
      order: this.#order,
      nEqualSteps: this.nEqualSteps,
      ...this.solver.state(),
      counts: { ...this.counts },
    };
  }

  restore(state: State): void {
    const { n } = this;
    const read = StateReader.of("Bdf.restore", state);
    read.string("method", ["bdf"]);
    read.string("linear", [this.solver.kind]);
    const t = read.number("t");
    const y = read.tensor("y", [n]);
    const D = read.tensor("D", [MAX_ORDER + 3, n]);
    const h = read.number("h", (v) => v >= 0 && Number.isFinite(v), "a non-negative finite number");
    const order = read.number("order", (v) => Number.isInteger(v) && v >= 1 && v <= MAX_ORDER, `an integer in [1, ${MAX_ORDER}]`);
    const nEqualSteps = read.number("nEqualSteps", (v) => Number.isInteger(v) && v >= 0, "a non-negative integer");
    const applySolver = this.solver.reader(read);
    const counts = read.counts();
    this.#t = t;
    this.#y = y;
    this.D.set(D);
    this.#h = h;
    this.#order = order;
    this.nEqualSteps = nEqualSteps;
    applySolver();
    Object.assign(this.counts, counts);
  }

  toString(): string {
    return `Bdf(n = ${this.n}, ${this.solver.kind}, t = ${this.#t}, h = ${this.#h}, order ${this.#order})`;
  }
}

function makeSolver(n: number, f: (t: number, y: Float64Array, out: Float64Array) => void, counts: OdeCounts, atol: number, options: BdfOptions): NewtonSolver {
  const { linear = "auto", denseLimit = DENSE_LIMIT, krylov = {} } = options;
  if (linear !== "dense" && linear !== "krylov" && linear !== "auto") throw new RangeError(`Bdf: linear must be "dense", "krylov" or "auto", got ${JSON.stringify(linear)}`);
  if (!Number.isInteger(denseLimit) || denseLimit < 0) throw new RangeError(`Bdf: denseLimit must be a non-negative integer, got ${String(denseLimit)}`);
  const { restart = 30, maxIterations = 100, tolerance = 1e-2 } = krylov;
  for (const [name, value] of [["restart", restart], ["maxIterations", maxIterations]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`Bdf: krylov.${name} must be a positive integer, got ${String(value)}`);
  }
  if (typeof tolerance !== "number" || !(tolerance > 0 && tolerance < 1)) throw new RangeError(`Bdf: krylov.tolerance must be a number in (0, 1), got ${String(tolerance)}`);
  const dense = linear === "dense" || (linear === "auto" && n <= denseLimit);
  return dense ? new DenseNewton(n, f, counts, atol) : new KrylovNewton(n, f, counts, { restart, maxIterations, tolerance });
}
