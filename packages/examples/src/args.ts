import { parseArgs } from "node:util";
import { MAX_COUNT } from "@backprop/layers";

/** A mistake on the command line: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export type FlagValues = Record<string, string | boolean | undefined>;

export interface FlagSpec {
  [flag: string]: { type: "string" | "boolean" };
}

/**
 * Parses `argv` against `spec`; unknown flags, a flag given twice, and arguments that are not flags where
 * `allowPositionals` is false, are UsageErrors naming the command.
 */
export function parseFlags(
  command: string,
  argv: string[],
  spec: FlagSpec,
  allowPositionals = false,
): { values: FlagValues; positionals: string[] } {
  try {
    const args = attachNegativeValues(argv, spec);
    refuseRepeats(command, args, spec);
    const { values, positionals } = parseArgs({ args, options: spec, strict: true, allowPositionals: true });
    if (!allowPositionals && positionals.length > 0) throw new UsageError(`${command}: unexpected argument '${positionals[0]}'`);
    return { values: values as FlagValues, positionals };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as { code?: string }).code;
    const flag = /'(-[^' ]*)/.exec((error as Error).message)?.[1];
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw new UsageError(`${command}: unknown flag ${flag} (see ${command} --help)`);
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") throw new UsageError(`${command}: ${flag} needs a value`);
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
}

// parseArgs reads the "-0.1" of "--lr -0.1" as a flag; joined as "--lr=-0.1" it is the value, to be judged later
function attachNegativeValues(argv: string[], spec: FlagSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (argv[i].startsWith("--") && spec[argv[i].slice(2)]?.type === "string" && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else {
      out.push(argv[i]);
    }
  }
  return out;
}

// "--lr 0.1 --lr 0.2" keeps the last today, silently: one of them is a mistake
function refuseRepeats(command: string, args: string[], spec: FlagSpec): void {
  const seen = new Set<string>();
  for (const arg of args) {
    if (arg === "--") return;
    const name = /^--([^=]+)/.exec(arg)?.[1];
    if (name === undefined || !Object.hasOwn(spec, name)) continue;
    if (seen.has(name)) throw new UsageError(`${command}: --${name} is given twice, expected it once`);
    seen.add(name);
  }
}

/** A plain decimal number, 12, -0.5, 1e-3: not hex (0x3), binary, Infinity or an empty string, which Number() takes. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(command: string, flag: string, raw: string, integer: boolean, min: number, minLabel: string): number {
  const value = DECIMAL.test(raw.trim()) ? Number(raw) : NaN;
  const kind = integer ? `${minLabel} integer` : `${minLabel} number`;
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min) {
    throw new UsageError(`${command}: --${flag} must be a ${kind}, got '${raw}'`);
  }
  if (integer && value > MAX_COUNT) throw new UsageError(`${command}: --${flag} must be a ${kind} of at most 2^31 = ${MAX_COUNT}, got '${raw}'`);
  return value;
}

/** The flag as an integer >= 1, or `fallback` when absent. */
export function positiveInt(command: string, flag: string, raw: string | boolean | undefined, fallback: number): number {
  return typeof raw === "string" ? parseNumber(command, flag, raw, true, 1, "positive") : fallback;
}

/** The flag as an integer >= 0, or `fallback` when absent. */
export function nonNegativeInt(command: string, flag: string, raw: string | boolean | undefined, fallback: number): number {
  return typeof raw === "string" ? parseNumber(command, flag, raw, true, 0, "non-negative") : fallback;
}

/** The flag as a number > 0, or `fallback` when absent. */
export function positiveNumber(command: string, flag: string, raw: string | boolean | undefined, fallback: number): number {
  if (typeof raw !== "string") return fallback;
  const value = parseNumber(command, flag, raw, false, 0, "positive");
  if (value === 0) throw new UsageError(`${command}: --${flag} must be a positive number, got '${raw}'`);
  return value;
}

/** The flag as a number >= 0, or `fallback` when absent. */
export function nonNegativeNumber(command: string, flag: string, raw: string | boolean | undefined, fallback: number): number {
  return typeof raw === "string" ? parseNumber(command, flag, raw, false, 0, "non-negative") : fallback;
}

/** The flag as a ratio strictly between 0 and 1 (a Dropout ratio), or undefined when absent. */
export function ratio(command: string, flag: string, raw: string | boolean | undefined): number | undefined {
  if (typeof raw !== "string") return undefined;
  const value = DECIMAL.test(raw.trim()) ? Number(raw) : NaN;
  if (!(value > 0 && value < 1)) throw new UsageError(`${command}: --${flag} must be a ratio between 0 and 1, got '${raw}'`);
  return value;
}
