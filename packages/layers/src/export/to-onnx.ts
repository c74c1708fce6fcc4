import onnxProto from "onnx-proto";
import type { Net } from "../nets/net.js";
import { ExportError } from "./export-error.js";
import { checkOptions, type ExportOptions } from "./export-options.js";
import { float32Bytes } from "./float32-bytes.js";
import { inferenceGraph, type ActivationName } from "./inference-graph.js";

const { onnx } = onnxProto;

/** The operator set the files import: Gemm, BatchNormalization (version 9) and Softmax (version 13, over one axis). */
export const ONNX_OPSET = 13;
/** The IR version of opset 13 (ONNX 1.8). */
const IR_VERSION = 7;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const ACTIVATION_OP: Record<ActivationName, string> = { relu: "Relu", sigmoid: "Sigmoid", tanh: "Tanh" };

/**
 * The net as an ONNX model (opset 13), for inference: input x: (N, inputSize) float32 with N symbolic, output
 * y: (N, outputSize). Each Affine is a Gemm (our W (in, out) is its B), then Relu, Sigmoid or Tanh,
 * BatchNormalization with the running statistics and our eps, and Softmax for a classifier (none for a
 * regressor). Dropout is left out, its factor 1 - ratio folded into the next Gemm's B in float64. The options'
 * input z-score becomes Sub and Div before the first layer, a regressor's un-scaling Mul and Add after the last,
 * and the names go to the model's metadata (`inputs`, `outputs`, as JSON arrays). Initializers are float32,
 * named as the net's parameters (W1, b1, gamma1, ..., runningMean1, runningVar1).
 */
export function toOnnx(net: Net, options: ExportOptions = {}): Uint8Array {
  const where = "toOnnx";
  const graph = inferenceGraph(net, where);
  const { transform, inputNames, outputNames } = checkOptions(where, graph, options);
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const initializers: onnxProto.onnx.ITensorProto[] = [];
  const used = new Set(["x", "y"]);
  const unique = (name: string): string => {
    if (used.has(name)) throw new ExportError(`${where}: the name ${name} is given twice in ${net}, expected each layer and parameter named once (and none x or y)`);
    used.add(name);
    return name;
  };
  const constant = (name: string, dims: number[], values: ArrayLike<number>): string => {
    initializers.push({ name: unique(name), dims, dataType: FLOAT, rawData: float32Bytes(values) });
    return name;
  };
  // each node takes the last node's output and names its own after itself
  let value = "x";
  const node = (opType: string, name: string, inputs: string[] = [], attribute: onnxProto.onnx.IAttributeProto[] = []): void => {
    nodes.push({ opType, name: unique(name), input: [value, ...inputs], output: [name], attribute });
    value = name;
  };

  if (transform?.input) {
    node("Sub", "input_centered", [constant("input_mean", [graph.inputSize], transform.input.mean)]);
    node("Div", "input_standardized", [constant("input_std", [graph.inputSize], transform.input.std)]);
  }
  for (const step of graph.steps) {
    if (step.op === "dense") {
      node("Gemm", step.layer, [constant(step.names.W, [step.inputs, step.units], step.W), constant(step.names.b, [step.units], step.b)]);
    } else if (step.op === "batchnorm") {
      const { names, size } = step;
      const stats = [constant(names.gamma, [size], step.gamma), constant(names.beta, [size], step.beta), constant(names.mean, [size], step.mean), constant(names.variance, [size], step.variance)];
      node("BatchNormalization", step.layer, stats, [{ name: "epsilon", type: onnx.AttributeProto.AttributeType.FLOAT, f: step.eps }]);
    } else {
      node(ACTIVATION_OP[step.fn], step.layer);
    }
  }
  if (graph.output === "softmax") node("Softmax", "Softmax", [], [{ name: "axis", type: onnx.AttributeProto.AttributeType.INT, i: 1 }]);
  if (transform?.output) {
    node("Mul", "output_scaled", [constant("output_std", [], [transform.output.std])]);
    node("Add", "output_shifted", [constant("output_mean", [], [transform.output.mean])]);
  }
  (nodes.at(-1) as onnxProto.onnx.INodeProto).output = ["y"];

  const folded = graph.folded.map((f) => `${f.dropout} is left out, its factor ${f.factor} folded into ${f.into}'s weights`);
  const model: onnxProto.onnx.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: "", version: ONNX_OPSET }],
    producerName: "backprop",
    docString: [`${net}: x (N, ${graph.inputSize}) -> y (N, ${graph.outputSize})${graph.output === "softmax" ? ", softmax probabilities" : ""}`, ...folded].join("; "),
    graph: {
      name: graph.name,
      node: nodes,
      initializer: initializers,
      input: [tensorValue("x", graph.inputSize)],
      output: [tensorValue("y", graph.outputSize)],
    },
    metadataProps: [
      ...(inputNames ? [{ key: "inputs", value: JSON.stringify(inputNames) }] : []),
      ...(outputNames ? [{ key: "outputs", value: JSON.stringify(outputNames) }] : []),
    ],
  };
  // a copy: in Node the writer's buffer can be a slice of a larger pool
  return new Uint8Array(onnx.ModelProto.encode(model).finish());
}

/** A float32 (N, width) graph input or output, N symbolic. */
function tensorValue(name: string, width: number): onnxProto.onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: "N" }, { dimValue: width }] } } } };
}
