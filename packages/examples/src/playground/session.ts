import type { Tensor } from "@backprop/core";
import { IdentityWithLoss, MultiLayerNet, MultiLayerNetExtend, OPTIMIZERS, SoftmaxWithLoss, Trainer, accuracy, evaluateMetrics, lossMetric, meanAbsoluteError, type BatchSource, type Metric, type Net } from "@backprop/layers";
import { planeSource, type PlaneData } from "./plane-data.js";
import type { PlaygroundSettings } from "./settings.js";

/** Steps and evaluation interval of the session's Trainer: never reached, since the session steps and evaluates itself. */
export const ENDLESS = 1e9;

/** What evaluate() gives: the mean loss (inference mode, no weight decay) and the metric on each set. */
export interface Evaluated {
  trainLoss: number;
  testLoss: number;
  trainMetric: number;
  testMetric: number;
}

/**
 * A net, its optimizer and Trainer, built from the settings and data; the same every time for the same settings.
 * To reproduce its losses with the library alone (a Node test does):
 *   net = new MultiLayerNet(2, hidden, classes, { activation, weightInitStd: init, weightDecayLambda: weightDecay,
 *         seed }) (MultiLayerNetExtend with useBatchnorm and useDropout/dropoutRatio when either is on; output 1 and
 *         lastLayer IdentityWithLoss for regression),
 *   optimizer = OPTIMIZERS.fromSpec({ type: optimizer, lr }) (SGD(lr) for "sgd"),
 *   new Trainer(net, optimizer, planeSource(data.train), planeSource(data.test), { batchSize: min(batchSize, train
 *   length), iters: any, seed }) and trainer.step(), with data = generateData(settings).
 */
export class PlaygroundSession {
  net!: Net;
  trainer!: Trainer;
  /** evaluate() at the steps the caller chose, by recordCurve(); reset() empties it. */
  readonly curve: ({ step: number } & Evaluated)[] = [];
  private readonly trainSource: BatchSource;
  private readonly testSource: BatchSource;
  private readonly metric: Metric;

  constructor(
    readonly settings: PlaygroundSettings,
    readonly data: PlaneData,
  ) {
    this.trainSource = planeSource(data.train);
    this.testSource = planeSource(data.test);
    this.metric = data.task === "classification" ? accuracy : meanAbsoluteError();
    this.reset();
  }

  /** Steps n mini-batch steps; returns the last step's loss (the loss before its update). Throws DivergedError. */
  step(n = 1): number {
    let loss = NaN;
    for (let i = 0; i < n; i++) loss = this.trainer.step();
    return loss;
  }

  get iteration(): number {
    return this.trainer.iteration;
  }

  /** Rebuilds net, optimizer and trainer from the settings: the same initial weights, bit for bit; empties the curve. */
  reset(): void {
    this.net = buildNet(this.settings, this.data);
    const optimizer = OPTIMIZERS.fromSpec({ type: this.settings.optimizer, lr: this.settings.lr }, undefined);
    this.trainer = new Trainer(this.net, optimizer, this.trainSource, this.testSource, {
      batchSize: Math.min(this.settings.batchSize, this.data.train.length),
      iters: ENDLESS,
      evalEvery: ENDLESS,
      sampling: "shuffle",
      seed: this.settings.seed,
      metrics: [this.metric],
    });
    this.curve.length = 0;
  }

  /** Mean loss (inference mode, no weight decay) and accuracy (or MAE for regression) on each set. */
  evaluate(): Evaluated {
    // the loss and the metric from one forward pass over each set
    const loss = lossMetric(this.net);
    const [train, test] = [this.trainSource, this.testSource].map((set) => evaluateMetrics(this.net, set, [this.metric, loss]));
    return { trainLoss: train.loss, testLoss: test.loss, trainMetric: train[this.metric.name], testMetric: test[this.metric.name] };
  }

  /** Appends evaluate()'s figures at the current step to `curve`. */
  recordCurve(): void {
    this.curve.push({ step: this.iteration, ...this.evaluate() });
  }

  /** The gradients of the last batch's update by parameter name (trainer.lastGradients), or undefined before a step. */
  lastGradients(): Record<string, Tensor> | undefined {
    return this.trainer.lastGradients;
  }
}

/** The session's net for the settings and data (see PlaygroundSession). */
export function buildNet(s: PlaygroundSettings, data: PlaneData): Net {
  const regression = data.task === "regression";
  const options = {
    activation: s.activation,
    weightInitStd: s.init,
    weightDecayLambda: s.weightDecay,
    seed: s.seed,
    lastLayer: regression ? new IdentityWithLoss() : new SoftmaxWithLoss(),
  };
  const output = regression ? 1 : data.classes;
  if (!s.batchNorm && s.dropout === 0) return new MultiLayerNet(2, s.hidden, output, options);
  return new MultiLayerNetExtend(2, s.hidden, output, { ...options, useBatchnorm: s.batchNorm, useDropout: s.dropout > 0, dropoutRatio: s.dropout });
}
