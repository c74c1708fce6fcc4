import type { Net } from "../nets/net.js";
import { checkOptions, type ExportOptions } from "./export-options.js";
import { float32Bytes } from "./float32-bytes.js";
import { inferenceGraph, type ActivationName, type InferenceGraph } from "./inference-graph.js";

/** The files of a TF.js layers model by name: model.json and weights.bin, and transform.json when something goes around the model. */
export interface TfjsFiles {
  "model.json": Uint8Array;
  "weights.bin": Uint8Array;
  "transform.json"?: Uint8Array;
}

/** A layer of model.json's topology, as Keras writes one: its class and its snake_case config. */
interface KerasLayer {
  class_name: "Dense" | "BatchNormalization" | "Activation";
  config: Record<string, unknown>;
}

/** An entry of model.json's weights manifest, and its numbers. */
interface Weight {
  name: string;
  shape: number[];
  dtype: "float32";
  values: Float64Array;
}

/** What transform.json holds: the format's name and version, the z-score before the model, the un-scaling after it, the names. */
export const TFJS_TRANSFORM_FORMAT = "backprop-transform";

/**
 * The net as a TensorFlow.js layers model (`tf.loadLayersModel`), for inference: model.json, a Sequential of Dense
 * layers (our W (in, out) is the kernel's layout) with their activations, BatchNormalization with the running
 * statistics and our eps, softmax on a classifier's output; Dropout is left out, its factor 1 - ratio folded into
 * the next Dense's kernel in float64. weights.bin: every weight as float32, little-endian, in manifest order, named
 * `<layer>/kernel`, `<layer>/bias`, `<layer>/gamma`, ... A layers model cannot hold a transform, so the options' z-score
 * and un-scaling (and the names) go to transform.json, to apply around model.predict. Takes (N, inputSize) -> (N, outputSize).
 */
export function toTfjs(net: Net, options: ExportOptions = {}): TfjsFiles {
  const where = "toTfjs";
  const graph = inferenceGraph(net, where);
  const checked = checkOptions(where, graph, options);
  const { layers, weights } = kerasLayers(graph);
  layers[0].config.batch_input_shape = [null, graph.inputSize];
  const model = {
    format: "layers-model",
    generatedBy: "backprop",
    convertedBy: null,
    modelTopology: { class_name: "Sequential", config: { name: graph.name, layers }, backend: "tensor_flow.js" },
    weightsManifest: [{ paths: ["weights.bin"], weights: weights.map(({ name, shape, dtype }) => ({ name, shape, dtype })) }],
  };
  const values = new Float64Array(weights.reduce((n, w) => n + w.values.length, 0));
  let at = 0;
  for (const w of weights) {
    values.set(w.values, at);
    at += w.values.length;
  }
  const files: TfjsFiles = { "model.json": json(model), "weights.bin": float32Bytes(values) };
  const { transform, inputNames, outputNames } = checked;
  if (transform || inputNames || outputNames) {
    files["transform.json"] = json({
      format: TFJS_TRANSFORM_FORMAT,
      version: 1,
      ...(inputNames ? { inputs: inputNames } : {}),
      ...(transform?.input ? { input: { ...transform.input, apply: "before model.predict: x' = (x - mean) / std, per input" } } : {}),
      ...(outputNames ? { outputs: outputNames } : {}),
      ...(transform?.output ? { output: { ...transform.output, apply: "after model.predict: y = y' * std + mean, on every output" } } : {}),
    });
  }
  return files;
}

/** The graph's steps as Keras layers and weights; an activation right after a Dense is that Dense's own, as Keras writes it. */
function kerasLayers(graph: InferenceGraph): { layers: KerasLayer[]; weights: Weight[] } {
  const layers: KerasLayer[] = [];
  const weights: Weight[] = [];
  const weight = (layer: string, name: string, shape: number[], values: Float64Array): void => {
    weights.push({ name: `${layer}/${name}`, shape, dtype: "float32", values });
  };
  const activation = (name: string, fn: ActivationName | "softmax"): void => {
    const last = layers.at(-1);
    if (last?.class_name === "Dense" && last.config.activation === "linear") last.config.activation = fn;
    else layers.push({ class_name: "Activation", config: { name, trainable: true, dtype: "float32", activation: fn } });
  };
  for (const step of graph.steps) {
    const common = { name: step.layer, trainable: true, dtype: "float32" };
    if (step.op === "dense") {
      layers.push({ class_name: "Dense", config: { ...common, units: step.units, activation: "linear", use_bias: true } });
      weight(step.layer, "kernel", [step.inputs, step.units], step.W);
      weight(step.layer, "bias", [step.units], step.b);
    } else if (step.op === "batchnorm") {
      layers.push({ class_name: "BatchNormalization", config: { ...common, axis: -1, momentum: step.momentum, epsilon: step.eps, center: true, scale: true } });
      weight(step.layer, "gamma", [step.size], step.gamma);
      weight(step.layer, "beta", [step.size], step.beta);
      weight(step.layer, "moving_mean", [step.size], step.mean);
      weight(step.layer, "moving_variance", [step.size], step.variance);
    } else {
      activation(step.layer, step.fn);
    }
  }
  if (graph.output === "softmax") activation("Softmax", "softmax");
  return { layers, weights };
}

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}
