import { describe, expect, test } from "vitest";
import { Random, full, ones, rand, zeros, type Tensor } from "@backprop/core";
import { Affine, BatchNormalization, Dropout, LAYERS, Relu, Sigmoid, Tanh, type BuildContext, type Layer, type LayerSpec } from "../src/index.js";
import { valuesOf } from "./helpers.js";

/** What a net gives fromSpec: parameters filled with `value` (0 unless told) and the net's generator. */
function context(rng = new Random("layer-specs")): BuildContext & { shapes: number[][] } {
  const shapes: number[][] = [];
  return {
    shapes,
    param: (shape, value = 0) => {
      shapes.push([...shape]);
      return full(shape, value);
    },
    rng,
    dtype: "float64",
  };
}

const CASES: [string, () => Layer, LayerSpec, string][] = [
  ["Affine", () => new Affine(zeros([4, 3]), zeros([3])), { type: "Affine", inputSize: 4, outputSize: 3 }, "Affine(4 -> 3)"],
  ["Relu", () => new Relu(), { type: "Relu" }, "Relu"],
  ["Sigmoid", () => new Sigmoid(), { type: "Sigmoid" }, "Sigmoid"],
  ["Tanh", () => new Tanh(), { type: "Tanh" }, "Tanh"],
  ["Dropout", () => new Dropout(0.2, new Random(1)), { type: "Dropout", ratio: 0.2 }, "Dropout(0.2)"],
  [
    "BatchNormalization",
    () => new BatchNormalization(zeros([5]), zeros([5]), { momentum: 0.8, eps: 1e-5 }),
    { type: "BatchNormalization", size: 5, momentum: 0.8, eps: 1e-5 },
    "BatchNormalization(5)",
  ],
];

describe("spec() -> LAYERS.fromSpec round trip", () => {
  test.each(CASES)("%s", (_, make, spec, name) => {
    const layer = make();
    expect(layer.spec()).toEqual(spec);
    const saved = JSON.parse(JSON.stringify(layer.spec())) as LayerSpec;
    const rebuilt = LAYERS.fromSpec(saved, context());
    expect(rebuilt.constructor).toBe(layer.constructor);
    expect(rebuilt.spec()).toEqual(spec);
    expect(String(rebuilt)).toBe(name);
    expect(rebuilt.tag).toBe(layer.tag);
  });

  test("every registered layer type has a case here", () => {
    expect([...LAYERS.types].sort()).toEqual(CASES.map(([type]) => type).sort());
  });
});

describe("LAYERS.fromSpec builds the parameters from the context", () => {
  test("Affine asks for W (D, M) and b (M), to be loaded afterwards", () => {
    const c = context();
    const layer = LAYERS.fromSpec({ type: "Affine", inputSize: 4, outputSize: 3 }, c) as Affine;
    expect(c.shapes).toEqual([[4, 3], [3]]);
    expect(layer.W.shape).toEqual([4, 3]);
    expect(layer.b.shape).toEqual([3]);
  });

  test("BatchNormalization starts from gamma of ones and beta of zeros, with the spec's momentum and eps", () => {
    const layer = LAYERS.fromSpec({ type: "BatchNormalization", size: 3, momentum: 0.7, eps: 0.25 }, context()) as BatchNormalization;
    expect(valuesOf(layer.gamma)).toEqual([1, 1, 1]);
    expect(valuesOf(layer.beta)).toEqual([0, 0, 0]);
    expect([layer.momentum, layer.eps]).toEqual([0.7, 0.25]);
    // a spec without them gets the defaults
    const plain = LAYERS.fromSpec({ type: "BatchNormalization", size: 3 }, context()) as BatchNormalization;
    expect([plain.momentum, plain.eps]).toEqual([0.9, 1e-6]);
  });

  test("Dropout draws its masks from the context's generator", () => {
    const rng = new Random("layer-specs-dropout");
    const draws = valuesOf(rand([4, 4], new Random("layer-specs-dropout")));
    const layer = LAYERS.fromSpec({ type: "Dropout", ratio: 0.5 }, context(rng));
    expect(valuesOf(layer.forward(ones([4, 4]), true))).toEqual(draws.map((u) => (u > 0.5 ? 1 : 0)));
  });

  test("types are found without case", () => {
    expect(LAYERS.fromSpec({ type: "tanh" }, context())).toBeInstanceOf(Tanh);
    expect(LAYERS.fromSpec({ type: "DROPOUT", ratio: 0.1 }, context())).toBeInstanceOf(Dropout);
    expect(LAYERS.fromSpec({ type: "batchnormalization", size: 2 }, context())).toBeInstanceOf(BatchNormalization);
  });

  test("refuses an unknown type and options out of range, with the layer's own messages", () => {
    expect(() => LAYERS.fromSpec({ type: "Convolution" }, context())).toThrow(/^layerFromSpec: unknown type "Convolution", expected one of /);
    expect(() => LAYERS.fromSpec({ type: "BatchNormalization", size: 0 }, context())).toThrow(/^BatchNormalization: size must be a positive integer, got 0$/);
    expect(() => LAYERS.fromSpec({ type: "BatchNormalization", size: 2.5 }, context())).toThrow(/^BatchNormalization: size must be a positive integer, got 2\.5$/);
    expect(() => LAYERS.fromSpec({ type: "BatchNormalization", size: 2, momentum: 2 }, context())).toThrow(
      /^BatchNormalization: momentum must be a number in \[0, 1\], got 2$/,
    );
    expect(() => LAYERS.fromSpec({ type: "Dropout", ratio: 1 }, context())).toThrow(/^Dropout: ratio must be a number in \[0, 1\), got 1$/);
    expect(() => LAYERS.fromSpec({ type: "Dropout" }, context())).toThrow(/^Dropout: ratio must be a number in \[0, 1\), got undefined$/);
    expect(() => LAYERS.fromSpec({ type: "Affine", inputSize: -1, outputSize: 3 }, context())).toThrow(/^Affine: inputSize must be a positive integer, got -1$/);
  });
});

describe("a rebuilt layer computes what the original does, once its parameters are loaded", () => {
  test("BatchNormalization, with its running statistics restored", () => {
    const rng = new Random("layer-specs-bn");
    const original = new BatchNormalization(full([3], 2), full([3], -1), { eps: 0.25 });
    const x = rand([4, 3], rng);
    original.forward(x, true);
    const rebuilt = LAYERS.fromSpec(JSON.parse(JSON.stringify(original.spec())), context()) as BatchNormalization;
    (rebuilt.gamma as Tensor).assign(original.gamma);
    (rebuilt.beta as Tensor).assign(original.beta);
    rebuilt.restore(original.state());
    expect(valuesOf(rebuilt.forward(x, false))).toEqual(valuesOf(original.forward(x, false)));
  });
});
