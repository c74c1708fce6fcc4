import type { Tensor } from "@backprop/core";
import { traceNet, type LayerTrace, type Net } from "@backprop/layers";
import { planeSource, type PlaneSet } from "./plane-data.js";

/** One step of the forward pass (Z = O·W + b, O = f(Z), the loss) with its numbers and its shapes for the batch. */
export interface ForwardRow {
  /** The net's layer name (Affine1, Activation_function1 ...), or the last layer's type. */
  layer: string;
  /** The layer type: Affine, Relu, Sigmoid, Tanh, BatchNormalization, Dropout, SoftmaxWithLoss, IdentityWithLoss. */
  op: string;
  formula: string;
  /** By quantity name (O0, W1, b1, Z1, O1, ..., Y, L): a row (1, n) as [[...]], a vector as [...]. */
  values: Record<string, number[] | number[][]>;
  /** The same names: the shape for the whole batch, "(30, 8)", a parameter's own, "(2, 8)", "(8)"; the loss "()". */
  shapes: Record<string, string>;
}

/** One step of the backward pass: δk = dL/dZk, dWk = O(k-1)ᵀ·δk, dbk = Σ δk, dL/dO, named as ForwardRow's with a d (δ for Z). */
export type BackwardRow = ForwardRow;

/** One sample's forward and backward as the book writes them: rows in forward order, then backward order. */
export interface StepThrough {
  sample: number;
  x: number[];
  /** The class index, or the target row for regression. */
  t: number | number[];
  forward: ForwardRow[];
  /** dataLoss + weightDecay, the loss the gradient is of. */
  loss: number;
  /** This sample's −log Y[t] (or ½ Σ (Y − T)² for regression). */
  dataLoss: number;
  /** λ/2 Σ‖W‖² over the decayed weights; 0 without weight decay. */
  weightDecay: number;
  backward: BackwardRow[];
}

/** Why the page shows no step-through for a net with batch norm. */
export const BATCH_NORM_NOTE =
  "The step-through traces one sample in training mode, where batch norm's variance over one sample is 0 and every gradient below it vanishes: turn batch norm off to step through a sample";

/** BATCH_NORM_NOTE when `net` has a BatchNormalization layer (its one-sample trace would be all zeros below it), else undefined. */
export function stepThroughNote(net: Net): string | undefined {
  return [...net.layers].some(([, layer]) => layer.spec().type === "BatchNormalization") ? BATCH_NORM_NOTE : undefined;
}

/** The weight decay's term of the loss, as the loss row names it. */
const DECAY = "λ/2 Σ‖W‖²";
const ACTIVATION = { Relu: "relu", Sigmoid: "sigmoid", Tanh: "tanh" } as Record<string, string>;
const DERIVATIVE = { Relu: (z: string) => `(${z} > 0)`, Sigmoid: (_: string, o: string) => `${o}(1 − ${o})`, Tanh: (_: string, o: string) => `(1 − ${o}²)` } as Record<string, (z: string, o: string) => string>;

/** dL/d(name): δk for Zk, else d + name. */
const grad = (name: string) => (/^Z\d+$/.test(name) ? `δ${name.slice(1)}` : `d${name}`);
const numbers = (x: Tensor): number[] | number[][] => x.toArray() as number[] | number[][];

/**
 * Sample `sample` of `set` through the net, from traceNet on that one sample (training mode, as the gradient is;
 * the net's generator and running statistics are restored afterwards, so that training goes on as without it):
 * for each Affine k, O(k-1) (1, n), Wk (n, m), bk (m), Zk = O(k-1)·Wk + bk (1, m); each activation Ok = f(Zk); the
 * loss (with its λ/2 Σ‖W‖² term under weight decay); then backward δk = dL/dZk, dWk = O(k-1)ᵀ·δk (+ λWk with weight decay), dbk = δk, dO(k-1) = δk·Wkᵀ; each
 * quantity's shape for a batch of `batchSize` beside it. O0 is the sample's x.
 */
export function stepThrough(net: Net, set: PlaneSet, sample: number, batchSize: number): StepThrough {
  if (!Number.isInteger(sample) || sample < 0 || sample >= set.length) throw new RangeError(`stepThrough: sample must be an index in [0, ${set.length}), got ${sample}`);
  const { x, t } = planeSource(set).batch([sample]);
  const state = net.state();
  const trace = traceNet(net, x, t);
  net.restore(state);

  const batch = (y: Tensor) => `(${[batchSize, ...y.shape.slice(1)].join(", ")})`;
  const own = (p: Tensor) => `(${p.shape.join(", ")})`;
  const forward: ForwardRow[] = [];
  const backward: BackwardRow[] = [];
  let k = 0;
  let input = "O0";
  for (const layer of trace.layers) {
    if (layer.type === "Affine") k++;
    const out = outputName(layer, k);
    const params = Object.fromEntries(layer.params.map((p) => [p.key, p]));
    const row = (formula: string, extra: Record<string, Tensor> = {}): ForwardRow => ({
      layer: layer.name,
      op: layer.type,
      formula,
      values: { [input]: numbers(layer.x), ...mapValues(extra, numbers), [out]: numbers(layer.out) },
      shapes: { [input]: batch(layer.x), ...mapValues(extra, own), [out]: batch(layer.out) },
    });
    const back: BackwardRow = {
      layer: layer.name,
      op: layer.type,
      formula: `${grad(input)} = ${layer.type}.backward(${grad(out)})`,
      values: { [grad(out)]: numbers(layer.dout), ...Object.fromEntries(layer.params.map((p) => [`d${p.name}`, numbers(p.grad)])), [grad(input)]: numbers(layer.dx) },
      shapes: { [grad(out)]: batch(layer.dout), ...Object.fromEntries(layer.params.map((p) => [`d${p.name}`, own(p.grad)])), [grad(input)]: batch(layer.dx) },
    };
    if (layer.type === "Affine") {
      const [W, b] = [params.W.name, params.b.name];
      forward.push(row(`${out} = ${input}·${W} + ${b}`, { [W]: params.W.value, [b]: params.b.value }));
      const decay = params.W.decayed && net.weightDecayLambda > 0 ? ` + λ·${W}` : "";
      back.formula = `d${W} = ${input}ᵀ·${grad(out)}${decay}, d${b} = Σ ${grad(out)}, ${grad(input)} = ${grad(out)}·${W}ᵀ`;
    } else if (layer.type in ACTIVATION) {
      forward.push(row(`${out} = ${ACTIVATION[layer.type]}(${input})`));
      back.formula = `${grad(input)} = ${grad(out)} ⊙ ${DERIVATIVE[layer.type](input, out)}`;
    } else if (layer.type === "Dropout") {
      forward.push(row(`${out} = ${input} ⊙ mask`));
      back.formula = `${grad(input)} = ${grad(out)} ⊙ mask`;
    } else {
      forward.push(row(`${out} = ${layer.type}(${input})`, Object.fromEntries(layer.params.map((p) => [p.name, p.value]))));
    }
    backward.unshift(back);
    input = out;
  }

  const { loss } = trace;
  const softmax = loss.type === "SoftmaxWithLoss";
  const Y = loss.out ?? loss.y;
  const dataFormula = softmax ? "−(1/N) Σ log Y[t]" : "(1/2N) Σ (Y − T)²";
  const decayed = net.weightDecayLambda > 0;
  forward.push({
    layer: loss.type,
    op: loss.type,
    formula: `${softmax ? `Y = softmax(${input})` : `Y = ${input}`}, L = ${dataFormula}${decayed ? ` + ${DECAY}` : ""}`,
    values: { Y: numbers(Y), ...(decayed ? { [dataFormula]: [loss.dataLoss], [DECAY]: [loss.weightDecay] } : {}), L: [loss.loss] },
    shapes: { Y: batch(Y), ...(decayed ? { [dataFormula]: "()", [DECAY]: "()" } : {}), L: "()" },
  });
  backward.unshift({
    layer: loss.type,
    op: loss.type,
    formula: `${grad(input)} = (Y − T) / N`,
    values: { [grad(input)]: numbers(loss.dy) },
    shapes: { [grad(input)]: batch(loss.dy) },
  });
  const target = set.labels ? set.labels[sample] : [(set.targets as Float64Array)[sample]];
  return { sample, x: [set.x[2 * sample], set.x[2 * sample + 1]], t: target, forward, loss: loss.loss, dataLoss: loss.dataLoss, weightDecay: loss.weightDecay, backward };
}

/** The name of a layer's output: Zk (Affine k), Ok (activation), Dk (Dropout), BNk (batch norm), else its name. */
function outputName(layer: LayerTrace, k: number): string {
  if (layer.type === "Affine") return `Z${k}`;
  if (layer.type in ACTIVATION) return `O${k}`;
  if (layer.type === "Dropout") return `D${k}`;
  if (layer.type === "BatchNormalization") return `BN${k}`;
  return layer.name;
}

function mapValues<T, U>(record: Record<string, T>, f: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, f(value)]));
}
