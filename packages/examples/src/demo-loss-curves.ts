import { UsageError, nonNegativeInt, positiveInt, type FlagSpec, type FlagValues } from "./args.js";
import { dataSource, describeData, loadData, type ImageSource } from "./data.js";
import { interrupted, trainSideBySide, type Contestant } from "./demo-side-by-side.js";
import { formatLoss, formatTable } from "./demo-table.js";
import type { Output } from "./output.js";

/** The flags of a loss-curve demo (optimizer_compare_mnist.py, weight_init_compare.py). */
export const LOSS_CURVE_FLAGS = {
  iters: { type: "string" },
  "batch-size": { type: "string" },
  every: { type: "string" },
  seed: { type: "string" },
  data: { type: "string" },
} as const satisfies FlagSpec;

/** The book's batch size and its report of the loss every 100 steps. */
const BOOK = { batchSize: 128, every: 100 };

export interface LossCurveSettings {
  iters: number;
  batchSize: number;
  every: number;
  seed: number;
  data: ImageSource;
}

/** The help lines of LOSS_CURVE_FLAGS. */
export function lossCurveHelp(defaultIters: number): string {
  return `  --iters N             steps (default ${defaultIters}; the book's 2000)
  --batch-size N        samples per step, drawn with replacement, the same for every net (default ${BOOK.batchSize})
  --every N             a row of the table every N steps, and one for the last (default ${BOOK.every})
  --seed N              seed of the initial weights and of the batches (default 0)
  --data DIR            the four MNIST IDX files in DIR instead of the embedded digits
`;
}

/** The settings of the flags; a bad one is a UsageError of `command`. */
export function lossCurveSettings(command: string, v: FlagValues, defaultIters: number): LossCurveSettings {
  return {
    iters: positiveInt(command, "iters", v.iters, defaultIters),
    batchSize: positiveInt(command, "batch-size", v["batch-size"], BOOK.batchSize),
    every: positiveInt(command, "every", v.every, BOOK.every),
    seed: nonNegativeInt(command, "seed", v.seed, 0),
    data: dataSource(v.data as string | undefined),
  };
}

/** The nets a loss-curve demo compares, by column name, and what the header says of them. */
export interface LossCurveRace {
  columns: string[];
  contestants: Contestant[];
  /** The line under the header: the optimizers or initializations compared. */
  compared: string;
}

/**
 * Trains the race's nets side by side on MNIST and prints a header, then the table of each net's loss on step i's
 * batch just after its update (as the book's scripts print it) at i = 0, every, 2 * every, ... and at the last step,
 * then the book's row for comparison.
 */
export async function runLossCurves(
  command: string,
  settings: LossCurveSettings,
  race: (inputSize: number, outputSize: number, seed: number) => LossCurveRace,
  book: { label: string; losses: Record<string, number> },
  out: Output,
): Promise<number> {
  const { iters, batchSize, every, seed, data } = settings;
  const mnist = loadData(data);
  if (batchSize > mnist.train.length) throw new UsageError(`${command}: --batch-size must be at most the ${mnist.train.length} training samples, got ${batchSize}`);
  const { columns, contestants, compared } = race(mnist.train.imageSize, mnist.train.classes, seed);
  out.stdout(`${contestants[0].net} per column on ${describeData(data, mnist)}: batch ${batchSize} drawn with replacement, the same for every net, ${iters} steps, seed ${seed}\n`);
  out.stdout(`${compared}\nthe loss on step i's batch after its update:\n\n`);
  const rows = [["step", ...columns]];
  const status = await trainSideBySide(mnist.train, contestants, { batchSize, steps: iters, seed }, out, (i, x, t) => {
    if (i % every === 0 || i === iters - 1) rows.push([String(i), ...contestants.map(({ net }) => formatLoss(net.loss(x, t)))]);
  });
  if (status === "stopped") {
    out.stdout(formatTable(rows));
    return interrupted(command, out);
  }
  rows.push([book.label, ...columns.map((c) => (c in book.losses ? formatLoss(book.losses[c]) : "-"))]);
  out.stdout(formatTable(rows));
  return 0;
}
