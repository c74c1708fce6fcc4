import { UsageError, parseFlags, type FlagSpec, type FlagValues } from "./args.js";
import { buyApple } from "./buy-apple.js";
import { buyAppleOrange } from "./buy-apple-orange.js";
import { batchNormDemo } from "./demo-batch-norm.js";
import { hyperparameterSearchDemo } from "./demo-hyperparameter-search.js";
import { optimizerCompareMnistDemo } from "./demo-optimizer-compare-mnist.js";
import { optimizerCompareNaiveDemo } from "./demo-optimizer-compare-naive.js";
import { overfitDropoutDemo } from "./demo-overfit-dropout.js";
import { overfitWeightDecayDemo } from "./demo-overfit-weight-decay.js";
import { weightInitCompareDemo } from "./demo-weight-init-compare.js";
import type { Output } from "./output.js";

const CMD = "backprop demo";

/** One of `backprop demo NAME`: the book's figures, computed by the library and printed. */
export interface Demo {
  name: string;
  /** One line for the list of demos. */
  summary: string;
  /** The demo's flags beyond --help, and their help lines. */
  flags: FlagSpec;
  flagsHelp?: string;
  run(values: FlagValues, out: Output): number | Promise<number>;
}

const buyAppleDemo: Demo = {
  name: "buy-apple",
  summary: "5.4's graph: 2 apples at 100, tax 1.1; prints the price, then dApple dAppleNum dTax",
  flags: {},
  run(_values, out) {
    const r = buyApple();
    out.stdout(`${r.price}\n${r.dApple} ${r.dAppleNum} ${r.dTax}\n`);
    return 0;
  },
};

const buyAppleOrangeDemo: Demo = {
  name: "buy-apple-orange",
  summary: "5.4's graph: 2 apples at 100, 3 oranges at 150, tax 1.1; the price, then dAppleNum dApple dOrange dOrangeNum dTax",
  flags: {},
  run(_values, out) {
    const r = buyAppleOrange();
    out.stdout(`${r.price}\n${r.dAppleNum} ${r.dApple} ${r.dOrange} ${r.dOrangeNum} ${r.dTax}\n`);
    return 0;
  },
};

/** Every demo, in the book's order. */
export const DEMOS: Demo[] = [
  buyAppleDemo,
  buyAppleOrangeDemo,
  optimizerCompareNaiveDemo,
  optimizerCompareMnistDemo,
  weightInitCompareDemo,
  batchNormDemo,
  overfitWeightDecayDemo,
  overfitDropoutDemo,
  hyperparameterSearchDemo,
];

function help(): string {
  const width = Math.max(...DEMOS.map((d) => d.name.length)) + 3;
  return `Usage: backprop demo <name> [flags]

The book's demos, computed by the library and printed exactly as JavaScript computes them. Run
'backprop demo <name> --help' for a demo's flags.

${DEMOS.map((d) => `  ${d.name.padEnd(width)}${d.summary}`).join("\n")}
`;
}

/** `backprop demo NAME [flags]`. */
export async function demoCommand(argv: string[], out: Output): Promise<number> {
  const names = DEMOS.map((d) => d.name).join(", ");
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h") {
    if (name === undefined) throw new UsageError(`${CMD}: expected one demo name (${names}), got 0`);
    out.stdout(help());
    return 0;
  }
  const demo = DEMOS.find((d) => d.name === name);
  if (!demo) {
    if (name.startsWith("-")) throw new UsageError(`${CMD}: expected a demo name (${names}) before any flag, got '${name}'`);
    throw new UsageError(`${CMD}: unknown demo '${name}' (demos: ${names})`);
  }
  const command = `${CMD} ${demo.name}`;
  const { values } = parseFlags(command, rest, { ...demo.flags, help: { type: "boolean" } });
  if (values.help) {
    out.stdout(`Usage: ${command}${demo.flagsHelp ? " [flags]" : ""}\n\n${demo.summary}\n${demo.flagsHelp ? `\nFlags:\n${demo.flagsHelp}` : ""}`);
    return 0;
  }
  return demo.run(values, out);
}
