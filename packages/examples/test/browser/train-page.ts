// What a page runs to train a net with @backprop/core and @backprop/layers: train-page.test.ts bundles it for the
// browser with `globalThis.trainPageReport = trainPage()` and opens it from file:// in headless Chromium. No DOM,
// and nothing runs on import.
import { Random, kernelInfo, randn, tensor, type KernelInfo, type Tensor } from "@backprop/core";
import { Adam, MultiLayerNet, deserializeModel, serializeModel } from "@backprop/layers";

export const STEPS = 300;
const POINTS_PER_CLASS = 100;
const SPIRAL_TURNS = 1.5;
const NOISE = 0.05;
const PRODUCT_REPS = 20;

export interface TrainPageReport {
  /** [1, 2, 3]·[4, 5, 6] by dot, the product that chooses the kernel. */
  dot: number;
  kernel: KernelInfo;
  net: string;
  /** The training loss at each step, before its update. */
  losses: number[];
  accuracy: number;
  /** The model file's size, and whether the net read back from it predicts the same bits on every point. */
  modelBytes: number;
  roundTripEqual: boolean;
  stepMs: number;
  /** Mean ms of the book's x·W1, (100, 784)·(784, 50) in float64, the product that dominates an MNIST step. */
  productMs: number;
  totalMs: number;
}

/** Two interleaved spirals in the plane: x (2n, 2) points, t (2n) class indices 0 and 1. */
function twoSpirals(rng: Random, n: number): { x: Tensor; t: Tensor } {
  const points: number[][] = [];
  const labels: number[] = [];
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < n; i++) {
      const r = (i + 1) / n;
      const angle = 2 * Math.PI * SPIRAL_TURNS * r + Math.PI * c;
      points.push([r * Math.cos(angle) + NOISE * rng.normal(), r * Math.sin(angle) + NOISE * rng.normal()]);
      labels.push(c);
    }
  }
  return { x: tensor(points), t: tensor(labels) };
}

function productMs(rng: Random): number {
  const x = randn([100, 784], rng);
  const W = randn([784, 50], rng);
  x.dot(W);
  const started = performance.now();
  for (let n = 0; n < PRODUCT_REPS; n++) x.dot(W);
  return (performance.now() - started) / PRODUCT_REPS;
}

function sameBits(a: Tensor, b: Tensor): boolean {
  const x = a.toArray() as number[][];
  const y = b.toArray() as number[][];
  return x.length === y.length && x.every((row, i) => row.every((v, j) => Object.is(v, y[i][j])));
}

/** Chooses the kernel by a first product, trains, round-trips the net through its model bytes, and reports. */
export function trainPage(): TrainPageReport {
  const started = performance.now();
  const dot = tensor([[1, 2, 3]]).dot(tensor([[4], [5], [6]])).item();
  const { x, t } = twoSpirals(new Random(1), POINTS_PER_CLASS);
  const net = new MultiLayerNet(2, [32, 32], 2, { seed: 1 });
  const optimizer = new Adam(0.01);
  const losses: number[] = [];
  const trainStarted = performance.now();
  for (let step = 0; step < STEPS; step++) {
    optimizer.update(net.params, net.gradient(x, t));
    losses.push(net.lastLoss!);
  }
  const stepMs = (performance.now() - trainStarted) / STEPS;
  const bytes = serializeModel(net);
  const restored = deserializeModel(bytes).net;
  return {
    dot,
    kernel: kernelInfo(),
    net: net.toString(),
    losses,
    accuracy: net.accuracy(x, t),
    modelBytes: bytes.length,
    roundTripEqual: sameBits(net.predict(x), restored.predict(x)),
    stepMs,
    productMs: productMs(new Random(2)),
    totalMs: performance.now() - started,
  };
}
