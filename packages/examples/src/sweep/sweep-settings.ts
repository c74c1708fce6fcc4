// A sweep's settings: what every trial shares, as sweep.json records them, and as a flag -> value map that tells two
// commands apart (a resumed sweep must be the same sweep).
import type { Activation } from "@backprop/layers";
import type { DataSource } from "../data.js";
import { formatNumber, hiddenLabel, paramText, type SearchSpace } from "./search-space.js";

/** The net flags a sweep keeps fixed. */
export interface FixedNet {
  activation: Activation;
  weightInitStd: number | "he" | "xavier";
  /** The Dropout ratio, or null for none. */
  dropout: number | null;
  batchNorm: boolean;
}

/** Everything that decides a sweep's trials and their results (the number of workers does not). */
export interface SweepSettings {
  trials: number;
  space: SearchSpace;
  net: FixedNet;
  epochs: number;
  sampling: "shuffle" | "replace";
  seed: number;
  /** The first N training samples are split into the training and the validation part. */
  trainSamples: number;
  validationFraction: number;
  /** The data as train's flags name it (a table before its schema is fitted). */
  data: DataSource;
}

/** The settings as flag values, in the order --help lists them: what a resumed sweep must repeat. */
export function settingsFlags(s: SweepSettings): Record<string, string> {
  return {
    trials: String(s.trials),
    lr: paramText(s.space.lr),
    "weight-decay": paramText(s.space.weightDecay),
    hidden: s.space.hidden.map(hiddenLabel).join(","),
    optimizer: s.space.optimizer.join(","),
    "batch-size": paramText(s.space.batchSize),
    epochs: String(s.epochs),
    sampling: s.sampling,
    activation: s.net.activation,
    "weight-init-std": typeof s.net.weightInitStd === "number" ? formatNumber(s.net.weightInitStd) : s.net.weightInitStd,
    dropout: s.net.dropout === null ? "none" : String(s.net.dropout),
    "batch-norm": s.net.batchNorm ? "on" : "off",
    seed: String(s.seed),
    "train-samples": String(s.trainSamples),
    "validation-fraction": String(s.validationFraction),
    data: dataText(s.data),
  };
}

/**
 * How the settings `here` differ from those recorded `there`, one "--flag A there, B here" each. A larger --trials
 * only extends the sweep (trial k does not depend on the count), so it is no difference.
 */
export function settingsDifferences(there: Record<string, string>, here: Record<string, string>): string[] {
  const differences: string[] = [];
  for (const flag of new Set([...Object.keys(there), ...Object.keys(here)])) {
    const [a, b] = [there[flag], here[flag]];
    if (a === b || (flag === "trials" && Number(b) > Number(a))) continue;
    differences.push(`--${flag} ${a ?? "(none)"} there, ${b ?? "(none)"} here`);
  }
  return differences;
}

/** The data in a few words: "the embedded digits", "images in DIR", "penguins", "FILE (target T)". */
export function dataText(data: DataSource): string {
  if (data.source === "embedded") return `the embedded digits (split seed ${data.splitSeed})`;
  if (data.source === "idx") return `images in ${data.dir}`;
  const options = [`target ${data.target}`, data.task && `task ${data.task}`, data.features && `features ${data.features.join(",")}`].filter(Boolean).join(", ");
  return `${data.file} (${options})`;
}
