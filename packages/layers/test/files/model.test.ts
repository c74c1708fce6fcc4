import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { Random, randn } from "@backprop/core";
import { Affine, ModelFileError, TwoLayerNet, loadModel, modelContents, readArrayFile, saveModel, writeArrayFile, type StoredArray } from "../../src";
import { bitsOf, useTempDir } from "../helpers";

const ARCHITECTURE = { name: "TwoLayerNet", inputSize: 6, hiddenSize: 4, outputSize: 3 };

/** The arrays of a 6-4-3 net as writeArrayFile takes them, with `changes` put in (undefined removes one). */
function arraysWith(changes: Record<string, { shape: number[]; data: StoredArray } | undefined> = {}): Record<string, { shape: number[]; data: StoredArray }> {
  const { arrays } = modelContents(new TwoLayerNet(6, 4, 3, { seed: 1 }));
  const out: Record<string, { shape: number[]; data: StoredArray }> = { ...arrays };
  for (const [name, array] of Object.entries(changes)) {
    if (array) out[name] = array;
    else delete out[name];
  }
  return out;
}

describe("saveModel and loadModel", () => {
  const dir = useTempDir("saved-model");

  /** The ModelFileError that loadModel(path) throws. */
  function loadError(path: string): ModelFileError {
    try {
      loadModel(path);
    } catch (error) {
      expect(error).toBeInstanceOf(ModelFileError);
      return error as ModelFileError;
    }
    throw new Error(`loadModel(${path}) did not throw`);
  }

  test("a saved TwoLayerNet loads with the same weights bit for bit and predicts the same scores bit for bit", () => {
    // weightInitStd 1 so that the Relu cuts and the scores are far from trivial
    const net = new TwoLayerNet(6, 4, 3, { seed: 1, weightInitStd: 1 });
    net.params.b1.assign(randn([4], new Random("b1")));
    net.params.b2.assign(randn([3], new Random("b2")));
    const path = join(dir(), "net.bpm");
    saveModel(net, path);
    expect(readdirSync(dir())).toEqual(["net.bpm"]);
    const loaded = loadModel(path).net;
    expect(loaded).not.toBe(net);
    for (const name of ["W1", "b1", "W2", "b2"]) {
      expect(loaded.params[name].shape).toEqual(net.params[name].shape);
      expect(loaded.params[name].dtype).toBe("float64");
      expect(bitsOf(loaded.params[name]), name).toEqual(bitsOf(net.params[name]));
    }
    const x = randn([5, 6], new Random("x"));
    const scores = loaded.predict(x);
    expect(scores.shape).toEqual([5, 3]);
    expect(bitsOf(scores)).toEqual(bitsOf(net.predict(x)));
  });

  test("the header states the architecture, dtype float64 and the training record", () => {
    const path = join(dir(), "net.bpm");
    const training = { lr: 0.1, iters: 3, sampling: "shuffle", history: { loss: [1.1, 0.9, 0.7] }, evalSamples: null };
    saveModel(new TwoLayerNet(6, 4, 3, { seed: 1 }), path, training);
    const { header, arrays } = loadModel(path);
    expect(header.kind).toBe("model");
    expect(header.architecture).toEqual(ARCHITECTURE);
    expect(header.dtype).toBe("float64");
    expect(header.training).toEqual(training);
    expect(header.arrays.map((a) => [a.name, a.dtype, a.shape])).toEqual([
      ["W1", "float64", [6, 4]],
      ["b1", "float64", [4]],
      ["W2", "float64", [4, 3]],
      ["b2", "float64", [3]],
    ]);
    expect([...arrays.keys()]).toEqual(["W1", "b1", "W2", "b2"]);
    // the same file read as plain arrays: a "model" file
    expect(readArrayFile(path, "model").header.training).toEqual(training);
  });

  test("the loaded net's layers hold its very parameter tensors", () => {
    const path = join(dir(), "net.bpm");
    saveModel(new TwoLayerNet(6, 4, 3, { seed: 1 }), path);
    const { net } = loadModel(path);
    const affine1 = net.layers.get("Affine1") as Affine;
    const affine2 = net.layers.get("Affine2") as Affine;
    expect(affine1.W).toBe(net.params.W1);
    expect(affine1.b).toBe(net.params.b1);
    expect(affine2.W).toBe(net.params.W2);
    expect(affine2.b).toBe(net.params.b2);
  });

  test("modelContents copies the weights: changing the net afterwards does not change them", () => {
    const net = new TwoLayerNet(6, 4, 3, { seed: 1 });
    const before = bitsOf(net.params.W1);
    const { header, arrays } = modelContents(net);
    net.params.W1.assign(0);
    expect(bitsOf(arrays.W1.data)).toEqual(before);
    expect(arrays.W1.shape).toEqual([6, 4]);
    expect(header).toEqual({ architecture: ARCHITECTURE, dtype: "float64" });
  });

  test("loads a checkpoint, which holds a model, and refuses a file of another kind", () => {
    const net = new TwoLayerNet(6, 4, 3, { seed: 1 });
    const { header, arrays } = modelContents(net);
    const checkpoint = join(dir(), "run.ckpt");
    writeArrayFile(checkpoint, "checkpoint", { ...header, checkpoint: { iteration: 5 } }, { ...arrays, order: { shape: [3], data: Int32Array.from([2, 0, 1]) } });
    expect(bitsOf(loadModel(checkpoint).net.params.W2)).toEqual(bitsOf(net.params.W2));
    const other = join(dir(), "history.bpm");
    writeArrayFile(other, "history", header, arrays);
    expect(loadError(other).message).toMatch(/^loadModel: history\.bpm is a history file, expected a model or a checkpoint$/);
  });

  describe("fails clearly on", () => {
    test("an architecture other than TwoLayerNet, or none", () => {
      const path = join(dir(), "bad.bpm");
      writeArrayFile(path, "model", { architecture: { ...ARCHITECTURE, name: "ThreeLayerNet" }, dtype: "float64" }, arraysWith());
      expect(loadError(path).message).toMatch(/^loadModel: bad\.bpm holds architecture "ThreeLayerNet", expected "TwoLayerNet"$/);
      writeArrayFile(path, "model", { dtype: "float64" }, arraysWith());
      expect(loadError(path).message).toMatch(/^loadModel: bad\.bpm holds architecture undefined, expected "TwoLayerNet"$/);
    });

    test("sizes that are not positive integers", () => {
      const path = join(dir(), "bad.bpm");
      for (const hiddenSize of [4.5, 0, -4, "4"]) {
        writeArrayFile(path, "model", { architecture: { ...ARCHITECTURE, hiddenSize }, dtype: "float64" }, arraysWith());
        expect(loadError(path).message).toMatch(/^loadModel: bad\.bpm has sizes \{.*"hiddenSize":.*\}, expected positive integers$/);
      }
    });

    test("a missing W2", () => {
      const path = join(dir(), "bad.bpm");
      writeArrayFile(path, "model", { architecture: ARCHITECTURE, dtype: "float64" }, arraysWith({ W2: undefined }));
      expect(loadError(path).message).toMatch(/^loadModel: bad\.bpm has no W2, expected one of shape \(4, 3\)$/);
    });

    test("W1 of the wrong shape", () => {
      const path = join(dir(), "bad.bpm");
      writeArrayFile(path, "model", { architecture: ARCHITECTURE, dtype: "float64" }, arraysWith({ W1: { shape: [6, 5], data: new Float64Array(30) } }));
      expect(loadError(path).message).toMatch(/^loadModel: bad\.bpm has W1 of shape \(6, 5\), expected \(6, 4\) for TwoLayerNet\(6 -> 4 -> 3\)$/);
      writeArrayFile(path, "model", { architecture: ARCHITECTURE, dtype: "float64" }, arraysWith({ b2: { shape: [3, 1], data: new Float64Array(3) } }));
      expect(loadError(path).message).toMatch(/^loadModel: bad\.bpm has b2 of shape \(3, 1\), expected \(3,\) for TwoLayerNet\(6 -> 4 -> 3\)$/);
    });

    test("an int32 b1", () => {
      const path = join(dir(), "bad.bpm");
      writeArrayFile(path, "model", { architecture: ARCHITECTURE, dtype: "float64" }, arraysWith({ b1: { shape: [4], data: Int32Array.from([1, 2, 3, 4]) } }));
      expect(loadError(path).message).toMatch(/^loadModel: bad\.bpm has b1 as int32, expected float64$/);
    });

    test("sizes far larger than the weights, before allocating a network of that size", () => {
      // a (100000, 100000) W1 would be 10^10 float64s: the shape check must come before building the net
      const path = join(dir(), "bad.bpm");
      writeArrayFile(path, "model", { architecture: { ...ARCHITECTURE, inputSize: 100000, hiddenSize: 100000 }, dtype: "float64" }, arraysWith());
      expect(loadError(path).message).toMatch(/^loadModel: bad\.bpm has W1 of shape \(6, 4\), expected \(100000, 100000\) for TwoLayerNet\(100000 -> 100000 -> 3\)$/);
    });

    test("a file that is not a model file at all, through readArrayFile's checks", () => {
      const path = join(dir(), "nowhere.bpm");
      expect(loadError(path).message).toMatch(/^loadModel: .*nowhere\.bpm does not exist$/);
    });
  });
});
