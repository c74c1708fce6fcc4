// A sweep's trials: trial k's settings are drawn from a stream of its own, Random(`${seed}/trial/${k}`), so that
// they depend on the sweep's seed and k alone, never on how many trials there are or in which order they finish.
import { Random } from "@backprop/core";
import { MAX_COUNT } from "@backprop/layers";
import { drawNumber, hiddenLabel, pick, type SearchSpace } from "./search-space.js";

/** What trial k trains: its hyperparameters and the seed of its initial weights and batches. */
export interface TrialSettings {
  /** 1, 2, ... */
  trial: number;
  lr: number;
  weightDecay: number;
  hidden: number[];
  optimizer: string;
  batchSize: number;
  /** The seed of the net's weights and of the trainer's batches, as train's --seed. */
  seed: number;
}

/** A finished trial: its settings and what it reached, or that it diverged (its metrics null). */
export interface TrialResult extends TrialSettings {
  status: "ok" | "diverged";
  /** The metric (accuracy, or the MAE of a regression) on the training part, after the last step. */
  train: number | null;
  /** The same on the validation part: what the sweep ranks by. */
  validation: number | null;
  /** The mean mini-batch loss of the last epoch. */
  loss: number | null;
  /** Updates made: all of them, or those before the divergence. */
  steps: number;
  /** Milliseconds of training. */
  ms: number;
  /** Why a diverged trial stopped: the trainer's message. */
  error?: string;
}

/**
 * Trial k of a sweep: draws u1..u6 of Random(`${seed}/trial/${k}`) after the first, one per setting in this order
 * (a fixed setting takes its draw too, so that fixing one does not move the others): lr, weight decay, hidden,
 * optimizer, batch size, and the seed of the weights and batches, an integer in [0, 2^31).
 */
export function drawTrial(space: SearchSpace, seed: number, trial: number): TrialSettings {
  const rng = new Random(`${seed}/trial/${trial}`);
  // Alea's first draw is nearly linear in a seed's last character: trials 1..6 of seed 0 would start 0.676, 0.626,
  // 0.576, 0.526, 0.475, 0.425; from the second draw on, neighbouring seeds are unrelated
  rng.random();
  const lr = drawNumber(space.lr, rng.random());
  const weightDecay = drawNumber(space.weightDecay, rng.random());
  const hidden = [...pick(space.hidden, rng.random())];
  const optimizer = pick(space.optimizer, rng.random());
  const batchSize = drawNumber(space.batchSize, rng.random());
  return { trial, lr, weightDecay, hidden, optimizer, batchSize, seed: rng.int(MAX_COUNT) };
}

/** Whether a recorded trial holds exactly the settings drawn for it. */
export function sameSettings(a: TrialSettings, b: TrialSettings): boolean {
  return a.trial === b.trial && a.lr === b.lr && a.weightDecay === b.weightDecay && hiddenLabel(a.hidden) === hiddenLabel(b.hidden) && a.optimizer === b.optimizer && a.batchSize === b.batchSize && a.seed === b.seed;
}

/** The trial's settings on one line: "lr 3.16e-4  weight decay 1.23e-6  hidden 100x3  adam  batch 100". */
export function describeSettings(t: TrialSettings): string {
  return `lr ${t.lr.toExponential(2)}  weight decay ${t.weightDecay === 0 ? "0" : t.weightDecay.toExponential(2)}  hidden ${hiddenLabel(t.hidden)}  ${t.optimizer}  batch ${t.batchSize}`;
}
