import { ExportError } from "./export-error.js";
import type { InferenceGraph } from "./inference-graph.js";

/** What a model learned on besides its weights, as plain numbers: the z-score of its inputs, the scale of its target. */
export interface Transform {
  /** x' = (x - mean) / std per input, before the net: mean and std hold one number per input, every std > 0. */
  input?: { mean: number[]; std: number[] };
  /** y = y' * std + mean on every output, after the net: a regressor's standardized target back in its units (std > 0). */
  output?: { mean: number; std: number };
}

/** What toTfjs and toOnnx take besides the net. */
export interface ExportOptions {
  transform?: Transform;
  /** The inputs' names in order (a table's columns, `Sex=FEMALE` per category), recorded in the export. */
  inputNames?: string[];
  /** The outputs' names in order: a classifier's classes, or a regressor's target. */
  outputNames?: string[];
}

/** `options` checked against the graph's sizes and output, each array copied; an ExportError starting with `where` names what is wrong. */
export function checkOptions(where: string, graph: InferenceGraph, options: ExportOptions = {}): ExportOptions {
  const { transform = {}, inputNames, outputNames } = options;
  const checked: Transform = {};
  if (transform.input !== undefined) {
    const { mean, std } = transform.input;
    checked.input = { mean: numbers(where, "transform.input.mean", mean, graph.inputSize, false), std: numbers(where, "transform.input.std", std, graph.inputSize, true) };
  }
  if (transform.output !== undefined) {
    if (graph.output !== "identity") throw new ExportError(`${where}: transform.output un-scales a regressor's outputs, expected none for a classifier, got ${JSON.stringify(transform.output)}`);
    const { mean, std } = transform.output;
    checked.output = { mean: number(where, "transform.output.mean", mean, false), std: number(where, "transform.output.std", std, true) };
  }
  return {
    ...(checked.input || checked.output ? { transform: checked } : {}),
    ...(inputNames !== undefined ? { inputNames: names(where, "inputNames", inputNames, graph.inputSize, "input") } : {}),
    ...(outputNames !== undefined ? { outputNames: names(where, "outputNames", outputNames, graph.outputSize, "output") } : {}),
  };
}

function numbers(where: string, path: string, values: unknown, size: number, positive: boolean): number[] {
  if (!Array.isArray(values) || values.length !== size) {
    throw new ExportError(`${where}: ${path} must hold ${size} numbers, one per input, got ${Array.isArray(values) ? values.length : JSON.stringify(values)}`);
  }
  return values.map((v, i) => number(where, `${path}[${i}]`, v, positive));
}

function number(where: string, path: string, value: unknown, positive: boolean): number {
  const ok = typeof value === "number" && Number.isFinite(value) && (!positive || value > 0);
  if (!ok) throw new ExportError(`${where}: ${path} must be a ${positive ? "positive" : "finite"} number, got ${String(value)}`);
  return value as number;
}

function names(where: string, path: string, values: unknown, size: number, what: string): string[] {
  if (!Array.isArray(values) || values.length !== size || values.some((v) => typeof v !== "string")) {
    throw new ExportError(`${where}: ${path} must hold ${size} strings, one per ${what}, got ${JSON.stringify(values)}`);
  }
  return [...values];
}
