import { MultiLayerNetExtend, SGD, accuracy, evaluateMetrics } from "@backprop/layers";
import { nonNegativeInt, positiveInt } from "./args.js";
import type { Demo } from "./demo-command.js";
import { dataSource, describeData, loadData } from "./data.js";
import { bookEpochs, interrupted, trainSideBySide } from "./demo-side-by-side.js";
import { firstSamples } from "./demo-subset.js";
import { formatAccuracy, formatTable } from "./demo-table.js";

const CMD = "backprop demo batch-norm";

/** batch_norm_test.py: the first 1000 training digits, five hidden layers of 100, SGD lr 0.01, batches of 100. */
const BOOK = { trainSize: 1000, hidden: [100, 100, 100, 100, 100], lr: 0.01, batchSize: 100, epochs: 20, scales: 16 };
// the book's 16 scales take 52 s on two cores; 6 of them, every third of the book's, take 20 s
const DEFAULT_SCALES = 6;
/** A column every EVERY epochs, and one for the last. */
const EVERY = 5;

/** np.logspace(0, -4, n): n standard deviations of the initial weights from 1 down to 1e-4, evenly spaced in log. */
export function weightScales(n: number): number[] {
  return n === 1 ? [1] : Array.from({ length: n }, (_, k) => 10 ** ((-4 * k) / (n - 1)));
}

export const batchNormDemo: Demo = {
  name: "batch-norm",
  summary: `batch_norm_test.py: a six-layer net with and without BatchNorm from each weight scale, 1000 digits, SGD lr 0.01, 20 epochs; the train accuracy (default ${DEFAULT_SCALES} of the book's 16 scales)`,
  flags: { scales: { type: "string" }, epochs: { type: "string" }, seed: { type: "string" }, data: { type: "string" } },
  flagsHelp: `  --scales N            weight scales np.logspace(0, -4, N) (default ${DEFAULT_SCALES}: every third of the book's ${BOOK.scales})
  --epochs N            epochs of ${BOOK.trainSize / BOOK.batchSize} steps (default ${BOOK.epochs}, the book's)
  --seed N              seed of the initial weights and of the batches, the same for every scale (default 0)
  --data DIR            the four MNIST IDX files in DIR instead of the embedded digits
`,
  async run(values, out) {
    const scales = weightScales(positiveInt(CMD, "scales", values.scales, DEFAULT_SCALES));
    const epochs = positiveInt(CMD, "epochs", values.epochs, BOOK.epochs);
    const seed = nonNegativeInt(CMD, "seed", values.seed, 0);
    const data = dataSource(values.data as string | undefined);
    const mnist = loadData(data);
    const train = firstSamples(CMD, mnist.train, BOOK.trainSize);
    // the book's one SGD updates both nets: it keeps nothing between updates
    const optimizer = new SGD(BOOK.lr);
    const { itersPerEpoch, steps, epochAt } = bookEpochs(train.length, BOOK.batchSize, epochs);
    const shown = Array.from({ length: epochs }, (_, k) => k).filter((k) => k % EVERY === 0 || k === epochs - 1);
    const build = (weightInitStd: number, useBatchnorm: boolean) =>
      new MultiLayerNetExtend(mnist.train.imageSize, BOOK.hidden, mnist.train.classes, { weightInitStd, useBatchnorm, seed });
    out.stdout(`${build(scales[0], false)} and ${build(scales[0], true)} on the first ${train.length} of ${describeData(data, mnist)}: ${optimizer}, batch ${BOOK.batchSize} drawn with replacement, ${epochs} epochs, seed ${seed}\n`);
    out.stdout(`train accuracy without / with BatchNorm, by weight scale (the initial weights' standard deviation), at epoch k, after update ${itersPerEpoch}k + 1 as in the book's loop:\n\n`);
    const rows = [["scale", ...shown.map((k) => `epoch ${k}`)]];
    for (const scale of scales) {
      const nets = [build(scale, false), build(scale, true)];
      const cells: string[] = [];
      const status = await trainSideBySide(train, nets.map((net) => ({ net, optimizer })), { batchSize: BOOK.batchSize, steps, seed }, out, (i) => {
        const k = epochAt(i);
        if (k !== null && shown.includes(k)) cells.push(nets.map((net) => formatAccuracy(evaluateMetrics(net, train, [accuracy]).acc)).join(" / "));
      });
      if (status === "stopped") {
        out.stdout(formatTable(rows));
        return interrupted(CMD, out);
      }
      rows.push([String(Number(scale.toPrecision(3))), ...cells]);
    }
    out.stdout(formatTable(rows));
    return 0;
  },
};
