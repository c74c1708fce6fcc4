// The playground's settings and their home in the URL: a link reproduces a run. No DOM here.

/** The 2-D data sets of the playground: generated from the seed, or a CSV the user brings. */
export type PlaneDataset = "spiral" | "circles" | "xor" | "gaussians" | "regression" | "csv";

export const DATASETS: readonly PlaneDataset[] = ["spiral", "circles", "xor", "gaussians", "regression", "csv"];
export const ACTIVATIONS = ["relu", "sigmoid", "tanh"] as const;
export const PLAYGROUND_OPTIMIZERS = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"] as const;
/** Hidden layers: at most MAX_LAYERS of 1..MAX_UNITS units. */
export const MAX_LAYERS = 6;
export const MAX_UNITS = 16;

/** Everything a run depends on; settingsToQuery writes it into the URL and settingsFromQuery reads it back. */
export interface PlaygroundSettings {
  dataset: PlaneDataset;
  /** Per class for classification sets (the spiral's 100 is the book's), the total for regression: 10..1000. */
  points: number;
  /** The spiral's classes, 2..5 (circles, xor and gaussians have 2; regression none). */
  classes: number;
  /** 0..1, each data set's own scale (the spiral: theta += noise * randn(), the book's 0.2). */
  noise: number;
  /** The share of the points held out for testing, 0.1..0.9. */
  testRatio: number;
  /** Units of each hidden layer: 0..6 layers of 1..16 units. */
  hidden: number[];
  activation: (typeof ACTIVATIONS)[number];
  /** The book's weight_init_std: "he", "xavier" or a standard deviation > 0. */
  init: "he" | "xavier" | number;
  optimizer: (typeof PLAYGROUND_OPTIMIZERS)[number];
  lr: number;
  batchSize: number;
  /** The book's weight_decay_lambda, >= 0. */
  weightDecay: number;
  /** 0: no Dropout; else the share each Dropout layer drops, below 1. */
  dropout: number;
  batchNorm: boolean;
  seed: number;
}

/** The book's spiral (100 points per class, 3 classes, noise 0.2) with a 2-8-8-3 ReLU net, SGD lr 0.3, batch 30. */
export const DEFAULT_SETTINGS: PlaygroundSettings = Object.freeze({
  dataset: "spiral",
  points: 100,
  classes: 3,
  noise: 0.2,
  testRatio: 0.2,
  hidden: Object.freeze([8, 8]) as number[],
  activation: "relu",
  init: "he",
  optimizer: "sgd",
  lr: 0.3,
  batchSize: 30,
  weightDecay: 0,
  dropout: 0,
  batchNorm: false,
  seed: 0,
}) as PlaygroundSettings;

type Key = keyof PlaygroundSettings;
/** One setting's reader: its value, or undefined when the text is no such value; `expected` says what it takes. */
interface Field {
  expected: string;
  read(text: string): unknown;
}

const number = (text: string): number | undefined => (/^\s*$/.test(text) ? undefined : Number(text));
const between = (lo: number, hi: number, integer = false) => (text: string) => {
  const x = number(text);
  return x !== undefined && Number.isFinite(x) && x >= lo && x <= hi && (!integer || Number.isInteger(x)) ? x : undefined;
};
const oneOf = (values: readonly string[]) => (text: string) => (values.includes(text) ? text : undefined);
const list = (values: readonly string[]) => values.join(", ");

/** The fields in the fixed order of the query. */
const FIELDS: Record<Key, Field> = {
  dataset: { expected: `one of ${list(DATASETS)}`, read: oneOf(DATASETS) },
  points: { expected: "an integer from 10 to 1000", read: between(10, 1000, true) },
  classes: { expected: "an integer from 2 to 5", read: between(2, 5, true) },
  noise: { expected: "a number from 0 to 1", read: between(0, 1) },
  testRatio: { expected: "a number from 0.1 to 0.9", read: between(0.1, 0.9) },
  hidden: {
    expected: `up to ${MAX_LAYERS} sizes of 1 to ${MAX_UNITS} units such as 8,8`,
    read: (text) => {
      if (text.trim() === "") return [];
      const sizes = text.split(",").map(between(1, MAX_UNITS, true));
      return sizes.length <= MAX_LAYERS && sizes.every((n) => n !== undefined) ? sizes : undefined;
    },
  },
  activation: { expected: `one of ${list(ACTIVATIONS)}`, read: oneOf(ACTIVATIONS) },
  init: { expected: "he, xavier or a standard deviation above 0", read: (text) => oneOf(["he", "xavier"])(text) ?? positive(text) },
  optimizer: { expected: `one of ${list(PLAYGROUND_OPTIMIZERS)}`, read: oneOf(PLAYGROUND_OPTIMIZERS) },
  lr: { expected: "a number above 0, at most 10", read: (text) => ((positive(text) ?? Infinity) <= 10 ? Number(text) : undefined) },
  batchSize: { expected: "an integer from 1 to 1000", read: between(1, 1000, true) },
  weightDecay: { expected: "a number from 0 to 1", read: between(0, 1) },
  dropout: { expected: "a number from 0 to 0.9 (0: no dropout)", read: between(0, 0.9) },
  batchNorm: { expected: "true or false", read: (text) => (text === "true" ? true : text === "false" ? false : undefined) },
  seed: { expected: "an integer from 0 to 2^31 - 1", read: between(0, 2 ** 31 - 1, true) },
};

function positive(text: string): number | undefined {
  const x = number(text);
  return x !== undefined && Number.isFinite(x) && x > 0 ? x : undefined;
}

/** The keys of the query, in its fixed order. */
export const SETTING_KEYS = Object.keys(FIELDS) as Key[];

/** "dataset=spiral&points=100&...&seed=0": every setting, in a fixed order (hidden as 8,8; none as hidden=). */
export function settingsToQuery(s: PlaygroundSettings): string {
  return SETTING_KEYS.map((key) => {
    const value = s[key];
    const text = Array.isArray(value) ? value.join(",") : String(value);
    return `${key}=${encodeURIComponent(text).replace(/%2C/g, ",")}`;
  }).join("&");
}

/**
 * Settings from a location.search string (with or without "?"). Missing keys take the defaults; unknown keys and
 * bad values are reported in `errors`, one line each ("hidden: expected up to 6 sizes of 1 to 16 units such as 8,8,
 * got 'x'"), and bad values are replaced by the defaults.
 */
export function settingsFromQuery(query: string): { settings: PlaygroundSettings; errors: string[] } {
  const settings = { ...DEFAULT_SETTINGS, hidden: [...DEFAULT_SETTINGS.hidden] } as Record<Key, unknown>;
  const errors: string[] = [];
  for (const [key, text] of new URLSearchParams(query.replace(/^\?/, ""))) {
    if (!Object.hasOwn(FIELDS, key)) {
      errors.push(`${key}: unknown setting, expected one of ${list(SETTING_KEYS)}`);
      continue;
    }
    const field = FIELDS[key as Key];
    const value = field.read(text);
    if (value === undefined) errors.push(`${key}: expected ${field.expected}, got '${text}'`);
    else settings[key as Key] = value;
  }
  return { settings: settings as unknown as PlaygroundSettings, errors };
}
