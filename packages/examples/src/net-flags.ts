import { totalmem } from "node:os";
import type { DType } from "@backprop/core";
import { MultiLayerNet, MultiLayerNetExtend, OPTIMIZERS, TwoLayerNet, type Activation, type Loss, type Net, type Optimizer, type WeightInit } from "@backprop/layers";
import { UsageError, nonNegativeNumber, positiveNumber, ratio, type FlagSpec, type FlagValues } from "./args.js";

/** The flags that choose a net, shared by train and gradcheck. */
export const NET_FLAGS = {
  hidden: { type: "string" },
  activation: { type: "string" },
  "weight-init-std": { type: "string" },
  "weight-decay": { type: "string" },
  dropout: { type: "string" },
  "batch-norm": { type: "boolean" },
} as const satisfies FlagSpec;

export const ACTIVATIONS: Activation[] = ["relu", "sigmoid", "tanh"];

/** A net as the flags chose it. */
export interface NetChoice {
  /** One number keeps chapter 5's TwoLayerNet; a list (`100,100`) builds a MultiLayerNet. */
  hidden: number | number[];
  activation: Activation;
  weightInitStd: number | "he" | "xavier";
  weightDecay: number;
  /** The Dropout ratio, or null for none. */
  dropout: number | null;
  batchNorm: boolean;
}

/** The help lines of the net flags. */
export function netFlagsHelp(defaultHidden: number): string {
  return `  --hidden N[,N...]     hidden units: one number keeps the book's TwoLayerNet (default ${defaultHidden}); a list such as
                        100,100,100 builds a MultiLayerNet of that many hidden layers
  --activation NAME     ${ACTIVATIONS.join(", ")} (default relu; not relu builds a MultiLayerNet)
  --weight-init-std X   standard deviation of the initial weights, or he (sqrt(2 / fan-in)) or xavier (sqrt(1 / fan-in));
                        default 0.01 for one hidden number, he for a list (as the book's MultiLayerNet)
  --weight-decay L      weight decay lambda: loss += L/2 * sum of W^2 (default 0)
  --dropout RATIO       a Dropout layer of this ratio after each hidden activation (MultiLayerNetExtend)
  --batch-norm          a BatchNormalization layer after each hidden Affine (MultiLayerNetExtend)
`;
}

/** Reads the net flags of `command`; throws UsageError on a bad one. */
export function parseNetFlags(command: string, v: FlagValues, defaultHidden: number): NetChoice {
  const hidden = parseHidden(command, v.hidden, defaultHidden);
  const activation = (v.activation as string | undefined) ?? "relu";
  if (!ACTIVATIONS.includes(activation as Activation)) throw new UsageError(`${command}: --activation must be ${ACTIVATIONS.join(", ")}, got '${activation}'`);
  const init = v["weight-init-std"] as string | undefined;
  const weightInitStd = init === "he" || init === "xavier" ? init : init !== undefined ? positiveNumberOr(command, "weight-init-std", init, "a positive number, he or xavier") : Array.isArray(hidden) ? "he" : 0.01;
  const weightDecay = nonNegativeNumber(command, "weight-decay", v["weight-decay"], 0);
  const dropout = ratio(command, "dropout", v.dropout) ?? null;
  return { hidden, activation: activation as Activation, weightInitStd, weightDecay, dropout, batchNorm: v["batch-norm"] === true };
}

function parseHidden(command: string, raw: string | boolean | undefined, fallback: number): number | number[] {
  if (typeof raw !== "string") return fallback;
  const parts = raw.split(",");
  const sizes = parts.map((p) => (/^\s*\d+\s*$/.test(p) ? Number(p) : NaN));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new UsageError(`${command}: --hidden must be a positive integer or a comma-separated list of them, got '${raw}'`);
  }
  return parts.length === 1 ? sizes[0] : sizes;
}

function positiveNumberOr(command: string, flag: string, raw: string, expected: string): number {
  try {
    return positiveNumber(command, flag, raw, 0);
  } catch {
    throw new UsageError(`${command}: --${flag} must be ${expected}, got '${raw}'`);
  }
}

/** The hidden sizes as a list. */
export function hiddenSizes(choice: NetChoice): number[] {
  return Array.isArray(choice.hidden) ? choice.hidden : [choice.hidden];
}

/**
 * Refuses a net whose training would not fit in this machine's memory, before anything is allocated: its
 * parameters, their gradients and up to two optimizer slots each (Adam's moments), `dtype`'s bytes a value.
 */
export function checkNetSize(command: string, choice: NetChoice, inputSize: number, outputSize: number, dtype: DType): void {
  const sizes = [inputSize, ...hiddenSizes(choice), outputSize];
  let params = 0;
  for (let k = 1; k < sizes.length; k++) params += sizes[k - 1] * sizes[k] + sizes[k] + (choice.batchNorm && k < sizes.length - 1 ? 2 * sizes[k] : 0);
  const bytes = params * (dtype === "float32" ? 4 : 8) * 4;
  const memory = totalmem();
  if (bytes > memory) {
    const gb = (n: number): string => `${(n / 1e9).toPrecision(3)} GB`;
    throw new UsageError(`${command}: --hidden ${hiddenSizes(choice).join(",")} makes a net of ${params.toExponential(2)} parameters; training it needs about ${gb(bytes)}, more than this machine's ${gb(memory)}`);
  }
}

/**
 * The net the flags chose: TwoLayerNet for one hidden number with ReLU and nothing else, else MultiLayerNet, or
 * MultiLayerNetExtend with BatchNorm or Dropout. Weights from `seed`; the last layer SoftmaxWithLoss unless given.
 */
export function buildNet(choice: NetChoice, inputSize: number, outputSize: number, seed: number, dtype: DType, lastLayer?: Loss): Net {
  const { hidden, activation, weightInitStd, weightDecay, dropout, batchNorm } = choice;
  if (!Array.isArray(hidden) && activation === "relu" && weightDecay === 0 && dropout === null && !batchNorm) {
    return new TwoLayerNet(inputSize, hidden, outputSize, { weightInitStd, seed, dtype, lastLayer });
  }
  const options = { activation, weightInitStd: weightInitStd as WeightInit, weightDecayLambda: weightDecay, seed, dtype, lastLayer };
  if (dropout === null && !batchNorm) return new MultiLayerNet(inputSize, hiddenSizes(choice), outputSize, options);
  return new MultiLayerNetExtend(inputSize, hiddenSizes(choice), outputSize, { ...options, useBatchnorm: batchNorm, useDropout: dropout !== null, dropoutRatio: dropout ?? undefined });
}

/** What --json reports of the net: its class, one-line description, sizes and options. */
export function architectureOf(net: Net, choice: NetChoice): Record<string, unknown> {
  const { layers } = net.spec();
  const affine = layers.filter((l) => l.type === "Affine");
  const sizes = affine.length > 0 ? [affine[0].inputSize, ...affine.map((l) => l.outputSize)] : [];
  return {
    name: net.name,
    description: String(net),
    sizes,
    activation: choice.activation,
    weightInitStd: choice.weightInitStd,
    weightDecayLambda: choice.weightDecay,
    batchNorm: choice.batchNorm,
    dropout: choice.dropout,
  };
}

const ALL_NAMES = OPTIMIZERS.names;
const wholeBatch = (name: string): boolean => (OPTIMIZERS.find(name) as { wholeBatch?: boolean } | undefined)?.wholeBatch === true;

/** The mini-batch optimizers' flag names, from the registry: sgd, momentum, ... */
export const OPTIMIZER_NAMES = ALL_NAMES.filter((name) => !wholeBatch(name));

/** The whole-batch optimizers' names (ode, the gradient flow), which only train takes: it gives them the full batch. */
export const FLOW_OPTIMIZER_NAMES = ALL_NAMES.filter(wholeBatch);

/** Chapter 5's train_neuralnet.py trains SGD at 0.1; the other optimizers start from the book's own defaults. */
const CLI_LR: Record<string, number> = { sgd: 0.1 };

/** The optimizer of --optimizer NAME, --lr X and RMSprop's --decay-rate X (undefined: the defaults for NAME). */
export function buildOptimizer(command: string, name: string | undefined, lr: string | undefined, decayRate?: string): Optimizer {
  const chosen = (name ?? "sgd").toLowerCase();
  if (!OPTIMIZER_NAMES.includes(chosen)) throw new UsageError(`${command}: --optimizer must be ${OPTIMIZER_NAMES.join(", ")}, got '${name}'`);
  if (decayRate !== undefined && chosen !== "rmsprop") throw new UsageError(`${command}: --decay-rate is RMSprop's, but --optimizer is ${chosen}`);
  const rate = lr !== undefined ? positiveNumber(command, "lr", lr, 0) : CLI_LR[chosen];
  const decay = ratio(command, "decay-rate", decayRate);
  return OPTIMIZERS.fromSpec({ type: chosen, ...(rate !== undefined ? { lr: rate } : {}), ...(decay !== undefined ? { decayRate: decay } : {}) }, undefined);
}
