import { MultiLayerNet, OPTIMIZERS } from "@backprop/layers";
import { UsageError } from "./args.js";
import type { Demo } from "./demo-command.js";
import { LOSS_CURVE_FLAGS, lossCurveHelp, lossCurveSettings, runLossCurves } from "./demo-loss-curves.js";
import { OPTIMIZER_NAMES } from "./net-flags.js";

const CMD = "backprop demo optimizer-compare-mnist";

/** The book's "five-layer net": four hidden layers of 100. */
const HIDDEN = [100, 100, 100, 100];
/** The optimizers of optimizer_compare_mnist.py, which leaves RMSprop commented out. */
const BOOK_OPTIMIZERS = ["sgd", "momentum", "adagrad", "adam"];
// the book's 2000 steps of four nets take 48 s on two cores; its first 700 steps take 18 s
const DEFAULT_ITERS = 700;
/** The book's losses at step 1900, from one unseeded run on the 60,000 MNIST digits. */
const BOOK_LOSSES = { SGD: 0.15, Momentum: 0.05, AdaGrad: 0.016, Adam: 0.032 };

/** The names of --optimizers, checked: known, and none twice. */
function parseOptimizers(raw: string | boolean | undefined): string[] {
  if (typeof raw !== "string") return BOOK_OPTIMIZERS;
  const names = raw.split(",").map((name) => name.trim().toLowerCase());
  for (const name of names) {
    if (!OPTIMIZER_NAMES.includes(name)) throw new UsageError(`${CMD}: --optimizers must list names of ${OPTIMIZER_NAMES.join(", ")}, got '${raw}'`);
  }
  const twice = names.find((name, k) => names.indexOf(name) !== k);
  if (twice !== undefined) throw new UsageError(`${CMD}: --optimizers must name each optimizer once, got '${twice}' twice in '${raw}'`);
  return names;
}

export const optimizerCompareMnistDemo: Demo = {
  name: "optimizer-compare-mnist",
  summary: `optimizer_compare_mnist.py: a five-layer net (four hidden layers of 100) per optimizer, SGD Momentum AdaGrad Adam at the book's settings; the loss every 100 steps (default ${DEFAULT_ITERS} of the book's 2000 steps)`,
  flags: { ...LOSS_CURVE_FLAGS, optimizers: { type: "string" } },
  flagsHelp: `  --optimizers LIST     comma-separated names from ${OPTIMIZER_NAMES.join(", ")}, each at the
                        book's defaults (lr 0.01, adam 0.001); default ${BOOK_OPTIMIZERS.join(",")}, the book's four
${lossCurveHelp(DEFAULT_ITERS)}`,
  run(values, out) {
    const names = parseOptimizers(values.optimizers);
    const settings = lossCurveSettings(CMD, values, DEFAULT_ITERS);
    const race = (inputSize: number, outputSize: number, seed: number) => {
      const optimizers = names.map((name) => OPTIMIZERS.fromSpec({ type: name }, undefined));
      return {
        columns: optimizers.map((o) => o.spec().type),
        contestants: optimizers.map((optimizer) => ({ net: new MultiLayerNet(inputSize, HIDDEN, outputSize, { seed }), optimizer })),
        compared: `optimizers: ${optimizers.join(", ")}`,
      };
    };
    return runLossCurves(CMD, settings, race, { label: "book 1900", losses: BOOK_LOSSES }, out);
  },
};
