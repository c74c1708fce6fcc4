import type { State } from "../training/state.js";
import { gmres, type GmresOptions } from "./gmres.js";
import { luFactor, luSolve, type LuFactors } from "./lu.js";
import { EPS } from "./ode-options.js";
import type { OdeCounts } from "./ode-system.js";
import { StateReader, tensorOf } from "./ode-state.js";

/** f counted as one evaluation. */
export type CountedF = (t: number, y: Float64Array, out: Float64Array) => void;

/**
 * The linear algebra of BDF's simplified Newton iteration: a Jacobian J of f frozen at some point, and solves of
 * (I - c J) dy = r for the c of the current step.
 */
export interface NewtonSolver {
  readonly kind: "dense" | "krylov";
  /** A new J at (t, y), where f(t, y) = fy is already known. */
  setJacobian(t: number, y: Float64Array, fy: Float64Array): void;
  /** dy with (I - c J) dy = r, where a dense solver keeps using the c of its last factorization until stepChanged. */
  solve(c: number, r: Float64Array, dy: Float64Array): void;
  /** BDF changed its step size or order on purpose: c has changed (and not only by the rounding of t_new - t). */
  stepChanged(): void;
  /** The fields of the state that let solve continue bit for bit. */
  state(): { [key: string]: State };
  /** Checks the fields and returns what applies them, so that nothing changes until all of the state is checked. */
  reader(read: StateReader): () => void;
}

function norm2(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

// sqrt(eps) balances the truncation error of a forward difference (~ delta) against its rounding error (~ eps / delta)
const SQRT_EPS = Math.sqrt(EPS);

/** J by forward differences, column j from f(t, y + delta_j e_j) (n calls of f), and LU of I - c J refactored when J or c changes. */
export class DenseNewton implements NewtonSolver {
  readonly kind = "dense";
  private readonly J: Float64Array;
  private c: number | null = null;
  private lu: LuFactors | null = null;

  constructor(
    private readonly n: number,
    private readonly f: CountedF,
    private readonly counts: OdeCounts,
    private readonly atol: number,
  ) {
    this.J = new Float64Array(n * n);
  }

  setJacobian(t: number, y: Float64Array, fy: Float64Array): void {
    const { n, J } = this;
    const yj = y.slice();
    const fj = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      // atol floors the step: below it y_j is noise to the error test, and a step scaled to a tiny |y_j| would be
      // lost in the rounding of f; (y_j + delta) - y_j is the step as float64 actually takes it
      yj[j] = y[j] + SQRT_EPS * Math.max(Math.abs(y[j]), this.atol, EPS);
      const delta = yj[j] - y[j];
      this.f(t, yj, fj);
      for (let i = 0; i < n; i++) J[i * n + j] = (fj[i] - fy[i]) / delta;
      yj[j] = y[j];
    }
    this.counts.jacobianColumns += n;
    this.counts.jacobians++;
    this.lu = null;
  }

  solve(c: number, r: Float64Array, dy: Float64Array): void {
    if (this.lu === null) this.factor(c, true);
    luSolve(this.lu as LuFactors, r, dy);
  }

  stepChanged(): void {
    this.lu = null;
  }

  private factor(c: number, count: boolean): void {
    const { n, J } = this;
    const M = new Float64Array(n * n);
    for (let k = 0; k < n * n; k++) M[k] = -c * J[k];
    for (let i = 0; i < n; i++) M[i * n + i] += 1;
    this.lu = luFactor(M, n);
    this.c = c;
    if (count) this.counts.factorizations++;
  }

  /** { J: (n, n), c: the c of the current LU, or null when there is none }. */
  state(): { [key: string]: State } {
    return { J: tensorOf(this.J, [this.n, this.n]), c: this.lu === null ? null : this.c };
  }

  reader(read: StateReader): () => void {
    const J = read.tensor("J", [this.n, this.n]);
    const c = read.nullableNumber("c");
    return () => {
      this.J.set(J);
      this.lu = null;
      // the LU is a function of J and c alone: recomputing it is the same as having kept it, and no new count
      if (c !== null) this.factor(c, false);
    };
  }
}

/**
 * Matrix-free Newton-Krylov: J is the linearization point (tJ, yJ, fJ = f(tJ, yJ)), J v ~ (f(tJ, yJ + e v) - fJ) / e
 * with e = sqrt(eps) (1 + ||yJ||) / ||v|| (one call of f), and I - c J is solved by restarted GMRES from 0.
 */
export class KrylovNewton implements NewtonSolver {
  readonly kind = "krylov";
  private tJ = 0;
  private readonly yJ: Float64Array;
  private readonly fJ: Float64Array;
  private yJNorm = 0;
  private readonly yPerturbed: Float64Array;
  private readonly fPerturbed: Float64Array;

  constructor(
    private readonly n: number,
    private readonly f: CountedF,
    private readonly counts: OdeCounts,
    private readonly gmresOptions: GmresOptions,
  ) {
    this.yJ = new Float64Array(n);
    this.fJ = new Float64Array(n);
    this.yPerturbed = new Float64Array(n);
    this.fPerturbed = new Float64Array(n);
  }

  setJacobian(t: number, y: Float64Array, fy: Float64Array): void {
    this.link(t, y, fy);
    this.counts.jacobians++;
  }

  stepChanged(): void {}

  private link(t: number, y: Float64Array, fy: Float64Array): void {
    this.tJ = t;
    this.yJ.set(y);
    this.fJ.set(fy);
    this.yJNorm = norm2(y);
  }

  solve(c: number, r: Float64Array, dy: Float64Array): void {
    const { n, yJ, fJ, yPerturbed, fPerturbed } = this;
    const apply = (v: Float64Array, out: Float64Array) => {
      const vNorm = norm2(v);
      if (vNorm === 0) {
        out.fill(0);
        return;
      }
      const e = (SQRT_EPS * (1 + this.yJNorm)) / vNorm;
      for (let i = 0; i < n; i++) yPerturbed[i] = yJ[i] + e * v[i];
      this.f(this.tJ, yPerturbed, fPerturbed);
      this.counts.jacobianProducts++;
      for (let i = 0; i < n; i++) out[i] = v[i] - (c * (fPerturbed[i] - fJ[i])) / e;
    };
    const result = gmres(apply, r, undefined, this.gmresOptions);
    this.counts.krylovIterations += result.iterations;
    dy.set(result.x);
  }

  /** { tJ, yJ: (n), fJ: (n) }: the linearization point. */
  state(): { [key: string]: State } {
    return { tJ: this.tJ, yJ: tensorOf(this.yJ, [this.n]), fJ: tensorOf(this.fJ, [this.n]) };
  }

  reader(read: StateReader): () => void {
    const tJ = read.number("tJ");
    const yJ = read.tensor("yJ", [this.n]);
    const fJ = read.tensor("fJ", [this.n]);
    return () => this.link(tJ, yJ, fJ);
  }
}
