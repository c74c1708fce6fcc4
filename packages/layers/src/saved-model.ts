import { basename } from "node:path";
import { Tensor, formatShape, type DType } from "@backprop/core";
import { ModelFileError, readArrayFile, writeArrayFile, type FileHeader, type StoredArray } from "./model-file";
import { TwoLayerNet } from "./two-layer-net";

/** What a model file says of its network, beside the weights. */
export interface ModelHeader extends FileHeader {
  architecture: { name: "TwoLayerNet"; inputSize: number; hiddenSize: number; outputSize: number };
  /** The weights' type in the network; the file stores them as float64, which holds float32 values exactly. */
  dtype: DType;
  /** The training run's settings and results, as the trainer wrote them. */
  training?: Record<string, unknown>;
}

/** The header fields and arrays of `net`, for a model file or a checkpoint. */
export function modelContents(net: TwoLayerNet): { header: Omit<ModelHeader, "format" | "version" | "kind" | "arrays">; arrays: Record<string, { shape: number[]; data: Float64Array }> } {
  const { W1, W2 } = net.params;
  const arrays: Record<string, { shape: number[]; data: Float64Array }> = {};
  for (const [name, p] of Object.entries(net.params)) arrays[name] = { shape: [...p.shape], data: p.astype("float64").nd.data as Float64Array };
  return {
    header: { architecture: { name: "TwoLayerNet", inputSize: W1.shape[0], hiddenSize: W1.shape[1], outputSize: W2.shape[1] }, dtype: W1.dtype },
    arrays,
  };
}

/** Writes `net` to `path` (atomically) in backprop's model format, with `training` recorded in the header. */
export function saveModel(net: TwoLayerNet, path: string, training: Record<string, unknown> = {}): void {
  const { header, arrays } = modelContents(net);
  writeArrayFile(path, "model", { ...header, training }, arrays);
}

/**
 * Reads a model (or a checkpoint, which holds one) and rebuilds its TwoLayerNet, checking the architecture and
 * every weight's shape. Fails with a ModelFileError that names the file and what is wrong.
 */
export function loadModel(path: string): { net: TwoLayerNet; header: ModelHeader; arrays: Map<string, StoredArray> } {
  const { header, arrays } = readArrayFile(path);
  const name = basename(path);
  const fail = (what: string): never => {
    throw new ModelFileError(`loadModel: ${name} ${what}`);
  };
  if (header.kind !== "model" && header.kind !== "checkpoint") fail(`is a ${header.kind} file, expected a model or a checkpoint`);
  const arch = (header as Partial<ModelHeader>).architecture;
  if (arch?.name !== "TwoLayerNet") fail(`holds architecture ${JSON.stringify(arch?.name)}, expected "TwoLayerNet"`);
  const { inputSize, hiddenSize, outputSize } = arch as ModelHeader["architecture"];
  if (![inputSize, hiddenSize, outputSize].every((n) => Number.isInteger(n) && n > 0)) fail(`has sizes ${JSON.stringify(arch)}, expected positive integers`);
  const expected: Record<string, number[]> = { W1: [inputSize, hiddenSize], b1: [hiddenSize], W2: [hiddenSize, outputSize], b2: [outputSize] };
  for (const [param, shape] of Object.entries(expected)) {
    const entry = header.arrays.find((a) => a.name === param);
    if (!entry || !arrays.has(param)) return fail(`has no ${param}, expected one of shape ${formatShape(shape)}`);
    if (entry.dtype !== "float64") fail(`has ${param} as ${entry.dtype}, expected float64`);
    if (entry.shape.length !== shape.length || entry.shape.some((n, d) => n !== shape[d])) {
      fail(`has ${param} of shape ${formatShape(entry.shape)}, expected ${formatShape(shape)} for TwoLayerNet(${inputSize} -> ${hiddenSize} -> ${outputSize})`);
    }
  }
  // files from before dtype was recorded hold float64 nets
  const dtype = (header as Partial<ModelHeader>).dtype ?? "float64";
  if (dtype !== "float64" && dtype !== "float32") fail(`has dtype ${JSON.stringify(dtype)}, expected "float64" or "float32"`);
  // built only once every weight is known to fit, so that the sizes of a corrupt header allocate nothing
  const net = new TwoLayerNet(inputSize, hiddenSize, outputSize, { dtype });
  for (const [param, shape] of Object.entries(expected)) net.params[param].assign(Tensor.fromData(arrays.get(param) as Float64Array, shape));
  return { net, header: header as ModelHeader, arrays };
}
