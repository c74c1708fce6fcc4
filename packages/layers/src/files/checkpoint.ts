import { Tensor, formatShape } from "@backprop/core";
import { describeValue } from "../layers/layer.js";
import type { Net } from "../nets/net.js";
import type { Optimizer, OptimizerSpec } from "../optimizers/optimizer.js";
import { OPTIMIZERS } from "../optimizers/registry.js";
import type { BatchSource } from "../training/batch-source.js";
import { metricOf, type MetricSpec } from "../training/metrics.js";
import { checkLayerHistory } from "../training/layer-history.js";
import { isRecord, type State } from "../training/state.js";
import { MAX_COUNT, MIN_IMPROVEMENT, Trainer, metricsOf, type TrainerConfig } from "../training/trainer.js";
import { decodeArrayFile, encodeArrayFile, type FileHeader } from "./array-file.js";
import { modelContents, netOfFile, type ModelMeta } from "./model.js";
import { failFor, stateFromJson, stateToJson } from "./state-arrays.js";

/** A training run as a checkpoint holds it: the net, the optimizer and the trainer, each with its state. */
export interface Checkpoint {
  header: FileHeader;
  net: Net;
  optimizer: Optimizer;
  config: TrainerConfig;
  /** The trainer's state: step, place in the epoch, batch order, generator, history, layer history, time. */
  state: State;
  /** Where the training data came from, as the caller of encodeCheckpoint described it. */
  data: unknown;
  training?: Record<string, unknown>;
}

type Fail = (what: string) => never;
type JsonRecord = Record<string, unknown>;

/**
 * The bytes of a checkpoint of `trainer`: a model file of its net (state included) with, under `checkpoint`, the
 * trainer's config and state and the optimizer's spec and state, their tensors stored as arrays.
 */
export function encodeCheckpoint(trainer: Trainer, meta: ModelMeta = {}): Uint8Array {
  const { header, arrays } = modelContents(trainer.net);
  const checkpoint = {
    trainer: { config: trainer.config, state: stateToJson(trainer.state(), "trainer", arrays) },
    optimizer: { spec: trainer.optimizer.spec(), state: stateToJson(trainer.optimizer.state(), "optimizer", arrays) },
  };
  return encodeArrayFile("checkpoint", { ...header, ...meta, checkpoint }, arrays);
}

/**
 * Reads a checkpoint's bytes (of any version); `name` names the file in errors. The net is checked as loadModel
 * checks it; the trainer's config field by field, as the Trainer takes it; the optimizer's spec as its constructor
 * checks it, its state's slots against the net's parameters; the trainer's state for each field and its JSON type,
 * its layer history (which checkpoints before it do not hold) in full against the net (Trainer.restore checks the
 * state against the training set).
 */
export function decodeCheckpoint(bytes: Uint8Array, name: string): Checkpoint {
  const where = "loadCheckpoint";
  const fail = failFor(where, name);
  const { header, arrays } = decodeArrayFile(bytes, name, { kind: "checkpoint", where });
  const net = netOfFile(header, arrays, fail);
  const shapes = new Map(header.arrays.map((a) => [a.name, a.shape]));
  const saved = header.checkpoint as Record<string, any> | undefined;
  if (header.version === 1) {
    // chapter 5's runs: a TwoLayerNet trained by SGD, the trainer's settings in its state
    const { config: v1, iteration, cursor, rng, history, elapsedMs } = saved?.state ?? fail("is a checkpoint without its training state");
    if (!isRecord(v1)) fail("is a checkpoint without its trainer config");
    const settings = ["batchSize", "iters", "sampling", "evalEvery", "evalSamples", "seed"].filter((key) => Object.hasOwn(v1, key));
    const config = checkConfig({ ...Object.fromEntries(settings.map((key) => [key, v1[key]])), metrics: ["acc"] }, fail);
    const order = arrays.get("order");
    const state = checkTrainerState({ iteration, cursor, order: order ? Tensor.fromData(Float64Array.from(order), [order.length]) : null, rng, history, elapsedMs }, net, fail);
    const optimizer = optimizerOf({ type: "SGD", lr: v1.lr }, fail);
    return { header, net, optimizer, config, state, data: saved?.data, training: { config: v1 } };
  }
  if (!isRecord(saved?.trainer?.config) || !isRecord(saved.optimizer?.spec)) fail("is a checkpoint without its trainer and optimizer");
  if (saved?.trainer.state === undefined || saved.optimizer.state === undefined) fail("is a checkpoint without the state of its trainer and optimizer");
  const config = checkConfig(saved?.trainer.config, fail);
  const optimizer = optimizerOf(saved?.optimizer.spec, fail);
  const optimizerState = stateFromJson(saved?.optimizer.state, arrays, shapes, fail);
  try {
    optimizer.restore(optimizerState);
  } catch (error) {
    return fail(`has a training state that cannot be restored: ${(error as Error).message}`);
  }
  checkSlots(optimizerState, net, fail);
  const state = checkTrainerState(stateFromJson(saved?.trainer.state, arrays, shapes, fail), net, fail);
  return { header, net, optimizer, config, state, data: header.data, training: header.training as Record<string, unknown> | undefined };
}

/** A trainer that continues a checkpoint's run on `train` and `test` (and the run's `validation` set, if it had one), bit for bit. */
export function resumeTrainer(checkpoint: Checkpoint, train: BatchSource, test: BatchSource, validation?: BatchSource): Trainer {
  const { net, optimizer, config, state } = checkpoint;
  const trainer = new Trainer(net, optimizer, train, test, { ...config, metrics: metricsOf(config), validation });
  trainer.restore(state);
  return trainer;
}

const isCount = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_COUNT;
const isIndex = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
const isListOf = (v: unknown, ok: (x: unknown) => boolean): boolean => Array.isArray(v) && v.every(ok);

/** A checker of `record`'s fields, each present and passing its test, or a failure naming `what` and the field. */
function fieldsOf(record: JsonRecord, what: string, fail: Fail): (key: string, ok: (v: unknown) => boolean, expected: string) => void {
  return (key, ok, expected) => {
    if (!Object.hasOwn(record, key)) fail(`has a ${what} without ${key}`);
    if (!ok(record[key])) fail(`has ${what} ${key} ${describeValue(record[key])}, expected ${expected}`);
  };
}

/** The trainer config of a checkpoint, every field checked as the Trainer takes it. */
function checkConfig(config: JsonRecord, fail: Fail): TrainerConfig {
  const field = fieldsOf(config, "trainer config", fail);
  for (const key of ["batchSize", "iters", "evalEvery"]) field(key, isCount, `an integer from 1 to ${MAX_COUNT}`);
  field("sampling", (v) => v === "shuffle" || v === "replace", '"shuffle" or "replace"');
  field("evalSamples", (v) => v === null || isCount(v), `null or an integer from 1 to ${MAX_COUNT}`);
  field("seed", (v) => typeof v === "string" || Number.isInteger(v), "an integer or a string");
  field("metrics", (v) => isListOf(v, (m) => typeof m === "string" || (isRecord(m) && typeof m.name === "string")), "a list of metric names or { name, scale }");
  const metrics = config.metrics as MetricSpec[];
  for (const spec of metrics) {
    try {
      metricOf(spec);
    } catch (error) {
      fail(`has trainer config metrics ${JSON.stringify(metrics)}, which it cannot evaluate: ${(error as Error).message}`);
    }
  }
  // a checkpoint written before the plateau rule has neither: no such stop
  const { patience = null, minImprovement = MIN_IMPROVEMENT } = config as Partial<TrainerConfig>;
  if (patience !== null && !isCount(patience)) fail(`has trainer config patience ${describeValue(patience)}, expected null or an integer from 1 to ${MAX_COUNT}`);
  if (!(typeof minImprovement === "number" && minImprovement >= 0 && minImprovement < 1)) fail(`has trainer config minImprovement ${describeValue(minImprovement)}, expected a fraction in [0, 1)`);
  const { batchSize, iters, sampling, evalEvery, evalSamples, seed } = config as unknown as TrainerConfig;
  return { batchSize, iters, sampling, evalEvery, evalSamples, seed, metrics, patience, minImprovement };
}

/** The optimizer of a spec, checked as its constructor checks its settings. */
function optimizerOf(spec: OptimizerSpec, fail: Fail): Optimizer {
  try {
    return OPTIMIZERS.fromSpec(spec, undefined);
  } catch (error) {
    return fail(`has an optimizer that cannot be built: ${(error as Error).message}`);
  }
}

/**
 * Throws unless each record of tensors in an optimizer's state (its slots by parameter name: Momentum's v, Adam's m
 * and v) holds one tensor of each parameter's shape and no other: restore() cannot know the parameters, and a slot
 * that does not fit would stop the resumed run only at its first update.
 */
function checkSlots(state: State, net: Net, fail: Fail): void {
  if (!isRecord(state)) return;
  for (const [key, slots] of Object.entries(state)) {
    if (!isRecord(slots) || !Object.values(slots).every((s) => s instanceof Tensor)) continue;
    for (const [param, p] of Object.entries(net.params)) {
      const s = slots[param] as Tensor | undefined;
      if (!s) fail(`has an optimizer state without ${key}/${param}, expected a tensor of shape ${formatShape(p.shape)} for parameter ${param}`);
      if (s.ndim !== p.ndim || s.shape.some((n, d) => n !== p.shape[d])) {
        fail(`has optimizer state ${key}/${param} of shape ${formatShape(s.shape)}, expected ${formatShape(p.shape)} to match the parameter`);
      }
    }
    const extra = Object.keys(slots).find((param) => !Object.hasOwn(net.params, param));
    if (extra !== undefined) fail(`has optimizer state ${key}/${extra}, but ${net} has no parameter ${extra}`);
  }
}

/**
 * A trainer's state with each field present and of its JSON type, and its layerHistory, when it has one, aligned with
 * the history and naming the parameters and layers of `net`; Trainer.restore checks it against the training set.
 */
function checkTrainerState(state: State, net: Net, fail: Fail): State {
  if (!isRecord(state)) fail(`has trainer state ${describeValue(state)}, expected { iteration, cursor, order, rng, history, elapsedMs }`);
  const record = state as JsonRecord;
  const field = fieldsOf(record, "trainer state", fail);
  field("iteration", isIndex, "a non-negative integer");
  field("cursor", isIndex, "a non-negative integer");
  field("order", (v) => v === null || (v instanceof Tensor && v.ndim === 1), "null or a 1-D array of sample indices");
  field("rng", (v) => isRecord(v) && isRecord(v.prng) && (v.spare === null || typeof v.spare === "number"), "the batch generator's state { prng, spare }");
  field("history", isHistory, "{ loss, evalIterations, ... }, each a list of numbers");
  field("elapsedMs", (v) => typeof v === "number" && v >= 0, "a non-negative number");
  if (Object.hasOwn(record, "layerHistory")) {
    const expected = { evalIterations: (record.history as { evalIterations: number[] }).evalIterations, params: Object.keys(net.params), layers: [...net.layers.keys()] };
    checkLayerHistory(record.layerHistory, "layerHistory", expected, (what) => fail(`has trainer state ${what}`));
  }
  return state;
}

/** The loss of every step, the evaluations' steps, and each metric's values at them: lists of numbers by name. */
function isHistory(v: unknown): boolean {
  return isRecord(v) && Object.hasOwn(v, "loss") && Object.hasOwn(v, "evalIterations") && Object.values(v).every((values) => isListOf(values, (x) => typeof x === "number"));
}
