import { MultiLayerNetExtend } from "@backprop/layers";
import { UsageError } from "./args";
import type { Demo } from "./demo-command";
import { OVERFIT_FLAGS, overfitHelp, runOverfit } from "./demo-overfit";

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
    const raw = values.dropout as string | undefined;
    const ratio = raw === undefined ? BOOK_RATIO : Number(raw);
    if (raw !== undefined && (raw.trim() === "" || !(ratio > 0 && ratio < 1))) throw new UsageError(`${CMD}: --dropout must be a ratio between 0 and 1, got '${raw}'`);
    return runOverfit(CMD, values, BOOK_EPOCHS, (inputSize, outputSize, seed) => [
      { name: "no dropout", net: new MultiLayerNetExtend(inputSize, HIDDEN, outputSize, { seed }) },
      { name: `dropout ${ratio}`, net: new MultiLayerNetExtend(inputSize, HIDDEN, outputSize, { useDropout: true, dropoutRatio: ratio, seed }) },
    ], out);
  },
};
