import { describe, expect, test } from "vitest";
import { Random, Tensor, ones, randn, tensor, zeros } from "@backprop/core";
import { BatchNormalization, checkLayer } from "../../src/index.js";
import { bitsOf, expectClose, valuesOf } from "../helpers.js";

// The loss sum(BN(x) * R) is smooth on the scale of each column's std: its third derivatives are of order
// |gamma * R| / std^3, so the central difference's truncation error is about h^2 / 6 * |gamma * R| / std^3 ~ 3e-7 for
// |gamma * R| ~ 5 and std >= 0.3 (the tests check that every column's batch std is at least MIN_STD; a column of
// nearly equal values, std ~ 1e-3, puts the curvature at the scale of h and makes the central difference itself
// wrong), plus rounding of 1e-16 * |loss| / h ~ 1e-11. 1e-6 is above both (the worst of 300 random (6, 5) batches
// measured 1e-7); a backward without the variance or the mean term is wrong by a share of dout * gamma / std, of
// order 0.1 to 1.
const GRAD_TOLERANCE = 1e-6;
const MIN_STD = 0.3;

// A 3x2 batch worked by hand, with eps = 1/4 so that the square roots are exact:
//   column 0: 1, 1, 4    mean 2,  deviations -1, -1, 2, variance 6/3 = 2,  std sqrt(2 + 1/4) = 1.5, xn -2/3, -2/3, 4/3
//   column 1: -4, -1, 2  mean -1, deviations -3, 0, 3,  variance 18/3 = 6, std sqrt(6 + 1/4) = 2.5, xn -1.2, 0, 1.2
// gamma (2, -1), beta (0.5, 1): out = 2 xn + 0.5 in column 0 and -xn + 1 in column 1.
const EPS = 0.25;
const x = (): Tensor => tensor([[1, -4], [1, -1], [4, 2]]);
const gamma = (): Tensor => tensor([2, -1]);
const beta = (): Tensor => tensor([0.5, 1]);
const OUT = [[-5 / 6, 2.2], [-5 / 6, 1], [19 / 6, -0.2]];
// dout for the backward by hand: dbeta = sum of dout = (2, 2), dgamma = sum of xn * dout = (-2/3 + 4/3, 1.2) and
// dx = gamma / std * (dout - mean(dout) - xn * mean(dout * xn)) per column, the closed form of the book's graph:
//   column 0: 4/3 * ((1, 0, 1) - 2/3 - xn * 2/9) = (52, -56, 4) / 81
//   column 1: -0.4 * ((0, 1, 1) - 2/3 - xn * 0.4) = (28/375, -2/15, 22/375)
const dout = (): Tensor => tensor([[1, 0], [0, 1], [1, 1]]);
const DX = [[52 / 81, 28 / 375], [-56 / 81, -2 / 15], [4 / 81, 22 / 375]];

/** The smallest of x's column standard deviations (over the batch), in plain JS. */
function smallestColumnStd(input: Tensor): number {
  const rows = input.toArray() as number[][];
  return Math.min(
    ...rows[0].map((_, j) => {
      const column = rows.map((row) => row[j]);
      const mean = column.reduce((a, b) => a + b, 0) / column.length;
      return Math.sqrt(column.reduce((a, v) => a + (v - mean) ** 2, 0) / column.length);
    }),
  );
}

/** The batch statistics, computed here, so that a wrong backward can be written without the layer's cache. */
function batchStatistics(input: Tensor, eps: number): { xc: Tensor; std: Tensor } {
  const xc = input.sub(input.mean(0));
  return { xc, std: xc.mul(xc).mean(0).add(eps).sqrt() };
}

/** A BatchNormalization whose dx is computed here by the book's graph, with one term left out (or "nothing"). */
class LeftOutBatchNormalization extends BatchNormalization {
  private input?: Tensor;
  constructor(
    gamma: Tensor,
    beta: Tensor,
    private readonly without: "variance" | "mean" | "nothing",
  ) {
    super(gamma, beta);
  }
  override forward(x: Tensor, train = true): Tensor {
    this.input = x;
    return super.forward(x, train);
  }
  override backward(dout: Tensor): Tensor {
    super.backward(dout);
    const { xc, std } = batchStatistics(this.input as Tensor, this.eps);
    const n = xc.shape[0];
    const dxn = dout.mul(this.gamma);
    const dstd = dxn.mul(xc).div(std.mul(std)).sum(0).neg();
    const dvar = dstd.mul(0.5).div(std);
    let dxc = dxn.div(std);
    if (this.without !== "variance") dxc = dxc.add(xc.mul(2 / n).mul(dvar));
    return this.without === "mean" ? dxc : dxc.sub(dxc.sum(0).div(n));
  }
}

describe("BatchNormalization forward", () => {
  test("training forward standardizes each column by the batch mean and variance, then scales and shifts (by hand)", () => {
    const out = new BatchNormalization(gamma(), beta(), { eps: EPS }).forward(x(), true);
    expect(out.shape).toEqual([3, 2]);
    expectClose(out, OUT, 1e-15);
  });

  test("train defaults to true, as the book's train_flg", () => {
    const out = new BatchNormalization(gamma(), beta(), { eps: EPS }).forward(x());
    expectClose(out, OUT, 1e-15);
  });

  test("the default eps is the book's 10e-7", () => {
    // column 0 of the example with eps 1e-6: xn = (-1, -1, 2) / sqrt(2 + 1e-6)
    const layer = new BatchNormalization(ones([1]), zeros([1]));
    expect(layer.eps).toBe(1e-6);
    expectClose(layer.forward(tensor([[1], [1], [4]])), [[-1 / Math.sqrt(2.000001)], [-1 / Math.sqrt(2.000001)], [2 / Math.sqrt(2.000001)]], 1e-15);
  });

  test("a feature of zero variance gives beta, finite, through eps", () => {
    const out = new BatchNormalization(tensor([3]), tensor([0.5])).forward(tensor([[7], [7], [7]]), true);
    expect(valuesOf(out)).toEqual([0.5, 0.5, 0.5]);
  });

  test("the running mean and variance after two training forwards, momentum 0.9, by hand", () => {
    // they start at 0; batch A is the example (mean (2, -1), variance (2, 6)), batch B = 2 A + 1 (mean (5, -1),
    // variance (8, 24)). After A: 0.1 * A's, = (0.2, -0.1) and (0.2, 0.6). After B: 0.9 * those + 0.1 * B's,
    // = (0.18 + 0.5, -0.09 - 0.1) = (0.68, -0.19) and (0.18 + 0.8, 0.54 + 2.4) = (0.98, 2.94).
    const layer = new BatchNormalization(gamma(), beta(), { eps: EPS });
    expect(layer.momentum).toBe(0.9);
    expect(valuesOf(layer.runningMean)).toEqual([0, 0]);
    expect(valuesOf(layer.runningVar)).toEqual([0, 0]);
    layer.forward(x(), true);
    expect(layer.runningMean.shape).toEqual([2]);
    expectClose(layer.runningMean, [0.2, -0.1], 1e-15);
    expectClose(layer.runningVar, [0.2, 0.6], 1e-15);
    layer.forward(x().mul(2).add(1), true);
    expectClose(layer.runningMean, [0.68, -0.19], 1e-15);
    expectClose(layer.runningVar, [0.98, 2.94], 1e-15);

    // inference then uses them: gamma * (x - 0.68) / sqrt(0.98 + 1/4) + beta in column 0, likewise in column 1
    const input = tensor([[0, 0], [2, 3]]);
    const byHand = [
      [(2 * (0 - 0.68)) / Math.sqrt(1.23) + 0.5, (-1 * (0 + 0.19)) / Math.sqrt(3.19) + 1],
      [(2 * (2 - 0.68)) / Math.sqrt(1.23) + 0.5, (-1 * (3 + 0.19)) / Math.sqrt(3.19) + 1],
    ];
    const out = layer.forward(input, false);
    expect(out.shape).toEqual([2, 2]);
    expectClose(out, byHand, 1e-14);
  });

  test("inference forward uses the running statistics, row by row, and leaves them unchanged", () => {
    // running mean (1, -2) and variance (3.75, 0) with eps 1/4: std = sqrt(4) = 2 and sqrt(1/4) = 0.5, so
    // x = (5, -1) gives xn = (2, 2) and out = (2 * 2 + 0.5, -1 * 2 + 1) = (4.5, -1); x = (-1, -3) gives xn = (-1, -2)
    // and out = (-1.5, 3)
    const layer = new BatchNormalization(gamma(), beta(), { eps: EPS });
    layer.restore({ runningMean: tensor([1, -2]), runningVar: tensor([3.75, 0]) });
    const out = layer.forward(tensor([[5, -1], [-1, -3]]), false);
    expect(out.shape).toEqual([2, 2]);
    expect(out.toArray()).toEqual([[4.5, -1], [-1.5, 3]]);
    expect(layer.forward(tensor([[-1, -3]]), false).toArray()).toEqual([[-1.5, 3]]);
    expect(valuesOf(layer.runningMean)).toEqual([1, -2]);
    expect(valuesOf(layer.runningVar)).toEqual([3.75, 0]);
  });

  test("momentum 0 keeps only the last batch's statistics, momentum 1 never moves them", () => {
    const last = new BatchNormalization(gamma(), beta(), { momentum: 0 });
    last.forward(x(), true);
    expect(valuesOf(last.runningMean)).toEqual([2, -1]);
    expect(valuesOf(last.runningVar)).toEqual([2, 6]);
    const frozen = new BatchNormalization(gamma(), beta(), { momentum: 1 });
    frozen.forward(x(), true);
    expect(valuesOf(frozen.runningMean)).toEqual([0, 0]);
    expect(valuesOf(frozen.runningVar)).toEqual([0, 0]);
  });

  test("forward leaves x unchanged", () => {
    const input = x();
    new BatchNormalization(gamma(), beta()).forward(input, true);
    expect(input.toArray()).toEqual([[1, -4], [1, -1], [4, 2]]);
  });
});

describe("BatchNormalization backward", () => {
  test("dx, dgamma and dbeta of the 3x2 example, by hand", () => {
    const layer = new BatchNormalization(gamma(), beta(), { eps: EPS });
    layer.forward(x(), true);
    const dx = layer.backward(dout());
    expect(dx.shape).toEqual([3, 2]);
    expectClose(dx, DX, 1e-15);
    expect(layer.dbeta?.shape).toEqual([2]);
    expectClose(layer.dbeta as Tensor, [2, 2], 1e-15);
    expect(layer.dgamma?.shape).toEqual([2]);
    expectClose(layer.dgamma as Tensor, [2 / 3, 1.2], 1e-15);
    expect(layer.grads().gamma).toBe(layer.dgamma);
    expect(layer.grads().beta).toBe(layer.dbeta);
  });

  describe("backward matches the numerical gradient for x, gamma and beta, in training mode", () => {
    const rng = new Random("batch-normalization");
    const cases: [string, number[]][] = [
      ["x (6, 5)", [6, 5]],
      ["x (4, 3)", [4, 3]],
      ["x (10, 1)", [10, 1]],
    ];
    test.each(cases)("%s", (_, shape) => {
      const d = shape[1];
      const layer = new BatchNormalization(randn([d], rng), randn([d], rng));
      // shifted and scaled so that the batch statistics are not those of a standard normal
      const input = randn(shape, rng).mul(1.5).add(0.3);
      expect(smallestColumnStd(input)).toBeGreaterThan(MIN_STD);
      const diff = checkLayer(layer, input, rng);
      expect(Object.keys(diff)).toEqual(["x", "gamma", "beta"]);
      expect(diff.x.maxAbsDiff).toBeLessThan(GRAD_TOLERANCE);
      expect(diff.gamma.maxAbsDiff).toBeLessThan(GRAD_TOLERANCE);
      expect(diff.beta.maxAbsDiff).toBeLessThan(GRAD_TOLERANCE);
    });
  });

  describe("the checker fails a backward that leaves out a term of dx", () => {
    test.each(["variance", "mean"] as const)("without the %s term", (without) => {
      const rng = new Random(`batch-normalization-wrong-${without}`);
      const layer = new LeftOutBatchNormalization(randn([5], rng), randn([5], rng), without);
      const input = randn([6, 5], rng).mul(1.5).add(0.3);
      expect(smallestColumnStd(input)).toBeGreaterThan(MIN_STD);
      const diff = checkLayer(layer, input, rng);
      // gamma and beta do not pass through the wrong part
      expect(diff.gamma.maxAbsDiff).toBeLessThan(GRAD_TOLERANCE);
      expect(diff.beta.maxAbsDiff).toBeLessThan(GRAD_TOLERANCE);
      expect(diff.x.maxAbsDiff).toBeGreaterThan(GRAD_TOLERANCE);
      expect(diff.x.maxAbsDiff).toBeGreaterThan(0.05);
    });

    test("while the same graph with nothing left out passes: the twins differ only by their missing term", () => {
      const rng = new Random("batch-normalization-wrong-nothing");
      const layer = new LeftOutBatchNormalization(randn([5], rng), randn([5], rng), "nothing");
      const input = randn([6, 5], rng).mul(1.5).add(0.3);
      expect(smallestColumnStd(input)).toBeGreaterThan(MIN_STD);
      const diff = checkLayer(layer, input, rng);
      expect(diff.x.maxAbsDiff).toBeLessThan(GRAD_TOLERANCE);
    });
  });

  test("backward leaves dout unchanged", () => {
    const rng = new Random(15);
    const layer = new BatchNormalization(randn([4], rng), randn([4], rng));
    layer.forward(randn([3, 4], rng), true);
    const d = randn([3, 4], rng);
    const before = valuesOf(d);
    layer.backward(d);
    expect(valuesOf(d)).toEqual(before);
  });

  test("backward before forward, and grads before backward, throw", () => {
    expect(() => new BatchNormalization(gamma(), beta()).backward(zeros([3, 2]))).toThrow(/^BatchNormalization\.backward: called before forward$/);
    expect(() => new BatchNormalization(gamma(), beta()).grads()).toThrow(/^BatchNormalization\.grads: no gradients before the first backward$/);
  });

  test("backward refuses a dout of another shape than the forward output", () => {
    const layer = new BatchNormalization(gamma(), beta());
    layer.forward(x(), true);
    expect(() => layer.backward(zeros([2, 3]))).toThrow(/^BatchNormalization\.backward: dout must be \(3, 2\) to match the forward output, got \(2, 3\)$/);
    expect(() => layer.backward(zeros([2]))).toThrow(/^BatchNormalization\.backward: dout must be \(3, 2\) to match the forward output, got \(2,\)$/);
  });
});

describe("BatchNormalization state", () => {
  /** A layer of 5 features after two training forwards, so that its running statistics are not zeros. */
  function trained(): BatchNormalization {
    const rng = new Random("batch-normalization-state");
    const layer = new BatchNormalization(randn([5], rng), randn([5], rng));
    layer.forward(randn([6, 5], rng), true);
    layer.forward(randn([6, 5], rng), true);
    return layer;
  }

  test("state() holds copies of the running mean and variance", () => {
    const layer = trained();
    const state = layer.state() as { runningMean: Tensor; runningVar: Tensor };
    expect(Object.keys(state)).toEqual(["runningMean", "runningVar"]);
    expect(state.runningMean).toBeInstanceOf(Tensor);
    expect(state.runningMean).not.toBe(layer.runningMean);
    expect(bitsOf(state.runningMean)).toEqual(bitsOf(layer.runningMean));
    expect(bitsOf(state.runningVar)).toEqual(bitsOf(layer.runningVar));
  });

  test("a saved state does not change when the layer trains on, nor the layer when the state is changed", () => {
    const layer = trained();
    const state = layer.state() as { runningMean: Tensor; runningVar: Tensor };
    const mean = bitsOf(state.runningMean);
    const variance = bitsOf(state.runningVar);
    layer.forward(randn([6, 5], new Random(16)).add(3), true);
    expect(bitsOf(layer.runningMean)).not.toEqual(mean);
    expect(bitsOf(state.runningMean)).toEqual(mean);
    expect(bitsOf(state.runningVar)).toEqual(variance);
    const now = bitsOf(layer.runningMean);
    state.runningMean.assign(99);
    expect(bitsOf(layer.runningMean)).toEqual(now);
  });

  test("restore() puts the running statistics back exactly, into the layer's own tensors", () => {
    const layer = trained();
    const saved = layer.state() as { runningMean: Tensor; runningVar: Tensor };
    const probe = randn([4, 5], new Random(17));
    const before = bitsOf(layer.forward(probe, false));
    const { runningMean, runningVar } = layer;
    layer.forward(randn([6, 5], new Random(18)).mul(4), true);
    expect(bitsOf(layer.forward(probe, false))).not.toEqual(before);
    layer.restore(saved);
    expect(layer.runningMean).toBe(runningMean);
    expect(layer.runningVar).toBe(runningVar);
    expect(bitsOf(layer.runningMean)).toEqual(bitsOf(saved.runningMean));
    expect(bitsOf(layer.runningVar)).toEqual(bitsOf(saved.runningVar));
    expect(bitsOf(layer.forward(probe, false))).toEqual(before);
    // and into a fresh layer of the same size
    const fresh = new BatchNormalization(layer.gamma, layer.beta);
    fresh.restore(saved);
    expect(bitsOf(fresh.forward(probe, false))).toEqual(before);
    // the restored layer does not share the state's tensors
    saved.runningVar.assign(1e9);
    expect(bitsOf(fresh.forward(probe, false))).toEqual(before);
  });

  test("restore refuses running statistics of the wrong shape, and changes nothing then", () => {
    const layer = trained();
    const mean = bitsOf(layer.runningMean);
    expect(() => layer.restore({ runningMean: zeros([4]), runningVar: zeros([5]) })).toThrow(
      /^BatchNormalization\.restore: runningMean must be \(5,\), got \(4,\)$/,
    );
    expect(() => layer.restore({ runningMean: zeros([5]), runningVar: zeros([5, 1]) })).toThrow(
      /^BatchNormalization\.restore: runningVar must be \(5,\), got \(5, 1\)$/,
    );
    expect(() => layer.restore({ runningMean: zeros([5]) })).toThrow(/^BatchNormalization\.restore: runningVar must be \(5,\), got undefined$/);
    expect(bitsOf(layer.runningMean)).toEqual(mean);
  });
});

describe("BatchNormalization construction", () => {
  test("params() are the very gamma and beta given to the constructor", () => {
    const g = gamma();
    const b = beta();
    const layer = new BatchNormalization(g, b);
    expect(layer.params().gamma).toBe(g);
    expect(layer.params().beta).toBe(b);
  });

  test("refuses gamma and beta that are not both (D)", () => {
    expect(() => new BatchNormalization(zeros([3]), zeros([4]))).toThrow(/^BatchNormalization: gamma and beta must be \(D\), got \(3,\) and \(4,\)$/);
    expect(() => new BatchNormalization(zeros([1, 3]), zeros([3]))).toThrow(/^BatchNormalization: gamma and beta must be \(D\), got \(1, 3\) and \(3,\)$/);
  });

  test("refuses a momentum outside [0, 1] and a negative eps", () => {
    expect(() => new BatchNormalization(gamma(), beta(), { momentum: 1.5 })).toThrow(/^BatchNormalization: momentum must be a number in \[0, 1\], got 1\.5$/);
    expect(() => new BatchNormalization(gamma(), beta(), { momentum: -0.1 })).toThrow(/^BatchNormalization: momentum must be a number in \[0, 1\], got -0\.1$/);
    expect(() => new BatchNormalization(gamma(), beta(), { eps: -1e-6 })).toThrow(/^BatchNormalization: eps must be a number in \[0, Infinity\), got -0\.000001$/);
  });

  test("forward refuses an x whose features do not match gamma", () => {
    const layer = new BatchNormalization(zeros([5]), zeros([5]));
    expect(() => layer.forward(zeros([6, 4]))).toThrow(/^BatchNormalization\.forward: x must be \(N, 5\) to match gamma \(5,\), got \(6, 4\)$/);
    expect(() => layer.forward(zeros([5]))).toThrow(/^BatchNormalization\.forward: x must be \(N, 5\) to match gamma \(5,\), got \(5,\)$/);
  });

  test("toString, tag and spec", () => {
    const layer = new BatchNormalization(zeros([5]), zeros([5]), { momentum: 0.8, eps: 1e-5 });
    expect(String(layer)).toBe("BatchNormalization(5)");
    expect(layer.tag).toBe("batchnorm");
    expect(layer.spec()).toEqual({ type: "BatchNormalization", size: 5, momentum: 0.8, eps: 1e-5 });
  });
});
