import { Tensor } from "@backprop/core";
import type { Net } from "../nets/net";
import type { Optimizer, OptimizerSpec } from "../optimizers/optimizer";
import { OPTIMIZERS } from "../optimizers/registry";
import type { BatchSource } from "../training/batch-source";
import type { State } from "../training/state";
import { Trainer, metricsOf, type TrainerConfig } from "../training/trainer";
import { decodeArrayFile, encodeArrayFile, ModelFileError, type FileHeader } from "./array-file";
import { modelContents, netOfFile, type ModelMeta } from "./model";
import { failFor, stateFromJson, stateToJson } from "./state-arrays";

/** A training run as a checkpoint holds it: the net, the optimizer and the trainer, each with its state. */
export interface Checkpoint {
  header: FileHeader;
  net: Net;
  optimizer: Optimizer;
  config: TrainerConfig;
  /** The trainer's state: step, place in the epoch, batch order, generator, history, time. */
  state: State;
  /** Where the training data came from, as the caller of encodeCheckpoint described it. */
  data: unknown;
  training?: Record<string, unknown>;
}

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

/** Reads a checkpoint's bytes (of either version); `name` names the file in errors. */
export function decodeCheckpoint(bytes: Uint8Array, name: string): Checkpoint {
  const where = "loadCheckpoint";
  const fail = failFor(where, name);
  const { header, arrays } = decodeArrayFile(bytes, name, { kind: "checkpoint", where });
  const net = netOfFile(header, arrays, fail);
  const shapes = new Map(header.arrays.map((a) => [a.name, a.shape]));
  const saved = header.checkpoint as Record<string, any> | undefined;
  try {
    if (header.version === 1) {
      // chapter 5's runs: a TwoLayerNet trained by SGD, the trainer's settings in its state
      const { config: v1, iteration, cursor, rng, history, elapsedMs } = saved?.state ?? fail("is a checkpoint without its training state");
      const order = arrays.get("order");
      const config: TrainerConfig = { batchSize: v1.batchSize, iters: v1.iters, sampling: v1.sampling, evalEvery: v1.evalEvery, evalSamples: v1.evalSamples, seed: v1.seed, metrics: ["acc"] };
      const state = { iteration, cursor, order: order ? Tensor.fromData(Float64Array.from(order), [order.length]) : null, rng, history, elapsedMs };
      const optimizer = OPTIMIZERS.fromSpec({ type: "SGD", lr: v1.lr }, undefined);
      return { header, net, optimizer, config, state, data: saved?.data, training: { config: v1 } };
    }
    if (!saved?.trainer?.config || !saved.optimizer?.spec) fail("is a checkpoint without its trainer and optimizer");
    const optimizer = OPTIMIZERS.fromSpec(saved?.optimizer.spec as OptimizerSpec, undefined);
    optimizer.restore(stateFromJson(saved?.optimizer.state, arrays, shapes, fail));
    const state = stateFromJson(saved?.trainer.state, arrays, shapes, fail);
    return { header, net, optimizer, config: saved?.trainer.config as TrainerConfig, state, data: header.data, training: header.training as Record<string, unknown> | undefined };
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    return fail(`has a training state that cannot be restored: ${(error as Error).message}`);
  }
}

/** A trainer that continues a checkpoint's run on `train` and `test`, bit for bit. */
export function resumeTrainer(checkpoint: Checkpoint, train: BatchSource, test: BatchSource): Trainer {
  const { net, optimizer, config, state } = checkpoint;
  const trainer = new Trainer(net, optimizer, train, test, { ...config, metrics: metricsOf(config) });
  trainer.restore(state);
  return trainer;
}
