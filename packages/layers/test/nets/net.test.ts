import { describe, expect, test } from "vitest";
import { Random, rand, zeros } from "@backprop/core";
import { Affine, BatchNormalization, Dropout, IdentityWithLoss, MultiLayerNetExtend, Net, Relu, SoftmaxWithLoss, Tanh, gradientCheck, paramName, type Layer } from "../../src/index.js";
import { bitsOf } from "../helpers.js";

/** A net of layers made by hand: Dropout first (no parameters), then Affine -> Tanh -> Affine, regression. */
function handMade(): Net {
  const rng = new Random("hand");
  const W = (m: number, n: number) => rand([m, n], rng).sub(0.5);
  return new Net(
    [
      ["Dropout", new Dropout(0.25, rng)],
      ["Hidden1", new Affine(W(3, 4), zeros([4]))],
      ["Tanh", new Tanh()],
      ["Out2", new Affine(W(4, 2), zeros([2]))],
    ],
    new IdentityWithLoss(),
    { name: "Regressor", rng },
  );
}

describe("Net", () => {
  test("names each parameter after its layer's number, or after the layer when it has none", () => {
    expect(paramName("Affine1", "W")).toBe("W1");
    expect(paramName("BatchNorm12", "gamma")).toBe("gamma12");
    expect(paramName("Head", "W")).toBe("Head.W");
    const net = handMade();
    expect(Object.keys(net.params)).toEqual(["W1", "b1", "W2", "b2"]);
    expect(net.params.W2).toBe((net.layers.get("Out2") as Affine).W);
  });

  test("refuses two parameters of one name", () => {
    const layers: [string, Layer][] = [
      ["Affine1", new Affine(zeros([2, 2]), zeros([2]))],
      ["Second1", new Affine(zeros([2, 2]), zeros([2]))],
    ];
    expect(() => new Net(layers, new SoftmaxWithLoss())).toThrow(/^Net: two parameters are named W1 \(Second1's W and another\)$/);
  });

  test("a net of any layers passes the gradient check, its first layer (without parameters) skipped in backward", () => {
    const net = handMade();
    let dropoutBackwards = 0;
    const dropout = net.layers.get("Dropout") as Dropout;
    const backward = dropout.backward.bind(dropout);
    dropout.backward = (dout) => (dropoutBackwards++, backward(dout));
    const x = rand([5, 3], new Random("x"));
    const t = rand([5, 2], new Random("t"));
    const result = gradientCheck(net, x, t);
    // IdentityWithLoss has no log: only central differences' rounding, ~1e-10
    for (const [name, d] of Object.entries(result)) expect(d.maxAbsDiff, name).toBeLessThan(1e-8);
    expect(dropoutBackwards).toBe(0);
  });

  test("spec() describes it as JSON, and fromSpec builds the same net from it, parameters to be loaded", () => {
    const net = new MultiLayerNetExtend(6, [5], 3, { useBatchnorm: true, useDropout: true, dropoutRatio: 0.2, weightDecayLambda: 0.01 });
    const spec = net.spec();
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    expect(spec).toEqual({
      name: "MultiLayerNetExtend",
      layers: [
        { name: "Affine1", type: "Affine", inputSize: 6, outputSize: 5, params: { W: "W1", b: "b1" } },
        { name: "BatchNorm1", type: "BatchNormalization", size: 5, momentum: 0.9, eps: 1e-6, params: { gamma: "gamma1", beta: "beta1" } },
        { name: "Activation_function1", type: "Relu" },
        { name: "Dropout1", type: "Dropout", ratio: 0.2 },
        { name: "Affine2", type: "Affine", inputSize: 5, outputSize: 3, params: { W: "W2", b: "b2" } },
      ],
      loss: { type: "SoftmaxWithLoss" },
      weightDecayLambda: 0.01,
    });
    const rebuilt = Net.fromSpec(spec);
    expect(rebuilt.spec()).toEqual(spec);
    expect(String(rebuilt)).toBe(String(net));
    expect(rebuilt.layers.get("BatchNorm1")).toBeInstanceOf(BatchNormalization);
    expect(rebuilt.layers.get("Activation_function1")).toBeInstanceOf(Relu);
    expect(() => Net.fromSpec({ ...spec, layers: [{ name: "Conv1", type: "Convolution" }] })).toThrow(
      /^layerFromSpec: unknown type "Convolution", expected one of Affine, Relu, Sigmoid, Tanh, Dropout, BatchNormalization$/,
    );
  });

  test("state() holds the generator and BatchNorm's running statistics; restore() puts them back exactly", () => {
    const net = new MultiLayerNetExtend(6, [5], 3, { useBatchnorm: true, useDropout: true, seed: 4 });
    const x = rand([8, 6], new Random("x"));
    net.predict(x, true);
    const saved = net.state();
    const after = () => ({ scores: bitsOf(net.predict(x, true)), inference: bitsOf(net.predict(x)) });
    const first = after();
    net.predict(x, true);
    net.restore(saved);
    expect(after()).toEqual(first);
    const bn = net.layers.get("BatchNorm1") as BatchNormalization;
    expect((saved as { layers: Record<string, unknown> }).layers.BatchNorm1).toEqual({ runningMean: expect.anything(), runningVar: expect.anything() });
    expect(bn.runningVar.max()).toBeGreaterThan(0);
    expect(() => net.restore({ rng: (saved as { rng: never }).rng, layers: {} })).toThrow(/^MultiLayerNetExtend\.restore: the state has nothing for BatchNorm1$/);
  });

  test("refuses a negative weight decay", () => {
    expect(() => new Net([], new SoftmaxWithLoss(), { weightDecayLambda: -1 })).toThrow(/^Net: weightDecayLambda must be a non-negative number, got -1$/);
  });

  test("toString without Affine layers lists the tags only", () => {
    expect(String(new Net([["Relu1", new Relu()]], new SoftmaxWithLoss()))).toBe("Net(relu)");
  });
});
