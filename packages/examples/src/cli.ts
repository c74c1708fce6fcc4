import { DataError, loadMnist } from "@backprop/datasets";
import { ModelFileError } from "@backprop/layers";
import { UsageError, nonNegativeInt, parseFlags, positiveInt, positiveNumber } from "./args";
import { benchCommand } from "./bench-command";
import { buyApple } from "./buy-apple";
import { buyAppleOrange } from "./buy-apple-orange";
import { evaluateCommand } from "./evaluate-command";
import { checkTwoLayerNet } from "./gradient-check";
import type { Output } from "./output";
import { RunFailed, trainCommand } from "./train-command";

const HELP = `backprop: a deep-learning framework built from layers, after Deep Learning from Scratch (ch. 5)

Usage: backprop <command> [flags]

Commands:
  train        train a TwoLayerNet on MNIST with mini-batch SGD
  evaluate     test a saved model: accuracy and confusion matrix
  gradcheck    compare backprop with numerical gradients on a TwoLayerNet
  demo NAME    the book's computational-graph demos: buy-apple, buy-apple-orange
  bench        speed and memory, side by side with a NumPy reference of the same work

Run 'backprop <command> --help' for a command's flags.
`;

const GRADCHECK_HELP = `Usage: backprop gradcheck [flags]

Builds TwoLayerNet(784, hidden, 10) from --seed, takes the first --samples training digits, and compares the
backprop gradient of every parameter with a central-difference numerical gradient (h = 1e-4), as the book's
gradient_check.py. Prints per parameter the mean |diff| (as the book: 'W1: 5.3e-10'), the max |diff| and the
max relative error |a - n| / max(|a|, |n|).

Flags:
  --samples N       digits in the batch (default 3)
  --hidden N        hidden units (default 50)
  --seed N          seed of the network's initial weights (default 0)
  --tolerance X     the largest mean |diff| that passes (default 1e-6)
  --json            print { params: { W1: { meanAbsDiff, maxAbsDiff, maxRelError }, ... }, tolerance, passed }
  --help            this text

Exit codes: 0 every mean |diff| <= tolerance, 1 otherwise, 2 bad flags.
`;

const DEMO_HELP = `Usage: backprop demo <name>

The book's computational graphs of section 5.4, with MulLayer and AddLayer on plain numbers. Each prints the
forward price, then the backward derivatives, exactly as JavaScript computes them (as the book's Python does):
  buy-apple          2 apples at 100, tax 1.1: price, then dApple dAppleNum dTax
  buy-apple-orange   2 apples at 100, 3 oranges at 150, tax 1.1: price, then dAppleNum dApple dOrange dOrangeNum dTax
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
      case "gradcheck":
        return gradcheck(rest, out);
      case "demo":
        return demo(rest, out);
      case "bench":
        return await benchCommand(rest, out);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        out.stdout(HELP);
        return 0;
      default:
        throw new UsageError(`backprop: unknown command '${command}' (commands: train, evaluate, gradcheck, demo, bench)`);
    }
  } catch (error) {
    // bad input: flags, data files, model files
    if (error instanceof UsageError || error instanceof DataError || error instanceof ModelFileError) {
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
    samples: { type: "string" },
    hidden: { type: "string" },
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
    samples: positiveInt(cmd, "samples", v.samples, 3),
    hidden: positiveInt(cmd, "hidden", v.hidden, 50),
    seed: nonNegativeInt(cmd, "seed", v.seed, 0),
    tolerance: positiveNumber(cmd, "tolerance", v.tolerance, 1e-6),
  };
  const data = loadMnist();
  if (config.samples > data.xTrain.shape[0]) {
    throw new UsageError(`${cmd}: --samples must be at most the ${data.xTrain.shape[0]} training samples, got ${config.samples}`);
  }
  const result = checkTwoLayerNet(data, config);
  if (v.json) {
    out.stdout(`${JSON.stringify(result)}\n`);
  } else {
    out.stdout(`gradient check: TwoLayerNet(784 -> ${config.hidden} -> 10), ${config.samples} samples, seed ${config.seed}\n`);
    for (const [name, d] of Object.entries(result.params)) {
      out.stdout(`${name}: ${d.meanAbsDiff.toExponential(1)}  (max |diff| ${d.maxAbsDiff.toExponential(1)}, max rel error ${d.maxRelError.toExponential(1)})\n`);
    }
    out.stdout(result.passed ? `passed: every mean |diff| <= ${config.tolerance.toExponential()}\n` : `FAILED: a mean |diff| is above ${config.tolerance.toExponential()}\n`);
  }
  return result.passed ? 0 : 1;
}

function demo(argv: string[], out: Output): number {
  const { values: v, positionals } = parseFlags("backprop demo", argv, { help: { type: "boolean" } }, true);
  if (v.help) {
    out.stdout(DEMO_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(`backprop demo: expected one demo name (buy-apple, buy-apple-orange), got ${positionals.length}`);
  }
  switch (positionals[0]) {
    case "buy-apple": {
      const r = buyApple();
      out.stdout(`${r.price}\n${r.dApple} ${r.dAppleNum} ${r.dTax}\n`);
      return 0;
    }
    case "buy-apple-orange": {
      const r = buyAppleOrange();
      out.stdout(`${r.price}\n${r.dAppleNum} ${r.dApple} ${r.dOrange} ${r.dOrangeNum} ${r.dTax}\n`);
      return 0;
    }
    default:
      throw new UsageError(`backprop demo: unknown demo '${positionals[0]}' (demos: buy-apple, buy-apple-orange)`);
  }
}
