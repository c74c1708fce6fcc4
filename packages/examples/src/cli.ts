import { AllocationError, BackendError } from "@backprop/core";
import { DataError } from "@backprop/datasets";
import { loadMnist } from "@backprop/datasets/node";
import { ModelFileError } from "@backprop/layers";
import { FileWriteError } from "@backprop/layers/node";
import { UsageError, nonNegativeInt, parseFlags, positiveInt, positiveNumber } from "./args.js";
import { benchCommand } from "./bench-command.js";
import { demoCommand } from "./demo-command.js";
import { evaluateCommand } from "./evaluate-command.js";
import { exportCommand } from "./export-command.js";
import { graphCommand } from "./graph-command.js";
import { VERSION } from "./version.js";
import { checkNet, gradientCheckNet } from "./gradient-check.js";
import { NET_FLAGS, checkNetSize, netFlagsHelp, parseNetFlags } from "./net-flags.js";
import type { Output } from "./output.js";
import { playgroundCommand } from "./playground-command.js";
import { predictCommand } from "./predict-command.js";
import { reportCommand } from "./report-command.js";
import { sweepCommand } from "./sweep-command.js";
import { RunFailed, trainCommand } from "./train-command.js";

const HELP = `backprop: a deep-learning framework built from layers, after Deep Learning from Scratch (ch. 5 and 6)

Usage: backprop <command> [flags]

Commands:
  train        train a net of any depth with a mini-batch optimizer: on MNIST, or on a table (CSV, JSON, the
               embedded penguins) for regression or classification
  evaluate     test a saved model: accuracy and confusion matrix, or a regression's MAE and MSE
  predict      predict the target of every row of a CSV or JSON file with a model trained on a table
  export       write a trained model for TensorFlow.js (model.json, weights.bin) or ONNX Runtime (model.onnx)
  report       draw a run's report, one self-contained HTML page, from the history file train --history wrote
  gradcheck    compare backprop with numerical gradients, parameter by parameter
  graph        draw the net (SVG, PNG or HTML) with one training step's forward values and backward gradients
  demo NAME    the book's demos: chapter 5's computational graphs, chapter 6's optimizers, initializations,
               batch norm, overfitting and hyperparameter search (backprop demo --help lists them)
  bench        speed and memory, side by side with a NumPy reference of the same work
  sweep        random hyperparameter search, trials in parallel, resumable, with a parallel-coordinates page
  playground   write (and serve) the playground page: a net learning a 2-D data set in the browser, forward and
               backward, with backprop itself running in the page

Run 'backprop <command> --help' for a command's flags, and 'backprop --version' for the version.
`;

const GRADCHECK_HELP = `Usage: backprop gradcheck [flags]

Builds the net of the flags (by default the book's TwoLayerNet(784, 50, 10)) from --seed, takes the first
--samples training digits, and compares the backprop gradient of every parameter (gamma and beta included) with a
central-difference numerical gradient (h = 1e-4) of the training-mode loss, weight decay included, as the book's
gradient_check.py; Dropout draws one mask for both. Prints per parameter the mean |diff| (as the book:
'W1: 5.3e-10'), the max |diff| and the max relative error |a - n| / max(|a|, |n|).

Flags:
${netFlagsHelp(50)}  --samples N           digits in the batch (default 3)
  --seed N              seed of the network's initial weights and of its dropout masks (default 0)
  --tolerance X         the largest mean |diff| that passes, for every parameter (default 1e-6)
  --json                print { net, params: { W1: { meanAbsDiff, maxAbsDiff, maxRelError }, ... }, tolerance, passed }
  --help                this text

Exit codes: 0 every parameter's mean |diff| <= tolerance, 1 if any is above it, 2 bad flags.
`;

/** Runs one CLI command and returns its exit code. */
export async function run(argv: string[], out: Output): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "train":
        return await trainCommand(rest, out);
      case "evaluate":
        return evaluateCommand(rest, out);
      case "predict":
        return predictCommand(rest, out);
      case "export":
        return exportCommand(rest, out);
      case "report":
        return await reportCommand(rest, out);
      case "gradcheck":
        return gradcheck(rest, out);
      case "graph":
        return await graphCommand(rest, out);
      case "demo":
        return await demoCommand(rest, out);
      case "bench":
        return await benchCommand(rest, out);
      case "sweep":
        return await sweepCommand(rest, out);
      case "playground":
        return await playgroundCommand(rest, out);
      case "--version":
      case "version":
        out.stdout(`backprop ${VERSION}\n`);
        return 0;
      case undefined:
      case "help":
      case "--help":
      case "-h":
        out.stdout(HELP);
        return 0;
      default:
        throw new UsageError(`backprop: unknown command '${command}' (commands: train, evaluate, predict, export, report, gradcheck, graph, demo, bench, sweep, playground)`);
    }
  } catch (error) {
    // bad input: flags, data files, model files; a file that cannot be written, a net too large, a kernel that
    // cannot be loaded
    if (error instanceof UsageError || error instanceof DataError || error instanceof ModelFileError || error instanceof FileWriteError || error instanceof AllocationError || error instanceof BackendError) {
      out.stderr(`${error.message}\n`);
      return 2;
    }
    if (error instanceof RunFailed) {
      out.stderr(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function gradcheck(argv: string[], out: Output): number {
  const { values: v } = parseFlags("backprop gradcheck", argv, {
    ...NET_FLAGS,
    samples: { type: "string" },
    seed: { type: "string" },
    tolerance: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean" },
  });
  if (v.help) {
    out.stdout(GRADCHECK_HELP);
    return 0;
  }
  const cmd = "backprop gradcheck";
  const config = {
    net: parseNetFlags(cmd, v, 50),
    samples: positiveInt(cmd, "samples", v.samples, 3),
    seed: nonNegativeInt(cmd, "seed", v.seed, 0),
    tolerance: positiveNumber(cmd, "tolerance", v.tolerance, 1e-6),
  };
  const data = loadMnist();
  if (config.samples > data.train.length) {
    throw new UsageError(`${cmd}: --samples must be at most the ${data.train.length} training samples, got ${config.samples}`);
  }
  checkNetSize(cmd, config.net, data.train.imageSize, data.train.classes, "float64");
  const net = gradientCheckNet(data, config);
  const result = checkNet(data, config, net);
  if (v.json) {
    out.stdout(`${JSON.stringify({ net: String(net), ...result })}\n`);
  } else {
    out.stdout(`gradient check: ${net}, ${config.samples} samples, seed ${config.seed}\n`);
    for (const [name, d] of Object.entries(result.params)) {
      out.stdout(`${name}: ${d.meanAbsDiff.toExponential(1)}  (max |diff| ${d.maxAbsDiff.toExponential(1)}, max rel error ${d.maxRelError.toExponential(1)})\n`);
    }
    const above = Object.entries(result.params).filter(([, d]) => !(d.meanAbsDiff <= config.tolerance)).map(([name]) => name);
    out.stdout(result.passed ? `passed: every mean |diff| <= ${config.tolerance.toExponential()}\n` : `FAILED: the mean |diff| of ${above.join(", ")} is above ${config.tolerance.toExponential()}\n`);
  }
  return result.passed ? 0 : 1;
}
