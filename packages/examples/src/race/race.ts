import { Random } from "@backprop/core";
import { GRID, descend, fastestLr, gridLr, largestStableLr, type Descent, type LrChoice, type StopRule } from "./fixed-step.js";
import { flowToRest, type FlowDescent, type Tolerances } from "./gradient-flow.js";
import type { Point, TestFunction } from "./test-functions.js";

/** The race's settings: the stop rule for every method and the integrators' tolerances. */
export interface RaceSettings extends StopRule, Tolerances {
  /** How many seeded starts per function. */
  starts: number;
}

/** gtol 1e-5 for every method; rtol 1e-6 and atol 1e-9, so that the integrators' minima are as accurate as the others'. */
export const RACE_SETTINGS: RaceSettings = { gtol: 1e-5, maxEvaluations: 100_000, rtol: 1e-6, atol: 1e-9, starts: 6 };

/** The book's start for f = x^2/20 + y^2 (optimizer_compare_naive.py). */
export const BOOK_START: Point = [-7, 2];

/** `count` starts uniform in fn's domain from new Random("race/<name>"); the book's function also (first) from (-7, 2). */
export function raceStarts(fn: TestFunction, count = RACE_SETTINGS.starts): Point[] {
  const random = new Random(`race/${fn.name}`);
  const { x: [x0, x1], y: [y0, y1] } = fn.domain;
  const starts = Array.from({ length: count }, (): Point => {
    const x = x0 + (x1 - x0) * random.random();
    return [x, y0 + (y1 - y0) * random.random()];
  });
  return fn.name === "book" ? [BOOK_START, ...starts] : starts;
}

export type MethodName = "GD" | "Momentum" | "Adam" | "RK45" | "BDF";

/** The race's methods, in the order of the table. */
export const METHODS: MethodName[] = ["GD", "Momentum", "Adam", "RK45", "BDF"];

// the library's optimizer for each fixed-step method, and how its learning rate is chosen
const FIXED_STEP = {
  GD: { type: "SGD", search: largestStableLr, rule: "the largest that converges from every start" },
  Momentum: { type: "Momentum", search: fastestLr, rule: "converges from every start with the fewest gradients" },
  Adam: { type: "Adam", search: fastestLr, rule: "converges from every start with the fewest gradients" },
} as const;

/** One method from every start. */
export interface MethodRun {
  method: MethodName;
  /** The chosen learning rate 10^(k/8) (fixed-step methods), or undefined when no lr of the grid converges from every start. */
  lr?: { k: number; lr: number; rule: string };
  runs: (Descent | FlowDescent)[];
  /** Wall time of the runs from all starts (the learning-rate search not included). */
  ms: number;
}

/** The race on one function. */
export interface Race {
  fn: TestFunction;
  starts: Point[];
  settings: RaceSettings;
  methods: MethodRun[];
}

function timed<T>(work: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = work();
  return { value, ms: performance.now() - t0 };
}

/** Every method from every start, each until |grad f| < gtol or the cap; the fixed-step methods at the lr their search chose. */
export function race(fn: TestFunction, settings: RaceSettings = RACE_SETTINGS, starts = raceStarts(fn, settings.starts)): Race {
  const methods = METHODS.map((method): MethodRun => {
    if (method === "RK45" || method === "BDF") {
      const kind = method === "RK45" ? "rk45" : "bdf";
      const { value: runs, ms } = timed(() => starts.map((start) => flowToRest(kind, fn, start, settings, settings)));
      return { method, runs, ms };
    }
    const { type, search, rule } = FIXED_STEP[method];
    const choice: LrChoice | undefined = search(fn, type, starts, settings);
    // without a learning rate that converges from every start, the smallest of the grid shows how far each gets
    const lr = choice?.lr ?? gridLr(GRID.kMin);
    const { value: runs, ms } = timed(() => starts.map((start) => descend(fn, { type, lr }, start, settings, true)));
    return { method, lr: choice && { k: choice.k, lr: choice.lr, rule }, runs, ms };
  });
  return { fn, starts, settings, methods };
}

/** A method's line of the table. */
export interface RaceRow {
  method: MethodName;
  lr: number | null;
  /** The lowest f reached over the starts. */
  bestF: number;
  /** Starts that ended within GLOBAL_TOLERANCE of the global minimum's f. */
  atGlobal: number;
  converged: number;
  starts: number;
  meanEvaluations: number;
  totalEvaluations: number;
  /** The integrators' rejected steps, Jacobians and LU factorizations, summed over the starts; null for the others. */
  rejected: number | null;
  jacobians: number | null;
  factorizations: number | null;
  ms: number;
}

/** A start has reached a global minimum when its f is within this of the minimum's. */
export const GLOBAL_TOLERANCE = 1e-3;

/** The race's rows, one per method. */
export function raceRows({ fn, methods }: Race): RaceRow[] {
  return methods.map(({ method, lr, runs, ms }) => {
    const totalEvaluations = runs.reduce((sum, r) => sum + r.evaluations, 0);
    const sum = (key: "rejected" | "jacobians" | "factorizations"): number | null =>
      method === "BDF" || (method === "RK45" && key === "rejected") ? runs.reduce((s, r) => s + (r as FlowDescent).counts[key], 0) : null;
    return {
      method,
      lr: lr?.lr ?? null,
      bestF: Math.min(...runs.map((r) => r.f)),
      atGlobal: runs.filter((r) => Math.abs(r.f - fn.fMin) < GLOBAL_TOLERANCE).length,
      converged: runs.filter((r) => r.converged).length,
      starts: runs.length,
      meanEvaluations: totalEvaluations / runs.length,
      totalEvaluations,
      rejected: sum("rejected"),
      jacobians: sum("jacobians"),
      factorizations: sum("factorizations"),
      ms,
    };
  });
}
