import { spawn, spawnSync } from "node:child_process";
import { Random, dot, rand, randn, type DType, type Tensor } from "@backprop/core";
import type { Mnist } from "@backprop/datasets";
import { Adam, MultiLayerNet, SGD, Trainer, TwoLayerNet, gradientCheck, type Net, type Optimizer } from "@backprop/layers";

/** The seed of every network and data stream the benchmark makes. */
export const BENCH_SEED = 0;
const INPUT = 784;
const HIDDEN = 50;
/** The hidden sizes of the deep step row. */
const DEEP_HIDDEN = [100, 100, 100];
const OUTPUT = 10;
const BATCH = 100;
const LR = 0.1;
const WEIGHT_INIT_STD = 0.01;
export const INFERENCE_CHUNK = 1000;

/** The seconds of each of `reps` calls of `work`. */
export function timeReps(work: () => void, reps: number): number[] {
  const seconds: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    work();
    seconds.push((performance.now() - start) / 1000);
  }
  return seconds;
}

/** The products a training step makes (the key is the NumPy script's name for it), and a 512^3 for scale. */
export type MatmulShape = "forward" | "xT_dout" | "dout_WT" | "square512";

/** (M, K)·(K, N) as Affine makes it: x·W forward, x^T·dout for dW, dout·W^T for dx; transposes are views. */
export function matmulWork(shape: MatmulShape): { flops: number; work: () => void } {
  const rng = new Random(BENCH_SEED);
  const x = rand([BATCH, INPUT], rng);
  const W = randn([INPUT, HIDDEN], rng).mul(WEIGHT_INIT_STD);
  const dout = randn([BATCH, HIDDEN], rng);
  const products: Record<MatmulShape, [Tensor, Tensor]> = {
    forward: [x, W],
    xT_dout: [x.T, dout],
    dout_WT: [dout, W.T],
    square512: [randn([512, 512], rng), randn([512, 512], rng)],
  };
  const [a, b] = products[shape];
  return { flops: 2 * a.shape[0] * a.shape[1] * b.shape[1], work: () => dot(a, b) };
}

/** The book's training step through our Trainer: draw 100 digits with replacement, backprop, SGD with lr 0.1. */
export function stepWork(mnist: Mnist, dtype: DType): () => void {
  return trainerStep(mnist, new TwoLayerNet(INPUT, HIDDEN, OUTPUT, { weightInitStd: WEIGHT_INIT_STD, seed: BENCH_SEED, dtype }), new SGD(LR));
}

/** stepWork's float64 step on MultiLayerNet(784, [50], 10): TwoLayerNet's layers and weights, built the general way. */
export function multiLayerStepWork(mnist: Mnist): () => void {
  return trainerStep(mnist, new MultiLayerNet(INPUT, [HIDDEN], OUTPUT, { weightInitStd: WEIGHT_INIT_STD, seed: BENCH_SEED }), new SGD(LR));
}

/**
 * The step of the book's optimizer_compare_mnist.py with Adam, on MultiLayerNet(784, [100, 100, 100], 10) with the
 * book's defaults (ReLU, He init) and batches of 100 (the book's has four hidden layers and batches of 128).
 */
export function deepStepWork(mnist: Mnist): () => void {
  return trainerStep(mnist, new MultiLayerNet(INPUT, DEEP_HIDDEN, OUTPUT, { seed: BENCH_SEED }), new Adam());
}

/** One `trainer.step()` per call: a batch of 100 drawn with replacement, the gradient, one update of `optimizer`. */
function trainerStep(mnist: Mnist, net: Net, optimizer: Optimizer): () => void {
  const trainer = new Trainer(net, optimizer, mnist.train, mnist.test, { batchSize: BATCH, seed: BENCH_SEED, iters: Number.MAX_SAFE_INTEGER, sampling: "replace" });
  return () => trainer.step();
}

/** predict and argmax over all the digits of `mnist` (10,000 embedded) in chunks of 1,000, made beforehand. */
export function inferenceWork(mnist: Mnist): { samples: number; work: () => void } {
  const net = new TwoLayerNet(INPUT, HIDDEN, OUTPUT, { seed: BENCH_SEED });
  const chunks: Tensor[] = [];
  for (const set of [mnist.train, mnist.test]) {
    for (let start = 0; start < set.length; start += INFERENCE_CHUNK) chunks.push(set.slice(start, start + INFERENCE_CHUNK).x);
  }
  return {
    samples: mnist.train.length + mnist.test.length,
    work: () => {
      for (const x of chunks) net.predict(x).argmax(1);
    },
  };
}

/** The book's gradient_check.py: TwoLayerNet(784, 50, 10), the first 3 training digits, all 39,760 parameters. */
export function gradientCheckWork(mnist: Mnist): () => void {
  const net = new TwoLayerNet(INPUT, HIDDEN, OUTPUT, { seed: BENCH_SEED });
  const { x, t } = mnist.train.slice(0, 3);
  return () => gradientCheck(net, x, t);
}

/** Wall time of `node cli.js --help`, start-up included; throws when it fails. */
export function helpWork(cliPath: string): () => void {
  return () => {
    const result = spawnSync(process.execPath, [cliPath, "--help"], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`node ${cliPath} --help exited with code ${result.status}: ${result.stderr.trim()}`);
  };
}

export interface BookRun {
  /** Training and its evaluations, as the trainer counts it (data loading excluded, as NumPy's). */
  seconds: number;
  /** The child process from spawn to exit. */
  wallSeconds: number;
  evaluations: number;
  trainAcc: number;
  testAcc: number;
  peakRssKb: number;
}

export const BOOK_ARGS = ["--iters", "10000", "--batch-size", "100", "--lr", "0.1", "--hidden", "50", "--sampling", "replace", "--eval-every", "600"];

const PEAK_MARK = "backprop-bench-peak-rss-kb";

/*
 * The book run goes to a child process so that its peak memory is its own, not the benchmark's. Node cannot read
 * a child's resource usage and /usr/bin/time is not everywhere, so the child reports its own: `--import` runs a
 * one-line module first that, on exit, writes process.resourceUsage().maxRSS (kB, the kernel's high-water mark of
 * the resident set) to stderr. writeSync, since an 'exit' handler cannot wait for an asynchronous write.
 */
const PEAK_HOOK = `data:text/javascript,${encodeURIComponent(
  `import { writeSync } from "node:fs"; process.on("exit", () => writeSync(2, "\\n${PEAK_MARK} " + process.resourceUsage().maxRSS + "\\n"));`,
)}`;

/** `backprop train` with the book's settings on the IDX files in `dir`, in a child process. */
export function runBook(cliPath: string, dir: string): Promise<BookRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["--import", PEAK_HOOK, cliPath, "train", "--data", dir, ...BOOK_ARGS, "--json"]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const wallSeconds = (performance.now() - started) / 1000;
      const peak = new RegExp(`^${PEAK_MARK} (\\d+)$`, "m").exec(stderr);
      if (code !== 0 || !peak) {
        reject(new Error(`backprop train exited with code ${code}: ${stderr.replace(new RegExp(`\\s*${PEAK_MARK} \\d+`), "").trim().split("\n").at(-1) ?? ""}`));
        return;
      }
      const run = JSON.parse(stdout) as { elapsedMs: number; final: { trainAcc: number; testAcc: number }; history: { evalIterations: number[] } };
      resolve({
        seconds: run.elapsedMs / 1000,
        wallSeconds,
        evaluations: run.history.evalIterations.length,
        trainAcc: run.final.trainAcc,
        testAcc: run.final.testAcc,
        peakRssKb: Number(peak[1]),
      });
    });
  });
}
