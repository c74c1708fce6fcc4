import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { Random, Tensor } from "@backprop/core";
import {
  Adam,
  ModelFileError,
  MultiLayerNetExtend,
  SGD,
  Trainer,
  TwoLayerNet,
  decodeCheckpoint,
  decodeModel,
  encodeArrayFile,
  encodeCheckpoint,
  resumeTrainer,
  type BatchSource,
} from "../../src";
import { loadCheckpoint, saveCheckpoint } from "../../src/node";
import { bitsOf, useTempDir } from "../helpers";

/** 40 rows of 4 features, labels 0..2: enough to take a few steps. */
function rows(): BatchSource {
  const rng = new Random("rows");
  const x = Float64Array.from({ length: 160 }, () => rng.normal());
  const t = Float64Array.from({ length: 40 }, (_, i) => i % 3);
  const pick = (indices: ArrayLike<number>): { x: Tensor; t: Tensor } => {
    const n = indices.length;
    const xs = new Float64Array(n * 4);
    const ts = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      xs.set(x.subarray(indices[i] * 4, indices[i] * 4 + 4), i * 4);
      ts[i] = t[indices[i]];
    }
    return { x: Tensor.fromData(xs, [n, 4]), t: Tensor.fromData(ts, [n]) };
  };
  return { length: 40, batch: pick, slice: (start, end) => pick(Array.from({ length: end - start }, (_, i) => start + i)) };
}

async function adamRun(steps: number): Promise<Trainer> {
  const net = new MultiLayerNetExtend(4, [6], 3, { useBatchnorm: true, useDropout: true, dropoutRatio: 0.25, seed: 1 });
  const trainer = new Trainer(net, new Adam(0.01), rows(), rows(), { batchSize: 8, iters: 30, evalEvery: 10, seed: 2 });
  await trainer.run({ shouldStop: () => trainer.iteration >= steps });
  return trainer;
}

/** The ModelFileError that decoding `bytes` as a checkpoint throws. */
function decodeError(bytes: Uint8Array): ModelFileError {
  try {
    decodeCheckpoint(bytes, "bad.ckpt");
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    return error as ModelFileError;
  }
  throw new Error("decodeCheckpoint did not throw");
}

describe("checkpoints", () => {
  const dir = useTempDir("checkpoint");

  test("hold the model, the trainer's config and state, and the optimizer's spec and state, tensors as arrays", async () => {
    const trainer = await adamRun(13);
    const path = join(dir(), "run.ckpt");
    saveCheckpoint(trainer, path, { data: { source: "rows" }, training: { note: 1 } });
    const checkpoint = loadCheckpoint(path);
    const { header } = checkpoint;
    expect(header.kind).toBe("checkpoint");
    expect(header.version).toBe(2);
    const saved = header.checkpoint as { trainer: { config: unknown; state: Record<string, unknown> }; optimizer: { spec: unknown; state: Record<string, unknown> } };
    expect(saved.trainer.config).toEqual({ batchSize: 8, iters: 30, sampling: "shuffle", evalEvery: 10, evalSamples: null, seed: 2, metrics: ["acc"] });
    expect(saved.trainer.state.order).toEqual({ $array: "trainer/order" });
    expect(saved.trainer.state.iteration).toBe(13);
    expect(saved.optimizer.spec).toEqual({ type: "Adam", lr: 0.01, beta1: 0.9, beta2: 0.999 });
    expect(saved.optimizer.state.iter).toBe(13);
    expect((saved.optimizer.state.m as Record<string, unknown>).gamma1).toEqual({ $array: "optimizer/m/gamma1" });
    expect(header.arrays.map((a) => a.name)).toEqual(expect.arrayContaining(["W1", "state/layers/BatchNorm1/runningMean", "optimizer/m/W1", "optimizer/v/b2", "trainer/order"]));
    expect(checkpoint.data).toEqual({ source: "rows" });
    expect(checkpoint.training).toEqual({ note: 1 });
    expect(String(checkpoint.optimizer)).toBe("Adam(lr 0.01, beta1 0.9, beta2 0.999)");
    // the optimizer's moments come back exactly
    const before = trainer.optimizer.state() as { m: Record<string, Tensor> };
    const after = checkpoint.optimizer.state() as { m: Record<string, Tensor> };
    for (const name of Object.keys(before.m)) expect(bitsOf(after.m[name]), name).toEqual(bitsOf(before.m[name]));
    // and a checkpoint is a model too
    expect(bitsOf(decodeModel(encodeCheckpoint(trainer), "run.ckpt").net.params.W2)).toEqual(bitsOf(trainer.net.params.W2));
  });

  test("a run resumed from one ends as the uninterrupted run, bit for bit", async () => {
    const whole = await adamRun(30);
    const first = await adamRun(13);
    const second = resumeTrainer(decodeCheckpoint(encodeCheckpoint(first), "run.ckpt"), rows(), rows());
    await second.run();
    for (const name of Object.keys(whole.net.params)) expect(bitsOf(second.net.params[name]), name).toEqual(bitsOf(whole.net.params[name]));
    expect(second.history).toEqual(whole.history);
  });

  test("refuse a model file, and a checkpoint without its trainer and optimizer", async () => {
    const trainer = await adamRun(3);
    const bytes = Buffer.from(encodeCheckpoint(trainer));
    bytes.write('"kind":"model"     ', bytes.indexOf('"kind":"checkpoint"'));
    expect(decodeError(bytes).message).toMatch(/^loadCheckpoint: bad\.ckpt is a model file, expected a checkpoint file$/);
    const net = new TwoLayerNet(4, 3, 3);
    const bare = encodeArrayFile("checkpoint", { architecture: net.spec(), dtype: "float64", state: { rng: new Random(0).state(), layers: {} } }, Object.fromEntries(Object.entries(net.params).map(([k, p]) => [k, { shape: p.shape, data: p.contiguousData() }])));
    expect(decodeError(bare).message).toMatch(/^loadCheckpoint: bad\.ckpt is a checkpoint without its trainer and optimizer$/);
  });

  test("refuse an optimizer state that cannot be restored, naming the file", async () => {
    const trainer = await adamRun(3);
    const state = trainer.optimizer.state() as Record<string, unknown>;
    trainer.optimizer.state = () => ({ ...state, iter: -3 }) as never;
    const bytes = encodeCheckpoint(trainer);
    expect(decodeError(bytes).message).toMatch(/^loadCheckpoint: bad\.ckpt has a training state that cannot be restored: Adam\.restore: iter must be a non-negative integer, got -3$/);
  });

  test("of version 1 (chapter 5's TwoLayerNet with SGD) read as a TwoLayerNet, SGD and the trainer's config and state", () => {
    // the header version 1 wrote, as in a file of that version, with a 3-step history
    const net = new TwoLayerNet(4, 3, 3, { seed: 1 });
    const config = { hidden: 3, lr: 0.1, batchSize: 8, weightInitStd: 0.01, seed: 3, iters: 30, sampling: "shuffle", evalEvery: 10, evalSamples: 20, dtype: "float64" };
    const state = { config, iteration: 3, cursor: 24, rng: new Random("3/batches").state(), history: { loss: [1.1, 1.0, 0.9], evalIterations: [], trainAcc: [], testAcc: [] }, elapsedMs: 5 };
    const arrays: Record<string, { shape: number[]; data: Float64Array | Int32Array }> = {};
    for (const [k, p] of Object.entries(net.params)) arrays[k] = { shape: [...p.shape], data: Float64Array.from(p.contiguousData()) };
    arrays.order = { shape: [40], data: Int32Array.from({ length: 40 }, (_, i) => 39 - i) };
    const header = { architecture: { name: "TwoLayerNet", inputSize: 4, hiddenSize: 3, outputSize: 3 }, dtype: "float64", checkpoint: { state, data: { source: "rows" } } };
    const bytes = Buffer.from(encodeArrayFile("checkpoint", header, arrays));
    bytes.write('"version":1', bytes.indexOf('"version":2'));
    const checkpoint = decodeCheckpoint(bytes, "v1.ckpt");
    expect(checkpoint.optimizer).toBeInstanceOf(SGD);
    expect((checkpoint.optimizer as SGD).lr).toBe(0.1);
    expect(checkpoint.config).toEqual({ batchSize: 8, iters: 30, sampling: "shuffle", evalEvery: 10, evalSamples: 20, seed: 3, metrics: ["acc"] });
    expect(checkpoint.data).toEqual({ source: "rows" });
    expect(checkpoint.training).toEqual({ config });
    expect(bitsOf(checkpoint.net.params.W1)).toEqual(bitsOf(net.params.W1));
    const trainer = resumeTrainer(checkpoint, rows(), rows());
    expect(trainer.iteration).toBe(3);
    expect(trainer.history.loss).toEqual([1.1, 1.0, 0.9]);
    expect((trainer.state() as { order: Tensor }).order.toArray()).toEqual(Array.from({ length: 40 }, (_, i) => 39 - i));
  });
});
