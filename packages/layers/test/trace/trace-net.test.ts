import { describe, expect, test } from "vitest";
import { Random, rand, randn, tensor, zeros, type Tensor } from "@backprop/core";
import {
  Affine,
  Dropout,
  IdentityWithLoss,
  MultiLayerNetExtend,
  Net,
  Relu,
  Tanh,
  compareGradients,
  numericalGradient,
  softmax,
  traceNet,
  type NetTrace,
} from "../../src/index.js";
import { bitsOf } from "../helpers.js";

// Mean |backprop - numerical| of dL/dx, as the repo's gradient checks: central differences in float64 with h = 1e-4
// are good to ~1e-9; the cross-entropy's 1e-7 inside its log adds at most 1e-7 / (N * y_t) on a few elements.
const TOLERANCE = 1e-6;

/** Batch norm, dropout and weight decay: everything that makes the training pass differ from inference. */
function extendedNet(): Net {
  return new MultiLayerNetExtend(4, [5, 3], 3, { useBatchnorm: true, useDropout: true, dropoutRatio: 0.3, weightDecayLambda: 0.1, seed: 7 });
}

const x = randn([6, 4], new Random("trace-x"));
const t = tensor([0, 2, 1, 1, 0, 2]);

/** A Relu whose backward forgets its mask: a wrong backward, which the numerical check must catch. */
class MasklessRelu extends Relu {
  override backward(dout: Tensor): Tensor {
    super.backward(dout);
    return dout.copy();
  }
}

/** Regression, its first layer a Dropout (no parameters): dx goes through the mask into the data. */
function dropoutFirst(relu: Relu = new Relu()): Net {
  const rng = new Random("dropout-first");
  return new Net(
    [
      ["Dropout1", new Dropout(0.25, rng)],
      ["Affine1", new Affine(rand([4, 6], rng).sub(0.5), rand([6], rng).sub(0.5))],
      ["Relu1", relu],
      ["Affine2", new Affine(rand([6, 2], rng).sub(0.5), zeros([2]))],
    ],
    new IdentityWithLoss(),
    { name: "Regressor", rng, weightDecayLambda: 0.05 },
  );
}

/** dL/dx by central differences, the net's generator put back before every loss so that Dropout keeps its mask. */
function numericalDx(net: Net, x: Tensor, t: Tensor): Tensor {
  const saved = net.state();
  const grad = numericalGradient((xh) => {
    net.restore(saved);
    return net.loss(xh, t, true);
  }, x.copy());
  net.restore(saved);
  return grad;
}

/** The trace from the net's present state, which is put back afterwards. */
function traceFrom(net: Net, x: Tensor, t: Tensor): NetTrace {
  const saved = net.state();
  const trace = traceNet(net, x, t);
  net.restore(saved);
  return trace;
}

describe("traceNet", () => {
  test("names every layer of the Map in order, with its type and the net's names of its parameters", () => {
    const trace = traceNet(extendedNet(), x, t);
    expect(trace.net).toBe("MultiLayerNetExtend(4 -> 5 -> 3 -> 3, batchnorm, relu, dropout 0.3, weight decay 0.1)");
    expect(trace.layers.map((l) => [l.name, l.type])).toEqual([
      ["Affine1", "Affine"],
      ["BatchNorm1", "BatchNormalization"],
      ["Activation_function1", "Relu"],
      ["Dropout1", "Dropout"],
      ["Affine2", "Affine"],
      ["BatchNorm2", "BatchNormalization"],
      ["Activation_function2", "Relu"],
      ["Dropout2", "Dropout"],
      ["Affine3", "Affine"],
    ]);
    expect(trace.layers.map((l) => l.params.map((p) => `${p.name}=${p.key}${p.decayed ? " decayed" : ""}`))).toEqual([
      ["W1=W decayed", "b1=b"], ["gamma1=gamma", "beta1=beta"], [], [], ["W2=W decayed", "b2=b"], ["gamma2=gamma", "beta2=beta"], [], [], ["W3=W decayed", "b3=b"],
    ]);
    expect(trace.layers.map((l) => [l.x.shape, l.out.shape, l.dout.shape, l.dx.shape])).toEqual([
      [[6, 4], [6, 5], [6, 5], [6, 4]],
      ...[1, 2, 3].map(() => [[6, 5], [6, 5], [6, 5], [6, 5]]),
      [[6, 5], [6, 3], [6, 3], [6, 5]],
      ...[1, 2, 3].map(() => [[6, 3], [6, 3], [6, 3], [6, 3]]),
      [[6, 3], [6, 3], [6, 3], [6, 3]],
    ]);
  });

  test("each layer's output is net.predict(x, true) of the net cut after it, from the same generator state", () => {
    const net = extendedNet();
    const saved = net.state();
    const trace = traceFrom(net, x, t);
    const layers = [...net.layers];
    expect(trace.layers).toHaveLength(layers.length);
    layers.forEach((_, k) => {
      net.restore(saved);
      const cut = new Net(layers.slice(0, k + 1), net.lastLayer, { rng: net.rng });
      expect(bitsOf(trace.layers[k].out), layers[k][0]).toEqual(bitsOf(cut.predict(x, true)));
    });
    expect(trace.layers[0].x).toBe(x);
    // each layer's input is the output before it, and the scores are the last output
    for (let k = 1; k < layers.length; k++) expect(trace.layers[k].x).toBe(trace.layers[k - 1].out);
    expect(trace.loss.y).toBe(trace.layers.at(-1)!.out);
  });

  test("a Dropout's output differs with the generator elsewhere: the comparison above sees the masks", () => {
    const net = extendedNet();
    const trace = traceFrom(net, x, t);
    // one more draw moves the generator: the net cut after Dropout1 drops other units
    net.rng.random();
    const cut = new Net([...net.layers].slice(0, 4), net.lastLayer, { rng: net.rng });
    expect(bitsOf(cut.predict(x, true))).not.toEqual(bitsOf(trace.layers[3].out));
  });

  test("its parameter gradients are net.gradient's to the last bit, weight decay included, and so is the loss", () => {
    const net = extendedNet();
    const saved = net.state();
    const trace = traceFrom(net, x, t);
    const grads = net.gradient(x, t);
    const traced = Object.fromEntries(trace.layers.flatMap((l) => l.params.map((p) => [p.name, p.grad])));
    expect(Object.keys(traced)).toEqual(Object.keys(grads));
    for (const name of Object.keys(grads)) expect(bitsOf(traced[name]), name).toEqual(bitsOf(grads[name]));
    net.restore(saved);
    expect(trace.loss.loss).toBe(net.loss(x, t, true));
    expect(trace.loss.weightDecay).toBeGreaterThan(0);
    expect(trace.loss.dataLoss + trace.loss.weightDecay).toBe(trace.loss.loss);
    // weight decay is in the gradient: without its lambda * W, dW1 is the layer's own dW
    const affine = net.layers.get("Affine1") as Affine;
    expect(bitsOf(trace.layers[0].params[0].grad)).not.toEqual(bitsOf(affine.dW!));
    // the parameters' values are the net's, copied
    expect(bitsOf(trace.layers[0].params[0].value)).toEqual(bitsOf(net.params.W1));
    expect(trace.layers[0].params[0].value).not.toBe(net.params.W1);
  });

  test("moves the net's generator as net.gradient does", () => {
    const a = extendedNet();
    const b = extendedNet();
    traceNet(a, x, t);
    b.gradient(x, t);
    expect(a.rng.random()).toBe(b.rng.random());
  });

  test("backward is chained: each dout is the next layer's dx, the last one dL/dy; the loss keeps softmax's y", () => {
    const trace = traceNet(extendedNet(), x, t);
    for (let k = 0; k + 1 < trace.layers.length; k++) expect(trace.layers[k].dout).toBe(trace.layers[k + 1].dx);
    expect(trace.layers.at(-1)!.dout).toBe(trace.loss.dy);
    expect(trace.loss.type).toBe("SoftmaxWithLoss");
    expect(trace.loss.t).toBe(t);
    expect(bitsOf(trace.loss.out!)).toEqual(bitsOf(softmax(trace.loss.y)));
    // dL/dy = (softmax(y) - onehot(t)) / N
    const p = softmax(trace.loss.y);
    const labels = [0, 2, 1, 1, 0, 2];
    const expected = labels.map((label, i) => [0, 1, 2].map((c) => (p.get(i, c) - (c === label ? 1 : 0)) / 6));
    const dy = trace.loss.dy.toArray() as number[][];
    expected.forEach((row, i) => row.forEach((v, c) => expect(dy[i][c]).toBeCloseTo(v, 14)));
  });

  test("the first layer's dx is dL/dx, the gradient with respect to the data, by central differences", () => {
    for (const net of [extendedNet(), dropoutFirst()]) {
      const xs = net.name === "Regressor" ? randn([5, 4], new Random("xs")) : x;
      const ts = net.name === "Regressor" ? randn([5, 2], new Random("ts")) : t;
      const dx = traceFrom(net, xs, ts).layers[0].dx;
      const diff = compareGradients(dx, numericalDx(net, xs, ts));
      expect(dx.shape).toEqual(xs.shape);
      expect(diff.meanAbsDiff, net.name).toBeLessThan(TOLERANCE);
      expect(Math.max(...(dx.abs().flatten().toArray() as number[])), net.name).toBeGreaterThan(1e-3);
    }
  });

  test("a layer whose backward is wrong gives a dx that the same check refuses", () => {
    const good = dropoutFirst();
    const wrong = dropoutFirst(new MasklessRelu());
    const xs = randn([5, 4], new Random("xs"));
    const ts = randn([5, 2], new Random("ts"));
    expect(compareGradients(traceFrom(good, xs, ts).layers[0].dx, numericalDx(good, xs, ts)).meanAbsDiff).toBeLessThan(TOLERANCE);
    // its forward is Relu's, so the numerical gradient is the true one and only the traced dx is wrong
    expect(compareGradients(traceFrom(wrong, xs, ts).layers[0].dx, numericalDx(wrong, xs, ts)).meanAbsDiff).toBeGreaterThan(100 * TOLERANCE);
  });

  test("a regression net's loss keeps its scores as its output, and a net without weight decay adds none", () => {
    const rng = new Random("tanh");
    const net = new Net([["Affine1", new Affine(randn([3, 2], rng), zeros([2]))], ["Tanh1", new Tanh()]], new IdentityWithLoss());
    const xs = randn([2, 3], rng);
    const ts = randn([2, 2], rng);
    const trace = traceNet(net, xs, ts);
    expect(trace.loss.type).toBe("IdentityWithLoss");
    expect(trace.loss.out).toBe(trace.loss.y);
    expect(trace.loss.weightDecay).toBe(0);
    expect(trace.loss.loss).toBe(net.loss(xs, ts, true));
    expect(trace.layers[1].type).toBe("Tanh");
  });

  test("refuses a net without layers", () => {
    expect(() => traceNet(new Net([], new IdentityWithLoss()), x, t)).toThrow(/^traceNet: Net\(\) has no layers, expected at least one$/);
  });
});
