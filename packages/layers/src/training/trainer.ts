import { Random, Tensor, formatShape, type RandomState } from "@backprop/core";
import type { Net } from "../nets/net.js";
import { assignFlat, flattenParams, splitFlat } from "../nets/flat-params.js";
import { OdeError } from "../ode/ode-system.js";
import { isWholeBatch, rowMajorOf, type FlowStop, type Optimizer, type WholeBatchOptimizer } from "../optimizers/optimizer.js";
import { evaluateMetrics, lossMetric, type BatchSource } from "./batch-source.js";
import { checkFlowHistory, emptyFlowHistory, recordFlowStep, type FlowHistory } from "./flow-history.js";
import { FullBatchObjective } from "./full-batch-objective.js";
import { PROBE_SAMPLES, activationHistograms, checkLayerHistory, emptyLayerHistory, paramFigures, recordLayers, snapshotParams, type LayerHistory, type ParamFigures } from "./layer-history.js";
import { accuracy, metricKey, metricOf, metricSpec, type Metric, type MetricSpec } from "./metrics.js";
import { describeState as describe, isRecord, randomState, type State } from "./state.js";

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
  /**
   * The plateau rule, with a validation set: stop once `patience` evaluations in a row have not brought the
   * validation loss `minImprovement` (a fraction) below the last loss that did; null: no such stop.
   */
  patience: number | null;
  minImprovement: number;
}

export type TrainerOptions = Pick<TrainerConfig, "batchSize" | "iters"> &
  Partial<Omit<TrainerConfig, "metrics">> & {
    metrics?: Metric[];
    /** A third set, of samples held out from training: its metrics and loss (valAcc, valLoss) at every evaluation. */
    validation?: BatchSource;
  };

/** Why a run ended before its last step: the plateau rule, or a gradient flow's own stop (its flow time, or its gradient). */
export type StopReason = "plateau" | FlowStop;

/** The default plateau rule's fraction: the article's 5%. */
export const MIN_IMPROVEMENT = 0.05;

/** The loss of every step, and each metric on each set at every evaluation (trainAcc, valAcc, testAcc, valLoss ...). */
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

/**
 * What stopped a run: the loss, a gradient or (after an update) a weight that is not a finite number, or the
 * weights' L2 norm grown more than MAX_NORM_GROWTH times.
 */
export type DivergenceReason = "loss" | "gradient" | "weight" | "norm" | "solver";

/**
 * Training stopped because it diverged. `reason` says what was seen, `iteration` the step the message names and
 * `loss` that step's loss; the message names the likely cause: the learning rate, or the initial weights when the
 * net failed before its first update. The trainer's own `iteration` counts the updates made, and its net holds the
 * weights they left: a non-finite loss, and a gradient at the first step, stop before the update.
 */
export class DivergedError extends Error {
  override name = "DivergedError";
  constructor(
    readonly iteration: number,
    readonly loss: number,
    readonly reason: DivergenceReason,
    message: string,
  ) {
    super(message);
  }
}

/**
 * How many times its size at the start of the run (or 1, if smaller) the weights' L2 norm may reach before the run
 * counts as diverged: a learning rate far too large can blow the weights up to 1e26 while the loss stays finite,
 * since the cross-entropy of a saturated softmax is capped by the 1e-7 inside its log.
 */
export const MAX_NORM_GROWTH = 1e6;

/** The largest step count, batch size or evaluation count a checkpoint holds and a command line takes: 2^31. */
export const MAX_COUNT = 2 ** 31;

// between steps a run gives the event loop a turn, so that a signal handler can ask it to stop
const nextTurn = (): Promise<void> => new Promise((resolve) => (typeof setImmediate === "function" ? setImmediate(resolve) : setTimeout(resolve, 0)));

/**
 * Mini-batch training of a net by an optimizer, as the book's Trainer and train_neuralnet.py: seeded batches
 * (shuffled epochs or draws with replacement), evaluations on a schedule, each recording the metrics in `history`
 * and per-layer statistics in `layerHistory`, a stop (DivergedError) as soon as the loss, a gradient or a weight is
 * not finite or the weights blow up, and a state that a checkpoint keeps, from which a run continues bit for bit.
 */
export class Trainer {
  readonly config: TrainerConfig;
  readonly metrics: Metric[];
  iteration = 0;
  history: TrainingHistory;
  /** At every evaluation: each parameter's norms and update ratio, each layer's activation histogram. */
  layerHistory: LayerHistory;
  /** With a gradient flow, at every step: its flow time, gradient norm and what the solver has spent (else undefined). */
  flowHistory?: FlowHistory;
  /** The last mini-batch step's batch and the gradients its update used (before the update), for pictures of the backward pass. */
  lastBatch?: { x: Tensor; t: Tensor };
  lastGradients?: Record<string, Tensor>;
  /** Why the run ended before config.iters, once it has. */
  stopReason?: StopReason;
  readonly validation?: BatchSource;
  private readonly rng: Random;
  // this epoch's order of the samples and the next position in it ("shuffle" only)
  private order: Int32Array | null = null;
  private cursor = 0;
  private elapsedBefore = 0;
  // when the current run() began, while one is going
  private started?: number;
  // the weights' L2 norm before this trainer's first update, and after its last one (see step)
  private startNorm?: number;
  private lastNorm?: number;
  // the parameters' figures of the last step, when it is one to be evaluated (see step)
  private stepFigures?: Record<string, ParamFigures>;
  // the first training samples, whose activations each evaluation histograms (read at the first)
  private probe?: Tensor;
  // a gradient flow's full-batch loss, and the gradients it computed before this trainer's (a resumed run's)
  private objective?: FullBatchObjective;
  private evaluationsBefore = 0;
  private evaluationTotal = 0;

  constructor(
    readonly net: Net,
    readonly optimizer: Optimizer,
    readonly train: BatchSource,
    readonly test: BatchSource,
    options: TrainerOptions,
  ) {
    this.validation = options.validation;
    for (const [name, set] of [["training", train], ["test", test], ["validation", options.validation ?? train]] as const) {
      if (!(set.length >= 1)) throw new RangeError(`Trainer: the ${name} set is empty, expected at least one sample`);
    }
    const metrics = options.metrics ?? [accuracy];
    this.config = {
      batchSize: options.batchSize,
      iters: options.iters,
      sampling: options.sampling ?? "shuffle",
      evalEvery: options.evalEvery ?? Math.ceil(train.length / options.batchSize),
      evalSamples: options.evalSamples ?? null,
      seed: options.seed ?? 0,
      metrics: metrics.map(metricSpec),
      patience: options.patience ?? null,
      minImprovement: options.minImprovement ?? MIN_IMPROVEMENT,
    };
    for (const [name, n] of Object.entries({ batchSize: this.config.batchSize, iters: this.config.iters, evalEvery: this.config.evalEvery })) {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`Trainer: ${name} must be a positive integer, got ${n}`);
    }
    const { seed } = this.config;
    if (typeof seed === "string" ? seed === "" : !Number.isSafeInteger(seed)) {
      throw new RangeError(`Trainer: seed must be an integer or a non-empty string, got ${describe(seed)}`);
    }
    if (this.config.batchSize > train.length) {
      throw new RangeError(`Trainer: batchSize must be at most the ${train.length} training samples, got ${this.config.batchSize}`);
    }
    if (isWholeBatch(optimizer) && this.config.batchSize !== train.length) {
      throw new RangeError(`Trainer: ${optimizer.spec().type} steps on the full batch, so batchSize must be the ${train.length} training samples, got ${this.config.batchSize}`);
    }
    const { patience, minImprovement } = this.config;
    if (patience !== null) {
      if (!Number.isInteger(patience) || patience < 1) throw new RangeError(`Trainer: patience must be a positive integer or null, got ${describe(patience)}`);
      if (!this.validation) throw new RangeError("Trainer: the plateau rule (patience) watches the validation loss, but there is no validation set");
    }
    if (!(typeof minImprovement === "number" && minImprovement >= 0 && minImprovement < 1)) {
      throw new RangeError(`Trainer: minImprovement must be a fraction in [0, 1), got ${describe(minImprovement)}`);
    }
    this.metrics = metrics;
    this.history = { loss: [], evalIterations: [], ...Object.fromEntries(this.historyKeys().map((k) => [k, []])) } as TrainingHistory;
    this.layerHistory = emptyLayerHistory(net, this.probeSamples);
    if (isWholeBatch(optimizer)) this.flowHistory = emptyFlowHistory();
    this.rng = new Random(`${this.config.seed}/batches`);
  }

  /** Steps in one pass over the training set (the last batch of a shuffled epoch may be smaller). */
  get itersPerEpoch(): number {
    return Math.ceil(this.train.length / this.config.batchSize);
  }

  /** Of elapsedMs, the milliseconds spent on evaluations (metrics, validation loss, histograms), across resumes. */
  get evaluationMs(): number {
    return this.evaluationTotal;
  }

  /** Milliseconds spent training, across resumes. */
  get elapsedMs(): number {
    return this.elapsedBefore + (this.started === undefined ? 0 : performance.now() - this.started);
  }

  /**
   * One step on the next mini-batch; returns its loss. Throws DivergedError when the run diverges (see
   * DivergenceReason): before the update on a loss that is not finite, or when the weights the last update left
   * have outgrown MAX_NORM_GROWTH (judged once this step's loss is known to be finite, so that a loss gone NaN on
   * them is reported as such); after it, when a gradient or a weight is not finite, or the last step's weights have
   * outgrown it. The checks read the parameters once per step (the gradients too at a trainer's first step) and
   * change nothing, so that a run that passes them is the very run without them. A step that will be evaluated
   * also copies the parameters before its update, for the figures of layerHistory; that too changes nothing.
   */
  step(): number {
    if (isWholeBatch(this.optimizer)) return this.flowStep(this.optimizer);
    const { x, t } = this.train.batch(this.nextBatch(), this.net.dtype);
    const grads = this.net.gradient(x, t);
    this.lastBatch = { x, t };
    this.lastGradients = grads;
    const loss = this.net.lastLoss as number;
    const step = this.iteration + 1;
    // before any update a failure is the initial weights', after one the learning rate's
    const initial = this.iteration === 0;
    if (!Number.isFinite(loss)) throw this.diverged(step, loss, "loss", `the loss became ${loss} at iteration ${step}`, initial);
    if (this.startNorm === undefined) {
      const bad = firstNonFinite(grads);
      if (bad) throw this.diverged(step, loss, "gradient", `the gradient of ${bad.name} became ${bad.value} at iteration ${step}`, initial);
      this.startNorm = norm(this.net.params);
    }
    this.checkGrowth();

    // only the steps that are evaluated pay for the copy
    const snapshot = this.evaluates(step) ? snapshotParams(this.net.params, grads) : undefined;
    this.optimizer.update(this.net.params, grads);
    this.iteration++;
    this.history.loss.push(loss);
    const squares = sumOfSquares(this.net.params);
    if (!Number.isFinite(squares)) {
      // a gradient that is not finite makes the weights so with every optimizer: tell which it was
      const grad = firstNonFinite(grads);
      if (grad) throw this.diverged(step, loss, "gradient", `the gradient of ${grad.name} became ${grad.value} at iteration ${step}`, false);
      const weight = firstNonFinite(this.net.params);
      if (weight) throw this.diverged(step, loss, "weight", `a weight of ${weight.name} became ${weight.value} in the update of iteration ${step}`, false);
    }
    this.lastNorm = Number.isFinite(squares) ? Math.sqrt(squares) : norm(this.net.params);
    if (this.iteration === this.config.iters) this.checkGrowth();
    this.stepFigures = snapshot && paramFigures(snapshot, this.net.params);
    return loss;
  }

  /** Every metric on the first `samples` of each set (all of them when null), by history key; with a validation set, its loss too. */
  evaluate(samples: number | null = null): Record<string, number> {
    const values: Record<string, number> = {};
    // the validation loss from the same forward passes as the validation metrics
    const loss = lossMetric(this.net);
    let valLoss: number | undefined;
    for (const [set, data] of this.sets()) {
      const measured = evaluateMetrics(this.net, data, set === "val" ? [...this.metrics, loss] : this.metrics, samples ?? data.length);
      for (const metric of this.metrics) values[metricKey(set, metric)] = measured[metric.name];
      if (set === "val") valLoss = measured.loss;
    }
    // last, as the history keys have it
    if (valLoss !== undefined) values.valLoss = valLoss;
    return values;
  }

  /**
   * Steps until `config.iters`, evaluating every `evalEvery` steps and after the last. Between steps it gives the
   * event loop a turn, so that a signal handler can ask it to stop through `shouldStop`.
   */
  async run(hooks: { onStep?(iteration: number, loss: number): void; onEvaluation?(e: Evaluation): void; shouldStop?(): boolean } = {}): Promise<"done" | "stopped"> {
    this.started = performance.now();
    try {
      while (this.iteration < this.config.iters && this.stopReason === undefined) {
        if (hooks.shouldStop?.()) return "stopped";
        const loss = this.step();
        hooks.onStep?.(this.iteration, loss);
        // a flow that stopped by itself ends the run here, evaluated as a last step is
        if (this.evaluates(this.iteration) || this.stopReason !== undefined) {
          // recorded in the history whether or not anyone listens
          const evaluation = this.recordEvaluation(this.iteration === this.config.iters || this.stopReason !== undefined);
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

  /** How many training samples the probe batch of layerHistory's activation histograms holds. */
  get probeSamples(): number {
    return Math.min(PROBE_SAMPLES, this.train.length);
  }

  /** A snapshot of the run so far (not the net's or the optimizer's: a checkpoint takes those from them). */
  state(): State {
    return {
      iteration: this.iteration,
      cursor: this.cursor,
      order: this.order && Tensor.fromData(Float64Array.from(this.order), [this.order.length]),
      rng: randomState(this.rng),
      history: structuredClone(this.history),
      layerHistory: structuredClone(this.layerHistory) as unknown as State,
      ...(this.flowHistory && { flowHistory: structuredClone(this.flowHistory) as unknown as State }),
      ...this.flowPoint(),
      stopReason: this.stopReason ?? null,
      elapsedMs: this.elapsedMs,
      evaluationMs: this.evaluationTotal,
    };
  }

  /**
   * Continues from a state of a trainer with this config and this training set. Every field is checked first, so
   * that a state that does not fit (a RangeError naming the field) changes nothing. A state without layerHistory
   * (a checkpoint written before the trainer recorded one) restores with an empty one, which then records the
   * evaluations from the resume on: its evalIterations are the tail of the history's.
   */
  restore(state: State): void {
    const { iteration, cursor, order, rng, history, layerHistory, flowHistory, flowPoint, stopReason, elapsedMs, evaluationMs } = this.checkState(state);
    // a flow's solver is built from the optimizer's restored state now, so that a state that does not fit is refused here
    let objective: FullBatchObjective | undefined;
    if (isWholeBatch(this.optimizer)) {
      objective = this.startObjective(flowPoint);
      this.optimizer.prepare(objective);
    }
    this.rng.restore(rng);
    this.order = order;
    this.cursor = cursor;
    this.iteration = iteration;
    this.history = structuredClone(history);
    this.layerHistory = structuredClone(layerHistory);
    this.flowHistory = flowHistory && structuredClone(flowHistory);
    this.stopReason = stopReason;
    this.objective = objective;
    this.evaluationsBefore = flowHistory?.evaluations.at(-1) ?? 0;
    this.elapsedBefore = elapsedMs;
    this.evaluationTotal = evaluationMs;
    this.startNorm = undefined;
    this.lastNorm = undefined;
    this.stepFigures = undefined;
    this.lastBatch = undefined;
    this.lastGradients = undefined;
  }

  /** The fields of `state`, checked against this trainer's config, metrics, net and training set. */
  private checkState(state: State): {
    iteration: number;
    cursor: number;
    order: Int32Array | null;
    rng: RandomState;
    history: TrainingHistory;
    layerHistory: LayerHistory;
    flowHistory?: FlowHistory;
    flowPoint?: { loss: number; grad: Float64Array };
    stopReason?: StopReason;
    elapsedMs: number;
    evaluationMs: number;
  } {
    const fail = (what: string): never => {
      throw new RangeError(`Trainer.restore: ${what}`);
    };
    if (!isRecord(state)) return fail(`the state must be a record as Trainer.state() gives, got ${describe(state)}`);
    const { iteration, cursor, order, rng, history, layerHistory, flowHistory, flowPoint, stopReason, elapsedMs, evaluationMs = 0 } = state;
    const { iters, sampling } = this.config;
    const n = this.train.length;
    if (!isIntegerIn(iteration, 0, iters)) fail(`iteration must be an integer in [0, ${iters}], got ${describe(iteration)}`);
    const steps = iteration as number;

    if (order !== null && !(order instanceof Tensor)) fail(`order must be null or a tensor of the ${n} sample indices, got ${describe(order)}`);
    let batchOrder: Int32Array | null = null;
    if (order instanceof Tensor) {
      if (order.ndim !== 1) fail(`order must be a 1-d tensor of the ${n} sample indices, got ${formatShape(order.shape)}`);
      if (order.size !== n) fail(`the batch order covers ${order.size} samples, but the training set has ${n}`);
      batchOrder = new Int32Array(n);
      const seen = new Uint8Array(n);
      const values = rowMajorOf(order);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (!isIntegerIn(v, 0, n - 1)) fail(`order[${i}] = ${v} is not a sample index in [0, ${n})`);
        if (seen[v]) fail(`order[${i}] = ${v} repeats a sample, expected a permutation of 0..${n - 1}`);
        seen[v] = 1;
        batchOrder[i] = v;
      }
    }
    if (!isIntegerIn(cursor, 0, n)) fail(`cursor must be an integer in [0, ${n}], got ${describe(cursor)}`);
    if (batchOrder === null && sampling === "shuffle" && (cursor as number) > 0) {
      fail("the state is partway through a shuffled epoch but holds no batch order");
    }
    Random.checkState(rng, "Trainer.restore", "rng");

    const keys = ["loss", "evalIterations", ...this.historyKeys()];
    if (!isRecord(history)) return fail(`history must be a record of ${keys.join(", ")}, got ${describe(history)}`);
    const extra = Object.keys(history).find((key) => !keys.includes(key));
    if (extra !== undefined) fail(`history has ${extra}, which the metrics (${this.config.metrics.map((m) => (typeof m === "string" ? m : m.name)).join(", ")}) do not record`);
    const numbers = (key: string, length: number, what: string): number[] => {
      const list = history[key];
      if (!Array.isArray(list)) return fail(`history.${key} must be a list of ${what}, got ${describe(list)}`);
      if (list.length !== length) fail(`history.${key} must hold ${length} ${what}, got ${list.length}`);
      const at = list.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
      if (at >= 0) fail(`history.${key}[${at}] must be a finite number, got ${describe(list[at])}`);
      return list as number[];
    };
    numbers("loss", steps, "losses, one per step taken");
    const evalIterations = history.evalIterations;
    const evaluations = Array.isArray(evalIterations) ? evalIterations.length : 0;
    const stepsEvaluated = numbers("evalIterations", evaluations, "step numbers");
    const wrong = stepsEvaluated.findIndex((v, i) => !isIntegerIn(v, 1, steps) || (i > 0 && v <= stepsEvaluated[i - 1]));
    if (wrong >= 0) fail(`history.evalIterations must be increasing step numbers in [1, ${steps}], got ${describe(stepsEvaluated)}`);
    for (const key of this.historyKeys()) numbers(key, evaluations, `values, one per evaluation in evalIterations`);
    const layers =
      layerHistory === undefined
        ? emptyLayerHistory(this.net, this.probeSamples)
        : checkLayerHistory(layerHistory, "layerHistory", { evalIterations: stepsEvaluated, params: Object.keys(this.net.params), layers: [...this.net.layers.keys()], probeSamples: this.probeSamples }, fail);

    let flow: FlowHistory | undefined;
    if (this.flowHistory === undefined) {
      if (flowHistory !== undefined) fail(`the state holds a flowHistory, but ${this.optimizer.spec().type} is no gradient flow`);
    } else {
      // a flow run without one is a checkpoint of another optimizer's run
      if (flowHistory === undefined) fail("the state holds no flowHistory, but the optimizer is a gradient flow");
      flow = checkFlowHistory(flowHistory, "flowHistory", steps, fail);
    }
    const stops = ["plateau", "time", "gradient"];
    if (stopReason !== undefined && stopReason !== null && !stops.includes(stopReason as string)) fail(`stopReason must be null or one of ${stops.join(", ")}, got ${describe(stopReason)}`);
    for (const [key, ms] of [["elapsedMs", elapsedMs], ["evaluationMs", evaluationMs]] as const) {
      if (typeof ms !== "number" || !(Number.isFinite(ms) && ms >= 0)) fail(`${key} must be a finite number of milliseconds >= 0, got ${describe(ms)}`);
    }
    let point: { loss: number; grad: Float64Array } | undefined;
    if (flowPoint !== undefined) {
      const size = Object.values(this.net.params).reduce((n, p) => n + p.size, 0);
      if (!isRecord(flowPoint) || typeof flowPoint.loss !== "number" || !Number.isFinite(flowPoint.loss) || !(flowPoint.grad instanceof Tensor) || flowPoint.grad.ndim !== 1 || flowPoint.grad.size !== size) {
        fail(`flowPoint must be { loss, grad }, the full-batch loss and its gradient of ${size} values at the weights, got ${describe(flowPoint)}`);
      }
      const { loss, grad } = flowPoint as { loss: number; grad: Tensor };
      point = { loss, grad: Float64Array.from(rowMajorOf(grad)) };
    }
    return {
      iteration: steps,
      cursor: cursor as number,
      order: batchOrder,
      rng: rng as unknown as RandomState,
      history: history as unknown as TrainingHistory,
      layerHistory: layers,
      flowHistory: flow,
      flowPoint: point,
      stopReason: (stopReason ?? undefined) as StopReason | undefined,
      elapsedMs: elapsedMs as number,
      evaluationMs: evaluationMs as number,
    };
  }

  /** Throws DivergedError when the weights the last update left have outgrown MAX_NORM_GROWTH * max(startNorm, 1). */
  private checkGrowth(): void {
    const start = this.startNorm as number;
    if (this.lastNorm === undefined || !(this.lastNorm > MAX_NORM_GROWTH * Math.max(start, 1))) return;
    throw this.diverged(this.iteration, this.history.loss.at(-1) as number, "norm", `the weights' norm grew from ${brief(start)} to ${brief(this.lastNorm)} by iteration ${this.iteration}`, false);
  }

  /** The error for a run that diverged as `what` says, with its likely cause: the `initial` weights, or the learning rate. */
  private diverged(iteration: number, loss: number, reason: DivergenceReason, what: string, initial: boolean): DivergedError {
    if (initial) return new DivergedError(iteration, loss, reason, `${what}, before any update: ${initialCause(this.net.params)}`);
    const lr = this.optimizer.spec().lr;
    const hint = typeof lr === "number" ? `, try a learning rate smaller than ${lr}` : "";
    return new DivergedError(iteration, loss, reason, `${what}; training stopped there${hint}`);
  }

  /** Whether the step numbered `step` (counting from 1) is followed by an evaluation: every evalEvery-th, and the last. */
  private evaluates(step: number): boolean {
    return step === this.config.iters || step % this.config.evalEvery === 0;
  }

  private historyKeys(): string[] {
    const keys = this.sets().flatMap(([set]) => this.metrics.map((metric) => metricKey(set, metric)));
    return this.validation ? [...keys, "valLoss"] : keys;
  }

  /** The sets evaluated, by the name their history keys begin with. */
  private sets(): ["train" | "val" | "test", BatchSource][] {
    return [["train", this.train], ...(this.validation ? [["val", this.validation] as ["val", BatchSource]] : []), ["test", this.test]];
  }

  /**
   * One accepted step of a gradient flow on the full-batch loss. Its loss is the loss at the new point (a mini-batch
   * step's is the loss before its update).
   */
  private flowStep(flow: WholeBatchOptimizer): number {
    const objective = (this.objective ??= this.startObjective());
    const step = this.iteration + 1;
    // where the step starts, which the last step ended on (a gradient already computed): checked the first time,
    // before the solver is built on it, and copied for layerHistory, since a flow may end at any step
    const start = flattenParams(this.net.params);
    const { loss, grad } = objective.evaluate(start.contiguousData() as Float64Array);
    if (!Number.isFinite(loss)) throw this.diverged(step, loss, "loss", `the loss became ${loss} at iteration ${step}`, this.iteration === 0);
    const snapshot = snapshotParams(this.net.params, splitFlat(this.net.params, grad));
    let result;
    try {
      result = flow.advance(objective);
    } catch (error) {
      if (!(error instanceof OdeError)) throw error;
      // the objective left the net at the solver's last trial point: back to the last accepted step's weights
      assignFlat(this.net.params, start);
      throw this.diverged(step, this.history.loss.at(-1) ?? loss, "solver", `the ODE solver failed at iteration ${step}: ${error.message}`, false);
    }
    if (!Number.isFinite(result.loss)) {
      assignFlat(this.net.params, start);
      throw this.diverged(step, result.loss, "loss", `the loss became ${result.loss} at iteration ${step}`, false);
    }
    this.iteration++;
    this.history.loss.push(result.loss);
    recordFlowStep(this.flowHistory as FlowHistory, result, this.evaluationsBefore + objective.evaluations, this.elapsedMs);
    this.stepFigures = paramFigures(snapshot, this.net.params);
    if (result.stop !== undefined) this.stopReason = result.stop;
    return result.loss;
  }

  /** A flow's full-batch objective, holding `point` (the loss and gradient at the net's weights, from a checkpoint) when given. */
  private startObjective(point?: { loss: number; grad: Float64Array }): FullBatchObjective {
    const objective = new FullBatchObjective(this.net, this.train);
    if (point) objective.keep(flattenParams(this.net.params).contiguousData() as Float64Array, point.loss, point.grad);
    return objective;
  }

  /** { flowPoint: the loss and gradient at the net's weights } when the flow's objective holds them, for a resumed run. */
  private flowPoint(): { flowPoint?: State } {
    const kept = this.objective?.kept(flattenParams(this.net.params).contiguousData() as Float64Array);
    return kept ? { flowPoint: { loss: kept.loss, grad: Tensor.fromData(Float64Array.from(kept.grad), [kept.grad.length]) } } : {};
  }

  /** Whether the validation loss has not fallen minImprovement below its last such fall for `patience` evaluations. */
  private plateaued(): boolean {
    const { patience, minImprovement } = this.config;
    const losses = this.history.valLoss;
    if (patience === null || !losses || losses.length === 0) return false;
    let reference = losses[0];
    let since = 0;
    for (const loss of losses.slice(1)) {
      if (loss < reference * (1 - minImprovement)) {
        reference = loss;
        since = 0;
      } else since++;
    }
    return since >= patience;
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

  private recordEvaluation(last: boolean): Evaluation {
    const started = performance.now();
    try {
      return this.evaluation(last);
    } finally {
      this.evaluationTotal += performance.now() - started;
    }
  }

  private evaluation(last: boolean): Evaluation {
    let final = last;
    let values = this.evaluate(final ? null : this.config.evalSamples);
    const since = this.history.evalIterations.at(-1) ?? 0;
    const recent = this.history.loss.slice(since);
    this.history.evalIterations.push(this.iteration);
    for (const [key, value] of Object.entries(values)) this.history[key].push(value);
    if (!final && this.plateaued()) {
      // the rule ends the run here: its last evaluation is on every sample, as a last step's is
      this.stopReason = "plateau";
      final = true;
      if (this.config.evalSamples !== null) {
        values = this.evaluate(null);
        for (const [key, value] of Object.entries(values)) this.history[key][this.history[key].length - 1] = value;
      }
    }
    this.probe ??= this.train.slice(0, this.probeSamples, this.net.dtype).x;
    recordLayers(this.layerHistory, this.iteration, this.stepFigures as Record<string, ParamFigures>, activationHistograms(this.net, this.probe));
    this.stepFigures = undefined;
    const loss = recent.reduce((a, b) => a + b, 0) / recent.length;
    return { iteration: this.iteration, epoch: this.iteration / this.itersPerEpoch, loss, values, final };
  }
}

/**
 * The sum of the squares of every element of `tensors`, in one pass: finite exactly when every element is, unless
 * one is beyond 1e154 and its square overflows. Four running sums, so that the additions overlap.
 */
function sumOfSquares(tensors: Record<string, Tensor>): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (const x of Object.values(tensors)) {
    const data = rowMajorOf(x);
    const n = data.length;
    const n4 = n - (n % 4);
    let i = 0;
    for (; i < n4; i += 4) {
      const a = data[i], b = data[i + 1], c = data[i + 2], d = data[i + 3];
      s0 += a * a;
      s1 += b * b;
      s2 += c * c;
      s3 += d * d;
    }
    for (; i < n; i++) s0 += data[i] * data[i];
  }
  return s0 + s1 + s2 + s3;
}

/** The L2 norm of every element of `tensors` together, without overflow: in units of the largest when need be. */
function norm(tensors: Record<string, Tensor>): number {
  const squares = sumOfSquares(tensors);
  if (Number.isFinite(squares)) return Math.sqrt(squares);
  let largest = 0;
  for (const x of Object.values(tensors)) for (const v of rowMajorOf(x)) largest = Math.max(largest, Math.abs(v));
  if (!Number.isFinite(largest)) return largest;
  let scaled = 0;
  for (const x of Object.values(tensors)) for (const v of rowMajorOf(x)) scaled += (v / largest) ** 2;
  return largest * Math.sqrt(scaled);
}

/** The first tensor of `tensors` holding a value that is not finite, with that value. */
function firstNonFinite(tensors: Record<string, Tensor>): { name: string; value: number } | undefined {
  for (const [name, x] of Object.entries(tensors)) {
    const value = rowMajorOf(x).find((v) => !Number.isFinite(v));
    if (value !== undefined) return { name, value };
  }
  return undefined;
}

/** Why a net fails before its first update: weights that are not finite, or too large (the largest RMS of a tensor). */
function initialCause(params: Record<string, Tensor>): string {
  const bad = firstNonFinite(params);
  if (bad) return `the initial weights are not finite (${bad.name} holds ${bad.value})`;
  // the RMS of a tensor of normal samples is their standard deviation
  const rms = Math.max(0, ...Object.values(params).map((p) => (p.size === 0 ? 0 : norm({ p }) / Math.sqrt(p.size))));
  return `the initial weights are too large (weight init std ${brief(rms)}?)`;
}

/** A number to two significant digits: 1.9, 0.0099, 250000, 3.1e+12. */
function brief(x: number): string {
  if (x !== 0 && Number.isFinite(x) && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-4)) return x.toExponential(1).replace(".0e", "e");
  return String(Number(x.toPrecision(2)));
}

function isIntegerIn(value: unknown, lo: number, hi: number): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= lo && value <= hi;
}

/** The metrics a config names. */
export function metricsOf(config: TrainerConfig): Metric[] {
  return config.metrics.map(metricOf);
}
