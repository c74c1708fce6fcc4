import { SGD, accuracy, evaluateMetrics, type Net } from "@backprop/layers";
import { nonNegativeInt, positiveInt, type FlagSpec, type FlagValues } from "./args.js";
import { dataSource, describeData, loadData } from "./data.js";
import { bookEpochs, interrupted, trainSideBySide } from "./demo-side-by-side.js";
import { firstSamples } from "./demo-subset.js";
import { formatAccuracy, formatTable } from "./demo-table.js";
import type { Output } from "./output.js";

/** The flags of an overfitting demo (overfit_weight_decay.py, overfit_dropout.py), beside its own. */
export const OVERFIT_FLAGS = {
  epochs: { type: "string" },
  seed: { type: "string" },
  data: { type: "string" },
} as const satisfies FlagSpec;

/** The book's overfitting set-up: the first 300 training digits, SGD lr 0.01, batches of 100 drawn with replacement. */
const BOOK = { trainSize: 300, lr: 0.01, batchSize: 100 };
/** A row of the table every EVERY epochs, as the book's figures mark them, and one for the last. */
const EVERY = 10;

/** The help lines of OVERFIT_FLAGS; `seeded` names what --seed draws. */
export function overfitHelp(bookEpochs: number, seeded: string): string {
  return `  --epochs N            epochs of ${BOOK.trainSize / BOOK.batchSize} steps (default ${bookEpochs}, the book's)
  --seed N              seed of ${seeded} (default 0)
  --data DIR            the four MNIST IDX files in DIR instead of the embedded digits
`;
}

/** The two nets of an overfitting demo: the book's and the same without its remedy, each named for the table. */
export type OverfitNets = (inputSize: number, outputSize: number, seed: number) => { name: string; net: Net }[];

/**
 * Trains the nets side by side on the first 300 training digits, as the book's overfitting scripts, and prints
 * each one's accuracy on those 300 and on the whole test set every 10 epochs and at the last.
 */
export async function runOverfit(command: string, v: FlagValues, defaultEpochs: number, nets: OverfitNets, out: Output): Promise<number> {
  const epochs = positiveInt(command, "epochs", v.epochs, defaultEpochs);
  const seed = nonNegativeInt(command, "seed", v.seed, 0);
  const data = dataSource(v.data as string | undefined);
  const mnist = loadData(data);
  const train = firstSamples(command, mnist.train, BOOK.trainSize);
  const named = nets(mnist.train.imageSize, mnist.train.classes, seed);
  // one SGD serves both nets: it keeps nothing between updates
  const optimizer = new SGD(BOOK.lr);
  const { itersPerEpoch, steps, epochAt } = bookEpochs(train.length, BOOK.batchSize, epochs);
  out.stdout(`${named.map(({ net }) => String(net)).join(" and ")} on the first ${train.length} of ${describeData(data, mnist)}: ${optimizer}, batch ${BOOK.batchSize} drawn with replacement, ${epochs} epochs, seed ${seed}\n`);
  out.stdout(`accuracy on those ${train.length} (train) and on all ${mnist.test.length} test samples at epoch k, after update ${itersPerEpoch}k + 1 as in the book's loop:\n\n`);
  const rows = [["epoch", ...named.flatMap(({ name }) => [`train, ${name}`, `test, ${name}`])]];
  const contestants = named.map(({ net }) => ({ net, optimizer }));
  const status = await trainSideBySide(train, contestants, { batchSize: BOOK.batchSize, steps, seed }, out, (i) => {
    const k = epochAt(i);
    if (k === null || (k % EVERY !== 0 && k !== epochs - 1)) return;
    const accuracies = named.flatMap(({ net }) => [train, mnist.test].map((set) => formatAccuracy(evaluateMetrics(net, set, [accuracy]).acc)));
    rows.push([String(k), ...accuracies]);
  });
  out.stdout(formatTable(rows));
  return status === "stopped" ? interrupted(command, out) : 0;
}
