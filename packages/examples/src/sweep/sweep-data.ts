// A sweep's data: the first N training samples, split by the sweep's seed into a training part and a validation part
// (the book's shuffle_dataset, then the first 20% held out). The test set is never read: it stays for the end.
import { Random } from "@backprop/core";
import type { BatchSource, Loss, Metric } from "@backprop/layers";
import { loadRunData, type RunData } from "../data.js";
import { firstSamples, subset } from "../demo-subset.js";
import type { SweepSettings } from "./sweep-settings.js";

/** What every trial trains on and is ranked by. */
export interface SweepData {
  train: BatchSource;
  validation: BatchSource;
  inputSize: number;
  outputSize: number;
  lastLayer(): Loss;
  /** The one metric measured: accuracy, or a regression's MAE in the target's units. */
  metric: Metric;
}

/** How many of `n` samples the validation part holds: floor(n * fraction), as the book's int(500 * 0.2). */
export function validationCount(n: number, fraction: number): number {
  return Math.floor(n * fraction);
}

/** The sweep's two parts of `run`'s training set (the settings checked to leave at least one sample in each). */
export function splitSweepData(run: RunData, settings: Pick<SweepSettings, "trainSamples" | "validationFraction" | "seed">, command: string): SweepData {
  const samples = firstSamples(command, run.train, settings.trainSamples);
  const order = new Random(`${settings.seed}/validation`).permutation(samples.length);
  const held = validationCount(samples.length, settings.validationFraction);
  return {
    validation: subset(samples, order.subarray(0, held)),
    train: subset(samples, order.subarray(held)),
    inputSize: run.inputSize,
    outputSize: run.outputSize,
    lastLayer: () => run.lastLayer(),
    metric: run.metrics[0],
  };
}

/** The sweep's data read from its source, as a worker does. */
export function loadSweepData(settings: SweepSettings, command: string): SweepData {
  return splitSweepData(loadRunData(settings.data), settings, command);
}
