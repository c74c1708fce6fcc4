// One trial: the net and optimizer of its settings, trained by the book's Trainer on the sweep's training part and
// measured once at the end on both parts. The same settings give the same result, bit for bit, in any thread.
import { DivergedError, Trainer, metricKey } from "@backprop/layers";
import { buildNet, buildOptimizer, type NetChoice } from "../net-flags.js";
import type { SweepData } from "./sweep-data.js";
import type { SweepSettings } from "./sweep-settings.js";
import type { TrialResult, TrialSettings } from "./trials.js";

/** Steps of a trial: `epochs` passes of ceil(train / batch) batches. */
export function trialSteps(settings: SweepSettings, trainSize: number, batchSize: number): number {
  return settings.epochs * Math.ceil(trainSize / batchSize);
}

/**
 * Trains trial `t`; resolves with its result, a diverged run (DivergedError: the loss, a gradient or the weights
 * not finite) being a result too, or with undefined when `shouldStop` stopped it first.
 */
export async function runTrial(t: TrialSettings, settings: SweepSettings, data: SweepData, command: string, shouldStop?: () => boolean): Promise<TrialResult | undefined> {
  const choice: NetChoice = { ...settings.net, hidden: t.hidden, weightDecay: t.weightDecay };
  const net = buildNet(choice, data.inputSize, data.outputSize, t.seed, "float64", data.lastLayer());
  const optimizer = buildOptimizer(command, t.optimizer, String(t.lr));
  const iters = trialSteps(settings, data.train.length, t.batchSize);
  // the validation part stands where a run's test set would: only the last step is evaluated
  const trainer = new Trainer(net, optimizer, data.train, data.validation, { batchSize: t.batchSize, iters, sampling: settings.sampling, evalEvery: iters, seed: t.seed, metrics: [data.metric] });
  try {
    if ((await trainer.run({ shouldStop })) === "stopped") return undefined;
  } catch (error) {
    if (!(error instanceof DivergedError)) throw error;
    return { ...t, status: "diverged", train: null, validation: null, loss: null, steps: trainer.iteration, ms: Math.round(trainer.elapsedMs), error: error.message };
  }
  const { history } = trainer;
  const lastEpoch = history.loss.slice(-trainer.itersPerEpoch);
  return {
    ...t,
    status: "ok",
    train: history[metricKey("train", data.metric)].at(-1) as number,
    validation: history[metricKey("test", data.metric)].at(-1) as number,
    loss: lastEpoch.reduce((a, b) => a + b, 0) / lastEpoch.length,
    steps: trainer.iteration,
    ms: Math.round(trainer.elapsedMs),
  };
}
