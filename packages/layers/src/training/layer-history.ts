import type { Tensor } from "@backprop/core";
import type { Net } from "../nets/net.js";
import { rowMajorOf } from "../optimizers/optimizer.js";
import { describeState as describe, isRecord } from "./state.js";

/** How many equal bins an activation histogram has over [min, max]. */
export const BINS = 30;

/** The most training samples the probe batch of the activation histograms holds: the first ones. */
export const PROBE_SAMPLES = 1000;

/**
 * One histogram of a layer's outputs: `counts[k]` finite values fell in bin k of BINS equal bins over [min, max]
 * (the last bin takes max itself; when min === max every value is in bin 0). min, max, mean and std (population,
 * ddof 0) are over the finite values; `nonFinite` counts the NaN and ±Infinity left out. Without a finite value
 * every figure is 0. -0 is recorded as 0, as JSON writes it. Every figure is finite, however large the values.
 */
export interface ActivationHistogram {
  min: number;
  max: number;
  mean: number;
  std: number;
  counts: number[];
  nonFinite: number;
}

/**
 * One parameter at each evaluation: the L2 norm of the parameter after the step that preceded the evaluation, of
 * that step's gradient (weight decay included, as Net.gradient gives it), and ‖ΔW‖/‖W‖ for that step's update,
 * ΔW = W after - W before, W the value before the update: 0 when nothing moved (0/0 included), null when W was
 * all zeros and moved (x/0: no ratio; JSON cannot hold Infinity). A figure beyond Number.MAX_VALUE (a diverging
 * run's) is recorded as Number.MAX_VALUE, for the same reason.
 */
export interface ParamHistory {
  norm: number[];
  gradNorm: number[];
  updateRatio: (number | null)[];
}

/**
 * Per-layer statistics at every evaluation, each list aligned with `evalIterations`: the parameters by the net's
 * name (W1, b1, gamma1, ...) and the histogram of each layer's outputs by its name in the net's Map (Affine1, Relu1,
 * BatchNorm1, ...), on the probe batch: the first `probeSamples` = min(PROBE_SAMPLES, n) training samples,
 * forward(x, false) through the Map one layer at a time. `evalIterations` is the history's, or its tail for a run
 * resumed from a checkpoint written before these statistics were recorded.
 */
export interface LayerHistory {
  evalIterations: number[];
  params: Record<string, ParamHistory>;
  activations: Record<string, ActivationHistogram[]>;
  probeSamples: number;
}

/** One step's figures for one parameter, as ParamHistory records them. */
export interface ParamFigures {
  norm: number;
  gradNorm: number;
  updateRatio: number | null;
}

/** What a step keeps of the parameters before its update: a copy of each, and its gradient's norm. */
export interface ParamSnapshot {
  before: Record<string, Float64Array>;
  gradNorm: Record<string, number>;
}

/** A LayerHistory of no evaluation for the parameters and layers of `net`. */
export function emptyLayerHistory(net: Net, probeSamples: number): LayerHistory {
  return {
    evalIterations: [],
    params: Object.fromEntries(Object.keys(net.params).map((name) => [name, { norm: [], gradNorm: [], updateRatio: [] }])),
    activations: Object.fromEntries([...net.layers.keys()].map((name) => [name, []])),
    probeSamples,
  };
}

/** The L2 norm of `values`, without overflow: in units of the largest when the squares overflow. */
export function l2Norm(values: ArrayLike<number>): number {
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += values[i] * values[i];
  if (Number.isFinite(squares)) return Math.sqrt(squares);
  let largest = 0;
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(values[i]));
  if (!Number.isFinite(largest)) return largest;
  let scaled = 0;
  for (let i = 0; i < values.length; i++) scaled += (values[i] / largest) ** 2;
  return largest * Math.sqrt(scaled);
}

/** ‖ΔW‖/‖W‖: 0 when nothing moved (0/0 included), null when W was zero and moved; at most Number.MAX_VALUE. */
export function updateRatio(deltaNorm: number, normBefore: number): number | null {
  if (deltaNorm === 0) return 0;
  return normBefore === 0 ? null : saturate(saturate(deltaNorm) / saturate(normBefore));
}

/** `x`, or ±Number.MAX_VALUE in place of ±Infinity: the figures stay numbers that JSON holds. */
function saturate(x: number): number {
  return Math.max(-Number.MAX_VALUE, Math.min(Number.MAX_VALUE, x));
}

/** A copy of every parameter and the norm of its gradient, taken before an update. */
export function snapshotParams(params: Record<string, Tensor>, grads: Record<string, Tensor>): ParamSnapshot {
  const before: Record<string, Float64Array> = {};
  const gradNorm: Record<string, number> = {};
  for (const [name, p] of Object.entries(params)) {
    before[name] = Float64Array.from(rowMajorOf(p));
    gradNorm[name] = saturate(l2Norm(rowMajorOf(grads[name])));
  }
  return { before, gradNorm };
}

/** Each parameter's figures for the update from `snapshot` to `params`. */
export function paramFigures(snapshot: ParamSnapshot, params: Record<string, Tensor>): Record<string, ParamFigures> {
  const figures: Record<string, ParamFigures> = {};
  for (const [name, p] of Object.entries(params)) {
    const after = rowMajorOf(p);
    const before = snapshot.before[name];
    // halves, so that a difference of weights near Number.MAX_VALUE does not overflow: the ratio is the same
    const halfDelta = new Float64Array(after.length);
    for (let i = 0; i < after.length; i++) halfDelta[i] = after[i] / 2 - before[i] / 2;
    const ratio = updateRatio(l2Norm(halfDelta), l2Norm(before) / 2);
    figures[name] = { norm: saturate(l2Norm(after)), gradNorm: snapshot.gradNorm[name], updateRatio: ratio };
  }
  return figures;
}

/** The histogram of `values` (see ActivationHistogram). */
export function histogram(values: ArrayLike<number>): ActivationHistogram {
  const counts = new Array<number>(BINS).fill(0);
  let min = Infinity, max = -Infinity, sum = 0, n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    n++;
  }
  const nonFinite = values.length - n;
  if (n === 0) return { min: 0, max: 0, mean: 0, std: 0, counts, nonFinite };
  const mean = Number.isFinite(sum) ? sum / n : meanOfLarge(values, n);
  // in halves, so that neither the width nor a distance from min overflows: the bins are the same
  const halfWidth = max / 2 - min / 2;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    squares += (v - mean) * (v - mean);
    // max itself would be bin BINS: it belongs to the last
    counts[halfWidth === 0 ? 0 : Math.min(BINS - 1, Math.floor(((v / 2 - min / 2) / halfWidth) * BINS))]++;
  }
  const std = Number.isFinite(squares) ? Math.sqrt(squares / n) : stdOfLarge(values, mean, n);
  // + 0 turns -0 into 0
  return { min: min + 0, max: max + 0, mean: mean + 0, std, counts, nonFinite };
}

/** The mean of the n finite `values` whose sum overflows: the sum of each over n. */
function meanOfLarge(values: ArrayLike<number>, n: number): number {
  let mean = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) mean += values[i] / n;
  return mean;
}

/** The std of the n finite `values` whose squared deviations overflow: in units of the largest half deviation. */
function stdOfLarge(values: ArrayLike<number>, mean: number, n: number): number {
  let largest = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) largest = Math.max(largest, Math.abs(values[i] / 2 - mean / 2));
  let scaled = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) scaled += ((values[i] / 2 - mean / 2) / largest) ** 2;
  // std <= (max - min) / 2 (Popoviciu), so that twice the half is finite
  return saturate(largest * Math.sqrt(scaled / n) * 2);
}

/** The histogram of each layer's outputs on `x`, by layer name: forward(x, false) through the net's Map. */
export function activationHistograms(net: Net, x: Tensor): Record<string, ActivationHistogram> {
  const histograms: Record<string, ActivationHistogram> = {};
  let out = x;
  for (const [name, layer] of net.layers) {
    out = layer.forward(out, false);
    histograms[name] = histogram(rowMajorOf(out));
  }
  return histograms;
}

/** Appends one evaluation to `history`: its step, each parameter's figures and each layer's histogram. */
export function recordLayers(history: LayerHistory, iteration: number, params: Record<string, ParamFigures>, activations: Record<string, ActivationHistogram>): void {
  history.evalIterations.push(iteration);
  for (const [name, figures] of Object.entries(params)) {
    const entry = history.params[name];
    entry.norm.push(figures.norm);
    entry.gradNorm.push(figures.gradNorm);
    entry.updateRatio.push(figures.updateRatio);
  }
  for (const [name, h] of Object.entries(activations)) history.activations[name].push(h);
}

/** What checkLayerHistory holds a LayerHistory to; the names and probeSamples, when not given, may be any. */
export interface LayerHistoryExpectations {
  /** The history's evaluations: the LayerHistory's must be all of them or their tail. */
  evalIterations: readonly number[];
  params?: readonly string[];
  layers?: readonly string[];
  probeSamples?: number;
}

const KEYS = ["evalIterations", "params", "activations", "probeSamples"];
const PARAM_KEYS = ["norm", "gradNorm", "updateRatio"] as const;
const HISTOGRAM_KEYS = ["min", "max", "mean", "std", "counts", "nonFinite"];

/**
 * `value` as a LayerHistory, every field checked: its lists one entry per evaluation, its names those expected.
 * `name` names it in the messages (`layerHistory.params.W1.norm[2] must be ...`), which go to `fail`.
 */
export function checkLayerHistory(value: unknown, name: string, expected: LayerHistoryExpectations, fail: (what: string) => never): LayerHistory {
  if (!isRecord(value)) return fail(`${name} must be a record { ${KEYS.join(", ")} }, got ${describe(value)}`);
  const extra = Object.keys(value).find((key) => !KEYS.includes(key));
  if (extra !== undefined) fail(`${name} has ${extra}, expected only ${KEYS.join(", ")}`);
  const { evalIterations, params, activations, probeSamples } = value;

  const want = expected.probeSamples;
  if (want !== undefined ? probeSamples !== want : !(Number.isSafeInteger(probeSamples) && (probeSamples as number) >= 1)) {
    fail(`${name}.probeSamples must be ${want ?? "a positive integer"}${want !== undefined ? ", the first min(1000, n) training samples" : ""}, got ${describe(probeSamples)}`);
  }
  const all = expected.evalIterations;
  const tail = Array.isArray(evalIterations) && evalIterations.length <= all.length && evalIterations.every((v, i) => v === all[all.length - evalIterations.length + i]);
  if (!tail) fail(`${name}.evalIterations must be history.evalIterations ${describe(all)} or its tail, got ${describe(evalIterations)}`);
  const evaluations = (evalIterations as number[]).length;

  const entries = (field: string, record: unknown, names: readonly string[] | undefined, what: string): [string, unknown][] => {
    if (!isRecord(record)) return fail(`${name}.${field} must be a record by ${what} name, got ${describe(record)}`);
    if (names !== undefined) {
      const missing = names.find((key) => !Object.hasOwn(record, key));
      if (missing !== undefined) fail(`${name}.${field} has no ${missing}, expected one entry per ${what} of the net: ${names.join(", ")}`);
      const unknown = Object.keys(record).find((key) => !names.includes(key));
      if (unknown !== undefined) fail(`${name}.${field} has ${unknown}, which is not a ${what} of the net (${names.join(", ")})`);
    }
    return Object.entries(record);
  };
  const list = (where: string, v: unknown): unknown[] => {
    if (!Array.isArray(v)) return fail(`${where} must be a list of ${evaluations}, one per evaluation in ${name}.evalIterations, got ${describe(v)}`);
    if (v.length !== evaluations) fail(`${where} must hold ${evaluations}, one per evaluation in ${name}.evalIterations, got ${v.length}`);
    return v;
  };

  for (const [param, entry] of entries("params", params, expected.params, "parameter")) {
    const where = `${name}.params.${param}`;
    if (!isRecord(entry)) fail(`${where} must be a record { ${PARAM_KEYS.join(", ")} }, got ${describe(entry)}`);
    const other = Object.keys(entry as object).find((key) => !(PARAM_KEYS as readonly string[]).includes(key));
    if (other !== undefined) fail(`${where} has ${other}, expected only ${PARAM_KEYS.join(", ")}`);
    for (const key of PARAM_KEYS) {
      const values = list(`${where}.${key}`, (entry as Record<string, unknown>)[key]);
      const nullable = key === "updateRatio";
      const at = values.findIndex((v) => !(isNonNegative(v) || (nullable && v === null)));
      if (at >= 0) fail(`${where}.${key}[${at}] must be a finite number >= 0${nullable ? " or null" : ""}, got ${describe(values[at])}`);
    }
  }
  for (const [layer, histograms] of entries("activations", activations, expected.layers, "layer")) {
    const values = list(`${name}.activations.${layer}`, histograms);
    values.forEach((h, k) => checkHistogram(h, `${name}.activations.${layer}[${k}]`, probeSamples as number, fail));
  }
  return value as unknown as LayerHistory;
}

function checkHistogram(h: unknown, where: string, probeSamples: number, fail: (what: string) => never): void {
  if (!isRecord(h)) fail(`${where} must be a histogram { ${HISTOGRAM_KEYS.join(", ")} }, got ${describe(h)}`);
  const record = h as Record<string, unknown>;
  const other = Object.keys(record).find((key) => !HISTOGRAM_KEYS.includes(key));
  if (other !== undefined) fail(`${where} has ${other}, expected only ${HISTOGRAM_KEYS.join(", ")}`);
  for (const key of ["min", "max", "mean"]) {
    if (typeof record[key] !== "number" || !Number.isFinite(record[key])) fail(`${where}.${key} must be a finite number, got ${describe(record[key])}`);
  }
  if (!isNonNegative(record.std)) fail(`${where}.std must be a finite number >= 0, got ${describe(record.std)}`);
  if ((record.min as number) > (record.max as number)) fail(`${where} must have min <= max, got min ${record.min}, max ${record.max}`);
  const { counts, nonFinite } = record;
  if (!Array.isArray(counts) || counts.length !== BINS) fail(`${where}.counts must be a list of ${BINS} counts, got ${describe(counts)}`);
  const bad = (counts as unknown[]).findIndex((c) => !isCount(c));
  if (bad >= 0) fail(`${where}.counts[${bad}] must be an integer >= 0, got ${describe((counts as unknown[])[bad])}`);
  if (!isCount(nonFinite)) fail(`${where}.nonFinite must be an integer >= 0, got ${describe(nonFinite)}`);
  const total = (counts as number[]).reduce((a, b) => a + b, 0) + (nonFinite as number);
  if (total === 0 || total % probeSamples !== 0) fail(`${where} counts ${total} values, expected a positive multiple of the ${probeSamples} probe samples`);
}

const isNonNegative = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v) && v >= 0;
const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;

