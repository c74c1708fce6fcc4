import { classSubset, type ImageDataset } from "@backprop/datasets";
import { UsageError } from "./args.js";

/**
 * A run on some classes of the images only, as the ODE article's: `perClass` training images of each class, the next
 * `validation` of each held out from the training images as a validation set, and every test image of those classes.
 */
export interface TrainSubset {
  digits: number[];
  perClass: number;
  validation: number;
}

/** `--train-subset digits=0-4,per-class=100[,validation=100]`: digits a range a-b or one digit; validation defaults to per-class. */
export function parseTrainSubset(command: string, text: string): TrainSubset {
  const bad = (what: string): never => {
    throw new UsageError(`${command}: --train-subset ${what}, expected digits=A-B,per-class=N[,validation=M] such as digits=0-4,per-class=100, got '${text}'`);
  };
  const fields = new Map<string, string>();
  for (const part of text.split(",")) {
    const [key, value, extra] = part.split("=");
    if (value === undefined || extra !== undefined || value === "") bad(`has '${part}', not KEY=VALUE`);
    if (!["digits", "per-class", "validation"].includes(key)) bad(`has an unknown key '${key}'`);
    if (fields.has(key)) bad(`gives ${key} twice`);
    fields.set(key, value);
  }
  const range = /^(\d)(?:-(\d))?$/.exec(fields.get("digits") ?? bad("has no digits"));
  if (!range) return bad(`has digits=${fields.get("digits")}, not a digit or a range of digits`);
  const [lo, hi] = [Number(range[1]), Number(range[2] ?? range[1])];
  if (hi <= lo && range[2] !== undefined) bad(`has digits=${fields.get("digits")}, a range that is not increasing`);
  const count = (key: string, fallback?: number): number => {
    const raw = fields.get(key);
    if (raw === undefined) return fallback ?? bad(`has no ${key}`);
    if (!/^[1-9]\d*$/.test(raw)) bad(`has ${key}=${raw}, not a positive integer`);
    return Number(raw);
  };
  const perClass = count("per-class");
  return { digits: Array.from({ length: hi - lo + 1 }, (_, i) => lo + i), perClass, validation: count("validation", perClass) };
}

/** "digits 0-4, 100 per class (+100 validation)". */
export function describeSubset(subset: TrainSubset): string {
  const { digits } = subset;
  const which = digits.length === 1 ? `digit ${digits[0]}` : `digits ${digits[0]}-${digits.at(-1)}`;
  return `${which}, ${subset.perClass} per class, ${subset.validation} per class for validation`;
}

/** The three sets of a subset of MNIST's: training, validation (the next images of each class) and test; labels renumbered 0.. */
export function subsetSets(train: ImageDataset, test: ImageDataset, subset: TrainSubset, command: string): { train: ImageDataset; validation: ImageDataset; test: ImageDataset } {
  try {
    return {
      train: classSubset(train, subset.digits, subset.perClass),
      validation: classSubset(train, subset.digits, subset.validation, subset.perClass),
      test: subsetTest(test, subset),
    };
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(`${command}: --train-subset ${describeSubset(subset)}: the training images fall short: ${error.message}`);
    throw error;
  }
}

/** Every test image of the subset's classes, labels renumbered as the training set's. */
export function subsetTest(test: ImageDataset, subset: TrainSubset): ImageDataset {
  return classSubset(test, subset.digits, Infinity);
}
