import { describe, expect, test } from "vitest";
import { Random, Tensor, rand, randn, tensor, zeros } from "@backprop/core";
import { Affine, Relu, SGD, SoftmaxWithLoss, TwoLayerNet, gradientCheck } from "../../src/index.js";
import { bitsOf, oneHot, valuesOf } from "../helpers.js";

// Mean |backprop - numerical| per parameter, as the book's gradient_check.py reports it. The central difference
// itself is good to ~1e-9 here, but the loss takes log(y + 1e-7), whose gradient differs from backprop's
// (y - t) / N by up to 1e-7 / (N * y_t): with y_t >= 0.1 that is <= 1e-6 / N on a few elements. Scores are
// kept small (weightInitStd 0.1) so that y_t stays far from 0.
const GRADIENT_CHECK_TOLERANCE = 1e-6;

/** A small net and a batch for gradient checks: 20 -> 8 -> 5, 6 samples in [-1, 1) with random labels. */
function smallProblem(): { net: TwoLayerNet; x: Tensor; t: Tensor } {
  const rng = new Random("two-layer-net-check");
  const net = new TwoLayerNet(20, 8, 5, { weightInitStd: 0.1, seed: "check" });
  const x = rand([6, 20], rng).mul(2).sub(1);
  const t = tensor(Array.from(rng.choice(5, 6)));
  return { net, x, t };
}

/** 2-D points uniform in [-1, 1)^2, labelled 1 inside the circle of area 2 (half the square), else 0. */
function circle(n: number, rng: Random): { x: Tensor; t: Tensor } {
  const x = rand([n, 2], rng).mul(2).sub(1);
  const labels = (x.toArray() as number[][]).map(([a, b]) => (a * a + b * b < 2 / Math.PI ? 1 : 0));
  return { x, t: tensor(labels) };
}

describe("TwoLayerNet", () => {
  test("has W1 (input, hidden), b1 (hidden), W2 (hidden, output), b2 (output)", () => {
    const net = new TwoLayerNet(784, 50, 10);
    expect(Object.keys(net.params)).toEqual(["W1", "b1", "W2", "b2"]);
    expect(net.params.W1.shape).toEqual([784, 50]);
    expect(net.params.b1.shape).toEqual([50]);
    expect(net.params.W2.shape).toEqual([50, 10]);
    expect(net.params.b2.shape).toEqual([10]);
    for (const p of Object.values(net.params)) expect(p.dtype).toBe("float64");
  });

  test("orders its layers Affine1, Relu1, Affine2", () => {
    const net = new TwoLayerNet(784, 50, 10);
    expect([...net.layers.keys()]).toEqual(["Affine1", "Relu1", "Affine2"]);
    expect(net.layers.get("Affine1")).toBeInstanceOf(Affine);
    expect(net.layers.get("Relu1")).toBeInstanceOf(Relu);
    expect(net.layers.get("Affine2")).toBeInstanceOf(Affine);
    expect(String(net.layers.get("Affine1"))).toBe("Affine(784 -> 50)");
    expect(String(net.layers.get("Affine2"))).toBe("Affine(50 -> 10)");
  });

  test("its Affine layers hold the very parameter tensors of the net", () => {
    const net = new TwoLayerNet(784, 50, 10);
    const affine1 = net.layers.get("Affine1") as Affine;
    const affine2 = net.layers.get("Affine2") as Affine;
    expect(affine1.W).toBe(net.params.W1);
    expect(affine1.b).toBe(net.params.b1);
    expect(affine2.W).toBe(net.params.W2);
    expect(affine2.b).toBe(net.params.b2);
  });

  test("the same seed gives the same weights bit for bit; another seed, others", () => {
    const a = new TwoLayerNet(784, 50, 10, { seed: 42 });
    const b = new TwoLayerNet(784, 50, 10, { seed: 42 });
    const c = new TwoLayerNet(784, 50, 10, { seed: 43 });
    expect(bitsOf(b.params.W1)).toEqual(bitsOf(a.params.W1));
    expect(bitsOf(b.params.W2)).toEqual(bitsOf(a.params.W2));
    expect(bitsOf(c.params.W1)).not.toEqual(bitsOf(a.params.W1));
    const other = valuesOf(c.params.W1);
    expect(valuesOf(a.params.W1).filter((v, i) => v === other[i]).length).toBe(0);
    // no seed is seed 0, also reproducible
    expect(bitsOf(new TwoLayerNet(20, 8, 5).params.W1)).toEqual(bitsOf(new TwoLayerNet(20, 8, 5).params.W1));
  });

  test("draws W1 with mean 0 and standard deviation weightInitStd, and sets b to 0", () => {
    // over n = 784 * 50 = 39200 normal samples the sample std has relative standard error 1 / sqrt(2n) ~ 0.0036
    // and the mean has standard error std / sqrt(n) ~ 5e-5 * std: 2% and 3e-4 * std / 0.01 are over 5 of those
    for (const std of [0.01, 0.5]) {
      const net = new TwoLayerNet(784, 50, 10, { weightInitStd: std, seed: 1 });
      const w = valuesOf(net.params.W1);
      const mean = w.reduce((s, v) => s + v, 0) / w.length;
      const sampleStd = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
      expect(Math.abs(sampleStd / std - 1)).toBeLessThan(0.02);
      expect(Math.abs(mean)).toBeLessThan(0.03 * std);
      expect(valuesOf(net.params.b1)).toEqual(new Array(50).fill(0));
      expect(valuesOf(net.params.b2)).toEqual(new Array(10).fill(0));
    }
  });

  test("predict gives scores (N, output)", () => {
    const rng = new Random(2);
    const net = new TwoLayerNet(784, 50, 10);
    const scores = net.predict(randn([3, 784], rng));
    expect(scores.shape).toEqual([3, 10]);
  });

  test("predict is relu(x·W1 + b1)·W2 + b2", () => {
    const net = new TwoLayerNet(2, 2, 2);
    net.params.W1.assign(tensor([[1, -1], [2, 1]]));
    net.params.b1.assign(tensor([0.5, -3]));
    net.params.W2.assign(tensor([[1, 0], [2, -1]]));
    net.params.b2.assign(tensor([0, 10]));
    // x·W1 + b1 = [[1 + 4 + 0.5, -1 + 2 - 3], [-1 - 2 + 0.5, 1 - 1 - 3]] = [[5.5, -2], [-2.5, -3]]; relu: [[5.5, 0], [0, 0]]
    const scores = net.predict(tensor([[1, 2], [-1, -1]]));
    expect(scores.shape).toEqual([2, 2]);
    expect(scores.toArray()).toEqual([[5.5, 10], [0, 10]]);
  });

  test("accuracy is the fraction of rows whose highest score is the label", () => {
    // with identity weights and zero biases the scores are relu(x)
    const net = new TwoLayerNet(3, 3, 3);
    const identity = tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    net.params.W1.assign(identity);
    net.params.W2.assign(identity);
    const x = tensor([[1, 2, 0.5], [3, 0, 1], [0, 0, 2], [1, 5, 2]]);
    expect(net.accuracy(x, tensor([1, 0, 2, 0]))).toBe(0.75);
    expect(net.accuracy(x, oneHot([1, 0, 2, 0], 3))).toBe(0.75);
    expect(net.accuracy(x, tensor([1, 0, 2, 1]))).toBe(1);
    expect(net.accuracy(x, tensor([0, 1, 0, 0]))).toBe(0);
  });

  test("accuracy refuses labels that do not fit", () => {
    const net = new TwoLayerNet(3, 3, 3);
    expect(() => net.accuracy(zeros([2, 3]), tensor([0, 3]))).toThrow(/^TwoLayerNet\.accuracy: t\[1\] = 3 is not a class index in \[0, 3\)$/);
  });

  test("gradient gives one gradient per parameter, of its shape", () => {
    const { net, x, t } = smallProblem();
    const grads = net.gradient(x, t);
    expect(Object.keys(grads).sort()).toEqual(["W1", "W2", "b1", "b2"]);
    for (const name of Object.keys(net.params)) expect(grads[name].shape).toEqual(net.params[name].shape);
  });

  test("gradientCheck: backprop matches numerical differentiation for W1, b1, W2 and b2", () => {
    const { net, x, t } = smallProblem();
    const result = gradientCheck(net, x, t);
    // the condition under which GRADIENT_CHECK_TOLERANCE holds
    expect((net.lastLayer as SoftmaxWithLoss).y?.min()).toBeGreaterThan(0.1);
    expect(Object.keys(result)).toEqual(["W1", "b1", "W2", "b2"]);
    for (const diff of Object.values(result)) expect(diff.meanAbsDiff).toBeLessThan(GRADIENT_CHECK_TOLERANCE);
  });

  test("gradientCheck passes with one-hot labels too", () => {
    const { net, x, t } = smallProblem();
    const result = gradientCheck(net, x, oneHot(valuesOf(t), 5));
    for (const diff of Object.values(result)) expect(diff.meanAbsDiff).toBeLessThan(GRADIENT_CHECK_TOLERANCE);
  });

  test("numericalGradient agrees with gradient", () => {
    const { net, x, t } = smallProblem();
    const backprop = net.gradient(x, t);
    const numerical = net.numericalGradient(x, t);
    for (const name of ["W1", "b1", "W2", "b2"]) {
      expect(numerical[name].shape).toEqual(net.params[name].shape);
      const a = valuesOf(backprop[name]);
      const diff = valuesOf(numerical[name]).reduce((s, v, i) => s + Math.abs(v - a[i]), 0) / a.length;
      expect(diff).toBeLessThan(GRADIENT_CHECK_TOLERANCE);
    }
  });

  test("gradientCheck fails a net whose Affine1 backward divides dW by the batch size a second time", () => {
    const { net, x, t } = smallProblem();
    const affine1 = net.layers.get("Affine1") as Affine;
    // the net's first layer computes dW and db only, through backwardParams
    const backwardParams = affine1.backwardParams.bind(affine1);
    affine1.backwardParams = (dout: Tensor): void => {
      backwardParams(dout);
      affine1.dW = (affine1.dW as Tensor).div(dout.shape[0]);
    };
    const result = gradientCheck(net, x, t);
    expect(result.W1.meanAbsDiff).toBeGreaterThan(GRADIENT_CHECK_TOLERANCE);
    expect(result.b1.meanAbsDiff).toBeLessThan(GRADIENT_CHECK_TOLERANCE);
    expect(result.W2.meanAbsDiff).toBeLessThan(GRADIENT_CHECK_TOLERANCE);
    expect(result.b2.meanAbsDiff).toBeLessThan(GRADIENT_CHECK_TOLERANCE);
  });

  test("gradient skips dx of its first layer, whose input is data, and still backprops through the others", () => {
    const { net, x, t } = smallProblem();
    const affine1 = net.layers.get("Affine1") as Affine;
    const affine2 = net.layers.get("Affine2") as Affine;
    let dxOfFirst = 0;
    let dxOfSecond = 0;
    const backward1 = affine1.backward.bind(affine1);
    const backward2 = affine2.backward.bind(affine2);
    affine1.backward = (dout: Tensor): Tensor => (dxOfFirst++, backward1(dout));
    affine2.backward = (dout: Tensor): Tensor => (dxOfSecond++, backward2(dout));
    const grads = net.gradient(x, t);
    expect([dxOfFirst, dxOfSecond]).toEqual([0, 1]);
    expect(grads.W1.shape).toEqual(net.params.W1.shape);
  });

  test("gradientCheck fails a net whose Relu1 passes dout unmasked, on W1 and b1", () => {
    const { net, x, t } = smallProblem();
    const relu = net.layers.get("Relu1") as Relu;
    relu.backward = (dout: Tensor): Tensor => dout.copy();
    const result = gradientCheck(net, x, t);
    expect(result.W1.meanAbsDiff).toBeGreaterThan(GRADIENT_CHECK_TOLERANCE);
    expect(result.b1.meanAbsDiff).toBeGreaterThan(GRADIENT_CHECK_TOLERANCE);
    expect(result.W2.meanAbsDiff).toBeLessThan(GRADIENT_CHECK_TOLERANCE);
  });

  test("gradientCheck refuses a float32 net", () => {
    const net = new TwoLayerNet(4, 3, 2, { dtype: "float32" });
    expect(net.params.W1.dtype).toBe("float32");
    expect(() => gradientCheck(net, zeros([1, 4]), tensor([0]))).toThrow(/^gradientCheck: W1 is float32, expected float64$/);
  });

  test("one SGD step updates net.params.W1 in place, and the layer sees it: W1 -= 0.1 * dW1", () => {
    const { net, x, t } = smallProblem();
    const W1 = net.params.W1;
    const before = valuesOf(W1);
    const grads = net.gradient(x, t);
    const dW1 = valuesOf(grads.W1);
    new SGD(0.1).update(net.params, grads);
    const affine1 = net.layers.get("Affine1") as Affine;
    expect(net.params.W1).toBe(W1);
    expect(affine1.W).toBe(net.params.W1);
    expect(valuesOf(affine1.W)).toEqual(before.map((w, i) => w - dW1[i] * 0.1));
    expect(dW1.some((g) => g !== 0)).toBe(true);
  });

  test("the loss falls after a few SGD steps on a tiny separable problem", () => {
    // the class is the sign of the first coordinate
    const x = tensor([[1, 0.5], [2, -1], [-1, 1], [-2, -0.5]]);
    const t = tensor([1, 1, 0, 0]);
    const net = new TwoLayerNet(2, 4, 2, { weightInitStd: 0.5, seed: 5 });
    const optimizer = new SGD(0.5);
    const initial = net.loss(x, t);
    for (let i = 0; i < 20; i++) optimizer.update(net.params, net.gradient(x, t));
    expect(net.loss(x, t)).toBeLessThan(0.5 * initial);
    expect(net.accuracy(x, t)).toBe(1);
  });

  test("toString", () => {
    expect(String(new TwoLayerNet(784, 50, 10))).toBe("TwoLayerNet(784 -> 50 -> 10, relu)");
  });

  test("refuses sizes that are not positive integers", () => {
    expect(() => new TwoLayerNet(784, 0, 10)).toThrow(/^TwoLayerNet: hiddenSize must be a positive integer, got 0$/);
    expect(() => new TwoLayerNet(784.5, 50, 10)).toThrow(/^TwoLayerNet: inputSize must be a positive integer, got 784\.5$/);
    expect(() => new TwoLayerNet(784, 50, -1)).toThrow(/^TwoLayerNet: outputSize must be a positive integer, got -1$/);
    expect(() => new TwoLayerNet(784, NaN, 10)).toThrow(RangeError);
  });
});

describe("TwoLayerNet training, end to end", () => {
  test("learns a circle in the plane with SGD: the loss falls and held-out accuracy passes 90%", () => {
    // inside or outside a circle of half the square's area: no straight line does much better than 50-60%, so a
    // held-out accuracy over 90% needs the hidden layer to work
    const STEPS = 400;
    const BATCH = 50;
    const LOSS_FRACTION = 0.4;
    const MIN_TEST_ACCURACY = 0.9;

    const rng = new Random("circle");
    const train = circle(1000, rng);
    const held = circle(500, rng);
    const net = new TwoLayerNet(2, 16, 2, { weightInitStd: 0.5, seed: "circle" });
    const optimizer = new SGD(0.5);

    const initialLoss = net.loss(train.x, train.t);
    for (let i = 0; i < STEPS; i++) {
      const batch = rng.choice(1000, BATCH);
      optimizer.update(net.params, net.gradient(train.x.take(batch), train.t.take(batch)));
    }
    const finalLoss = net.loss(train.x, train.t);

    expect(finalLoss).toBeLessThan(LOSS_FRACTION * initialLoss);
    expect(net.accuracy(held.x, held.t)).toBeGreaterThan(MIN_TEST_ACCURACY);
  });
});
