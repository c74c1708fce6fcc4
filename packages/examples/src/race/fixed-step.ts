import { Tensor } from "@backprop/core";
import { OPTIMIZERS, type OptimizerSpec } from "@backprop/layers";
import type { Point, TestFunction } from "./test-functions.js";

/** When a descent stops: at |grad f| < gtol (converged), or after maxEvaluations gradient evaluations (not converged). */
export interface StopRule {
  gtol: number;
  maxEvaluations: number;
}

/** One method's way down from one start. */
export interface Descent {
  start: Point;
  /** The start, then the point after each step. */
  path: Point[];
  end: Point;
  f: number;
  evaluations: number;
  converged: boolean;
}

// a run that leaves the domain by this many of its widths has diverged: stop it rather than spend the cap
const ESCAPE_WIDTHS = 100;

/** Whether (x, y) is finite and within ESCAPE_WIDTHS of fn's domain. */
export function inReach(fn: TestFunction, [x, y]: Point): boolean {
  const { x: [x0, x1], y: [y0, y1] } = fn.domain;
  const [wx, wy] = [ESCAPE_WIDTHS * (x1 - x0), ESCAPE_WIDTHS * (y1 - y0)];
  return x > x0 - wx && x < x1 + wx && y > y0 - wy && y < y1 + wy;
}

/**
 * A library optimizer (spec, e.g. { type: "SGD", lr }) on f from `start`, x and y as two 1-element tensors as in the
 * book's optimizer_compare_naive.py: evaluate the gradient, stop if |grad f| < gtol, else update; at most
 * maxEvaluations gradients. With `record`, keeps the path.
 */
export function descend(fn: TestFunction, spec: OptimizerSpec, start: Point, stop: StopRule, record = false): Descent {
  const optimizer = OPTIMIZERS.fromSpec(spec, undefined);
  const [x, y, dx, dy] = [start[0], start[1], 0, 0].map((v) => Float64Array.of(v));
  const params = { x: Tensor.fromData(x, [1]), y: Tensor.fromData(y, [1]) };
  const grads = { x: Tensor.fromData(dx, [1]), y: Tensor.fromData(dy, [1]) };
  const path: Point[] = [start];
  let evaluations = 0;
  let converged = false;
  while (evaluations < stop.maxEvaluations && inReach(fn, [x[0], y[0]])) {
    [dx[0], dy[0]] = fn.grad(x[0], y[0]);
    evaluations++;
    if (Math.hypot(dx[0], dy[0]) < stop.gtol) {
      converged = true;
      break;
    }
    optimizer.update(params, grads);
    if (record) path.push([x[0], y[0]]);
  }
  return { start, path, end: [x[0], y[0]], f: fn.f(x[0], y[0]), evaluations, converged };
}

/** The learning-rate grid 10^(k/8), k = K_MIN .. K_MAX: 1e-6 .. 10, eight values a decade. */
export const GRID = { perDecade: 8, kMin: -48, kMax: 8 };

/** 10^(k/8). */
export function gridLr(k: number): number {
  return 10 ** (k / GRID.perDecade);
}

/** A learning rate of the grid chosen by a search, with what the search found there. */
export interface LrChoice {
  k: number;
  lr: number;
  runs: Descent[];
  totalEvaluations: number;
}

/** Every start's descent at lr, in order, until one fails to converge within its share of `budget` (then undefined). */
function runAll(fn: TestFunction, type: string, lr: number, starts: Point[], stop: StopRule, budget = Infinity): Descent[] | undefined {
  const runs: Descent[] = [];
  let spent = 0;
  for (const start of starts) {
    const run = descend(fn, { type, lr }, start, { gtol: stop.gtol, maxEvaluations: Math.min(stop.maxEvaluations, budget - spent) });
    if (!run.converged) return undefined;
    spent += run.evaluations;
    runs.push(run);
  }
  return runs;
}

const total = (runs: Descent[]): number => runs.reduce((sum, r) => sum + r.evaluations, 0);

/** The largest grid learning rate at which `type` converges from every start, searched downwards; undefined if none. */
export function largestStableLr(fn: TestFunction, type: string, starts: Point[], stop: StopRule): LrChoice | undefined {
  for (let k = GRID.kMax; k >= GRID.kMin; k--) {
    const runs = runAll(fn, type, gridLr(k), starts, stop);
    if (runs) return { k, lr: gridLr(k), runs, totalEvaluations: total(runs) };
  }
  return undefined;
}

/**
 * The grid learning rate at which `type` converges from every start with the fewest gradient evaluations in all
 * (the larger lr on a tie); undefined if none. A try stops as soon as it has spent the best total so far.
 */
export function fastestLr(fn: TestFunction, type: string, starts: Point[], stop: StopRule): LrChoice | undefined {
  let best: LrChoice | undefined;
  for (let k = GRID.kMax; k >= GRID.kMin; k--) {
    // a tie with the best cannot win, so the budget is one evaluation short of it
    const runs = runAll(fn, type, gridLr(k), starts, stop, best ? best.totalEvaluations - 1 : Infinity);
    if (runs) best = { k, lr: gridLr(k), runs, totalEvaluations: total(runs) };
  }
  return best;
}
