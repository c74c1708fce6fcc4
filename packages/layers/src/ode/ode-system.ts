import type { State } from "../training/state.js";

/** dy/dt = f(t, y) in n unknowns. f writes f(t, y) into out (length n) and neither keeps nor changes y. */
export interface OdeSystem {
  readonly n: number;
  f(t: number, y: Float64Array, out: Float64Array): void;
}

/** What an integrator has spent, counted as it goes. */
export interface OdeCounts {
  /** Accepted steps. */
  accepted: number;
  /** Rejected step attempts: the error test failed, or Newton did not converge. */
  rejected: number;
  /** Every call of f, whatever for: the "gradient evaluations" figure of a gradient flow. */
  evaluations: number;
  /** The calls of f spent on dense finite-difference Jacobians (included in evaluations). */
  jacobianColumns: number;
  /** The calls of f spent on matrix-free Jacobian-vector products (included in evaluations). */
  jacobianProducts: number;
  /** Jacobian (re)computations: a dense J, or a new linearization point for Krylov. */
  jacobians: number;
  /** LU factorizations. */
  factorizations: number;
  /** Newton iterations over all steps. */
  newtonIterations: number;
  /** GMRES iterations over all solves. */
  krylovIterations: number;
}

/** Counts that are all zero. */
export function emptyCounts(): OdeCounts {
  return { accepted: 0, rejected: 0, evaluations: 0, jacobianColumns: 0, jacobianProducts: 0, jacobians: 0, factorizations: 0, newtonIterations: 0, krylovIterations: 0 };
}

/** An integration that cannot go on: the step size fell below what t can resolve, or t has reached tEnd. */
export class OdeError extends Error {
  override name = "OdeError";
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
