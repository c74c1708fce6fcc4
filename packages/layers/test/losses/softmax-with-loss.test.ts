import { describe, expect, test } from "vitest";
import { Random, ShapeError, Tensor, randn, tensor, zeros } from "@backprop/core";
import { SoftmaxWithLoss, compareGradients, numericalGradient } from "../../src/index.js";
import { expectClose, oneHot, valuesOf } from "../helpers.js";

// x (2, 3) with labels [2, 0]; the expected softmax, loss and (y - t) / N below were computed with NumPy
const x = (): Tensor => tensor([[0.3, 2.9, 4.0], [1.0, -1.0, 0.0]]);
const labels = [2, 0];
const Y = [
  [0.01821127329554753, 0.24519181293507392, 0.7365969137693786],
  [0.6652409557748218, 0.09003057317038046, 0.24472847105479764],
];
const LOSS = 0.35666007158795987;
const DX = [
  [0.009105636647773765, 0.12259590646753696, -0.13170154311531068],
  [-0.1673795221125891, 0.04501528658519023, 0.12236423552739882],
];

// The loss takes log(y + 1e-7), so its exact gradient is not quite (y - t) / N: the labelled element differs by
// 1e-7 / (y_t + 1e-7) of it, which is at most 1e-7 * |dout| / (N * y_t). The check allows that bias, computed
// from the smallest labelled probability, plus ROUNDING for the central difference itself (truncation
// h^2 / 6 * |third derivative| ~ 1e-9 and rounding 1e-16 * |loss| / h ~ 1e-12).
const LOG_EPSILON = 1e-7;
const ROUNDING = 1e-8;

/** The smallest softmax probability of a labelled class, computed here in plain JS. */
function smallestLabelledProbability(scores: Tensor, t: number[]): number {
  const rows = scores.toArray() as number[][];
  return Math.min(
    ...rows.map((row, i) => {
      const max = Math.max(...row);
      const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
      return Math.exp(row[t[i]] - max) / sum;
    }),
  );
}

describe("SoftmaxWithLoss", () => {
  test("forward gives the mean cross-entropy of the softmax, and keeps y", () => {
    const layer = new SoftmaxWithLoss();
    const loss = layer.forward(x(), tensor(labels));
    expect(loss).toBeCloseTo(LOSS, 15);
    expect(layer.loss).toBe(loss);
    expect(layer.y?.shape).toEqual([2, 3]);
    expectClose(layer.y as Tensor, Y, 1e-15);
  });

  test("one-hot labels give the same loss and gradient as class indices", () => {
    const layer = new SoftmaxWithLoss();
    expect(layer.forward(x(), oneHot(labels, 3))).toBeCloseTo(LOSS, 15);
    expectClose(layer.backward(), DX, 1e-15);
  });

  test("backward gives (y - t) / N for class indices", () => {
    const layer = new SoftmaxWithLoss();
    layer.forward(x(), tensor(labels));
    const dx = layer.backward();
    expect(dx.shape).toEqual([2, 3]);
    expectClose(dx, DX, 1e-15);
  });

  test("backward scales by dout", () => {
    const layer = new SoftmaxWithLoss();
    layer.forward(x(), tensor(labels));
    const dx = layer.backward(2.5);
    expect(dx.shape).toEqual([2, 3]);
    expectClose(dx, DX.map((row) => row.map((v) => v * 2.5)), 1e-15);
  });

  test("huge scores give a finite loss and the softmax of the shifted scores", () => {
    // softmax([1000, 1001, 1002]) = softmax([0, 1, 2]); exp(1000) alone would overflow to Infinity
    const layer = new SoftmaxWithLoss();
    const loss = layer.forward(tensor([[1000, 1001, 1002], [-1000, 0, 1000]]), tensor([0, 2]));
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeCloseTo(1.2038023768556048, 14);
    expectClose(layer.y as Tensor, [[0.09003057317038046, 0.24472847105479764, 0.6652409557748218], [0, 0, 1]], 1e-15);
    expect(valuesOf(layer.backward()).every(Number.isFinite)).toBe(true);
  });

  test("a labelled probability of 0 gives -log(1e-7), not Infinity", () => {
    const loss = new SoftmaxWithLoss().forward(tensor([[-1000, 0, 1000]]), tensor([0]));
    expect(loss).toBeCloseTo(7 * Math.LN10, 12);
  });

  describe("backward matches the numerical gradient on random input", () => {
    const rng = new Random("softmax-with-loss");
    const cases: [string, boolean, number][] = [
      ["class indices, dout 1", false, 1],
      ["one-hot labels, dout 1", true, 1],
      ["class indices, dout 2.5", false, 2.5],
      ["one-hot labels, dout -0.5", true, -0.5],
    ];
    test.each(cases)("%s", (_, useOneHot, dout) => {
      const n = 1 + rng.int(5);
      const classes = 2 + rng.int(5);
      const scores = randn([n, classes], rng);
      const t = Array.from(rng.choice(classes, n));
      const tensorT = useOneHot ? oneHot(t, classes) : tensor(t);
      const layer = new SoftmaxWithLoss();
      layer.forward(scores, tensorT);
      const dx = layer.backward(dout);
      const numerical = numericalGradient((s) => dout * layer.forward(s, tensorT), scores);
      const tolerance = (LOG_EPSILON * Math.abs(dout)) / (n * smallestLabelledProbability(scores, t)) + ROUNDING;
      expect(dx.shape).toEqual([n, classes]);
      expect(compareGradients(dx, numerical).maxAbsDiff).toBeLessThan(tolerance);
    });
  });

  test("backward leaves y unchanged and gives the same dx twice", () => {
    const layer = new SoftmaxWithLoss();
    layer.forward(x(), tensor(labels));
    const y = layer.y as Tensor;
    const before = valuesOf(y);
    const first = valuesOf(layer.backward(2));
    expect(layer.y).toBe(y);
    expect(valuesOf(y)).toEqual(before);
    expect(valuesOf(layer.backward(2))).toEqual(first);
  });

  test("backward before forward throws", () => {
    expect(() => new SoftmaxWithLoss().backward()).toThrow(/^SoftmaxWithLoss\.backward: called before forward$/);
  });

  test("forward refuses t of the wrong shape", () => {
    const layer = new SoftmaxWithLoss();
    const scores = zeros([100, 10]);
    expect(() => layer.forward(scores, zeros([50]))).toThrow(
      /^SoftmaxWithLoss\.forward: t must hold 100 class indices in \[0, 10\) or be \(100, 10\) one-hot, got \(50,\)$/,
    );
    expect(() => layer.forward(scores, zeros([100, 9]))).toThrow(
      /^SoftmaxWithLoss\.forward: t must hold 100 class indices in \[0, 10\) or be \(100, 10\) one-hot, got \(100, 9\)$/,
    );
  });

  test("forward refuses a label that is not a class index", () => {
    const layer = new SoftmaxWithLoss();
    const scores = zeros([5, 10]);
    expect(() => layer.forward(scores, tensor([0, 1, 2, 12, 3]))).toThrow(/^SoftmaxWithLoss\.forward: t\[3\] = 12 is not a class index in \[0, 10\)$/);
    expect(() => layer.forward(scores, tensor([0, -1, 2, 1, 3]))).toThrow(/^SoftmaxWithLoss\.forward: t\[1\] = -1 is not a class index in \[0, 10\)$/);
    expect(() => layer.forward(scores, tensor([0, 1, 2.5, 1, 3]))).toThrow(/^SoftmaxWithLoss\.forward: t\[2\] = 2\.5 is not a class index in \[0, 10\)$/);
    expect(() => layer.forward(scores, tensor([0, 1, 2, 10, 3]))).toThrow(RangeError);
  });

  test("forward refuses x that is not (N, C)", () => {
    expect(() => new SoftmaxWithLoss().forward(zeros([10]), tensor([1]))).toThrow(/^SoftmaxWithLoss\.forward: x must be \(N, C\), got \(10,\)$/);
  });

  test("forward refuses a batch of no rows, whose mean loss would be NaN", () => {
    const layer = new SoftmaxWithLoss();
    expect(() => layer.forward(zeros([0, 10]), zeros([0]))).toThrow(/^SoftmaxWithLoss\.forward: x must have at least one row, got \(0, 10\)$/);
    expect(() => layer.forward(zeros([0, 10]), zeros([0, 10]))).toThrow(ShapeError);
    expect(layer.loss).toBeUndefined();
    expect(() => layer.backward()).toThrow(/^SoftmaxWithLoss\.backward: called before forward$/);
  });

  test("toString", () => {
    expect(String(new SoftmaxWithLoss())).toBe("SoftmaxWithLoss");
  });
});

describe("SoftmaxWithLoss label checks", () => {
  const x = tensor([
    [1, 2, 3],
    [3, 2, 1],
  ]);

  test("refuses an (N, C) t that is not one-hot rather than reading it by argmax", () => {
    const soft = tensor([
      [0.2, 0.8, 0],
      [0, 0, 1],
    ]);
    expect(() => new SoftmaxWithLoss().forward(x, soft)).toThrow(/^SoftmaxWithLoss\.forward: one-hot t must hold only 0 and 1, got t\[0, 0\] = 0\.2$/);
    const empty = tensor([
      [0, 0, 0],
      [0, 0, 1],
    ]);
    expect(() => new SoftmaxWithLoss().forward(x, empty)).toThrow(/^SoftmaxWithLoss\.forward: one-hot row t\[0\] must hold exactly one 1, got 0$/);
  });

  test("backward refuses a dout that is not a finite number", () => {
    const layer = new SoftmaxWithLoss();
    layer.forward(x, tensor([0, 2]));
    expect(() => layer.backward(NaN)).toThrow(/^SoftmaxWithLoss\.backward: dout must be a finite number, got NaN$/);
  });
});
