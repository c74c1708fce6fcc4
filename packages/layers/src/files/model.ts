import { Tensor, formatShape, sizeOf, type DType } from "@backprop/core";
import { Net, buildContext, type NetSpec } from "../nets/net.js";
import { TwoLayerNet } from "../nets/two-layer-net.js";
import { ModelFileError, decodeArrayFile, encodeArrayFile, type FileHeader, type StoredArray } from "./array-file.js";
import { arrayRefs, failFor, stateFromJson, stateToJson, type StoredArrays } from "./state-arrays.js";

const PARAM_SLACK = 1e6;

/** What a model file says of its net, beside the arrays (versions 2 and 3). */
export interface ModelHeader extends FileHeader {
  /** The net's layers in order with their types, options and parameter names, and its loss. */
  architecture: NetSpec;
  /** The net's dtype; each array is stored in its own dtype. */
  dtype: DType;
  /** The net's state (its generator, BatchNorm's running statistics), tensors as { $array } references. */
  state: unknown;
  /** Where the training data came from, as the trainer's caller described it. */
  data?: unknown;
  /** The training run's settings and results, as the trainer's caller wrote them. */
  training?: Record<string, unknown>;
}

/** What a caller may add to a model file: the data source and the training record. */
export interface ModelMeta {
  data?: unknown;
  training?: Record<string, unknown>;
}

/** The header fields and arrays of `net`: its spec, parameters by name, and its state's tensors under state/. */
export function modelContents(net: Net): { header: Record<string, unknown>; arrays: StoredArrays } {
  const arrays: StoredArrays = {};
  for (const [name, p] of Object.entries(net.params)) arrays[name] = { shape: p.shape, data: p.copy().contiguousData() };
  const state = stateToJson(net.state(), "state", arrays);
  return { header: { architecture: net.spec(), dtype: net.dtype, state }, arrays };
}

/** The bytes of a model file of `net`, as saveModel writes them: works anywhere, a page included. */
export function serializeModel(net: Net, meta: ModelMeta = {}): Uint8Array {
  const { header, arrays } = modelContents(net);
  return encodeArrayFile("model", { ...header, ...meta }, arrays);
}

/**
 * Rebuilds the net of a model file's (or a checkpoint's) bytes, from any version, checking the architecture and
 * every parameter's shape and values. Fails with a ModelFileError that names the file (`name`) and what is wrong.
 */
export function deserializeModel(bytes: Uint8Array, name = "model bytes", where = "deserializeModel"): { net: Net; header: ModelHeader; arrays: Map<string, StoredArray> } {
  const { header, arrays } = decodeArrayFile(bytes, name, { where });
  const fail = failFor(where, name);
  if (header.kind !== "model" && header.kind !== "checkpoint") fail(`is a ${header.kind} file, expected a model or a checkpoint`);
  return { net: netOfFile(header, arrays, fail), header: header as ModelHeader, arrays };
}

/** The net that a decoded model or checkpoint file holds, of any version: loadModel and loadCheckpoint both build it here. */
export function netOfFile(header: FileHeader, arrays: Map<string, StoredArray>, fail: (what: string) => never): Net {
  return header.version === 1 ? twoLayerNetV1(header, arrays, fail) : netOf(header, arrays, fail);
}

/** The net of a version 2 or 3 header and its arrays. */
function netOf(header: FileHeader, arrays: Map<string, StoredArray>, fail: (what: string) => never): Net {
  const spec = header.architecture as NetSpec | undefined;
  if (typeof spec?.name !== "string" || !Array.isArray(spec.layers) || typeof spec.loss?.type !== "string") {
    fail(`has architecture ${JSON.stringify(spec)}, expected { name, layers: [...], loss }`);
  }
  const dtype = header.dtype as DType;
  if (dtype !== "float64" && dtype !== "float32") fail(`has dtype ${JSON.stringify(dtype)}, expected "float64" or "float32"`);
  const shapes = new Map(header.arrays.map((a) => [a.name, a.shape]));
  // every parameter comes from the file: a build that would allocate far more than it holds (twice, and a million
  // elements of slack, so that a smaller mistake still gets its precise message below) is a corrupt header. A
  // checkpoint's optimizer and trainer arrays do not count, so that a net is built from a checkpoint exactly when
  // it would be from a model file of its own
  const others = new Set(arrayRefs(header.checkpoint));
  let budget = 2 * header.arrays.reduce((n, a) => n + (others.has(a.name) ? 0 : sizeOf(a.shape)), 0) + PARAM_SLACK;
  const fresh = buildContext(dtype);
  const context = {
    ...fresh,
    param: (shape: readonly number[], value?: number): Tensor => {
      budget -= sizeOf(shape);
      if (!(budget >= 0)) fail("has an architecture whose parameters outgrow the arrays it holds");
      return fresh.param(shape, value);
    },
  };
  let net: Net;
  try {
    net = Net.fromSpec(spec, context);
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    return fail(`has an architecture that cannot be built: ${(error as Error).message}`);
  }
  for (const [param, p] of Object.entries(net.params)) {
    const data = arrays.get(param);
    const shape = shapes.get(param);
    if (!data || !shape) return fail(`has no ${param}, expected one of shape ${formatShape(p.shape)}`);
    if (data instanceof Int32Array) fail(`has ${param} as int32, expected float64 or float32`);
    if (shape.length !== p.ndim || shape.some((n, d) => n !== p.shape[d])) fail(`has ${param} of shape ${formatShape(shape)}, expected ${formatShape(p.shape)} for ${net}`);
    checkFinite(param, data, fail);
    p.assign(Tensor.fromData(data as Float64Array | Float32Array, shape));
  }
  try {
    net.restore(stateFromJson(header.state, arrays, shapes, fail));
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    return fail(`has a net state that does not fit ${net}: ${(error as Error).message}`);
  }
  return net;
}

/** Chapter 5's files (version 1): a TwoLayerNet's sizes, dtype, and W1 b1 W2 b2 in float64. */
function twoLayerNetV1(header: FileHeader, arrays: Map<string, StoredArray>, fail: (what: string) => never): Net {
  const arch = header.architecture as { name?: string; inputSize: number; hiddenSize: number; outputSize: number } | undefined;
  if (arch?.name !== "TwoLayerNet") fail(`holds architecture ${JSON.stringify(arch?.name)}, expected "TwoLayerNet"`);
  const { inputSize, hiddenSize, outputSize } = arch as NonNullable<typeof arch>;
  if (![inputSize, hiddenSize, outputSize].every((n) => Number.isInteger(n) && n > 0)) fail(`has sizes ${JSON.stringify(arch)}, expected positive integers`);
  const expected: Record<string, number[]> = { W1: [inputSize, hiddenSize], b1: [hiddenSize], W2: [hiddenSize, outputSize], b2: [outputSize] };
  for (const [param, shape] of Object.entries(expected)) {
    const entry = header.arrays.find((a) => a.name === param);
    if (!entry || !arrays.has(param)) return fail(`has no ${param}, expected one of shape ${formatShape(shape)}`);
    if (entry.dtype !== "float64") fail(`has ${param} as ${entry.dtype}, expected float64`);
    if (entry.shape.length !== shape.length || entry.shape.some((n, d) => n !== shape[d])) {
      fail(`has ${param} of shape ${formatShape(entry.shape)}, expected ${formatShape(shape)} for TwoLayerNet(${inputSize} -> ${hiddenSize} -> ${outputSize})`);
    }
    checkFinite(param, arrays.get(param) as StoredArray, fail);
  }
  // files from before dtype was recorded hold float64 nets
  const dtype = (header.dtype as DType | undefined) ?? "float64";
  if (dtype !== "float64" && dtype !== "float32") fail(`has dtype ${JSON.stringify(dtype)}, expected "float64" or "float32"`);
  // built only once every weight is known to fit, so that the sizes of a corrupt header allocate nothing
  const net = new TwoLayerNet(inputSize, hiddenSize, outputSize, { dtype });
  for (const [param, shape] of Object.entries(expected)) net.params[param].assign(Tensor.fromData(arrays.get(param) as Float64Array, shape));
  return net;
}

/** Throws unless every value of parameter `param` is a finite number, naming the first that is not. */
function checkFinite(param: string, data: StoredArray, fail: (what: string) => never): void {
  const i = data.findIndex((v) => !Number.isFinite(v));
  if (i >= 0) fail(`has ${param} with a non-finite value (${data[i]} at index ${i})`);
}
