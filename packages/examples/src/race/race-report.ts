import { formatTable } from "../demo-table.js";
import { GRID } from "./fixed-step.js";
import { raceRows, GLOBAL_TOLERANCE, type Race, type RaceRow } from "./race.js";

/** A learning rate to 3 digits: 0.75, 0.0075, 1.33e-5. */
export const lrText = (lr: number): string => (lr < 1e-3 ? lr.toExponential(2) : String(Number(lr.toPrecision(3))));
const fText = (f: number): string => String(Number(f.toPrecision(5)));
const pointText = ([x, y]: number[]): string => `(${Number(x.toFixed(4))}, ${Number(y.toFixed(4))})`;
const count = (v: number | null): string => (v === null ? "-" : String(v));

/** The race as the demo prints it: what was raced, a table with one row per method, then the settings. */
export function raceText(race: Race): string {
  const { fn, starts, settings, methods } = race;
  const rows = raceRows(race);
  const { x, y } = fn.domain;
  const head = [
    `optimizer race on ${fn.name}: f = ${fn.formula}`,
    `global minimum ${fText(fn.fMin)} at ${fn.minima.map(pointText).join(" and ")}; ${starts.length} starts: ${
      fn.name === "book" ? "(-7, 2) and " : ""
    }new Random("race/${fn.name}") uniform in [${x.join(", ")}] x [${y.join(", ")}]`,
    "",
  ];
  const table = formatTable([
    ["method", "lr", "best f", "at global", "converged", "mean grads", "total grads", "rejected", "Jacobians", "LUs", "time ms"],
    ...rows.map((r: RaceRow) => [
      r.method,
      r.lr === null ? "-" : lrText(r.lr),
      r.bestF.toFixed(6),
      `${r.atGlobal}/${r.starts}`,
      `${r.converged}/${r.starts}`,
      r.meanEvaluations.toFixed(1),
      String(r.totalEvaluations),
      count(r.rejected),
      count(r.jacobians),
      count(r.factorizations),
      r.ms.toFixed(1),
    ]),
  ]);
  const chosen = methods
    .filter((m) => m.method === "GD" || m.method === "Momentum" || m.method === "Adam")
    .map((m) => `${m.method === "Momentum" ? "Momentum (0.9)" : m.method} ${m.lr ? `10^(${m.lr.k}/${GRID.perDecade}) = ${lrText(m.lr.lr)}: ${m.lr.rule}` : "none: no lr of the grid converges from every start"}`);
  const foot = [
    "",
    `learning rates from the grid 10^(k/${GRID.perDecade}), k = ${GRID.kMin}..${GRID.kMax}: ${chosen.join("; ")}`,
    `RK45, BDF: the gradient flow dθ/dt = -grad f(θ), rtol ${settings.rtol.toExponential()}, atol ${settings.atol.toExponential()}; their grads count every call of f (BDF's Jacobian columns too) and one stop check per accepted step`,
    `every method stops at |grad f| < ${settings.gtol.toExponential()}, or counts as not converged at ${settings.maxEvaluations} grads; at global: f within ${GLOBAL_TOLERANCE} of ${fText(fn.fMin)}; time: the runs from all starts, not the lr search`,
  ];
  return `${head.join("\n")}\n${table}${foot.join("\n")}\n`;
}

/** The race as JSON: the function, the starts, the settings and the rows of the table. */
export function raceJson(race: Race): string {
  const { fn, starts, settings, methods } = race;
  const lrs = Object.fromEntries(methods.filter((m) => m.lr).map((m) => [m.method, m.lr]));
  return `${JSON.stringify({ function: fn.name, fMin: fn.fMin, minima: fn.minima, starts, settings, grid: GRID, lrs, rows: raceRows(race) }, null, 2)}\n`;
}
