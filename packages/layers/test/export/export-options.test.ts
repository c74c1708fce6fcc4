import { describe, expect, test } from "vitest";
import { IdentityWithLoss, TwoLayerNet, toOnnx, toTfjs, type ExportOptions } from "../../src/index.js";

const classifier = new TwoLayerNet(3, 4, 2);
const regressor = new TwoLayerNet(3, 4, 1, { lastLayer: new IdentityWithLoss() });

describe("options the net's sizes and output refuse, with the option's path, what it expects and what it got", () => {
  const cases: [string, ExportOptions, TwoLayerNet, RegExp][] = [
    ["a mean of the wrong length", { transform: { input: { mean: [0, 0], std: [1, 1, 1] } } }, classifier, /^EXPORT: transform\.input\.mean must hold 3 numbers, one per input, got 2$/],
    ["a std of 0", { transform: { input: { mean: [0, 0, 0], std: [1, 0, 1] } } }, classifier, /^EXPORT: transform\.input\.std\[1\] must be a positive number, got 0$/],
    ["a mean of NaN", { transform: { input: { mean: [0, NaN, 0], std: [1, 1, 1] } } }, classifier, /^EXPORT: transform\.input\.mean\[1\] must be a finite number, got NaN$/],
    ["an un-scaling of a classifier", { transform: { output: { mean: 1, std: 2 } } }, classifier, /^EXPORT: transform\.output un-scales a regressor's outputs, expected none for a classifier, got \{"mean":1,"std":2\}$/],
    ["an output std of -1", { transform: { output: { mean: 1, std: -1 } } }, regressor, /^EXPORT: transform\.output\.std must be a positive number, got -1$/],
    ["input names of the wrong length", { inputNames: ["a", "b"] }, classifier, /^EXPORT: inputNames must hold 3 strings, one per input, got \["a","b"\]$/],
    ["output names of the wrong length", { outputNames: ["cat"] }, classifier, /^EXPORT: outputNames must hold 2 strings, one per output, got \["cat"\]$/],
  ];
  for (const [what, options, net, message] of cases) {
    test(what, () => {
      expect(() => toTfjs(net, options)).toThrow(new RegExp(message.source.replace("EXPORT", "toTfjs")));
      expect(() => toOnnx(net, options)).toThrow(new RegExp(message.source.replace("EXPORT", "toOnnx")));
    });
  }

  test("names alone make a transform.json without a transform, and no options none at all", () => {
    const files = toTfjs(classifier, { outputNames: ["cat", "dog"] });
    expect(JSON.parse(new TextDecoder().decode(files["transform.json"]))).toEqual({ format: "backprop-transform", version: 1, outputs: ["cat", "dog"] });
    expect(Object.keys(toTfjs(classifier))).toEqual(["model.json", "weights.bin"]);
  });
});
