// What a sweep searches: each flag a fixed value, a range a..b (uniform) or a..b:log (log-uniform), or a choice
// x,y,z, and how one uniform draw u in [0, 1) picks a value from it.
import { UsageError, nonNegativeNumber, positiveInt, positiveNumber } from "../args.js";

/** A number to search: a range, or a choice of values (one value: fixed). */
export type NumberParam = { kind: "range"; low: number; high: number; scale: "linear" | "log" } | { kind: "choice"; values: number[] };

/** What a sweep draws for each trial. */
export interface SearchSpace {
  lr: NumberParam;
  weightDecay: NumberParam;
  /** Architectures to choose from: the hidden layers' sizes. */
  hidden: number[][];
  optimizer: string[];
  /** A choice of integers. */
  batchSize: NumberParam;
}

const RANGE = /^(.*)\.\.(.*?)(?::(.*))?$/;
/** A plain decimal number, as args.ts reads one: 12, -0.5, 1e-3. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** What the values of a flag must be: real numbers > 0 or >= 0, or positive integers (no ranges). */
export type NumberKind = "positive" | "non-negative" | "integer";

/**
 * `--flag raw` of `command` as a NumberParam: "0.1" (fixed), "1e-6..1e-2" (uniform), "1e-6..1e-2:log"
 * (log-uniform), "0.1,0.01" (a choice). Integers take a value or a choice only.
 */
export function parseNumberParam(command: string, flag: string, raw: string, kind: NumberKind): NumberParam {
  const fail = (why: string): never => {
    throw new UsageError(`${command}: --${flag} ${raw}: ${why}`);
  };
  const value = (part: string): number => {
    try {
      if (kind === "integer") return positiveInt(command, flag, part.trim(), 0);
      return kind === "positive" ? positiveNumber(command, flag, part.trim(), 0) : nonNegativeNumber(command, flag, part.trim(), 0);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      return fail(`'${part}' is not a ${kind === "integer" ? "positive integer" : `${kind} number`}`);
    }
  };
  const range = RANGE.exec(raw);
  if (range) {
    if (kind === "integer") fail("a range is for real numbers; give a value or a choice such as 32,64,128");
    const [, lowText, highText, scaleText] = range;
    const scale = scaleText === undefined || scaleText === "linear" ? "linear" : scaleText === "log" ? "log" : fail(`unknown scale '${scaleText}', expected log (a..b:log) or linear (a..b)`);
    // a log range's ends are judged as ends first: "0..1:log" is a log range's mistake before it is a zero's
    if (scale === "log" && [lowText, highText].some((end) => DECIMAL.test(end.trim()) && !(Number(end) > 0))) fail("a log range needs positive ends");
    const [low, high] = [value(lowText), value(highText)];
    if (!(low < high)) fail("the low end must be below the high end");
    return { kind: "range", low, high, scale };
  }
  const values = raw.split(",").map((part) => (part.trim() === "" ? fail("an empty value in the list") : value(part)));
  refuseRepeats(values, (v) => fail(`${v} is given twice`));
  return { kind: "choice", values };
}

/**
 * `--hidden` as a choice of architectures: "50,100,100x3" is one hidden layer of 50, one of 100, or three of 100;
 * "100+50" is a layer of 100 then one of 50.
 */
export function parseHiddenChoice(command: string, flag: string, raw: string): number[][] {
  const fail = (): never => {
    throw new UsageError(`${command}: --${flag} must be a comma-separated choice of architectures such as 50,100,100x3 (three layers of 100) or 100+50, got '${raw}'`);
  };
  const choice = raw.split(",").map((architecture) =>
    architecture.split("+").flatMap((term) => {
      const match = /^\s*(\d+)(?:x(\d+))?\s*$/.exec(term) ?? fail();
      const [size, times] = [Number(match[1]), Number(match[2] ?? 1)];
      if (size < 1 || times < 1) fail();
      return Array.from({ length: times }, () => size);
    }),
  );
  refuseRepeats(choice.map(hiddenLabel), (label) => {
    throw new UsageError(`${command}: --${flag} ${raw}: the architecture ${label} is given twice`);
  });
  return choice;
}

/** `--flag raw` as a choice among `allowed` names: "sgd,adam". */
export function parseNameChoice(command: string, flag: string, raw: string, allowed: readonly string[]): string[] {
  const names = raw.split(",").map((name) => name.trim().toLowerCase());
  const unknown = names.find((name) => !allowed.includes(name));
  if (unknown !== undefined) throw new UsageError(`${command}: --${flag} must be a comma-separated choice of ${allowed.join(", ")}, got '${unknown === "" ? raw : unknown}'`);
  refuseRepeats(names, (name) => {
    throw new UsageError(`${command}: --${flag} ${raw}: ${name} is given twice`);
  });
  return names;
}

/** The value a uniform draw `u` in [0, 1) picks: low + (high - low) u, 10^(log10 low + (log10 high - log10 low) u), or values[floor(n u)]. */
export function drawNumber(param: NumberParam, u: number): number {
  if (param.kind === "choice") return pick(param.values, u);
  const { low, high, scale } = param;
  if (scale === "linear") return low + (high - low) * u;
  // as the book's 10 ** np.random.uniform(-6, -2)
  const [a, b] = [Math.log10(low), Math.log10(high)];
  return 10 ** (a + (b - a) * u);
}

/** values[floor(n u)]: each of the n values for a share 1/n of [0, 1). */
export function pick<T>(values: readonly T[], u: number): T {
  return values[Math.min(values.length - 1, Math.floor(u * values.length))];
}

/** Whether the parameter takes more than one value. */
export function varies(param: NumberParam): boolean {
  return param.kind === "range" || param.values.length > 1;
}

/** The parameter as a flag value that parses back to it: "1e-6..0.01:log", "0.1", "32,64". */
export function paramText(param: NumberParam): string {
  if (param.kind === "choice") return param.values.map(formatNumber).join(",");
  return `${formatNumber(param.low)}..${formatNumber(param.high)}${param.scale === "log" ? ":log" : ""}`;
}

/** An architecture as --hidden writes it: [100, 100, 100] is "100x3", [100, 50] is "100+50". */
export function hiddenLabel(sizes: readonly number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < sizes.length; ) {
    let j = i;
    while (j < sizes.length && sizes[j] === sizes[i]) j++;
    runs.push(j - i === 1 ? String(sizes[i]) : `${sizes[i]}x${j - i}`);
    i = j;
  }
  return runs.join("+");
}

/** A number as a flag value, exactly, the shorter way: 0.1, 100, 1e-3, 2e6, 3.1622776601683794e-4. */
export function formatNumber(x: number): string {
  const [plain, exponent] = [String(x), x.toExponential().replace("e+", "e")];
  return exponent.length < plain.length ? exponent : plain;
}

function refuseRepeats<T>(items: readonly T[], fail: (item: T) => void): void {
  const seen = new Set<T>();
  for (const item of items) {
    if (seen.has(item)) fail(item);
    seen.add(item);
  }
}
