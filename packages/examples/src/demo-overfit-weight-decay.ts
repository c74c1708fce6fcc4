import { MultiLayerNet } from "@backprop/layers";
import { positiveNumber } from "./args.js";
import type { Demo } from "./demo-command.js";
import { OVERFIT_FLAGS, overfitHelp, runOverfit } from "./demo-overfit.js";

const CMD = "backprop demo overfit-weight-decay";

/** overfit_weight_decay.py's net: six hidden layers of 100, too many for 300 digits. */
const HIDDEN = [100, 100, 100, 100, 100, 100];
const BOOK_LAMBDA = 0.1;
// the book's max_epochs = 201 measures epochs 0 to 200
const BOOK_EPOCHS = 201;

export const overfitWeightDecayDemo: Demo = {
  name: "overfit-weight-decay",
  summary: "overfit_weight_decay.py: a seven-layer net on 300 digits without and with weight decay 0.1, SGD lr 0.01, 201 epochs; train and test accuracy every 10 epochs",
  flags: { ...OVERFIT_FLAGS, "weight-decay": { type: "string" } },
  flagsHelp: `  --weight-decay L      the weight decay lambda of the second net: loss += L/2 * sum of W^2 (default ${BOOK_LAMBDA})
${overfitHelp(BOOK_EPOCHS, "the initial weights and of the batches")}`,
  run(values, out) {
    const lambda = positiveNumber(CMD, "weight-decay", values["weight-decay"], BOOK_LAMBDA);
    return runOverfit(CMD, values, BOOK_EPOCHS, (inputSize, outputSize, seed) => [
      { name: "no decay", net: new MultiLayerNet(inputSize, HIDDEN, outputSize, { seed }) },
      { name: `decay ${lambda}`, net: new MultiLayerNet(inputSize, HIDDEN, outputSize, { weightDecayLambda: lambda, seed }) },
    ], out);
  },
};
