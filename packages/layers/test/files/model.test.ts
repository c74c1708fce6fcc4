import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { Random, rand, randn } from "@backprop/core";
import {
  Affine,
  BatchNormalization,
  ModelFileError,
  MultiLayerNetExtend,
  TwoLayerNet,
  deserializeModel,
  encodeArrayFile,
  serializeModel,
  modelContents,
  type Net,
  type StoredArray,
} from "../../src/index.js";
import { loadModel, saveModel } from "../../src/node.js";
import { bitsOf, useTempDir } from "../helpers.js";
import { legacyBytes, readArrayFile, writeArrayFile } from "./file-helpers.js";

const FIXTURES = new URL("./fixtures/", import.meta.url);
const V1_ARCHITECTURE = { name: "TwoLayerNet", inputSize: 6, hiddenSize: 4, outputSize: 3 };

/** The ModelFileError that decoding `bytes` throws, worded as loadModel words it. */
function decodeError(bytes: Uint8Array, name = "bad.bpm"): ModelFileError {
  try {
    deserializeModel(bytes, name, "loadModel");
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    return error as ModelFileError;
  }
  throw new Error(`deserializeModel(${name}) did not throw`);
}

/** A file's bytes as version 1 wrote them: no checksums, version 1 in the header. */
function v1Bytes(header: Record<string, unknown>, arrays: Record<string, { shape: number[]; data: StoredArray }>): Uint8Array {
  return legacyBytes(encodeArrayFile("model", header, arrays), 1);
}

/** The arrays of a 6-4-3 TwoLayerNet, with `changes` put in (undefined removes one). */
function v1Arrays(changes: Record<string, { shape: number[]; data: StoredArray } | undefined> = {}): Record<string, { shape: number[]; data: StoredArray }> {
  const net = new TwoLayerNet(6, 4, 3, { seed: 1 });
  const out: Record<string, { shape: number[]; data: StoredArray }> = {};
  for (const [name, p] of Object.entries(net.params)) out[name] = { shape: [...p.shape], data: Float64Array.from(p.contiguousData()) };
  for (const [name, array] of Object.entries(changes)) {
    if (array) out[name] = array;
    else delete out[name];
  }
  return out;
}

/** A trained-looking MultiLayerNetExtend with BatchNorm and Dropout: running statistics away from their start. */
function withBatchNorm(dtype: "float64" | "float32" = "float64"): MultiLayerNetExtend {
  const net = new MultiLayerNetExtend(6, [5, 4], 3, { useBatchnorm: true, useDropout: true, dropoutRatio: 0.2, weightDecayLambda: 0.01, seed: 2, dtype });
  const rng = new Random("bn");
  for (let i = 0; i < 3; i++) net.predict(rand([8, 6], rng, { dtype }).mul(3), true);
  net.params.gamma1.assign(randn([5], rng));
  return net;
}

const allBits = (net: Net): Record<string, bigint[]> => Object.fromEntries(Object.entries(net.params).map(([k, p]) => [k, bitsOf(p.astype("float64"))]));

describe("model files, version 3", () => {
  const dir = useTempDir("model");

  test("a MultiLayerNetExtend round-trips: weights, BatchNorm's running statistics and inference scores, bit for bit", () => {
    const net = withBatchNorm();
    const path = join(dir(), "net.bpm");
    saveModel(net, path, { data: { source: "here" }, training: { steps: 3 } });
    expect(readdirSync(dir())).toEqual(["net.bpm"]);
    const { net: loaded, header } = loadModel(path);
    expect(loaded).not.toBe(net);
    expect(String(loaded)).toBe("MultiLayerNetExtend(6 -> 5 -> 4 -> 3, batchnorm, relu, dropout 0.2, weight decay 0.01)");
    expect(allBits(loaded)).toEqual(allBits(net));
    for (const name of ["BatchNorm1", "BatchNorm2"]) {
      const [a, b] = [net.layers.get(name) as BatchNormalization, loaded.layers.get(name) as BatchNormalization];
      expect(bitsOf(b.runningMean), name).toEqual(bitsOf(a.runningMean));
      expect(bitsOf(b.runningVar), name).toEqual(bitsOf(a.runningVar));
      expect(a.runningVar.max()).toBeGreaterThan(0);
    }
    const x = rand([7, 6], new Random("x"));
    expect(bitsOf(loaded.predict(x))).toEqual(bitsOf(net.predict(x)));
    // the same dropout generator, so training-mode scores agree too
    expect(bitsOf(loaded.predict(x, true))).toEqual(bitsOf(net.predict(x, true)));
    expect(header.data).toEqual({ source: "here" });
    expect(header.training).toEqual({ steps: 3 });
    expect(header.spec).toBeUndefined();
  });

  test("the twin: a file without BatchNorm's running statistics would not give the same inference scores", () => {
    const net = withBatchNorm();
    const { header, arrays } = modelContents(net);
    const zeroed = Object.fromEntries(Object.entries(arrays).map(([k, v]) => [k, k.includes("running") ? { ...v, data: new Float64Array(v.data.length) } : v]));
    const loaded = deserializeModel(encodeArrayFile("model", header, zeroed), "zeroed.bpm").net;
    const x = rand([7, 6], new Random("x"));
    expect(bitsOf(loaded.predict(x))).not.toEqual(bitsOf(net.predict(x)));
  });

  test("the header lists the layers in order, the loss, the arrays by name, and the state's tensors by reference", () => {
    const net = withBatchNorm();
    const { header } = readArrayFile(writeModel(net, join(dir(), "net.bpm")), "model");
    expect(header.version).toBe(3);
    expect(header.dtype).toBe("float64");
    expect((header.architecture as { layers: { name: string; type: string }[] }).layers.map((l) => `${l.name}:${l.type}`)).toEqual([
      "Affine1:Affine", "BatchNorm1:BatchNormalization", "Activation_function1:Relu", "Dropout1:Dropout",
      "Affine2:Affine", "BatchNorm2:BatchNormalization", "Activation_function2:Relu", "Dropout2:Dropout",
      "Affine3:Affine",
    ]);
    expect((header.architecture as { loss: unknown }).loss).toEqual({ type: "SoftmaxWithLoss" });
    expect(header.arrays.map((a) => a.name)).toEqual([
      "W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2", "W3", "b3",
      "state/layers/BatchNorm1/runningMean", "state/layers/BatchNorm1/runningVar", "state/layers/BatchNorm2/runningMean", "state/layers/BatchNorm2/runningVar",
    ]);
    expect((header.state as { layers: unknown }).layers).toEqual({
      BatchNorm1: { runningMean: { $array: "state/layers/BatchNorm1/runningMean" }, runningVar: { $array: "state/layers/BatchNorm1/runningVar" } },
      BatchNorm2: { runningMean: { $array: "state/layers/BatchNorm2/runningMean" }, runningVar: { $array: "state/layers/BatchNorm2/runningVar" } },
    });
  });

  test("a float32 net is stored in float32, exactly, and loads as float32", () => {
    const net = withBatchNorm("float32");
    const path = writeModel(net, join(dir(), "f32.bpm"));
    const { header, arrays } = readArrayFile(path);
    expect(header.dtype).toBe("float32");
    expect(arrays.get("W1")).toBeInstanceOf(Float32Array);
    expect(arrays.get("state/layers/BatchNorm1/runningVar")).toBeInstanceOf(Float32Array);
    const loaded = loadModel(path).net;
    expect(loaded.params.W1.dtype).toBe("float32");
    expect(allBits(loaded)).toEqual(allBits(net));
    const x = rand([3, 6], new Random("x"), { dtype: "float32" });
    expect(bitsOf(loaded.predict(x).astype("float64"))).toEqual(bitsOf(net.predict(x).astype("float64")));
  });

  test("the loaded net's layers hold its very parameter tensors", () => {
    const { net } = loadModel(writeModel(new TwoLayerNet(6, 4, 3, { seed: 1 }), join(dir(), "net.bpm")));
    expect((net.layers.get("Affine1") as Affine).W).toBe(net.params.W1);
    expect((net.layers.get("Affine2") as Affine).b).toBe(net.params.b2);
  });

  test("modelContents copies the weights: changing the net afterwards does not change them", () => {
    const net = new TwoLayerNet(6, 4, 3, { seed: 1 });
    const before = bitsOf(net.params.W1);
    const { arrays } = modelContents(net);
    net.params.W1.assign(0);
    expect(bitsOf(arrays.W1.data as Float64Array)).toEqual(before);
  });

  test("saveModel writes exactly what serializeModel encodes", () => {
    const net = new TwoLayerNet(6, 4, 3, { seed: 1 });
    const path = writeModel(net, join(dir(), "net.bpm"));
    expect(Buffer.from(readFileSync(path))).toEqual(Buffer.from(serializeModel(net)));
    writeArrayFile(path, "model", {}, {});
    expect(readArrayFile(path).arrays.size).toBe(0);
  });

  test("serializeModel and deserializeModel work on bytes alone", () => {
    const net = withBatchNorm();
    const { net: loaded } = deserializeModel(serializeModel(net), "in-memory.bpm");
    expect(allBits(loaded)).toEqual(allBits(net));
  });

  describe("fails clearly on", () => {
    const good = (): { header: Record<string, unknown>; arrays: Record<string, { shape: readonly number[]; data: StoredArray }> } => modelContents(withBatchNorm());

    test("an architecture that is missing or not a list of layers", () => {
      const { arrays } = good();
      expect(decodeError(encodeArrayFile("model", { dtype: "float64" }, arrays)).message).toMatch(/^loadModel: bad\.bpm has architecture undefined, expected \{ name, layers: \[\.\.\.\], loss \}$/);
      expect(decodeError(encodeArrayFile("model", { architecture: { name: "X", layers: 3, loss: { type: "SoftmaxWithLoss" } }, dtype: "float64" }, arrays)).message).toMatch(/has architecture \{"name":"X","layers":3/);
    });

    test("a layer type it does not know, or options a layer refuses", () => {
      const { header, arrays } = good();
      const architecture = header.architecture as { layers: Record<string, unknown>[] };
      const unknown = { ...architecture, layers: [{ name: "Conv1", type: "Convolution" }] };
      expect(decodeError(encodeArrayFile("model", { ...header, architecture: unknown }, arrays)).message).toMatch(
        /^loadModel: bad\.bpm has an architecture that cannot be built: layerFromSpec: unknown type "Convolution", expected one of Affine, Relu, Sigmoid, Tanh, Dropout, BatchNormalization$/,
      );
      const badRatio = { ...architecture, layers: architecture.layers.map((l) => (l.type === "Dropout" ? { ...l, ratio: 2 } : l)) };
      expect(decodeError(encodeArrayFile("model", { ...header, architecture: badRatio }, arrays)).message).toMatch(/cannot be built: Dropout: ratio must be a number in \[0, 1\), got 2$/);
    });

    test("a missing parameter, one of the wrong shape, and an int32 one", () => {
      const { header, arrays } = good();
      const { gamma2: _gamma2, ...missing } = arrays;
      expect(decodeError(encodeArrayFile("model", header, missing)).message).toMatch(/^loadModel: bad\.bpm has no gamma2, expected one of shape \(4,\)$/);
      expect(decodeError(encodeArrayFile("model", header, { ...arrays, W2: { shape: [4, 5], data: new Float64Array(20) } })).message).toMatch(
        /^loadModel: bad\.bpm has W2 of shape \(4, 5\), expected \(5, 4\) for MultiLayerNetExtend\(6 -> 5 -> 4 -> 3, batchnorm, relu, dropout 0\.2, weight decay 0\.01\)$/,
      );
      expect(decodeError(encodeArrayFile("model", header, { ...arrays, b3: { shape: [3], data: Int32Array.from([1, 2, 3]) } })).message).toMatch(/^loadModel: bad\.bpm has b3 as int32, expected float64 or float32$/);
    });

    test("a parameter with a NaN or an infinity, by name, value and index", () => {
      const { header, arrays } = good();
      const b1 = Float64Array.from(arrays.b1.data);
      b1[2] = NaN;
      expect(decodeError(encodeArrayFile("model", header, { ...arrays, b1: { shape: [5], data: b1 } })).message).toMatch(/^loadModel: bad\.bpm has b1 with a non-finite value \(NaN at index 2\)$/);
      const W2 = Float64Array.from(arrays.W2.data);
      // (5, 4): row 3, column 1 is index 13
      W2[13] = -Infinity;
      W2[19] = Infinity;
      expect(decodeError(encodeArrayFile("model", header, { ...arrays, W2: { shape: [5, 4], data: W2 } })).message).toMatch(/^loadModel: bad\.bpm has W2 with a non-finite value \(-Infinity at index 13\)$/);
      const f32 = modelContents(withBatchNorm("float32"));
      const gamma2 = Float32Array.from(f32.arrays.gamma2.data);
      gamma2[0] = Infinity;
      expect(decodeError(encodeArrayFile("model", f32.header, { ...f32.arrays, gamma2: { shape: [4], data: gamma2 } })).message).toMatch(/^loadModel: bad\.bpm has gamma2 with a non-finite value \(Infinity at index 0\)$/);
    });

    test("a parameter with a NaN in a file of version 2, which has no checksums", () => {
      const { header, arrays } = good();
      const b1 = Float64Array.from(arrays.b1.data);
      b1[4] = NaN;
      const bytes = legacyBytes(encodeArrayFile("model", header, { ...arrays, b1: { shape: [5], data: b1 } }), 2);
      expect(decodeError(bytes).message).toMatch(/^loadModel: bad\.bpm has b1 with a non-finite value \(NaN at index 4\)$/);
    });

    test("a dtype other than float64 or float32", () => {
      const { header, arrays } = good();
      expect(decodeError(encodeArrayFile("model", { ...header, dtype: "float16" }, arrays)).message).toMatch(/^loadModel: bad\.bpm has dtype "float16", expected "float64" or "float32"$/);
    });

    test("layer sizes far larger than its arrays, before allocating them", () => {
      // an Affine of (100000, 100000) would be 10^10 float64s: the budget of the file's own arrays stops it first
      const { header, arrays } = good();
      const architecture = header.architecture as { layers: Record<string, unknown>[] };
      const huge = { ...architecture, layers: architecture.layers.map((l) => (l.name === "Affine1" ? { ...l, inputSize: 100000, outputSize: 100000 } : l)) };
      expect(decodeError(encodeArrayFile("model", { ...header, architecture: huge }, arrays)).message).toMatch(/^loadModel: bad\.bpm has an architecture whose parameters outgrow the arrays it holds$/);
    });

    test("a net state that refers to a missing array, or does not fit", () => {
      const { header, arrays } = good();
      const { "state/layers/BatchNorm2/runningVar": _gone, ...rest } = arrays;
      expect(decodeError(encodeArrayFile("model", header, rest)).message).toMatch(/^loadModel: bad\.bpm refers to array state\/layers\/BatchNorm2\/runningVar, which it does not hold$/);
      const wrong = { ...arrays, "state/layers/BatchNorm2/runningVar": { shape: [2], data: new Float64Array(2) } };
      expect(decodeError(encodeArrayFile("model", header, wrong)).message).toMatch(
        /^loadModel: bad\.bpm has a net state that does not fit .*: BatchNormalization\.restore: runningVar must be \(4,\), got \(2,\)$/,
      );
    });

    test("a file of another kind, and one that does not exist", () => {
      const { header, arrays } = good();
      expect(decodeError(encodeArrayFile("history", header, arrays), "h.bpm").message).toMatch(/^loadModel: h\.bpm is a history file, expected a model or a checkpoint$/);
      expect(() => loadModel(join(dir(), "nowhere.bpm"))).toThrow(/^loadModel: .*nowhere\.bpm does not exist$/);
    });
  });
});

describe("model files, version 2 (any net, no checksums)", () => {
  test("a file written by version 2 loads as the net it holds: weights, running statistics and scores, bit for bit", () => {
    // fixtures/v2-batchnorm.bpm: serializeModel(withBatchNorm(), { training: { note: "version 2" } }) of version 2
    const bytes = readFileSync(new URL("v2-batchnorm.bpm", FIXTURES));
    // version 2's layout: the header right after its length at 12, then 110 float64s: W1 b1 gamma1 beta1 (30 + 3 * 5),
    // W2 b2 gamma2 beta2 (20 + 3 * 4), W3 b3 (12 + 3) and the running statistics (5 + 5 + 4 + 4)
    expect(bytes.toString("latin1", 12, 13)).toBe("{");
    expect(12 + bytes.readUInt32LE(8) + 110 * 8).toBe(bytes.length);
    const { net, header } = deserializeModel(bytes, "v2-batchnorm.bpm");
    expect(header.version).toBe(2);
    expect(header.training).toEqual({ note: "version 2" });
    const expected = withBatchNorm();
    expect(String(net)).toBe(String(expected));
    expect(allBits(net)).toEqual(allBits(expected));
    for (const name of ["BatchNorm1", "BatchNorm2"]) {
      const [a, b] = [expected.layers.get(name) as BatchNormalization, net.layers.get(name) as BatchNormalization];
      expect(bitsOf(b.runningMean), name).toEqual(bitsOf(a.runningMean));
      expect(bitsOf(b.runningVar), name).toEqual(bitsOf(a.runningVar));
    }
    const x = rand([7, 6], new Random("x"));
    expect(bitsOf(net.predict(x))).toEqual(bitsOf(expected.predict(x)));
    // saved again, it is version 3, with the same weights
    const again = serializeModel(net);
    expect(deserializeModel(again, "again.bpm").header.version).toBe(3);
    expect(allBits(deserializeModel(again, "again.bpm").net)).toEqual(allBits(net));
  });
});

describe("model files, version 1 (chapter 5's TwoLayerNet)", () => {
  test("a file written by version 1 loads as the TwoLayerNet it holds, weights bit for bit", () => {
    // fixtures/v1-small.bpm: saveModel(new TwoLayerNet(6, 4, 3, { seed: 1, weightInitStd: 1 }), ...) of version 1
    const bytes = readFileSync(new URL("v1-small.bpm", FIXTURES));
    const { net, header } = deserializeModel(bytes, "v1-small.bpm");
    expect(header.version).toBe(1);
    expect(header.training).toEqual({ note: "chapter 5" });
    expect(net.name).toBe("TwoLayerNet");
    expect(allBits(net)).toEqual(allBits(new TwoLayerNet(6, 4, 3, { seed: 1, weightInitStd: 1 })));
    // and a net saved again is version 2, with the same weights
    expect(allBits(deserializeModel(serializeModel(net), "again.bpm").net)).toEqual(allBits(net));
  });

  describe("fails clearly on", () => {
    test("an architecture other than TwoLayerNet, or none", () => {
      expect(decodeError(v1Bytes({ architecture: { ...V1_ARCHITECTURE, name: "ThreeLayerNet" }, dtype: "float64" }, v1Arrays())).message).toMatch(
        /^loadModel: bad\.bpm holds architecture "ThreeLayerNet", expected "TwoLayerNet"$/,
      );
      expect(decodeError(v1Bytes({ dtype: "float64" }, v1Arrays())).message).toMatch(/^loadModel: bad\.bpm holds architecture undefined, expected "TwoLayerNet"$/);
    });

    test("sizes that are not positive integers", () => {
      for (const hiddenSize of [4.5, 0, -4, "4"]) {
        expect(decodeError(v1Bytes({ architecture: { ...V1_ARCHITECTURE, hiddenSize }, dtype: "float64" }, v1Arrays())).message).toMatch(
          /^loadModel: bad\.bpm has sizes \{.*"hiddenSize":.*\}, expected positive integers$/,
        );
      }
    });

    test("a missing W2, W1 of the wrong shape, an int32 b1", () => {
      const header = { architecture: V1_ARCHITECTURE, dtype: "float64" };
      expect(decodeError(v1Bytes(header, v1Arrays({ W2: undefined }))).message).toMatch(/^loadModel: bad\.bpm has no W2, expected one of shape \(4, 3\)$/);
      expect(decodeError(v1Bytes(header, v1Arrays({ W1: { shape: [6, 5], data: new Float64Array(30) } }))).message).toMatch(
        /^loadModel: bad\.bpm has W1 of shape \(6, 5\), expected \(6, 4\) for TwoLayerNet\(6 -> 4 -> 3\)$/,
      );
      expect(decodeError(v1Bytes(header, v1Arrays({ b1: { shape: [4], data: Int32Array.from([1, 2, 3, 4]) } }))).message).toMatch(/^loadModel: bad\.bpm has b1 as int32, expected float64$/);
    });

    test("a NaN in b1", () => {
      const header = { architecture: V1_ARCHITECTURE, dtype: "float64" };
      expect(decodeError(v1Bytes(header, v1Arrays({ b1: { shape: [4], data: Float64Array.from([0, NaN, 0, 0]) } }))).message).toMatch(/^loadModel: bad\.bpm has b1 with a non-finite value \(NaN at index 1\)$/);
    });

    test("sizes far larger than the weights, before allocating a network of that size", () => {
      const header = { architecture: { ...V1_ARCHITECTURE, inputSize: 100000, hiddenSize: 100000 }, dtype: "float64" };
      expect(decodeError(v1Bytes(header, v1Arrays())).message).toMatch(/^loadModel: bad\.bpm has W1 of shape \(6, 4\), expected \(100000, 100000\) for TwoLayerNet\(100000 -> 100000 -> 3\)$/);
    });
  });
});

/** Saves `net` at `path` and returns the path. */
function writeModel(net: Net, path: string): string {
  saveModel(net, path);
  return path;
}
