import { MultiLayerNetExtend } from "@backprop/layers";
import { ratio } from "./args.js";
import type { Demo } from "./demo-command.js";
import { OVERFIT_FLAGS, overfitHelp, runOverfit } from "./demo-overfit.js";

const CMD = "backprop demo overfit-dropout";

/** overfit_dropout.py's net: six hidden layers of 100, too many for 300 digits. */
const HIDDEN = [100, 100, 100, 100, 100, 100];
const BOOK_RATIO = 0.2;
// the book's Trainer(epochs=301) measures epochs 0 to 300
const BOOK_EPOCHS = 301;

export const overfitDropoutDemo: Demo = {
  name: "overfit-dropout",
  summary: "overfit_dropout.py: a seven-layer net on 300 digits without and with Dropout 0.2, SGD lr 0.01, 301 epochs; train and test accuracy every 10 epochs",
  flags: { ...OVERFIT_FLAGS, dropout: { type: "string" } },
  flagsHelp: `  --dropout RATIO       the share of units the second net's Dropout layers drop while training (default ${BOOK_RATIO})
${overfitHelp(BOOK_EPOCHS, "the initial weights, the batches and the dropout masks")}`,
  run(values, out) {
    const dropout = ratio(CMD, "dropout", values.dropout) ?? BOOK_RATIO;
    return runOverfit(CMD, values, BOOK_EPOCHS, (inputSize, outputSize, seed) => [
      { name: "no dropout", net: new MultiLayerNetExtend(inputSize, HIDDEN, outputSize, { seed }) },
      { name: `dropout ${dropout}`, net: new MultiLayerNetExtend(inputSize, HIDDEN, outputSize, { useDropout: true, dropoutRatio: dropout, seed }) },
    ], out);
  },
};
