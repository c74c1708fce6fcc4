import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { DataError } from "@backprop/datasets";
import { checkFlowHistory, checkLayerHistory, type FlowHistory, type LayerHistory, type ParamHistory, type TrainingHistory } from "@backprop/layers";
import { writeFileAtomic } from "@backprop/layers/node";
import { metricKeys } from "./metric-format.js";

export const HISTORY_FORMATS = [".json", ".csv"];

/** A history file as readHistory gives it back: the training history, and what the file holds besides. */
export interface HistoryFile {
  history: TrainingHistory;
  /** The per-layer statistics; from a CSV file only the parameters' figures (activations {}, probeSamples 0). */
  layers?: LayerHistory;
  /** What the run recorded about itself (JSON only): its net, config, final figures, elapsedMs, iterations. */
  run?: Record<string, unknown>;
  /** A gradient flow's figures at every step (JSON only): flow time, ‖∇L‖, the solver's counts. */
  flow?: FlowHistory;
}

// a parameter's columns in CSV, after its name: W1_norm, W1_grad_norm, W1_update_ratio
const PARAM_COLUMNS = [
  ["norm", "_norm"],
  ["gradNorm", "_grad_norm"],
  ["updateRatio", "_update_ratio"],
] as const;

/**
 * Writes the history as JSON (`{ loss, evalIterations, trainAcc, testAcc, layers, run }`, or trainMae, trainMse,
 * testMae, testMse for a regression; `layers` and `run` when given) or as CSV with one row per step,
 * `iteration,loss,train_acc,test_acc` (or `train_mae,train_mse,test_mae,test_mse`), then per parameter
 * `W1_norm,W1_grad_norm,W1_update_ratio`, ...: the metrics filled at the steps that were evaluated, the
 * parameters' figures at those the layer history covers (an update ratio of null left blank). CSV holds no
 * histograms, no run and no flow.
 */
export function writeHistory(path: string, history: TrainingHistory, layers?: LayerHistory, run?: Record<string, unknown>, flow?: FlowHistory): void {
  if (extname(path) === ".json") {
    writeFileAtomic(path, [`${JSON.stringify({ ...history, layers, run, flow })}\n`]);
    return;
  }
  const keys = metricKeys(history);
  const params = Object.entries(layers?.params ?? {});
  const evals = new Map(history.evalIterations.map((it, k) => [it, k]));
  const figures = new Map((layers?.evalIterations ?? []).map((it, k) => [it, k]));
  const blank = (n: number): string[] => new Array<string>(n).fill("");
  const rows = history.loss.map((loss, i) => {
    const k = evals.get(i + 1);
    const f = figures.get(i + 1);
    const metrics = k === undefined ? blank(keys.length) : keys.map((key) => String(history[key][k]));
    const paramCells = f === undefined ? blank(3 * params.length) : params.flatMap(([, p]) => PARAM_COLUMNS.map(([field]) => String(p[field][f] ?? "")));
    return [i + 1, loss, ...metrics, ...paramCells].join(",");
  });
  const header = ["iteration", "loss", ...keys.map(snakeCase), ...params.flatMap(([name]) => PARAM_COLUMNS.map(([, suffix]) => `${name}${suffix}`))].join(",");
  writeFileAtomic(path, [`${header}\n${rows.join("\n")}\n`]);
}

/**
 * Reads back a history file that writeHistory wrote, .json or .csv, every field checked: the loss of every step,
 * evaluations at increasing steps, each metric one finite number per evaluation, the layer history aligned with
 * them. A file that does not fit is a DataError naming it, what was expected and what came.
 */
export function readHistory(path: string): HistoryFile {
  const format = extname(path);
  if (!HISTORY_FORMATS.includes(format)) throw new DataError(`readHistory: ${path} is not a history file, expected a .json or .csv file as backprop train --history writes`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new DataError(`readHistory: cannot read ${path}, expected a history file as backprop train --history writes, got: ${firstLine(error)}`);
  }
  const fail = (what: string): never => {
    throw new DataError(`readHistory: ${path}: ${what}`);
  };
  return format === ".json" ? historyOfJson(text, path, fail) : historyOfCsv(text, fail);
}

function historyOfJson(text: string, path: string, fail: (what: string) => never): HistoryFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DataError(`readHistory: ${path} is not JSON, expected { loss, evalIterations, ... } as backprop train --history writes, got: ${firstLine(error)}`);
  }
  if (!isRecord(parsed)) return fail(`expected a record { loss, evalIterations, ... }, got ${describe(parsed)}`);
  const { layers, run, flow, ...rest } = parsed;
  for (const key of ["loss", "evalIterations"]) if (!Object.hasOwn(rest, key)) fail(`has no ${key}, expected ${key === "loss" ? "the loss of every step" : "the steps evaluated"}`);
  const loss = numbers(rest.loss, "loss", "losses, one per step", undefined, fail);
  const evalIterations = numbers(rest.evalIterations, "evalIterations", "step numbers", undefined, fail);
  checkSteps(evalIterations, loss.length, fail);
  const history = { loss, evalIterations } as TrainingHistory;
  for (const [key, values] of Object.entries(rest)) {
    if (key !== "loss" && key !== "evalIterations") history[key] = numbers(values, key, "values, one per evaluation in evalIterations", evalIterations.length, fail);
  }
  const result: HistoryFile = { history };
  if (layers !== undefined) result.layers = checkLayerHistory(layers, "layers", { evalIterations }, fail);
  if (flow !== undefined) result.flow = checkFlowHistory(flow, "flow", loss.length, fail);
  if (run !== undefined) {
    if (!isRecord(run)) fail(`run must be a record, got ${describe(run)}`);
    result.run = run as Record<string, unknown>;
  }
  return result;
}

function historyOfCsv(text: string, fail: (what: string) => never): HistoryFile {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  if (lines.length === 0) return fail("is empty, expected a header iteration,loss,... and one row per step");
  const header = lines[0].split(",");
  if (header[0] !== "iteration" || header[1] !== "loss") fail(`has header ${describe(lines[0])}, expected one that starts iteration,loss`);
  // the metrics' columns, then three per parameter
  const params: string[] = [];
  let at = 2;
  const metricColumns: string[] = [];
  for (; at < header.length && !isParamAt(header, at); at++) metricColumns.push(header[at]);
  for (; at < header.length; at += 3) {
    if (!isParamAt(header, at)) fail(`has column ${describe(header[at])} after the parameters' columns, expected NAME_norm,NAME_grad_norm,NAME_update_ratio`);
    params.push(header[at].slice(0, -"_norm".length));
  }
  const keys = metricColumns.map(camelCase);
  const twice = keys.find((key, i) => keys.indexOf(key) !== i || key === "loss" || key === "evalIterations");
  if (twice !== undefined) fail(`has column ${snakeCase(twice)} twice or where loss goes, expected each metric once`);
  if (keys.length === 0) fail("has no metric column, expected columns such as train_acc,test_acc after loss");

  const history = { loss: [], evalIterations: [], ...Object.fromEntries(keys.map((key) => [key, []])) } as TrainingHistory;
  const layerParams: Record<string, ParamHistory> = Object.fromEntries(params.map((name) => [name, { norm: [], gradNorm: [], updateRatio: [] }]));
  const layerIterations: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].split(",");
    const row = `row ${i + 1}`;
    if (cells.length !== header.length) fail(`${row} has ${cells.length} cells, expected ${header.length} as the header`);
    if (cells[0] !== String(i)) fail(`${row} has iteration ${describe(cells[0])}, expected ${i}: one row per step, in order`);
    history.loss.push(number(cells[1], `${row}: loss`, fail));
    const metricCells = cells.slice(2, 2 + keys.length);
    const paramCells = cells.slice(2 + keys.length);
    if (metricCells.every((c) => c === "")) {
      if (paramCells.some((c) => c !== "")) fail(`${row} has parameters' figures but no metrics, expected both at a step evaluated`);
      continue;
    }
    keys.forEach((key, k) => history[key].push(number(metricCells[k], `${row}: ${metricColumns[k]}`, fail)));
    history.evalIterations.push(i);
    if (paramCells.every((c) => c === "")) {
      if (layerIterations.length > 0) fail(`${row} is evaluated without the parameters' figures after rows that have them, expected them at every evaluation from the first that has them`);
      continue;
    }
    layerIterations.push(i);
    params.forEach((name, p) => {
      const [norm, gradNorm, ratio] = paramCells.slice(3 * p, 3 * p + 3);
      const entry = layerParams[name];
      entry.norm.push(nonNegative(norm, `${row}: ${name}_norm`, fail));
      entry.gradNorm.push(nonNegative(gradNorm, `${row}: ${name}_grad_norm`, fail));
      // a blank ratio at a row with figures is null: the parameter was zero and moved
      entry.updateRatio.push(ratio === "" ? null : nonNegative(ratio, `${row}: ${name}_update_ratio`, fail));
    });
  }
  const result: HistoryFile = { history };
  if (params.length > 0) result.layers = { evalIterations: layerIterations, params: layerParams, activations: {}, probeSamples: 0 };
  return result;
}

/** Whether header[at] starts a parameter's three columns: NAME_norm, NAME_grad_norm, NAME_update_ratio. */
function isParamAt(header: string[], at: number): boolean {
  const first = header[at];
  if (!first.endsWith("_norm") || first === "_norm") return false;
  const name = first.slice(0, -"_norm".length);
  return header[at + 1] === `${name}_grad_norm` && header[at + 2] === `${name}_update_ratio`;
}

/** `value` as a list of finite numbers (of `length`, when given), or a failure naming `key`. */
function numbers(value: unknown, key: string, what: string, length: number | undefined, fail: (what: string) => never): number[] {
  if (!Array.isArray(value)) return fail(`${key} must be a list of ${what}, got ${describe(value)}`);
  if (length !== undefined && value.length !== length) fail(`${key} must hold ${length} ${what}, got ${value.length}`);
  const at = value.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
  if (at >= 0) fail(`${key}[${at}] must be a finite number, got ${describe(value[at])}`);
  return value as number[];
}

/** Throws unless `steps` are increasing step numbers in [1, taken]. */
function checkSteps(steps: number[], taken: number, fail: (what: string) => never): void {
  const wrong = steps.findIndex((v, i) => !Number.isInteger(v) || v < 1 || v > taken || (i > 0 && v <= steps[i - 1]));
  if (wrong >= 0) fail(`evalIterations must be increasing step numbers in [1, ${taken}] (one loss per step), got ${describe(steps)}`);
}

/** A CSV cell as a finite number, or a failure naming `where`. */
function number(cell: string, where: string, fail: (what: string) => never): number {
  const value = cell.trim() === "" ? NaN : Number(cell);
  if (!Number.isFinite(value)) fail(`${where} must be a finite number, got ${describe(cell)}`);
  return value;
}

function nonNegative(cell: string, where: string, fail: (what: string) => never): number {
  const value = number(cell, where, fail);
  if (value < 0) fail(`${where} must be a number >= 0, got ${describe(cell)}`);
  return value;
}

/** trainAcc -> train_acc, as the CSV header names a metric. */
const snakeCase = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camelCase = (column: string): string => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** A JSON object: not null, not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A value as a message shows it, cut at 60 characters: `2.5`, `"x"`, `null`, `[1,2]`. */
function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error).split("\n")[0];
}
