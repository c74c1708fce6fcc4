import { describe, expect, test } from "vitest";
import { Random, randn, tensor, zeros } from "@backprop/core";
import { Affine, Dropout, ExportError, IdentityWithLoss, MulLayer, Net, Relu, SoftmaxWithLoss, toOnnx, toTfjs, type Layer, type Loss } from "../../src/index.js";
import { inferenceGraph } from "../../src/export/inference-graph.js";

const affine = (inputs: number, units: number, seed = 0): Affine => new Affine(randn([inputs, units], new Random(seed)), zeros([units]));

describe("inferenceGraph", () => {
  test("keeps each layer's numbers in float64 and folds each Dropout's 1 - ratio into the next Affine's W, in float64", () => {
    const W2 = tensor([[0.1, 0.2], [0.3, 1 / 3], [0.5, 0.6]], { dtype: "float32" });
    const net = new Net(
      [["Affine1", affine(4, 3)], ["Relu1", new Relu()], ["Dropout1", new Dropout(0.25, new Random(0))], ["Dropout2", new Dropout(0.5, new Random(0))], ["Affine2", new Affine(W2, zeros([2], { dtype: "float32" }))]],
      new IdentityWithLoss(),
    );
    const graph = inferenceGraph(net, "test");
    expect(graph.steps.map((s) => [s.op, s.layer])).toEqual([["dense", "Affine1"], ["activation", "Relu1"], ["dense", "Affine2"]]);
    expect([graph.inputSize, graph.outputSize, graph.output]).toEqual([4, 2, "identity"]);
    const dense = graph.steps[2] as { W: Float64Array; names: unknown };
    // float32 weights widened first: 0.75 * 0.5 times the float32 number nearest 1/3, not its float32 product
    expect(dense.W[3]).toBe(Math.fround(1 / 3) * 0.375);
    expect(dense.names).toEqual({ W: "W2", b: "b2" });
    expect(graph.folded).toEqual([
      { dropout: "Dropout1", into: "Affine2", factor: 0.75 },
      { dropout: "Dropout2", into: "Affine2", factor: 0.5 },
    ]);
  });

  test("tells a classifier (SoftmaxWithLoss) from a regressor (IdentityWithLoss)", () => {
    expect(inferenceGraph(new Net([["Affine1", affine(2, 3)]], new SoftmaxWithLoss()), "test").output).toBe("softmax");
    expect(inferenceGraph(new Net([["Affine1", affine(2, 3)]], new IdentityWithLoss()), "test").output).toBe("identity");
  });
});

describe("what the formats cannot express is an ExportError naming the export and the layer", () => {
  const cases: [string, () => Net, RegExp][] = [
    ["a MulLayer", () => new Net([["Affine1", affine(2, 3)], ["Mul1", new MulLayer() as unknown as Layer]], new SoftmaxWithLoss()), /^EXPORT: cannot export layer Mul1, expected one of Affine, BatchNormalization, Relu, Sigmoid, Tanh, Dropout, got MulLayer$/],
    ["a Dropout last", () => new Net([["Affine1", affine(2, 3)], ["Dropout1", new Dropout(0.5, new Random(0))]], new SoftmaxWithLoss()), /^EXPORT: cannot leave out Dropout1, expected an Affine after it to take its factor, got the end of the net$/],
    ["a Dropout before a Relu", () => new Net([["Affine1", affine(2, 3)], ["Dropout1", new Dropout(0.5, new Random(0))], ["Relu2", new Relu()], ["Affine2", affine(3, 2)]], new SoftmaxWithLoss()), /^EXPORT: cannot leave out Dropout1, expected an Affine after it to take its factor, got Relu2 \(Relu\)$/],
    ["sizes that do not chain", () => new Net([["Affine1", affine(2, 3)], ["Affine2", affine(4, 2)]], new SoftmaxWithLoss()), /^EXPORT: Affine2 takes 4 inputs, expected 3 from the layer before it$/],
    ["no Affine", () => new Net([["Relu1", new Relu()]], new SoftmaxWithLoss()), /^EXPORT: cannot export Net\(.*\), expected at least one Affine, got none$/],
    ["another last layer", () => new Net([["Affine1", affine(2, 3)]], { spec: () => ({ type: "HingeLoss" }) } as unknown as Loss), /^EXPORT: cannot export the last layer, expected SoftmaxWithLoss or IdentityWithLoss, got HingeLoss$/],
  ];
  for (const [what, build, message] of cases) {
    test(what, () => {
      for (const [name, exporter] of [["toTfjs", toTfjs], ["toOnnx", toOnnx]] as const) {
        const net = build();
        expect(() => exporter(net)).toThrow(ExportError);
        expect(() => exporter(net)).toThrow(new RegExp(message.source.replace("EXPORT", name)));
      }
    });
  }
});
