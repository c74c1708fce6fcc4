import type { FlowStep } from "../optimizers/optimizer.js";
import { describeState as describe, isRecord } from "./state.js";

/**
 * A gradient flow's run, one entry per accepted step: the flow time t, the full-batch ‖∇L‖, the step size and order
 * the solver takes next, and what it has spent since the run began (running totals): `evaluations` counts every
 * full-batch gradient computed, the solver's and the trainer's (Jacobian columns and Hessian-vector products
 * included), `ms` the milliseconds of training, and the others are the solver's counts (OdeCounts).
 */
export interface FlowHistory {
  t: number[];
  gradNorm: number[];
  h: number[];
  order: number[];
  evaluations: number[];
  jacobianColumns: number[];
  jacobianProducts: number[];
  rejected: number[];
  jacobians: number[];
  factorizations: number[];
  newtonIterations: number[];
  krylovIterations: number[];
  ms: number[];
}

/** The lists of a FlowHistory, in the order files show them. */
export const FLOW_KEYS = ["t", "gradNorm", "h", "order", "evaluations", "jacobianColumns", "jacobianProducts", "rejected", "jacobians", "factorizations", "newtonIterations", "krylovIterations", "ms"] as const;

/** A FlowHistory of no steps. */
export function emptyFlowHistory(): FlowHistory {
  return Object.fromEntries(FLOW_KEYS.map((key) => [key, []])) as unknown as FlowHistory;
}

/** Appends one accepted step; `evaluations` is the run's total of gradients computed so far, `ms` its training time. */
export function recordFlowStep(history: FlowHistory, step: FlowStep, evaluations: number, ms: number): void {
  const { counts } = step;
  const row: Record<(typeof FLOW_KEYS)[number], number> = {
    t: step.t,
    gradNorm: step.gradNorm,
    h: step.h,
    order: step.order,
    evaluations,
    jacobianColumns: counts.jacobianColumns,
    jacobianProducts: counts.jacobianProducts,
    rejected: counts.rejected,
    jacobians: counts.jacobians,
    factorizations: counts.factorizations,
    newtonIterations: counts.newtonIterations,
    krylovIterations: counts.krylovIterations,
    ms,
  };
  for (const key of FLOW_KEYS) history[key].push(row[key]);
}

/** `value` as a FlowHistory of `steps` entries per list, each a finite number, or `fail` naming what is wrong. */
export function checkFlowHistory(value: unknown, where: string, steps: number, fail: (what: string) => never): FlowHistory {
  if (!isRecord(value)) return fail(`${where} must be a record of ${FLOW_KEYS.join(", ")}, got ${describe(value)}`);
  for (const key of FLOW_KEYS) {
    const list = value[key];
    if (!Array.isArray(list)) fail(`${where}.${key} must be a list of numbers, one per step, got ${describe(list)}`);
    if ((list as unknown[]).length !== steps) fail(`${where}.${key} must hold ${steps} numbers, one per step taken, got ${(list as unknown[]).length}`);
    const at = (list as unknown[]).findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
    if (at >= 0) fail(`${where}.${key}[${at}] must be a finite number, got ${describe((list as unknown[])[at])}`);
  }
  const extra = Object.keys(value).find((key) => !(FLOW_KEYS as readonly string[]).includes(key));
  if (extra !== undefined) fail(`${where} has ${extra}, expected only ${FLOW_KEYS.join(", ")}`);
  return value as unknown as FlowHistory;
}
