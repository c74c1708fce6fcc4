import { Random, Tensor, randn, tensor } from "@backprop/core";
import * as tf from "@tensorflow/tfjs";
import * as ortNode from "onnxruntime-node";
import * as ortWeb from "onnxruntime-web";
import { IdentityWithLoss, MultiLayerNet, MultiLayerNetExtend, SGD, SoftmaxWithLoss, TwoLayerNet, softmax, type ExportOptions, type Net, type TfjsFiles } from "../../src/index.js";

// onnxruntime-node 1.30 on Linux keeps a telemetry id (.ses) and a mat-debug-<pid>.log in TMPDIR and would send
// telemetry over HTTPS: the tests use no network and leave nothing behind. Read when the first session is created.
process.env.ORT_DISABLE_TELEMETRY = "1";

/** The agreement the exports must reach: |a - b| <= REL_TOL * max(1, |b|), b ours, a the runtime's (float32 precision). */
export const REL_TOL = 1e-5;
/** Rows of input each export is compared on. */
export const ROWS = 100;

/** A net to export, the options it is exported with, and raw inputs (float32 numbers, so that every runtime reads the same ones). */
export interface Case {
  name: string;
  net: Net;
  options: ExportOptions;
  x: Float32Array;
}

/**
 * The three nets of the issue, each trained a few SGD steps from its seed so that no bias is zero and BatchNorm's
 * running statistics are not their initial ones: a TwoLayerNet classifier (relu); a MultiLayerNetExtend classifier
 * with BatchNorm, tanh and Dropout 0.3; a regression MultiLayerNet (sigmoid) with an input z-score and its target's un-scaling.
 */
export function cases(): Case[] {
  const two = new TwoLayerNet(12, 16, 4, { weightInitStd: 0.5, seed: 1 });
  train(two, 12, 4, 30, "two");
  const extend = new MultiLayerNetExtend(12, [16, 10], 4, { activation: "tanh", weightInitStd: "xavier", useBatchnorm: true, useDropout: true, dropoutRatio: 0.3, seed: 2 });
  train(extend, 12, 4, 30, "extend");
  const regression = new MultiLayerNet(5, [8], 1, { activation: "sigmoid", weightInitStd: "xavier", seed: 3, lastLayer: new IdentityWithLoss() });
  train(regression, 5, 0, 30, "regression");
  // inputs in their own units: the z-score of each column, as a table's schema would hold it
  const mean = [181.5, 43.9, 17.2, 0, 1];
  const std = [14.1, 5.5, 2.0, 1, 0.5];
  const options: ExportOptions = { transform: { input: { mean, std }, output: { mean: 4207.1, std: 805.2 } }, inputNames: ["a", "b", "c", "d", "e"], outputNames: ["mass"] };
  const raw = (n: number, seed: string): Float32Array => {
    const z = randomInputs(n, 5, seed);
    return z.map((v, i) => mean[i % 5] + std[i % 5] * v);
  };
  return [
    { name: "TwoLayerNet", net: two, options: {}, x: randomInputs(ROWS, 12, "two/x") },
    { name: "MultiLayerNetExtend", net: extend, options: { outputNames: ["a", "b", "c", "d"] }, x: randomInputs(ROWS, 12, "extend/x") },
    { name: "regression", net: regression, options, x: raw(ROWS, "regression/x") },
  ];
}

/** Normal samples as float32 numbers, (n, d) row-major. */
export function randomInputs(n: number, d: number, seed: string): Float32Array {
  return Float32Array.from(randn([n, d], new Random(seed)).contiguousData());
}

/** `steps` SGD steps (lr 0.1) in training mode on random batches of 32: class labels in [0, classes), or a target of a regression when classes is 0. */
export function train(net: Net, inputs: number, classes: number, steps: number, seed: string): void {
  const rng = new Random(`${seed}/train`);
  const sgd = new SGD(0.1);
  for (let k = 0; k < steps; k++) {
    const x = randn([32, inputs], rng);
    const t = classes > 0 ? tensor(Array.from(rng.choice(classes, 32))) : x.sum(1, { keepDims: true });
    sgd.update(net.params, net.gradient(x, t));
  }
}

/** Our own prediction of raw inputs x (n rows), in float64: the z-score, net.predict at inference, softmax or the un-scaling. */
export function ours(net: Net, x: Float32Array, options: ExportOptions): Float64Array {
  const { input, output } = options.transform ?? {};
  const d = input?.mean.length ?? x.length / ROWS;
  const z = Float64Array.from(x, (v, i) => (input ? (v - input.mean[i % d]) / input.std[i % d] : v));
  const scores = net.predict(Tensor.fromData(z, [x.length / d, d]).astype(net.dtype), false);
  const y = Float64Array.from((net.lastLayer instanceof SoftmaxWithLoss ? softmax(scores) : scores).astype("float64").contiguousData());
  return output ? y.map((v) => v * output.std + output.mean) : y;
}

/** How far the runtime's a is from our b: the largest |a - b|, the largest |a - b| / max(1, |b|), and whether that is <= REL_TOL everywhere. */
export interface Agreement {
  maxAbs: number;
  maxRel: number;
  passed: boolean;
}

export function agreement(actual: ArrayLike<number>, expected: ArrayLike<number>): Agreement {
  if (actual.length !== expected.length) return { maxAbs: Infinity, maxRel: Infinity, passed: false };
  let maxAbs = 0;
  let maxRel = 0;
  for (let i = 0; i < expected.length; i++) {
    // NaN counts as infinitely far
    const diff = Math.abs(actual[i] - expected[i]);
    maxAbs = Math.max(maxAbs, Number.isNaN(diff) ? Infinity : diff);
    maxRel = Math.max(maxRel, Number.isNaN(diff) ? Infinity : diff / Math.max(1, Math.abs(expected[i])));
  }
  return { maxAbs, maxRel, passed: maxRel <= REL_TOL };
}

/** The files of a TF.js export loaded in TF.js, by a handler that reads each manifest group's paths from `files`. */
export async function loadTfjs(files: TfjsFiles): Promise<tf.LayersModel> {
  await tf.setBackend("cpu");
  const model = JSON.parse(new TextDecoder().decode(files["model.json"]));
  const groups = model.weightsManifest as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  const bytes = groups.flatMap((g) => g.paths.map((path) => files[path as keyof TfjsFiles] as Uint8Array));
  const weightData = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of bytes) {
    weightData.set(b, at);
    at += b.length;
  }
  return tf.loadLayersModel({ load: async () => ({ modelTopology: model.modelTopology, weightSpecs: groups.flatMap((g) => g.weights), weightData: weightData.buffer }) });
}

/** TF.js's prediction of x (n rows of d): model.predict alone, the transform left to the caller. */
export async function predictTfjs(model: tf.LayersModel, x: Float32Array, d: number): Promise<Float32Array> {
  const input = tf.tensor2d(x, [x.length / d, d], "float32");
  const y = model.predict(input) as tf.Tensor;
  const data = (await y.data()) as Float32Array;
  tf.dispose([input, y]);
  return data;
}

/** The sidecar's z-score applied to raw inputs and its un-scaling to TF.js's outputs, in float64 as a caller in JavaScript would. */
export function withSidecar(files: TfjsFiles, x: Float32Array): { before: Float32Array; after(y: Float32Array): Float64Array } {
  const sidecar = files["transform.json"] ? JSON.parse(new TextDecoder().decode(files["transform.json"])) : {};
  const { input, output } = sidecar as { input?: { mean: number[]; std: number[] }; output?: { mean: number; std: number } };
  const before = input ? x.map((v, i) => (v - input.mean[i % input.mean.length]) / input.std[i % input.mean.length]) : x;
  return { before, after: (y) => Float64Array.from(y, (v) => (output ? v * output.std + output.mean : v)) };
}

/** ONNX Runtime's y for x (n rows of d): onnxruntime-node's CPU provider, or onnxruntime-web's wasm one. */
export async function predictOnnx(runtime: "node" | "web", bytes: Uint8Array, x: Float32Array, d: number): Promise<Float32Array> {
  if (runtime === "node") {
    const session = await ortNode.InferenceSession.create(bytes);
    const { y } = await session.run({ x: new ortNode.Tensor("float32", x, [x.length / d, d]) });
    await session.release();
    return y.data as Float32Array;
  }
  // both runtimes share one backend registry: the web one is asked for its wasm provider by name
  ortWeb.env.wasm.numThreads = 1;
  const session = await ortWeb.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  const { y } = await session.run({ x: new ortWeb.Tensor("float32", x, [x.length / d, d]) });
  await session.release();
  return y.data as Float32Array;
}

/** The largest |a - b| each test measured, by format and net: printed once a file's tests are done. */
export const measured = new Map<string, Agreement>();

export function printMeasured(title: string): void {
  const lines = [...measured].map(([key, d]) => `  ${key}: max |a - b| ${d.maxAbs.toExponential(2)}, max |a - b| / max(1, |b|) ${d.maxRel.toExponential(2)}`);
  if (lines.length > 0) console.log(`${title}, largest |ours - theirs| over ${ROWS} rows:\n${lines.join("\n")}`);
}
