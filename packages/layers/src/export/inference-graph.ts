import type { Tensor } from "@backprop/core";
import type { Affine } from "../layers/affine.js";
import type { BatchNormalization } from "../layers/batch-normalization.js";
import type { Dropout } from "../layers/dropout.js";
import type { Layer } from "../layers/layer.js";
import { paramName, type Net } from "../nets/net.js";
import { ExportError } from "./export-error.js";

/** An activation as both formats name it: ONNX's Relu, Sigmoid, Tanh; TF.js's "relu", "sigmoid", "tanh". */
export type ActivationName = "relu" | "sigmoid" | "tanh";

/** out = x·W + b.  x: (N, inputs) -> (N, units);  W: (inputs, units), b: (units). `names`: the net's W1, b1. */
export interface DenseStep {
  op: "dense";
  layer: string;
  inputs: number;
  units: number;
  W: Float64Array;
  b: Float64Array;
  names: { W: string; b: string };
}

/** out = gamma * (x - mean) / sqrt(variance + eps) + beta, per feature, with the running statistics.  (N, size) -> (N, size). */
export interface BatchNormStep {
  op: "batchnorm";
  layer: string;
  size: number;
  gamma: Float64Array;
  beta: Float64Array;
  mean: Float64Array;
  variance: Float64Array;
  eps: number;
  /** The weight of the old running statistics in training's updates: unused at inference, kept for a format that records it. */
  momentum: number;
  names: { gamma: string; beta: string; mean: string; variance: string };
}

/** An element-wise activation: any shape -> the same shape. */
export interface ActivationStep {
  op: "activation";
  layer: string;
  fn: ActivationName;
}

export type Step = DenseStep | BatchNormStep | ActivationStep;

/** A Dropout that was left out, and the Affine whose weights took its factor instead. */
export interface FoldedDropout {
  dropout: string;
  into: string;
  factor: number;
}

/**
 * A net as it predicts (train_flg false), in the terms both export formats share: its layers in order, their
 * numbers as float64 copies, and the output function of its last layer.  x: (N, inputSize) -> (N, outputSize).
 */
export interface InferenceGraph {
  name: string;
  inputSize: number;
  outputSize: number;
  steps: Step[];
  /** softmax for a classifier (SoftmaxWithLoss), identity for a regressor (IdentityWithLoss). */
  output: "softmax" | "identity";
  folded: FoldedDropout[];
}

/** A step, or the factor by which the book's Dropout scales at inference (to be folded into the next Affine). */
type Converted = Step | { op: "scale"; layer: string; factor: number };

/** How each layer type predicts, by its `type`: the one table a new layer that can be exported is added to. */
const CONVERT: Record<string, (layer: Layer, name: string) => Converted> = {
  Affine: (layer, name) => {
    const { W, b } = layer as Affine;
    return { op: "dense", layer: name, inputs: W.shape[0], units: W.shape[1], W: float64(W), b: float64(b), names: { W: paramName(name, "W"), b: paramName(name, "b") } };
  },
  BatchNormalization: (layer, name) => {
    const bn = layer as BatchNormalization;
    const names = { gamma: paramName(name, "gamma"), beta: paramName(name, "beta"), mean: paramName(name, "runningMean"), variance: paramName(name, "runningVar") };
    return { op: "batchnorm", layer: name, size: bn.gamma.shape[0], gamma: float64(bn.gamma), beta: float64(bn.beta), mean: float64(bn.runningMean), variance: float64(bn.runningVar), eps: bn.eps, momentum: bn.momentum, names };
  },
  Relu: (_, name) => ({ op: "activation", layer: name, fn: "relu" }),
  Sigmoid: (_, name) => ({ op: "activation", layer: name, fn: "sigmoid" }),
  Tanh: (_, name) => ({ op: "activation", layer: name, fn: "tanh" }),
  // the book's Dropout keeps every element at inference and scales it by 1 - ratio (it is not inverted dropout)
  Dropout: (layer, name) => ({ op: "scale", layer: name, factor: 1 - (layer as Dropout).ratio }),
};

/** The output function of each last layer, by its `type`. */
const OUTPUT: Record<string, InferenceGraph["output"]> = { SoftmaxWithLoss: "softmax", IdentityWithLoss: "identity" };

/**
 * The inference graph of `net`. Each Dropout is left out and its factor (1 - ratio) multiplied, in float64, into
 * the weights W of the Affine after it: (x * f)·W = x·(f W), exactly. A layer of another type, a Dropout not
 * followed by an Affine, or sizes that do not chain is an ExportError starting with `where`.
 */
export function inferenceGraph(net: Net, where: string): InferenceGraph {
  const lossType = net.lastLayer.spec().type;
  if (!Object.hasOwn(OUTPUT, lossType)) throw new ExportError(`${where}: cannot export the last layer, expected ${Object.keys(OUTPUT).join(" or ")}, got ${lossType}`);
  const steps: Step[] = [];
  const folded: FoldedDropout[] = [];
  let pending: { layer: string; factor: number }[] = [];
  let width: number | undefined;
  for (const [name, layer] of net.layers) {
    const type = typeOf(layer);
    if (!Object.hasOwn(CONVERT, type)) {
      throw new ExportError(`${where}: cannot export layer ${name}, expected one of ${Object.keys(CONVERT).join(", ")}, got ${type}`);
    }
    const step = CONVERT[type](layer, name);
    if (step.op === "scale") {
      pending.push(step);
      continue;
    }
    if (pending.length > 0) {
      if (step.op !== "dense") throw new ExportError(`${where}: cannot leave out ${pending.at(-1)?.layer}, expected an Affine after it to take its factor, got ${name} (${type})`);
      const factor = pending.reduce((f, p) => f * p.factor, 1);
      step.W = step.W.map((w) => w * factor);
      folded.push(...pending.map((p) => ({ dropout: p.layer, into: name, factor: p.factor })));
      pending = [];
    }
    width = checkWidth(where, step, width);
    steps.push(step);
  }
  if (pending.length > 0) throw new ExportError(`${where}: cannot leave out ${pending.at(-1)?.layer}, expected an Affine after it to take its factor, got the end of the net`);
  const inputs = steps.find((s): s is DenseStep | BatchNormStep => s.op !== "activation");
  if (!inputs || width === undefined) throw new ExportError(`${where}: cannot export ${net}, expected at least one Affine, got none`);
  return { name: net.name, inputSize: inputs.op === "dense" ? inputs.inputs : inputs.size, outputSize: width, steps, output: OUTPUT[lossType], folded };
}

/** The width after `step`, checked against the width before it (undefined before the first sized step). */
function checkWidth(where: string, step: Step, width: number | undefined): number | undefined {
  if (step.op === "activation") return width;
  const takes = step.op === "dense" ? step.inputs : step.size;
  if (width !== undefined && takes !== width) throw new ExportError(`${where}: ${step.layer} takes ${takes} inputs, expected ${width} from the layer before it`);
  return step.op === "dense" ? step.units : step.size;
}

/** A layer's `type` (its spec's), or for a node that has no spec (MulLayer, AddLayer) its class name. */
function typeOf(layer: Layer): string {
  return typeof layer.spec === "function" ? layer.spec().type : String(layer.constructor?.name ?? layer);
}

function float64(t: Tensor): Float64Array {
  return Float64Array.from(t.astype("float64").contiguousData());
}
