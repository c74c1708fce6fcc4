import type { State } from "../training/state.js";
import { StateReader, tensorOf } from "./ode-state.js";
import { rmsNorm } from "./error-norm.js";
import { checkOptions, spacing, type OdeOptions } from "./ode-options.js";
import { OdeError, emptyCounts, type OdeCounts, type OdeIntegrator, type OdeSystem } from "./ode-system.js";
import { selectInitialStep } from "./select-initial-step.js";

// Dormand and Prince 1980, RK5(4)7M: the stages' times C, the Butcher matrix A, the fifth-order weights B, and
// E = the fifth-order minus the fourth-order weights over the seven stages (the seventh is f(t + h, y_new), FSAL)
const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1];
const A = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
];
const B = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84];
const E = [-71 / 57600, 0, 71 / 16695, -71 / 1920, 17253 / 339200, -22 / 525, 1 / 40];
const SAFETY = 0.9;
const MIN_FACTOR = 0.2;
const MAX_FACTOR = 10;
// the error estimate is of order 4, so it scales as h^5
const ERROR_EXPONENT = -1 / 5;

/**
 * Explicit Runge-Kutta 5(4) of Dormand and Prince with scipy's step-size control (solve_ivp's RK45): the step is
 * accepted when the rms norm of the error estimate, scaled by atol + rtol * max(|y|, |y_new|), is below 1;
 * h *= safety * err^(-1/5) within [0.2, 10], and never grows in the step that follows a rejection.
 */
export class Rk45 implements OdeIntegrator {
  readonly method = "rk45";
  readonly order = 5;
  readonly n: number;
  readonly counts: OdeCounts = emptyCounts();
  private readonly system: OdeSystem;
  private readonly rtol: number;
  private readonly atol: number;
  private readonly maxStep: number;
  private readonly tEnd: number;
  #t: number;
  #y: Float64Array;
  #f: Float64Array;
  #h: number;
  private readonly K: Float64Array[];
  private readonly yStage: Float64Array;

  /** From (t0, y0), or, given `restored` (a state() of an Rk45), from there: then nothing is evaluated. */
  constructor(system: OdeSystem, t0: number, y0: Float64Array, options: OdeOptions = {}, restored?: State) {
    const { rtol, atol, firstStep, maxStep, tEnd } = checkOptions("Rk45", t0, y0, options);
    if (system.n !== y0.length) throw new RangeError(`Rk45: y0 must have length system.n = ${system.n}, got ${y0.length}`);
    this.n = system.n;
    this.system = system;
    this.rtol = rtol;
    this.atol = atol;
    this.maxStep = maxStep;
    this.tEnd = tEnd;
    this.#t = t0;
    this.#y = y0.slice();
    this.#f = new Float64Array(this.n);
    this.#h = 0;
    this.K = Array.from({ length: 7 }, () => new Float64Array(this.n));
    this.yStage = new Float64Array(this.n);
    if (restored !== undefined) {
      this.restore(restored);
      return;
    }
    this.evaluate(t0, this.#y, this.#f);
    this.#h = firstStep ?? selectInitialStep(this.evaluate, t0, this.#y, this.#f, 4, { rtol, atol, tEnd, maxStep });
  }

  get t(): number {
    return this.#t;
  }
  get y(): Float64Array {
    return this.#y;
  }
  get f(): Float64Array {
    return this.#f;
  }
  get h(): number {
    return this.#h;
  }

  private readonly evaluate = (t: number, y: Float64Array, out: Float64Array): void => {
    this.counts.evaluations++;
    this.system.f(t, y, out);
  };

  step(): void {
    const { n, K, tEnd } = this;
    const t = this.#t;
    if (t >= tEnd) throw new OdeError(`Rk45.step: already at tEnd = ${tEnd}`);
    const minStep = 10 * spacing(t);
    let h = Math.max(Math.min(this.#h, this.maxStep), minStep);
    const yNew = new Float64Array(n);
    const fNew = new Float64Array(n);
    const err = new Float64Array(n);
    let rejected = false;
    for (;;) {
      if (h < minStep) throw new OdeError(`Rk45.step: the step size h = ${h} fell below 10 * spacing(t) = ${minStep} at t = ${t}`);
      const tNew = t + h > tEnd ? tEnd : t + h;
      h = tNew - t;
      this.stages(t, h, yNew, fNew);
      err.fill(0);
      for (let s = 0; s < 7; s++) for (let i = 0; i < n; i++) err[i] += E[s] * K[s][i];
      for (let i = 0; i < n; i++) err[i] *= h;
      const errorNorm = rmsNorm(err, this.#y, yNew, this.atol, this.rtol);
      if (errorNorm < 1) {
        let factor = errorNorm === 0 ? MAX_FACTOR : Math.min(MAX_FACTOR, SAFETY * errorNorm ** ERROR_EXPONENT);
        if (rejected) factor = Math.min(1, factor);
        this.counts.accepted++;
        this.#t = tNew;
        this.#y = yNew;
        this.#f = fNew;
        this.#h = h * factor;
        return;
      }
      this.counts.rejected++;
      // a NaN error (f overflowed at a stage) fails the test too, and cuts the step by the most: Math.max(0.2, NaN) is NaN
      h *= Number.isNaN(errorNorm) ? MIN_FACTOR : Math.max(MIN_FACTOR, SAFETY * errorNorm ** ERROR_EXPONENT);
      rejected = true;
    }
  }

  /** The six stages K[0..5] from (t, y) with step h, y_new = y + h sum B_s K_s, and K[6] = f(t + h, y_new) into fNew. */
  private stages(t: number, h: number, yNew: Float64Array, fNew: Float64Array): void {
    const { n, K, yStage } = this;
    const y = this.#y;
    K[0].set(this.#f);
    for (let s = 1; s < 6; s++) {
      for (let i = 0; i < n; i++) {
        let dy = 0;
        for (let j = 0; j < s; j++) dy += A[s][j] * K[j][i];
        yStage[i] = y[i] + h * dy;
      }
      this.evaluate(t + C[s] * h, yStage, K[s]);
    }
    for (let i = 0; i < n; i++) {
      let dy = 0;
      for (let s = 0; s < 6; s++) dy += B[s] * K[s][i];
      yNew[i] = y[i] + h * dy;
    }
    this.evaluate(t + h, yNew, fNew);
    K[6].set(fNew);
  }

  /** { method: "rk45", t, y: (n), f: (n) = f(t, y), h, counts }. */
  state(): State {
    const { n } = this;
    return { method: this.method, t: this.#t, y: tensorOf(this.#y, [n]), f: tensorOf(this.#f, [n]), h: this.#h, counts: { ...this.counts } };
  }

  restore(state: State): void {
    const { n } = this;
    const read = StateReader.of("Rk45.restore", state);
    read.string("method", ["rk45"]);
    const t = read.number("t");
    const y = read.tensor("y", [n]);
    const f = read.tensor("f", [n]);
    const h = read.number("h", (v) => v >= 0 && Number.isFinite(v), "a non-negative finite number");
    const counts = read.counts();
    this.#t = t;
    this.#y = y;
    this.#f = f;
    this.#h = h;
    Object.assign(this.counts, counts);
  }

  toString(): string {
    return `Rk45(n = ${this.n}, t = ${this.#t}, h = ${this.#h})`;
  }
}
