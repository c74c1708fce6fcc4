import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { Random, Tensor } from "@backprop/core";
import {
  Adam,
  ModelFileError,
  MultiLayerNetExtend,
  SGD,
  Trainer,
  TwoLayerNet,
  decodeCheckpoint,
  deserializeModel,
  encodeArrayFile,
  encodeCheckpoint,
  serializeModel,
  modelContents,
  resumeTrainer,
  type BatchSource,
} from "../../src/index.js";
import { loadCheckpoint, saveCheckpoint } from "../../src/node.js";
import { bitsOf, useTempDir } from "../helpers.js";
import { legacyBytes, withHeader } from "./file-helpers.js";

/** 40 rows of 4 features, labels 0..2: enough to take a few steps. */
function rows(): BatchSource {
  const rng = new Random("rows");
  const x = Float64Array.from({ length: 160 }, () => rng.normal());
  const t = Float64Array.from({ length: 40 }, (_, i) => i % 3);
  const pick = (indices: ArrayLike<number>): { x: Tensor; t: Tensor } => {
    const n = indices.length;
    const xs = new Float64Array(n * 4);
    const ts = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      xs.set(x.subarray(indices[i] * 4, indices[i] * 4 + 4), i * 4);
      ts[i] = t[indices[i]];
    }
    return { x: Tensor.fromData(xs, [n, 4]), t: Tensor.fromData(ts, [n]) };
  };
  return { length: 40, batch: pick, slice: (start, end) => pick(Array.from({ length: end - start }, (_, i) => start + i)) };
}

async function adamRun(steps: number): Promise<Trainer> {
  const net = new MultiLayerNetExtend(4, [6], 3, { useBatchnorm: true, useDropout: true, dropoutRatio: 0.25, seed: 1 });
  const trainer = new Trainer(net, new Adam(0.01), rows(), rows(), { batchSize: 8, iters: 30, evalEvery: 10, seed: 2 });
  await trainer.run({ shouldStop: () => trainer.iteration >= steps });
  return trainer;
}

/** The ModelFileError that decoding `bytes` as a checkpoint throws. */
function decodeError(bytes: Uint8Array): ModelFileError {
  try {
    decodeCheckpoint(bytes, "bad.ckpt");
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    return error as ModelFileError;
  }
  throw new Error("decodeCheckpoint did not throw");
}

describe("checkpoints", () => {
  const dir = useTempDir("checkpoint");

  test("hold the model, the trainer's config and state, and the optimizer's spec and state, tensors as arrays", async () => {
    const trainer = await adamRun(13);
    const path = join(dir(), "run.ckpt");
    saveCheckpoint(trainer, path, { data: { source: "rows" }, training: { note: 1 } });
    const checkpoint = loadCheckpoint(path);
    const { header } = checkpoint;
    expect(header.kind).toBe("checkpoint");
    expect(header.version).toBe(3);
    const saved = header.checkpoint as { trainer: { config: unknown; state: Record<string, unknown> }; optimizer: { spec: unknown; state: Record<string, unknown> } };
    expect(saved.trainer.config).toEqual({ batchSize: 8, iters: 30, sampling: "shuffle", evalEvery: 10, evalSamples: null, seed: 2, metrics: ["acc"], patience: null, minImprovement: 0.05 });
    expect(saved.trainer.state.order).toEqual({ $array: "trainer/order" });
    expect(saved.trainer.state.iteration).toBe(13);
    expect(saved.optimizer.spec).toEqual({ type: "Adam", lr: 0.01, beta1: 0.9, beta2: 0.999 });
    expect(saved.optimizer.state.iter).toBe(13);
    expect((saved.optimizer.state.m as Record<string, unknown>).gamma1).toEqual({ $array: "optimizer/m/gamma1" });
    expect(header.arrays.map((a) => a.name)).toEqual(expect.arrayContaining(["W1", "state/layers/BatchNorm1/runningMean", "optimizer/m/W1", "optimizer/v/b2", "trainer/order"]));
    expect(checkpoint.data).toEqual({ source: "rows" });
    expect(checkpoint.training).toEqual({ note: 1 });
    expect(String(checkpoint.optimizer)).toBe("Adam(lr 0.01, beta1 0.9, beta2 0.999)");
    // the optimizer's moments come back exactly
    const before = trainer.optimizer.state() as { m: Record<string, Tensor> };
    const after = checkpoint.optimizer.state() as { m: Record<string, Tensor> };
    for (const name of Object.keys(before.m)) expect(bitsOf(after.m[name]), name).toEqual(bitsOf(before.m[name]));
    // and a checkpoint is a model too
    expect(bitsOf(deserializeModel(encodeCheckpoint(trainer), "run.ckpt").net.params.W2)).toEqual(bitsOf(trainer.net.params.W2));
  });

  test("a run resumed from one ends as the uninterrupted run, bit for bit", async () => {
    const whole = await adamRun(30);
    const first = await adamRun(13);
    const second = resumeTrainer(decodeCheckpoint(encodeCheckpoint(first), "run.ckpt"), rows(), rows());
    await second.run();
    for (const name of Object.keys(whole.net.params)) expect(bitsOf(second.net.params[name]), name).toEqual(bitsOf(whole.net.params[name]));
    expect(second.history).toEqual(whole.history);
  });

  test("refuse a model file, and a checkpoint without its trainer and optimizer", async () => {
    const trainer = await adamRun(3);
    const bytes = withHeader(encodeCheckpoint(trainer), (header) => {
      header.kind = "model";
    });
    expect(decodeError(bytes).message).toMatch(/^loadCheckpoint: bad\.ckpt is a model file, expected a checkpoint file$/);
    const net = new TwoLayerNet(4, 3, 3);
    const bare = encodeArrayFile("checkpoint", { architecture: net.spec(), dtype: "float64", state: { rng: new Random(0).state(), layers: {} } }, Object.fromEntries(Object.entries(net.params).map(([k, p]) => [k, { shape: p.shape, data: p.contiguousData() }])));
    expect(decodeError(bare).message).toMatch(/^loadCheckpoint: bad\.ckpt is a checkpoint without its trainer and optimizer$/);
  });

  test("refuse an optimizer state that cannot be restored, naming the file", async () => {
    const trainer = await adamRun(3);
    const state = trainer.optimizer.state() as Record<string, unknown>;
    trainer.optimizer.state = () => ({ ...state, iter: -3 }) as never;
    const bytes = encodeCheckpoint(trainer);
    expect(decodeError(bytes).message).toMatch(/^loadCheckpoint: bad\.ckpt has a training state that cannot be restored: Adam\.restore: iter must be a non-negative integer, got -3$/);
  });

  test("of version 1 (chapter 5's TwoLayerNet with SGD) read as a TwoLayerNet, SGD and the trainer's config and state", () => {
    // the header version 1 wrote, as in a file of that version, with a 3-step history
    const net = new TwoLayerNet(4, 3, 3, { seed: 1 });
    const config = { hidden: 3, lr: 0.1, batchSize: 8, weightInitStd: 0.01, seed: 3, iters: 30, sampling: "shuffle", evalEvery: 10, evalSamples: 20, dtype: "float64" };
    const state = { config, iteration: 3, cursor: 24, rng: new Random("3/batches").state(), history: { loss: [1.1, 1.0, 0.9], evalIterations: [], trainAcc: [], testAcc: [] }, elapsedMs: 5 };
    const arrays: Record<string, { shape: number[]; data: Float64Array | Int32Array }> = {};
    for (const [k, p] of Object.entries(net.params)) arrays[k] = { shape: [...p.shape], data: Float64Array.from(p.contiguousData()) };
    arrays.order = { shape: [40], data: Int32Array.from({ length: 40 }, (_, i) => 39 - i) };
    const header = { architecture: { name: "TwoLayerNet", inputSize: 4, hiddenSize: 3, outputSize: 3 }, dtype: "float64", checkpoint: { state, data: { source: "rows" } } };
    const checkpoint = decodeCheckpoint(legacyBytes(encodeArrayFile("checkpoint", header, arrays), 1), "v1.ckpt");
    expect(checkpoint.optimizer).toBeInstanceOf(SGD);
    expect((checkpoint.optimizer as SGD).lr).toBe(0.1);
    expect(checkpoint.config).toEqual({ batchSize: 8, iters: 30, sampling: "shuffle", evalEvery: 10, evalSamples: 20, seed: 3, metrics: ["acc"], patience: null, minImprovement: 0.05 });
    expect(checkpoint.data).toEqual({ source: "rows" });
    expect(checkpoint.training).toEqual({ config });
    expect(bitsOf(checkpoint.net.params.W1)).toEqual(bitsOf(net.params.W1));
    const trainer = resumeTrainer(checkpoint, rows(), rows());
    expect(trainer.iteration).toBe(3);
    expect(trainer.history.loss).toEqual([1.1, 1.0, 0.9]);
    expect((trainer.state() as { order: Tensor }).order.toArray()).toEqual(Array.from({ length: 40 }, (_, i) => 39 - i));
  });
});

describe("a checkpoint is checked field by field, each failure one line naming the file", () => {
  // A 3-step Adam run; `doctor` changes its header's `checkpoint` and writes the header's checksum anew, as a
  // writer with a bug, or a hand edit, would.
  let bytes: Uint8Array;
  const doctor = (edit: (saved: Record<string, any>, header: Record<string, any>) => void): Buffer => withHeader(bytes, (header) => edit(header.checkpoint, header));
  const errorOf = (file: Uint8Array): string => {
    try {
      decodeCheckpoint(file, "run.ckpt");
    } catch (error) {
      expect(error).toBeInstanceOf(ModelFileError);
      return (error as Error).message;
    }
    throw new Error("decodeCheckpoint did not throw");
  };
  const NET = "MultiLayerNetExtend\\(4 -> 6 -> 3, batchnorm, relu, dropout 0\\.25\\)";
  beforeAll(async () => {
    bytes = encodeCheckpoint(await adamRun(3));
  });

  test("undoctored, it loads", () => {
    expect(decodeCheckpoint(doctor(() => {}), "run.ckpt").config).toEqual({ batchSize: 8, iters: 30, sampling: "shuffle", evalEvery: 10, evalSamples: null, seed: 2, metrics: ["acc"], patience: null, minImprovement: 0.05 });
  });

  describe("the optimizer's spec, as its constructor checks it", () => {
    const spec = (change: Record<string, unknown>): string =>
      errorOf(
        doctor((saved) => {
          Object.assign(saved.optimizer.spec, change);
        }),
      );
    test.each([
      ["a negative lr", { lr: -0.1 }, /^loadCheckpoint: run\.ckpt has an optimizer that cannot be built: Adam: lr must be a positive number, got -0\.1$/],
      ["a zero lr", { lr: 0 }, /^loadCheckpoint: run\.ckpt has an optimizer that cannot be built: Adam: lr must be a positive number, got 0$/],
      ["a string lr", { lr: "0.1" }, /^loadCheckpoint: run\.ckpt has an optimizer that cannot be built: Adam: lr must be a positive number, got "0\.1"$/],
      ["a null lr", { lr: null }, /^loadCheckpoint: run\.ckpt has an optimizer that cannot be built: Adam: lr must be a positive number, got null$/],
      ["a string beta1", { beta1: "0.9" }, /^loadCheckpoint: run\.ckpt has an optimizer that cannot be built: Adam: beta1 must be a number in \[0, 1\), got "0\.9"$/],
      ["a beta2 of 1", { beta2: 1 }, /^loadCheckpoint: run\.ckpt has an optimizer that cannot be built: Adam: beta2 must be a number in \[0, 1\), got 1$/],
      [
        "an unknown optimizer type",
        { type: "Adadelta" },
        /^loadCheckpoint: run\.ckpt has an optimizer that cannot be built: optimizerFromSpec: unknown type "Adadelta", expected one of SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam, GradientFlow$/,
      ],
    ])("%s", (_, change, message) => {
      expect(spec(change)).toMatch(message);
    });
  });

  describe("the trainer's config, as the Trainer takes it", () => {
    const config = (change: Record<string, unknown>): string =>
      errorOf(
        doctor((saved) => {
          Object.assign(saved.trainer.config, change);
        }),
      );
    const count = "expected an integer from 1 to 2147483648";
    test.each([
      ["a null iters", { iters: null }, new RegExp(`^loadCheckpoint: run\\.ckpt has trainer config iters null, ${count}$`)],
      ["iters 1e308", { iters: 1e308 }, new RegExp(`^loadCheckpoint: run\\.ckpt has trainer config iters 1e\\+308, ${count}$`)],
      ["iters 2^31 + 1", { iters: 2 ** 31 + 1 }, new RegExp(`^loadCheckpoint: run\\.ckpt has trainer config iters 2147483649, ${count}$`)],
      ["iters 0", { iters: 0 }, new RegExp(`^loadCheckpoint: run\\.ckpt has trainer config iters 0, ${count}$`)],
      ["a fractional batchSize", { batchSize: 7.5 }, new RegExp(`^loadCheckpoint: run\\.ckpt has trainer config batchSize 7\\.5, ${count}$`)],
      ["a string evalEvery", { evalEvery: "10" }, new RegExp(`^loadCheckpoint: run\\.ckpt has trainer config evalEvery "10", ${count}$`)],
      ["an unknown sampling", { sampling: "sideways" }, /^loadCheckpoint: run\.ckpt has trainer config sampling "sideways", expected "shuffle" or "replace"$/],
      ["evalSamples 0", { evalSamples: 0 }, /^loadCheckpoint: run\.ckpt has trainer config evalSamples 0, expected null or an integer from 1 to 2147483648$/],
      ["evalSamples \"all\"", { evalSamples: "all" }, /^loadCheckpoint: run\.ckpt has trainer config evalSamples "all", expected null or an integer from 1 to 2147483648$/],
      ["a fractional seed", { seed: 1.5 }, /^loadCheckpoint: run\.ckpt has trainer config seed 1\.5, expected an integer or a string$/],
      ["a null seed", { seed: null }, /^loadCheckpoint: run\.ckpt has trainer config seed null, expected an integer or a string$/],
      [
        "an unknown metric",
        { metrics: ["acc", "f1"] },
        /^loadCheckpoint: run\.ckpt has trainer config metrics \["acc","f1"\], which it cannot evaluate: metric: unknown metric "f1", expected one of acc, mae, mse$/,
      ],
      [
        "a metric of a negative scale",
        { metrics: [{ name: "mae", scale: -1 }] },
        /^loadCheckpoint: run\.ckpt has trainer config metrics \[\{"name":"mae","scale":-1\}\], which it cannot evaluate: meanAbsoluteError: scale must be a positive number, got -1$/,
      ],
      ["metrics that are not a list", { metrics: "acc" }, /^loadCheckpoint: run\.ckpt has trainer config metrics "acc", expected a list of metric names or \{ name, scale \}$/],
    ])("%s", (_, change, message) => {
      expect(config(change)).toMatch(message);
    });

    test("a missing field", () => {
      const bad = doctor((saved) => {
        delete saved.trainer.config.batchSize;
      });
      expect(errorOf(bad)).toMatch(/^loadCheckpoint: run\.ckpt has a trainer config without batchSize$/);
    });

    test("the ends of the ranges are taken: iters 2^31, evalSamples 1, a string seed", () => {
      const edge = doctor((saved) => {
        Object.assign(saved.trainer.config, { iters: 2 ** 31, evalSamples: 1, seed: "run-2", sampling: "replace", metrics: ["acc", { name: "mse", scale: 2 }] });
      });
      expect(decodeCheckpoint(edge, "run.ckpt").config).toEqual({ batchSize: 8, iters: 2 ** 31, sampling: "replace", evalEvery: 10, evalSamples: 1, seed: "run-2", metrics: ["acc", { name: "mse", scale: 2 }], patience: null, minImprovement: 0.05 });
    });
  });

  describe("the trainer's state: each field present and of its JSON type", () => {
    test("a missing history", () => {
      const bad = doctor((saved) => {
        delete saved.trainer.state.history;
      });
      expect(errorOf(bad)).toMatch(/^loadCheckpoint: run\.ckpt has a trainer state without history$/);
    });

    test("a null rng", () => {
      const bad = doctor((saved) => {
        saved.trainer.state.rng = null;
      });
      expect(errorOf(bad)).toMatch(/^loadCheckpoint: run\.ckpt has trainer state rng null, expected the batch generator's state \{ prng, spare \}$/);
    });

    test("a history whose loss is not a list of numbers", () => {
      const bad = doctor((saved) => {
        saved.trainer.state.history.loss = ["1.1"];
      });
      expect(errorOf(bad)).toMatch(/^loadCheckpoint: run\.ckpt has trainer state history \{"loss":\["1\.1"\],.*\}, expected \{ loss, evalIterations, \.\.\. \}, each a list of numbers$/);
    });

    test("a negative iteration, a fractional cursor, an order that is not an array", () => {
      const field = (change: Record<string, unknown>): string => errorOf(doctor((saved) => Object.assign(saved.trainer.state, change)));
      expect(field({ iteration: -1 })).toMatch(/^loadCheckpoint: run\.ckpt has trainer state iteration -1, expected a non-negative integer$/);
      expect(field({ cursor: 2.5 })).toMatch(/^loadCheckpoint: run\.ckpt has trainer state cursor 2\.5, expected a non-negative integer$/);
      expect(field({ order: [1, 2, 3] })).toMatch(/^loadCheckpoint: run\.ckpt has trainer state order \[1,2,3\], expected null or a 1-D array of sample indices$/);
      expect(field({ elapsedMs: "5" })).toMatch(/^loadCheckpoint: run\.ckpt has trainer state elapsedMs "5", expected a non-negative number$/);
    });
  });

  describe("the optimizer's state and its arrays", () => {
    test("a state array of an unknown dtype", () => {
      const bad = doctor((_, header) => {
        header.arrays.find((a: { name: string }) => a.name === "optimizer/m/W1").dtype = "float16";
      });
      expect(errorOf(bad)).toMatch(/^loadCheckpoint: run\.ckpt has a corrupt entry for array optimizer\/m\/W1: \{.*\} \(unknown dtype "float16", expected float64, float32 or int32\)$/);
    });

    test("a slot of another parameter's shape", () => {
      const bad = doctor((saved) => {
        saved.optimizer.state.m.W1 = { $array: "optimizer/m/b1" };
      });
      expect(errorOf(bad)).toMatch(/^loadCheckpoint: run\.ckpt has optimizer state m\/W1 of shape \(6,\), expected \(4, 6\) to match the parameter$/);
    });

    test("a missing slot, and one for no parameter", () => {
      const missing = doctor((saved) => {
        delete saved.optimizer.state.v.b2;
      });
      expect(errorOf(missing)).toMatch(/^loadCheckpoint: run\.ckpt has an optimizer state without v\/b2, expected a tensor of shape \(3,\) for parameter b2$/);
      const extra = doctor((saved) => {
        saved.optimizer.state.m.W9 = { $array: "optimizer/m/b1" };
      });
      expect(errorOf(extra)).toMatch(new RegExp(`^loadCheckpoint: run\\.ckpt has optimizer state m/W9, but ${NET} has no parameter W9$`));
    });

    test("a slot that refers to an array the file does not hold", () => {
      const bad = doctor((saved) => {
        saved.optimizer.state.v.W1 = { $array: "optimizer/v/W9" };
      });
      expect(errorOf(bad)).toMatch(/^loadCheckpoint: run\.ckpt refers to array optimizer\/v\/W9, which it does not hold$/);
    });

    test("a missing moment", () => {
      const bad = doctor((saved) => {
        delete saved.optimizer.state.m;
      });
      expect(errorOf(bad)).toMatch(/^loadCheckpoint: run\.ckpt has a training state that cannot be restored: Adam\.restore: m must be null or tensors by parameter name, got undefined$/);
    });
  });

  test("of version 1: its settings and its SGD's lr checked the same way", () => {
    const net = new TwoLayerNet(4, 3, 3, { seed: 1 });
    const arrays = Object.fromEntries(Object.entries(net.params).map(([k, p]) => [k, { shape: [...p.shape], data: Float64Array.from(p.contiguousData()) }]));
    const v1 = (config: Record<string, unknown>): Buffer => {
      const state = { config: { hidden: 3, lr: 0.1, batchSize: 8, seed: 3, iters: 30, sampling: "shuffle", evalEvery: 10, evalSamples: null, ...config }, iteration: 0, cursor: 0, rng: new Random("3/batches").state(), history: { loss: [], evalIterations: [] }, elapsedMs: 0 };
      return legacyBytes(encodeArrayFile("checkpoint", { architecture: { name: "TwoLayerNet", inputSize: 4, hiddenSize: 3, outputSize: 3 }, dtype: "float64", checkpoint: { state } }, arrays), 1);
    };
    expect(decodeCheckpoint(v1({}), "v1.ckpt").optimizer).toBeInstanceOf(SGD);
    expect(errorOf(v1({ lr: -1 }))).toMatch(/^loadCheckpoint: run\.ckpt has an optimizer that cannot be built: SGD: lr must be a positive number, got -1$/);
    expect(errorOf(v1({ iters: null }))).toMatch(/^loadCheckpoint: run\.ckpt has trainer config iters null, expected an integer from 1 to 2147483648$/);
    expect(errorOf(v1({ sampling: undefined }))).toMatch(/^loadCheckpoint: run\.ckpt has a trainer config without sampling$/);
  });
});

describe("a net is refused alike from a model file and from a checkpoint (evaluate and --resume)", () => {
  // each doctoring of the net, applied to a model file of the net and to a checkpoint of its run: loadModel of either
  // and loadCheckpoint must give the same reason
  const reason = (read: () => unknown): string => {
    try {
      read();
    } catch (error) {
      expect(error).toBeInstanceOf(ModelFileError);
      return (error as Error).message.replace(/^(load(Model|Checkpoint)|deserializeModel): \S+ /, "");
    }
    return "loaded";
  };
  const cases: [string, (header: Record<string, any>) => void][] = [
    ["W2 of another shape", (h) => (h.architecture.layers.find((l: { name: string }) => l.name === "Affine2").inputSize = 5)],
    ["an unknown layer type", (h) => (h.architecture.layers[1].type = "Convolution")],
    ["a float16 net", (h) => (h.dtype = "float16")],
    ["a missing gamma1", (h) => (h.arrays.find((a: { name: string }) => a.name === "gamma1").name = "gamma9")],
  ];

  test.each(cases)("%s", async (_, edit) => {
    const trainer = await adamRun(3);
    const model = withHeader(serializeModel(trainer.net), edit);
    const checkpoint = withHeader(encodeCheckpoint(trainer), edit);
    const expected = reason(() => deserializeModel(model, "m.bpm"));
    expect(expected).not.toBe("loaded");
    expect(reason(() => deserializeModel(checkpoint, "run.ckpt"))).toBe(expected);
    expect(reason(() => decodeCheckpoint(checkpoint, "run.ckpt"))).toBe(expected);
  });

  test("a NaN weight", async () => {
    const trainer = await adamRun(3);
    trainer.net.params.b1.contiguousData()[3] = NaN;
    const expected = "has b1 with a non-finite value (NaN at index 3)";
    expect(reason(() => deserializeModel(serializeModel(trainer.net), "m.bpm"))).toBe(expected);
    expect(reason(() => decodeCheckpoint(encodeCheckpoint(trainer), "run.ckpt"))).toBe(expected);
  });

  test("an architecture that outgrows the model's own arrays, however many moments the checkpoint holds", async () => {
    // Affine1 made (4, n): n just past what the budget of the net's own arrays allows (twice their elements and
    // a million), which a checkpoint's Adam moments (twice the parameters) and batch order would otherwise widen
    const trainer = await adamRun(3);
    const own = Object.values(modelContents(trainer.net).arrays).reduce((sum, a) => sum + a.data.length, 0);
    const others = Object.entries(trainer.net.params).reduce((sum, [name, p]) => sum + (name === "W1" || name === "b1" ? 0 : p.size), 0);
    const n = Math.floor((2 * own + 1e6 - others) / 5) + 1;
    const widen = (h: Record<string, any>): void => {
      h.architecture.layers[0].outputSize = n;
    };
    const expected = "has an architecture whose parameters outgrow the arrays it holds";
    expect(reason(() => deserializeModel(withHeader(serializeModel(trainer.net), widen), "m.bpm"))).toBe(expected);
    expect(reason(() => decodeCheckpoint(withHeader(encodeCheckpoint(trainer), widen), "run.ckpt"))).toBe(expected);
    // and one fewer fits the budget, to fail on W1's shape instead
    const fits = (h: Record<string, any>): void => {
      h.architecture.layers[0].outputSize = n - 2;
    };
    expect(reason(() => decodeCheckpoint(withHeader(encodeCheckpoint(trainer), fits), "run.ckpt"))).toMatch(/^has W1 of shape \(4, 6\), expected \(4, \d+\) for /);
  });
});

describe("checkpoints of earlier versions still load", () => {
  test("version 2 (fixtures/v2-adam.ckpt, adamRun(13) of version 2) resumes to the uninterrupted run, bit for bit", async () => {
    const bytes = readFileSync(new URL("./fixtures/v2-adam.ckpt", import.meta.url));
    const checkpoint = decodeCheckpoint(bytes, "v2-adam.ckpt");
    expect(checkpoint.header.version).toBe(2);
    expect(checkpoint.data).toEqual({ source: "rows" });
    expect(String(checkpoint.optimizer)).toBe("Adam(lr 0.01, beta1 0.9, beta2 0.999)");
    const resumed = resumeTrainer(checkpoint, rows(), rows());
    expect(resumed.iteration).toBe(13);
    await resumed.run();
    const whole = await adamRun(30);
    for (const name of Object.keys(whole.net.params)) expect(bitsOf(resumed.net.params[name]), name).toEqual(bitsOf(whole.net.params[name]));
    expect(resumed.history).toEqual(whole.history);
  });

  test("version 1 (the CLI's fixture v1-run.ckpt, a TwoLayerNet run by SGD interrupted after step 40)", () => {
    const bytes = readFileSync(new URL("../../../examples/test/fixtures/v1-run.ckpt", import.meta.url));
    const checkpoint = decodeCheckpoint(bytes, "v1-run.ckpt");
    expect(checkpoint.header.version).toBe(1);
    expect(String(checkpoint.optimizer)).toBe("SGD(lr 0.1)");
    expect(checkpoint.config).toEqual({ batchSize: 100, iters: 120, sampling: "shuffle", evalEvery: 40, evalSamples: 100, seed: 3, metrics: ["acc"], patience: null, minImprovement: 0.05 });
    expect((checkpoint.state as { iteration: number }).iteration).toBe(40);
    expect(checkpoint.net.params.W1.shape).toEqual([784, 4]);
  });
});
