import { describe, expect, test } from "vitest";
import { Random, rand, tensor, type Tensor } from "@backprop/core";
import {
  Affine,
  BatchNormalization,
  Dropout,
  MultiLayerNet,
  MultiLayerNetExtend,
  Relu,
  SGD,
  Sigmoid,
  Tanh,
  TwoLayerNet,
  compareGradients,
  gradientCheck,
  gradientsAgree,
  numericalGradient,
  type Layer,
} from "../../src/index.js";
import { bitsOf, valuesOf } from "../helpers.js";

// Mean |backprop - numerical| per parameter. Central differences in float64 with h = 1e-4 are good to ~1e-9 here;
// the rest is the 1e-7 that the cross-entropy adds inside its log, which backprop's (y - t) / N does not see:
// at most 1e-7 / (N * y_t) on a few elements. 1e-6 is the CLI's default tolerance.
const TOLERANCE = 1e-6;

/** 6 samples of 12 features in [-1, 1) and labels in [0, 4). */
function batch(seed: string): { x: Tensor; t: Tensor } {
  const rng = new Random(seed);
  return { x: rand([6, 12], rng).mul(2).sub(1), t: tensor(Array.from(rng.choice(4, 6))) };
}

describe("MultiLayerNet", () => {
  test("has the book's layers, Affine1, Activation_function1, ..., and parameters W1 b1 ... of the right shapes", () => {
    const net = new MultiLayerNet(784, [100, 50], 10);
    expect([...net.layers.keys()]).toEqual(["Affine1", "Activation_function1", "Affine2", "Activation_function2", "Affine3"]);
    expect(Object.entries(net.params).map(([k, p]) => [k, p.shape])).toEqual([
      ["W1", [784, 100]],
      ["b1", [100]],
      ["W2", [100, 50]],
      ["b2", [50]],
      ["W3", [50, 10]],
      ["b3", [10]],
    ]);
    expect(net.layers.get("Activation_function1")).toBeInstanceOf(Relu);
    expect((net.layers.get("Affine2") as Affine).W).toBe(net.params.W2);
    expect(net.hiddenSizeList).toEqual([100, 50]);
    expect(String(net)).toBe("MultiLayerNet(784 -> 100 -> 50 -> 10, relu)");
  });

  test("with one hidden layer gives the same bits as TwoLayerNet: weights, scores, gradients and ten SGD steps", () => {
    const two = new TwoLayerNet(12, 7, 4, { weightInitStd: 0.3, seed: 3 });
    const multi = new MultiLayerNet(12, [7], 4, { weightInitStd: 0.3, seed: 3 });
    for (const name of ["W1", "b1", "W2", "b2"]) expect(bitsOf(multi.params[name]), name).toEqual(bitsOf(two.params[name]));
    const { x, t } = batch("one-hidden");
    expect(bitsOf(multi.predict(x))).toEqual(bitsOf(two.predict(x)));
    const g2 = two.gradient(x, t);
    const gm = multi.gradient(x, t);
    for (const name of ["W1", "b1", "W2", "b2"]) expect(bitsOf(gm[name]), name).toEqual(bitsOf(g2[name]));
    expect(multi.lastLoss).toBe(two.lastLoss);
    const sgd = new SGD(0.5);
    for (let i = 0; i < 10; i++) {
      sgd.update(two.params, two.gradient(x, t));
      sgd.update(multi.params, multi.gradient(x, t));
    }
    for (const name of ["W1", "b1", "W2", "b2"]) expect(bitsOf(multi.params[name]), name).toEqual(bitsOf(two.params[name]));
    // the twin: another seed, other bits
    expect(bitsOf(new MultiLayerNet(12, [7], 4, { weightInitStd: 0.3, seed: 4 }).params.W1)).not.toEqual(bitsOf(new TwoLayerNet(12, 7, 4, { weightInitStd: 0.3, seed: 3 }).params.W1));
  });

  test("activation sigmoid or tanh puts that layer after each hidden Affine", () => {
    expect(new MultiLayerNet(4, [3, 3], 2, { activation: "sigmoid" }).layers.get("Activation_function2")).toBeInstanceOf(Sigmoid);
    const tanh = new MultiLayerNet(4, [3], 2, { activation: "tanh" });
    expect(tanh.layers.get("Activation_function1")).toBeInstanceOf(Tanh);
    expect(String(tanh)).toBe("MultiLayerNet(4 -> 3 -> 2, tanh)");
    expect(() => new MultiLayerNet(4, [3], 2, { activation: "gelu" as never })).toThrow(/^MultiLayerNet: activation must be "relu", "sigmoid", "tanh", got "gelu"$/);
  });

  test("weight decay adds lambda/2 * sum of W^2 over every W (not b) to the loss, and lambda * W to each dW", () => {
    const plain = new MultiLayerNet(12, [5, 3], 4, { seed: 1 });
    const decayed = new MultiLayerNet(12, [5, 3], 4, { seed: 1, weightDecayLambda: 0.1 });
    // b's are zero at first: give them values, to show they are not decayed
    for (const net of [plain, decayed]) net.params.b1.assign(tensor([1, 2, 3, 4, 5]));
    const { x, t } = batch("decay");
    let squares = 0;
    for (const name of ["W1", "W2", "W3"]) for (const w of valuesOf(plain.params[name])) squares += w * w;
    expect(decayed.loss(x, t)).toBeCloseTo(plain.loss(x, t) + 0.05 * squares, 12);
    const g = plain.gradient(x, t);
    const gd = decayed.gradient(x, t);
    for (const name of ["W1", "W2", "W3"]) {
      const W = valuesOf(plain.params[name]);
      valuesOf(gd[name]).forEach((v, i) => expect(v).toBeCloseTo(valuesOf(g[name])[i] + 0.1 * W[i], 14));
    }
    for (const name of ["b1", "b2", "b3"]) expect(valuesOf(gd[name])).toEqual(valuesOf(g[name]));
    expect(decayed.lastLoss).toBeCloseTo(plain.lastLoss! + 0.05 * squares, 12);
    expect(String(decayed)).toBe("MultiLayerNet(12 -> 5 -> 3 -> 4, relu, weight decay 0.1)");
  });

  test("refuses sizes that are not positive integers", () => {
    expect(() => new MultiLayerNet(784, [100, 0], 10)).toThrow(/^MultiLayerNet: sizes must be positive integers, got inputSize 784, hiddenSizeList \[100,0\], outputSize 10$/);
    expect(() => new MultiLayerNet(784, [], 10)).not.toThrow();
  });
});

describe("MultiLayerNetExtend", () => {
  test("puts BatchNorm after each hidden Affine and Dropout after each hidden activation, with the book's names", () => {
    const net = new MultiLayerNetExtend(12, [5, 3], 4, { useBatchnorm: true, useDropout: true, dropoutRatio: 0.2 });
    expect([...net.layers.keys()]).toEqual([
      "Affine1", "BatchNorm1", "Activation_function1", "Dropout1",
      "Affine2", "BatchNorm2", "Activation_function2", "Dropout2",
      "Affine3",
    ]);
    expect(Object.keys(net.params)).toEqual(["W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2", "W3", "b3"]);
    expect(valuesOf(net.params.gamma1)).toEqual([1, 1, 1, 1, 1]);
    expect(valuesOf(net.params.beta2)).toEqual([0, 0, 0]);
    expect((net.layers.get("BatchNorm2") as BatchNormalization).gamma).toBe(net.params.gamma2);
    expect((net.layers.get("Dropout1") as Dropout).ratio).toBe(0.2);
    expect(String(net)).toBe("MultiLayerNetExtend(12 -> 5 -> 3 -> 4, batchnorm, relu, dropout 0.2)");
    expect([net.useBatchnorm, net.useDropout, net.dropoutRatio]).toEqual([true, true, 0.2]);
  });

  test("without BatchNorm and Dropout it is MultiLayerNet, bit for bit", () => {
    const a = new MultiLayerNetExtend(12, [5, 3], 4, { seed: 2 });
    const b = new MultiLayerNet(12, [5, 3], 4, { seed: 2 });
    const { x, t } = batch("plain");
    expect(bitsOf(a.predict(x))).toEqual(bitsOf(b.predict(x)));
    const ga = a.gradient(x, t);
    const gb = b.gradient(x, t);
    for (const name of Object.keys(b.params)) expect(bitsOf(ga[name])).toEqual(bitsOf(gb[name]));
  });

  test("Dropout drops in training and scales at inference; inference scores are the same every time", () => {
    const net = new MultiLayerNetExtend(12, [40], 4, { useDropout: true, dropoutRatio: 0.5, seed: 1 });
    const { x } = batch("dropout");
    const first = net.predict(x, true);
    const second = net.predict(x, true);
    expect(bitsOf(first)).not.toEqual(bitsOf(second));
    expect(bitsOf(net.predict(x))).toEqual(bitsOf(net.predict(x, false)));
  });

  test("the same seed gives the same weights and the same dropout masks", () => {
    const make = (): MultiLayerNetExtend => new MultiLayerNetExtend(12, [8], 4, { useDropout: true, seed: 7 });
    const [a, b] = [make(), make()];
    const { x, t } = batch("masks");
    for (let i = 0; i < 3; i++) expect(bitsOf(a.gradient(x, t).W1)).toEqual(bitsOf(b.gradient(x, t).W1));
    expect(bitsOf(new MultiLayerNetExtend(12, [8], 4, { useDropout: true, seed: 8 }).params.W1)).not.toEqual(bitsOf(a.params.W1));
  });

  test("gradient check of tanh, BatchNorm, Dropout and weight decay passes for every parameter, gamma and beta included", () => {
    const net = new MultiLayerNetExtend(12, [6, 5], 4, { activation: "tanh", weightInitStd: "xavier", useBatchnorm: true, useDropout: true, dropoutRatio: 0.3, weightDecayLambda: 0.1, seed: 3 });
    const { x, t } = batch("check");
    const before = net.state();
    const result = gradientCheck(net, x, t);
    expect(Object.keys(result)).toEqual(Object.keys(net.params));
    for (const [name, d] of Object.entries(result)) expect(d.meanAbsDiff, name).toBeLessThan(TOLERANCE);
    expect(gradientsAgree(result, TOLERANCE)).toBe(true);
    // the check leaves the net as it found it: generator and running statistics
    expect(net.state()).toEqual(before);
  });

  test("the same check fails when one BatchNorm backward is broken, on the parameters before it and only there", () => {
    const net = new MultiLayerNetExtend(12, [6, 5], 4, { activation: "tanh", useBatchnorm: true, useDropout: true, dropoutRatio: 0.3, seed: 3 });
    const bn2 = net.layers.get("BatchNorm2") as Layer;
    const backward = bn2.backward.bind(bn2);
    // drops the path through the batch mean: dx = dout * gamma / std
    (bn2 as { backward(dout: Tensor): Tensor }).backward = (dout: Tensor): Tensor => {
      backward(dout);
      const layer = bn2 as unknown as { gamma: Tensor; cache: { std: Tensor } };
      return dout.mul(layer.gamma).div(layer.cache.std);
    };
    const result = gradientCheck(net, ...Object.values(batch("check")) as [Tensor, Tensor]);
    for (const name of ["W1", "gamma1", "beta1", "W2", "b2"]) expect(result[name].meanAbsDiff, name).toBeGreaterThan(100 * TOLERANCE);
    for (const name of ["gamma2", "beta2", "W3", "b3"]) expect(result[name].meanAbsDiff, name).toBeLessThan(TOLERANCE);
    // b1 meets a correct BatchNorm1, whose dx sums to zero over the batch whatever dout it is given: 0 either way
    expect(result.b1.meanAbsDiff).toBeLessThan(TOLERANCE);
    expect(gradientsAgree(result, TOLERANCE)).toBe(false);
  });

  test("without the state put back before each loss, new dropout masks would break the check: the fixed mask matters", () => {
    const net = new MultiLayerNetExtend(12, [6], 4, { useDropout: true, dropoutRatio: 0.5, seed: 3 });
    const { x, t } = batch("mask-twin");
    const saved = net.state();
    const backprop = net.gradient(x, t).W2;
    net.restore(saved);
    const drifting = numericalGradient(() => net.loss(x, t, true), net.params.W2);
    expect(compareGradients(backprop, drifting).meanAbsDiff).toBeGreaterThan(100 * TOLERANCE);
    net.restore(saved);
    expect(gradientCheck(net, x, t).W2.meanAbsDiff).toBeLessThan(TOLERANCE);
  });
});
