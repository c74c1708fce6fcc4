import { Random } from "@backprop/core";
import { MultiLayerNet, SGD, accuracy, evaluateMetrics } from "@backprop/layers";
import { nonNegativeInt, positiveInt } from "./args.js";
import type { Demo } from "./demo-command.js";
import { dataSource, describeData, loadData } from "./data.js";
import { bookEpochs, interrupted, trainSideBySide } from "./demo-side-by-side.js";
import { firstSamples, subset } from "./demo-subset.js";
import { formatAccuracy, formatTable } from "./demo-table.js";

const CMD = "backprop demo hyperparameter-search";

/**
 * hyperparameter_optimization.py: the first 500 training digits, 20% of them (shuffled) held out for validation, six
 * hidden layers of 100, SGD, batches of 100 drawn with replacement, 50 epochs, 100 trials, the best 20 shown.
 */
const BOOK = { trainSize: 500, validationRate: 0.2, hidden: [100, 100, 100, 100, 100, 100], batchSize: 100, epochs: 50, trials: 100, best: 20 };
/** validation_num = int(500 * 0.2) = 100, taken from the front after shuffling. */
const VALIDATION_NUM = Math.floor(BOOK.trainSize * BOOK.validationRate);
// a trial takes 1.6 s on two cores: the book's 100 take nearly 3 minutes, 12 take 20 s
const DEFAULT_TRIALS = 12;
/** The search ranges as powers of ten: lr = 10^U(-6, -2), weight decay = 10^U(-8, -4). */
const LR_EXPONENTS = [-6, -2];
const WEIGHT_DECAY_EXPONENTS = [-8, -4];

/** np.random.uniform(low, high) from `rng`. */
function uniform(rng: Random, [low, high]: number[]): number {
  return low + (high - low) * rng.random();
}

/** 3.162e-4 */
const formatRate = (x: number): string => x.toExponential(3);

interface Trial {
  trial: number;
  lr: number;
  weightDecay: number;
  valAcc: number;
  trainAcc: number;
}

export const hyperparameterSearchDemo: Demo = {
  name: "hyperparameter-search",
  summary: `hyperparameter_optimization.py: random search of lr 10^U(-6,-2) and weight decay 10^U(-8,-4) on 400 + 100 validation digits, 50 epochs; the best 20 (default ${DEFAULT_TRIALS} of the book's 100 trials)`,
  flags: { trials: { type: "string" }, epochs: { type: "string" }, seed: { type: "string" }, data: { type: "string" } },
  flagsHelp: `  --trials N            random draws of the learning rate and weight decay (default ${DEFAULT_TRIALS}; the book's ${BOOK.trials})
  --epochs N            epochs of ${(BOOK.trainSize - VALIDATION_NUM) / BOOK.batchSize} steps per trial (default ${BOOK.epochs}, the book's)
  --seed N              seed of the validation split, the draws, and each trial's weights and batches (default 0)
  --data DIR            the four MNIST IDX files in DIR instead of the embedded digits
`,
  async run(values, out) {
    const trials = positiveInt(CMD, "trials", values.trials, DEFAULT_TRIALS);
    const epochs = positiveInt(CMD, "epochs", values.epochs, BOOK.epochs);
    const seed = nonNegativeInt(CMD, "seed", values.seed, 0);
    const data = dataSource(values.data as string | undefined);
    const mnist = loadData(data);
    const digits = firstSamples(CMD, mnist.train, BOOK.trainSize);
    // shuffle_dataset, then the first 20% for validation
    const order = new Random(`${seed}/validation`).permutation(digits.length);
    const val = subset(digits, order.subarray(0, VALIDATION_NUM));
    const train = subset(digits, order.subarray(VALIDATION_NUM));
    const { steps } = bookEpochs(train.length, BOOK.batchSize, epochs);
    const draws = new Random(`${seed}/trials`);
    const build = (weightDecayLambda: number, netSeed: string) => new MultiLayerNet(mnist.train.imageSize, BOOK.hidden, mnist.train.classes, { weightDecayLambda, seed: netSeed });
    // the net as it prints, without a trial's weight decay
    out.stdout(`${trials} trials of ${build(0, "header")} on ${train.length} train + ${val.length} validation of the first ${digits.length} of ${describeData(data, mnist)}: SGD, batch ${BOOK.batchSize} drawn with replacement, ${epochs} epochs, seed ${seed}\n`);
    out.stdout(`accuracy after update ${steps}, the book's last measurement (epoch ${epochs - 1}):\n\n`);
    const results: Trial[] = [];
    const width = String(trials).length;
    for (let trial = 1; trial <= trials; trial++) {
      // the book's order: weight decay first
      const weightDecay = 10 ** uniform(draws, WEIGHT_DECAY_EXPONENTS);
      const lr = 10 ** uniform(draws, LR_EXPONENTS);
      const trialSeed = `${seed}/trial${trial}`;
      const net = build(weightDecay, trialSeed);
      const status = await trainSideBySide(train, [{ net, optimizer: new SGD(lr) }], { batchSize: BOOK.batchSize, steps, seed: trialSeed }, out);
      if (status === "stopped") return interrupted(CMD, out);
      const [valAcc, trainAcc] = [val, train].map((set) => evaluateMetrics(net, set, [accuracy]).acc);
      results.push({ trial, lr, weightDecay, valAcc, trainAcc });
      out.stdout(`trial ${String(trial).padStart(width)}  val acc ${formatAccuracy(valAcc)}  train acc ${formatAccuracy(trainAcc)}  lr ${formatRate(lr)}  weight decay ${formatRate(weightDecay)}\n`);
    }
    const best = [...results].sort((a, b) => b.valAcc - a.valAcc).slice(0, BOOK.best);
    out.stdout(`\nthe best ${best.length} by validation accuracy:\n\n`);
    const rows = [["rank", "val acc", "train acc", "lr", "weight decay", "trial"]];
    best.forEach((r, k) => rows.push([`Best-${k + 1}`, formatAccuracy(r.valAcc), formatAccuracy(r.trainAcc), formatRate(r.lr), formatRate(r.weightDecay), String(r.trial)]));
    out.stdout(formatTable(rows));
    return 0;
  },
};
