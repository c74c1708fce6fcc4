import { writeFileAtomic } from "@backprop/layers/node";
import { UsageError, parseFlags, type FlagSpec, type FlagValues } from "./args.js";
import { buyApple, buyAppleGraph } from "./buy-apple.js";
import { buyAppleOrange, buyAppleOrangeGraph } from "./buy-apple-orange.js";
import { batchNormDemo } from "./demo-batch-norm.js";
import { hyperparameterSearchDemo } from "./demo-hyperparameter-search.js";
import { optimizerCompareMnistDemo } from "./demo-optimizer-compare-mnist.js";
import { optimizerCompareNaiveDemo } from "./demo-optimizer-compare-naive.js";
import { odeMnistDemo } from "./demo-ode-mnist.js";
import { optimizerRaceDemo } from "./demo-optimizer-race.js";
import { overfitDropoutDemo } from "./demo-overfit-dropout.js";
import { overfitWeightDecayDemo } from "./demo-overfit-weight-decay.js";
import { weightInitCompareDemo } from "./demo-weight-init-compare.js";
import type { Output } from "./output.js";
import { checkOutput } from "./output-paths.js";
import { computationalGraphSvg } from "./visual/computational-graph.js";

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

const GRAPH_FLAGS: FlagSpec = { svg: { type: "string" } };
const GRAPH_HELP = `  --svg FILE            also draw the graph as the book's figure into FILE (.svg): forward values above each
                        arrow, backward derivatives below it, the numbers printed here
`;

/** The --svg FILE of a graph demo, checked before anything is computed: a name ending in .svg in a writable folder, or undefined. */
function svgFile(demo: string, values: FlagValues): string | undefined {
  const file = values.svg as string | undefined;
  if (file === undefined) return undefined;
  if (!/.\.svg$/i.test(file)) throw new UsageError(`${CMD} ${demo}: --svg must be a file name ending in .svg, got '${file}'`);
  checkOutput("svg", file, `${CMD} ${demo}`);
  return file;
}

const buyAppleDemo: Demo = {
  name: "buy-apple",
  summary: "5.4's graph: 2 apples at 100, tax 1.1; prints the price, then dApple dAppleNum dTax",
  flags: GRAPH_FLAGS,
  flagsHelp: GRAPH_HELP,
  run(values, out) {
    const file = svgFile("buy-apple", values);
    const r = buyApple();
    // the picture first: a file that still cannot be written fails the demo before it prints
    if (file !== undefined) writeFileAtomic(file, [computationalGraphSvg(buyAppleGraph(r))]);
    out.stdout(`${r.price}\n${r.dApple} ${r.dAppleNum} ${r.dTax}\n`);
    if (file !== undefined) out.stderr(`wrote ${file}\n`);
    return 0;
  },
};

const buyAppleOrangeDemo: Demo = {
  name: "buy-apple-orange",
  summary: "5.4's graph: 2 apples at 100, 3 oranges at 150, tax 1.1; the price, then dAppleNum dApple dOrange dOrangeNum dTax",
  flags: GRAPH_FLAGS,
  flagsHelp: GRAPH_HELP,
  run(values, out) {
    const file = svgFile("buy-apple-orange", values);
    const r = buyAppleOrange();
    // the picture first: a file that still cannot be written fails the demo before it prints
    if (file !== undefined) writeFileAtomic(file, [computationalGraphSvg(buyAppleOrangeGraph(r))]);
    out.stdout(`${r.price}\n${r.dAppleNum} ${r.dApple} ${r.dOrange} ${r.dOrangeNum} ${r.dTax}\n`);
    if (file !== undefined) out.stderr(`wrote ${file}\n`);
    return 0;
  },
};

/** Every demo, in the book's order. */
export const DEMOS: Demo[] = [
  buyAppleDemo,
  buyAppleOrangeDemo,
  optimizerCompareNaiveDemo,
  optimizerRaceDemo,
  optimizerCompareMnistDemo,
  weightInitCompareDemo,
  batchNormDemo,
  overfitWeightDecayDemo,
  overfitDropoutDemo,
  hyperparameterSearchDemo,
  odeMnistDemo,
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
