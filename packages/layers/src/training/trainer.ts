import { Random, Tensor } from "@backprop/core";
import type { Net } from "../nets/net";
import type { Optimizer } from "../optimizers/optimizer";
import { evaluateMetrics, type BatchSource } from "./batch-source";
import { accuracy, metricKey, metricOf, metricSpec, type Metric, type MetricSpec } from "./metrics";
import { asRandomState, randomState, type State } from "./state";

/** How a trainer runs, as a checkpoint records it. */
export interface TrainerConfig {
  batchSize: number;
  /** Steps in all. */
  iters: number;
  /** "shuffle": epochs that visit every sample once in a seeded order; "replace": the book's draw with replacement. */
  sampling: "shuffle" | "replace";
  /** Steps between evaluations; the last step is always evaluated, on every sample. */
  evalEvery: number;
  /** How many samples of each set an evaluation reads (the first ones), or null for all. */
  evalSamples: number | null;
  /** Seed of the batches, drawn from a stream of their own, `${seed}/batches`. */
  seed: number | string;
  /** The metrics evaluated (see METRICS), by name or { name, scale }; the first is the one reported first. */
  metrics: MetricSpec[];
}

export type TrainerOptions = Pick<TrainerConfig, "batchSize" | "iters"> & Partial<Omit<TrainerConfig, "metrics">> & { metrics?: Metric[] };

/** The loss of every step, and each metric on each set at every evaluation (trainAcc, testAcc, ...). */
export type TrainingHistory = { loss: number[]; evalIterations: number[] } & Record<string, number[]>;

export interface Evaluation {
  iteration: number;
  /** Steps done, in epochs (may be fractional). */
  epoch: number;
  /** Mean mini-batch loss since the previous evaluation. */
  loss: number;
  /** Each metric on each set, by history key: { trainAcc, testAcc }. */
  values: Record<string, number>;
  /** True for the last step's evaluation, made on every sample. */
  final: boolean;
}

/** Training stopped because the loss stopped being a finite number. */
export class DivergedError extends Error {
  override name = "DivergedError";
  constructor(
    readonly iteration: number,
    readonly loss: number,
    hint: string,
  ) {
    super(`the loss became ${loss} at iteration ${iteration}; training stopped there${hint}`);
  }
}

// between steps a run gives the event loop a turn, so that a signal handler can ask it to stop
const nextTurn = (): Promise<void> => new Promise((resolve) => (typeof setImmediate === "function" ? setImmediate(resolve) : setTimeout(resolve, 0)));

/**
 * Mini-batch training of a net by an optimizer, as the book's Trainer and train_neuralnet.py: seeded batches
 * (shuffled epochs or draws with replacement), evaluations on a schedule, a stop at the first loss that is not
 * finite, and a state that a checkpoint keeps, from which a run continues bit for bit.
 */
export class Trainer {
  readonly config: TrainerConfig;
  readonly metrics: Metric[];
  iteration = 0;
  history: TrainingHistory;
  private readonly rng: Random;
  // this epoch's order of the samples and the next position in it ("shuffle" only)
  private order: Int32Array | null = null;
  private cursor = 0;
  private elapsedBefore = 0;
  // when the current run() began, while one is going
  private started?: number;

  constructor(
    readonly net: Net,
    readonly optimizer: Optimizer,
    readonly train: BatchSource,
    readonly test: BatchSource,
    options: TrainerOptions,
  ) {
    const metrics = options.metrics ?? [accuracy];
    this.config = {
      batchSize: options.batchSize,
      iters: options.iters,
      sampling: options.sampling ?? "shuffle",
      evalEvery: options.evalEvery ?? Math.ceil(train.length / options.batchSize),
      evalSamples: options.evalSamples ?? null,
      seed: options.seed ?? 0,
      metrics: metrics.map(metricSpec),
    };
    for (const [name, n] of Object.entries({ batchSize: this.config.batchSize, iters: this.config.iters, evalEvery: this.config.evalEvery })) {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`Trainer: ${name} must be a positive integer, got ${n}`);
    }
    if (this.config.batchSize > train.length) {
      throw new RangeError(`Trainer: batchSize must be at most the ${train.length} training samples, got ${this.config.batchSize}`);
    }
    this.metrics = metrics;
    this.history = { loss: [], evalIterations: [], ...Object.fromEntries(this.historyKeys().map((k) => [k, []])) } as TrainingHistory;
    this.rng = new Random(`${this.config.seed}/batches`);
  }

  /** Steps in one pass over the training set (the last batch of a shuffled epoch may be smaller). */
  get itersPerEpoch(): number {
    return Math.ceil(this.train.length / this.config.batchSize);
  }

  /** Milliseconds spent training, across resumes. */
  get elapsedMs(): number {
    return this.elapsedBefore + (this.started === undefined ? 0 : performance.now() - this.started);
  }

  /** One step on the next mini-batch; returns its loss. Throws DivergedError, before updating, on NaN or Infinity. */
  step(): number {
    const { x, t } = this.train.batch(this.nextBatch(), this.net.dtype);
    const grads = this.net.gradient(x, t);
    const loss = this.net.lastLoss as number;
    if (!Number.isFinite(loss)) {
      const lr = this.optimizer.spec().lr;
      throw new DivergedError(this.iteration + 1, loss, typeof lr === "number" ? `, try a learning rate smaller than ${lr}` : "");
    }
    this.optimizer.update(this.net.params, grads);
    this.iteration++;
    this.history.loss.push(loss);
    return loss;
  }

  /** Every metric on the first `samples` of each set (all of them when null), by history key. */
  evaluate(samples: number | null = null): Record<string, number> {
    const values: Record<string, number> = {};
    for (const [set, data] of [["train", this.train], ["test", this.test]] as const) {
      const measured = evaluateMetrics(this.net, data, this.metrics, samples ?? data.length);
      for (const metric of this.metrics) values[metricKey(set, metric)] = measured[metric.name];
    }
    return values;
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
        await nextTurn();
      }
      return "done";
    } finally {
      this.elapsedBefore = this.elapsedMs;
      this.started = undefined;
    }
  }

  /** A snapshot of the run so far (not the net's or the optimizer's: a checkpoint takes those from them). */
  state(): State {
    return {
      iteration: this.iteration,
      cursor: this.cursor,
      order: this.order && Tensor.fromData(Float64Array.from(this.order), [this.order.length]),
      rng: randomState(this.rng),
      history: structuredClone(this.history),
      elapsedMs: this.elapsedMs,
    };
  }

  /** Continues from a state of a trainer with this config and this training set. */
  restore(state: State): void {
    const { iteration, cursor, order, rng, history, elapsedMs } = state as { iteration: number; cursor: number; order: Tensor | null; rng: State; history: TrainingHistory; elapsedMs: number };
    if (order && order.size !== this.train.length) {
      throw new RangeError(`Trainer.restore: the batch order covers ${order.size} samples, but the training set has ${this.train.length}`);
    }
    if (!order && this.config.sampling === "shuffle" && cursor > 0) {
      throw new RangeError("Trainer.restore: the state is partway through a shuffled epoch but holds no batch order");
    }
    this.order = order && Int32Array.from(order.contiguousData());
    this.cursor = cursor;
    this.rng.restore(asRandomState(rng));
    this.iteration = iteration;
    this.history = structuredClone(history);
    this.elapsedBefore = elapsedMs;
  }

  private historyKeys(): string[] {
    return (["train", "test"] as const).flatMap((set) => this.metrics.map((metric) => metricKey(set, metric)));
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
    const values = this.evaluate(final ? null : this.config.evalSamples);
    const since = this.history.evalIterations.at(-1) ?? 0;
    const recent = this.history.loss.slice(since);
    this.history.evalIterations.push(this.iteration);
    for (const [key, value] of Object.entries(values)) this.history[key].push(value);
    const loss = recent.reduce((a, b) => a + b, 0) / recent.length;
    return { iteration: this.iteration, epoch: this.iteration / this.itersPerEpoch, loss, values, final };
  }
}

/** The metrics a config names. */
export function metricsOf(config: TrainerConfig): Metric[] {
  return config.metrics.map(metricOf);
}
