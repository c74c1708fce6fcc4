import { MultiLayerNet, SGD, type WeightInit } from "@backprop/layers";
import type { Demo } from "./demo-command.js";
import { LOSS_CURVE_FLAGS, lossCurveHelp, lossCurveSettings, runLossCurves } from "./demo-loss-curves.js";

const CMD = "backprop demo weight-init-compare";

/** The book's five-layer net: four hidden layers of 100 (ReLU). */
const HIDDEN = [100, 100, 100, 100];
/** weight_init_compare.py's initializations: a fixed standard deviation, Xavier's sqrt(1 / n), He's sqrt(2 / n). */
const WEIGHT_INIT_TYPES: Record<string, WeightInit> = { "std=0.01": 0.01, Xavier: "sigmoid", He: "relu" };
const LEARNING_RATE = 0.01;
// the book's 2000 steps of three nets take 33 s on two cores; its first 1000 steps take 18 s
const DEFAULT_ITERS = 1000;
/** The book's losses at step 1800: std=0.01 does not learn at all. */
const BOOK_LOSSES = { "std=0.01": 2.303, Xavier: 0.228, He: 0.166 };

export const weightInitCompareDemo: Demo = {
  name: "weight-init-compare",
  summary: `weight_init_compare.py: the five-layer ReLU net from std 0.01, Xavier and He weights, SGD lr 0.01; the loss every 100 steps (default ${DEFAULT_ITERS} of the book's 2000 steps)`,
  flags: LOSS_CURVE_FLAGS,
  flagsHelp: lossCurveHelp(DEFAULT_ITERS),
  run(values, out) {
    const settings = lossCurveSettings(CMD, values, DEFAULT_ITERS);
    // SGD keeps nothing between updates, so that the book's one optimizer serves all three nets
    const optimizer = new SGD(LEARNING_RATE);
    const race = (inputSize: number, outputSize: number, seed: number) => ({
      columns: Object.keys(WEIGHT_INIT_TYPES),
      contestants: Object.values(WEIGHT_INIT_TYPES).map((weightInitStd) => ({ net: new MultiLayerNet(inputSize, HIDDEN, outputSize, { weightInitStd, seed }), optimizer })),
      compared: `initial weights: std 0.01, Xavier sqrt(1 / n), He sqrt(2 / n) for n inputs; ${optimizer}`,
    });
    return runLossCurves(CMD, settings, race, { label: "book 1800", losses: BOOK_LOSSES }, out);
  },
};
