// Our BDF against scipy's solve_ivp(method="BDF") on the race's gradient flows, from the race's seeded starts: the
// outside reference of scipy-reference.test.ts and of scripts/race-vs-scipy.mjs. Python runs here only, never in
// the product.
import { spawnSync } from "node:child_process";
import { flowFor, type Tolerances } from "../../src/race/gradient-flow.js";
import { RACE_SETTINGS, raceStarts } from "../../src/race/race.js";
import { TEST_FUNCTIONS, type Point } from "../../src/race/test-functions.js";

/** The flow time each comparison integrates for: long enough that every start has settled into its minimum (|grad f| < 1e-8 in scipy's runs). */
export const FLOW_TIME: Record<string, number> = { camel: 20, "goldstein-price": 1 };

/** The race's tolerances. */
export const TOLERANCES: Tolerances = { rtol: RACE_SETTINGS.rtol, atol: RACE_SETTINGS.atol };

/** What scipy_race.py prints for one start. */
export interface ScipyRun {
  start: Point;
  status: number;
  end: Point;
  f: number;
  /** Every call of fun, the Jacobian's finite-difference columns included. */
  calls: number;
  nfev: number;
  njev: number;
  nlu: number;
  accepted: number;
  ms: number;
}

/** One start: where each integrator ends at FLOW_TIME, and what each spent. */
export interface Comparison {
  fn: string;
  start: Point;
  ours: { end: Point; f: number; evaluations: number; accepted: number; factorizations: number; ms: number };
  scipy: ScipyRun;
}

const PYTHON_ENV = { ...process.env, OPENBLAS_NUM_THREADS: "1" };

/** Whether python3 can import scipy here. */
export function scipyAvailable(): boolean {
  return spawnSync("python3", ["-c", "import scipy"], { env: PYTHON_ENV, stdio: "ignore" }).status === 0;
}

/** scipy_race.py (at `script`) on fn's gradient flow from `starts` to tEnd. */
export function runScipy(script: string, fn: string, starts: Point[], tEnd: number, tolerances: Tolerances = TOLERANCES): ScipyRun[] {
  const input = JSON.stringify({ function: fn, starts, tEnd, ...tolerances });
  const run = spawnSync("python3", [script], { input, env: PYTHON_ENV, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`runScipy: python3 ${script} exited with ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as ScipyRun[];
}

/** Ours and scipy's BDF from each of fn's race starts to FLOW_TIME[fn], at the race's tolerances. */
export function compareWithScipy(script: string, fn: string): Comparison[] {
  const starts = raceStarts(TEST_FUNCTIONS[fn]);
  const tEnd = FLOW_TIME[fn];
  const scipy = runScipy(script, fn, starts, tEnd);
  return starts.map((start, i) => {
    const { end, f, counts, ms } = flowFor(TEST_FUNCTIONS[fn], start, tEnd, TOLERANCES);
    return { fn, start, ours: { end, f, evaluations: counts.evaluations, accepted: counts.accepted, factorizations: counts.factorizations, ms }, scipy: scipy[i] };
  });
}
