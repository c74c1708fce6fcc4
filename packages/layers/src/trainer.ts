import { Random, type DType, type RandomState, type Tensor } from "@backprop/core";
import { SGD } from "./optimizers";
import { modelContents } from "./saved-model";
import type { StoredArray } from "./model-file";
import { TwoLayerNet } from "./two-layer-net";
import { classIndices } from "./functions";

/** Where the trainer takes its samples: a data set that makes tensors for the rows asked for. */
export interface BatchSource {
  readonly length: number;
  batch(indices: ArrayLike<number>, dtype?: DType): { x: Tensor; t: Tensor };
  slice(start: number, end: number, dtype?: DType): { x: Tensor; t: Tensor };
}

export interface TrainerConfig {
  hidden: number;
  lr: number;
  batchSize: number;
  weightInitStd: number;
  seed: number;
  /** SGD steps in all. */
  iters: number;
  /** "shuffle": epochs that visit every sample once in a seeded order; "replace": the book's draw with replacement. */
  sampling: "shuffle" | "replace";
  /** Steps between evaluations; the last step is always evaluated, on every sample. */
  evalEvery: number;
  /** How many samples of each set an evaluation reads (the first ones), or null for all. */
  evalSamples: number | null;
  /** The weights' and batches' type; float64 when absent. */
  dtype?: DType;
}

export interface TrainingHistory {
  /** The mini-batch loss of every step. */
  loss: number[];
  /** The step after which each evaluation was made. */
  evalIterations: number[];
  trainAcc: number[];
  testAcc: number[];
}

export interface Evaluation {
  iteration: number;
  /** Steps done, in epochs (may be fractional). */
  epoch: number;
  /** Mean mini-batch loss since the previous evaluation. */
  loss: number;
  trainAcc: number;
  testAcc: number;
  /** True for the last step's evaluation, made on every sample. */
  final: boolean;
}

/** Training stopped because the loss stopped being a finite number. */
export class DivergedError extends Error {
  override name = "DivergedError";
  constructor(readonly iteration: number, readonly loss: number, lr: number) {
    super(`the loss became ${loss} at iteration ${iteration}; training stopped there, try a learning rate smaller than ${lr}`);
  }
}

/** What a checkpoint holds besides the weights: everything needed to continue the run bit for bit. */
export interface TrainerState {
  config: TrainerConfig;
  iteration: number;
  cursor: number;
  rng: RandomState;
  history: TrainingHistory;
  elapsedMs: number;
}

// predicting 10,000 rows at once would hold a (10000, 50) hidden layer and more; 1,000 at a time is plenty
const EVAL_CHUNK = 1000;

/** The net's predicted class and the true class of the first `count` samples of `set`, predicted in chunks. */
export function predictions(net: TwoLayerNet, set: BatchSource, count: number = set.length): { predicted: Int32Array; labels: Int32Array } {
  const n = Math.min(count, set.length);
  const predicted = new Int32Array(n);
  const labels = new Int32Array(n);
  for (let start = 0; start < n; start += EVAL_CHUNK) {
    const end = Math.min(start + EVAL_CHUNK, n);
    const { x, t } = set.slice(start, end, net.params.W1.dtype);
    const y = net.predict(x);
    predicted.set(y.argmax(1).nd.data, start);
    labels.set(classIndices("predictions", t, end - start, y.shape[1]), start);
  }
  return { predicted, labels };
}

/**
 * Mini-batch SGD on a TwoLayerNet, as the book's train_neuralnet.py, one step at a time, with its whole state
 * (weights, batch order, random generator, history) able to be saved and restored.
 */
export class Trainer {
  readonly net: TwoLayerNet;
  readonly optimizer: SGD;
  iteration = 0;
  history: TrainingHistory = { loss: [], evalIterations: [], trainAcc: [], testAcc: [] };
  private rng: Random;
  // this epoch's order of the samples and the next position in it ("shuffle" only)
  private order: Int32Array | null = null;
  private cursor = 0;
  private elapsedBefore = 0;
  // when the current run() began, while one is going
  private started?: number;

  constructor(
    readonly train: BatchSource,
    readonly test: BatchSource,
    readonly config: TrainerConfig,
    readonly inputSize: number,
    readonly outputSize: number,
  ) {
    if (config.batchSize > train.length) {
      throw new RangeError(`Trainer: batchSize must be at most the ${train.length} training samples, got ${config.batchSize}`);
    }
    this.net = new TwoLayerNet(inputSize, config.hidden, outputSize, { weightInitStd: config.weightInitStd, seed: config.seed, dtype: config.dtype });
    this.optimizer = new SGD(config.lr);
    // a stream of its own, so that the batch order does not shift with the network's size
    this.rng = new Random(`${config.seed}/batches`);
  }

  /** Steps in one pass over the training set (the last batch of a shuffled epoch may be smaller). */
  get itersPerEpoch(): number {
    return Math.ceil(this.train.length / this.config.batchSize);
  }

  /** Milliseconds spent training, across resumes. */
  get elapsedMs(): number {
    return this.elapsedBefore + (this.started === undefined ? 0 : performance.now() - this.started);
  }

  /** One SGD step on the next mini-batch; returns its loss. Throws DivergedError, before updating, on NaN or Infinity. */
  step(): number {
    const { x, t } = this.train.batch(this.nextBatch(), this.config.dtype);
    const grads = this.net.gradient(x, t);
    const loss = this.net.lastLayer.loss as number;
    if (!Number.isFinite(loss)) throw new DivergedError(this.iteration + 1, loss, this.config.lr);
    this.optimizer.update(this.net.params, grads);
    this.iteration++;
    this.history.loss.push(loss);
    return loss;
  }

  /** Accuracy on the first `samples` of each set (all of them when null). */
  evaluate(samples: number | null = null): { trainAcc: number; testAcc: number } {
    return { trainAcc: this.accuracy(this.train, samples), testAcc: this.accuracy(this.test, samples) };
  }

  /**
   * Steps until `config.iters`, evaluating every `evalEvery` steps and after the last. Between steps it gives the
   * event loop a turn, so that a signal handler can ask it to stop through `shouldStop`.
   */
  async run(hooks: { onStep?(iteration: number, loss: number): void; onEvaluation?(e: Evaluation): void; shouldStop?(): boolean } = {}): Promise<"done" | "stopped"> {
    this.started = performance.now();
    try {
      while (this.iteration < this.config.iters) {
        if (hooks.shouldStop?.()) return "stopped";
        const loss = this.step();
        hooks.onStep?.(this.iteration, loss);
        const final = this.iteration === this.config.iters;
        if (final || this.iteration % this.config.evalEvery === 0) {
          // recorded in the history whether or not anyone listens
          const evaluation = this.recordEvaluation(final);
          hooks.onEvaluation?.(evaluation);
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      return "done";
    } finally {
      this.elapsedBefore = this.elapsedMs;
      this.started = undefined;
    }
  }

  /** The state to write into a checkpoint, and the arrays: weights, and the epoch's order when shuffling. */
  state(): { state: TrainerState; arrays: Record<string, { shape: number[]; data: StoredArray }> } {
    const { arrays } = modelContents(this.net);
    const all: Record<string, { shape: number[]; data: StoredArray }> = { ...arrays };
    if (this.order) all.order = { shape: [this.order.length], data: this.order };
    const state = { config: this.config, iteration: this.iteration, cursor: this.cursor, rng: this.rng.state(), history: this.history, elapsedMs: this.elapsedMs };
    return { state: structuredClone(state), arrays: all };
  }

  /** A trainer continuing from `state` and the arrays of a checkpoint. */
  static restore(train: BatchSource, test: BatchSource, state: TrainerState, arrays: Map<string, StoredArray>, inputSize: number, outputSize: number): Trainer {
    const trainer = new Trainer(train, test, state.config, inputSize, outputSize);
    for (const [name, p] of Object.entries(trainer.net.params)) {
      const saved = arrays.get(name);
      if (!(saved instanceof Float64Array) || saved.length !== p.size) {
        throw new RangeError(`Trainer.restore: the checkpoint's ${name} must hold ${p.size} float64 values for ${trainer.net}, got ${saved ? `${saved.length} ${saved instanceof Float64Array ? "float64" : "int32"}` : "none"}`);
      }
      // a float32 net's weights were stored as float64, exactly
      p.nd.data.set(saved);
    }
    const order = arrays.get("order");
    if (order && order.length !== train.length) {
      throw new RangeError(`Trainer.restore: the checkpoint's batch order covers ${order.length} samples, but the training set has ${train.length}`);
    }
    if (!order && state.config.sampling === "shuffle" && state.cursor > 0) {
      throw new RangeError("Trainer.restore: the checkpoint is partway through a shuffled epoch but holds no batch order");
    }
    trainer.order = order ? Int32Array.from(order) : null;
    trainer.cursor = state.cursor;
    trainer.rng = new Random(`${state.config.seed}/batches`, state.rng);
    trainer.iteration = state.iteration;
    trainer.history = structuredClone(state.history);
    trainer.elapsedBefore = state.elapsedMs;
    return trainer;
  }

  private nextBatch(): Int32Array {
    const { batchSize } = this.config;
    const n = this.train.length;
    if (this.config.sampling === "replace") return this.rng.choice(n, batchSize);
    if (!this.order || this.cursor >= n) {
      this.order = this.rng.permutation(n);
      this.cursor = 0;
    }
    const batch = this.order.subarray(this.cursor, Math.min(this.cursor + batchSize, n));
    this.cursor += batch.length;
    return batch;
  }

  private recordEvaluation(final: boolean): Evaluation {
    const { trainAcc, testAcc } = this.evaluate(final ? null : this.config.evalSamples);
    const since = this.history.evalIterations.at(-1) ?? 0;
    const recent = this.history.loss.slice(since);
    this.history.evalIterations.push(this.iteration);
    this.history.trainAcc.push(trainAcc);
    this.history.testAcc.push(testAcc);
    const loss = recent.reduce((a, b) => a + b, 0) / recent.length;
    return { iteration: this.iteration, epoch: this.iteration / this.itersPerEpoch, loss, trainAcc, testAcc, final };
  }

  private accuracy(set: BatchSource, samples: number | null): number {
    const { predicted, labels } = predictions(this.net, set, samples ?? set.length);
    return predicted.reduce((correct, p, i) => correct + (p === labels[i] ? 1 : 0), 0) / labels.length;
  }
}
