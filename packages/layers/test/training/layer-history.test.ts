import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { Random, Tensor } from "@backprop/core";
import {
  Adam,
  BINS,
  ModelFileError,
  MultiLayerNet,
  MultiLayerNetExtend,
  PROBE_SAMPLES,
  SGD,
  Trainer,
  TwoLayerNet,
  decodeCheckpoint,
  encodeCheckpoint,
  histogram,
  l2Norm,
  resumeTrainer,
  updateRatio,
  type ActivationHistogram,
  type BatchSource,
  type LayerHistory,
  type Net,
  type Optimizer,
  type TrainerOptions,
} from "../../src/index.js";
import { withHeader } from "../files/file-helpers.js";
import { bitsOf, valuesOf } from "../helpers.js";

const DIM = 5;
const CLASSES = 3;

/** n rows of DIM features, class i % 3, shifted by 2 along axis i % 3: all of BatchSource and no more. */
function rows(n: number, seed = "rows"): BatchSource {
  const rng = new Random(seed);
  const x = Float64Array.from({ length: n * DIM }, (_, k) => rng.normal() + (Math.floor(k / DIM) % CLASSES === k % DIM ? 2 : 0));
  const pick = (indices: ArrayLike<number>): { x: Tensor; t: Tensor } => {
    const m = indices.length;
    const xs = new Float64Array(m * DIM);
    const ts = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      xs.set(x.subarray(indices[i] * DIM, (indices[i] + 1) * DIM), i * DIM);
      ts[i] = indices[i] % CLASSES;
    }
    return { x: Tensor.fromData(xs, [m, DIM]), t: Tensor.fromData(ts, [m]) };
  };
  return { length: n, batch: pick, slice: (start, end) => pick(Array.from({ length: end - start }, (_, i) => start + i)) };
}

const BASE: TrainerOptions = { batchSize: 10, iters: 40, sampling: "shuffle", evalEvery: 10, evalSamples: 30, seed: 1 };

/** MultiLayerNetExtend 5 -> 6 -> 4 -> 3 with BatchNorm and Dropout, trained by Adam: every kind of state. */
function everyState(options: Partial<TrainerOptions> = {}, train = rows(120)): Trainer {
  const net = new MultiLayerNetExtend(DIM, [6, 4], CLASSES, { useBatchnorm: true, useDropout: true, dropoutRatio: 0.3, seed: 5 });
  return new Trainer(net, new Adam(0.01), train, rows(60, "test"), { ...BASE, ...options });
}

/** The plain L2 norm: the square root of the sum of the squares, in index order. */
function plainNorm(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] * values[i];
  return Math.sqrt(s);
}

/** Counts by bin edges min + k (max - min) / BINS: bin k holds [edge k, edge k+1), the last bin its right edge too. */
function plainCounts(values: number[]): number[] {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const counts = new Array<number>(BINS).fill(0);
  for (const v of values) {
    let k = 0;
    while (k < BINS - 1 && v >= min + ((k + 1) * (max - min)) / BINS) k++;
    counts[k]++;
  }
  return counts;
}

/** The relative difference of two numbers. */
const relative = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));

describe("histogram", () => {
  test("0, 1, ..., 30: one value in each of bins 0..28, two in the last (30 is its right edge), mean 15, std sqrt(80)", () => {
    const h = histogram(Array.from({ length: 31 }, (_, i) => i));
    expect(BINS).toBe(30);
    expect([h.min, h.max, h.mean, h.nonFinite]).toEqual([0, 30, 15, 0]);
    // the population variance of 0..30 is (31^2 - 1) / 12 = 80
    expect(h.std).toBeCloseTo(Math.sqrt(80), 12);
    expect(h.counts).toEqual([...new Array(29).fill(1), 2]);
  });

  test("1000 normal samples: the counts of a plain loop over the bin edges, the mean and std of plain sums", () => {
    const rng = new Random("histogram");
    const values = Array.from({ length: 1000 }, () => rng.normal() * 3 + 1);
    const h = histogram(Float64Array.from(values));
    expect(h.counts).toEqual(plainCounts(values));
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(1000);
    const mean = values.reduce((a, b) => a + b, 0) / 1000;
    expect(h.mean).toBeCloseTo(mean, 12);
    expect(h.std).toBeCloseTo(Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / 1000), 12);
    expect([h.min, h.max]).toEqual([Math.min(...values), Math.max(...values)]);
  });

  test("all values equal: every one in bin 0 and std 0", () => {
    const h = histogram([2.5, 2.5, 2.5]);
    expect(h).toEqual({ min: 2.5, max: 2.5, mean: 2.5, std: 0, counts: [3, ...new Array(BINS - 1).fill(0)], nonFinite: 0 });
  });

  test("NaN and ±Infinity are counted apart and left out of the rest; no finite value gives zeros", () => {
    const h = histogram([1, NaN, 3, Infinity, -Infinity]);
    expect([h.min, h.max, h.mean, h.std, h.nonFinite]).toEqual([1, 3, 2, 1, 3]);
    expect(h.counts[0] + h.counts[BINS - 1]).toBe(2);
    expect(histogram([NaN])).toEqual({ min: 0, max: 0, mean: 0, std: 0, counts: new Array(BINS).fill(0), nonFinite: 1 });
  });

  test("values near Number.MAX_VALUE, whose sum and squares overflow, still give finite figures", () => {
    const a = 1e308;
    const h = histogram([a, -a, a]);
    // mean a / 3; deviations 2a/3, -4a/3, 2a/3: variance (4 + 16 + 4) / 27 a^2 = 8/9 a^2
    expect(relative(h.mean, a / 3)).toBeLessThan(1e-15);
    expect(relative(h.std, a * Math.sqrt(8 / 9))).toBeLessThan(1e-15);
    expect([h.min, h.max, h.counts[0], h.counts[BINS - 1]]).toEqual([-a, a, 1, 2]);
  });

  test("-0 is recorded as 0, as JSON would write it", () => {
    const h = histogram([-0, -0]);
    expect(Object.is(h.min, 0) && Object.is(h.max, 0) && Object.is(h.mean, 0)).toBe(true);
  });
});

describe("l2Norm and updateRatio", () => {
  test("the norm of (3, 4) is 5; of (1e200, 1e200), whose squares overflow, 1e200 * sqrt(2)", () => {
    expect(l2Norm([3, 4])).toBe(5);
    expect(relative(l2Norm([1e200, 1e200]), 1e200 * Math.SQRT2)).toBeLessThan(1e-15);
  });

  test("||dW|| / ||W||; 0 when nothing moved (0/0 too); null when W was zero and moved", () => {
    expect(updateRatio(3, 4)).toBe(0.75);
    expect(updateRatio(0, 4)).toBe(0);
    expect(updateRatio(0, 0)).toBe(0);
    expect(updateRatio(3, 0)).toBeNull();
  });
});

describe("Trainer.layerHistory", () => {
  test("each evaluation records ||W|| after the step, ||dW|| of that step (weight decay included) and ||W after - W before|| / ||W before||", async () => {
    const make = (): Net => new MultiLayerNet(DIM, [6], CLASSES, { weightDecayLambda: 0.1, weightInitStd: 0.3, seed: 2 });
    const schedule = { batchSize: 10, iters: 7, sampling: "replace" as const, evalEvery: 3, seed: 4 };
    const trainer = new Trainer(make(), new SGD(0.5), rows(60), rows(30, "test"), schedule);
    await trainer.run();

    // the same steps by hand, with batches drawn as the trainer draws them and every figure by plain loops
    const net = make();
    const sgd = new SGD(0.5);
    const rng = new Random("4/batches");
    const train = rows(60);
    type Figures = { norm: number; gradNorm: number; ratio: number; rawGradNorm: number; ratioByNew: number };
    const steps: Record<string, Figures>[] = [];
    for (let step = 1; step <= 7; step++) {
      const { x, t } = train.batch(rng.choice(60, 10));
      const grads = net.gradient(x, t);
      const raw = (net.layers.get("Affine1")?.grads?.() ?? {}) as Record<string, Tensor>;
      const before = Object.fromEntries(Object.entries(net.params).map(([name, p]) => [name, valuesOf(p)]));
      const gradNorms = Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, plainNorm(valuesOf(g))]));
      sgd.update(net.params, grads);
      const figures: Record<string, Figures> = {};
      for (const [name, p] of Object.entries(net.params)) {
        const after = valuesOf(p);
        const delta = plainNorm(after.map((v, i) => v - before[name][i]));
        figures[name] = { norm: plainNorm(after), gradNorm: gradNorms[name], ratio: delta / plainNorm(before[name]), rawGradNorm: name === "W1" ? plainNorm(valuesOf(raw.W)) : NaN, ratioByNew: delta / plainNorm(after) };
      }
      steps.push(figures);
    }
    const { layerHistory } = trainer;
    expect(layerHistory.evalIterations).toEqual([3, 6, 7]);
    expect(Object.keys(layerHistory.params)).toEqual(["W1", "b1", "W2", "b2"]);
    for (const [name, recorded] of Object.entries(layerHistory.params)) {
      [3, 6, 7].forEach((step, k) => {
        const want = steps[step - 1][name];
        expect(relative(recorded.norm[k], want.norm), `${name} norm at ${step}`).toBeLessThan(1e-12);
        expect(relative(recorded.gradNorm[k], want.gradNorm), `${name} gradNorm at ${step}`).toBeLessThan(1e-12);
        expect(relative(recorded.updateRatio[k] as number, want.ratio), `${name} updateRatio at ${step}`).toBeLessThan(1e-12);
        // the twins it must not be: the gradient of the step after, the ratio to the new W, the norm before the step
        if (step < 7) expect(relative(steps[step][name].gradNorm, want.gradNorm)).toBeGreaterThan(1e-6);
        expect(relative(want.ratioByNew, want.ratio)).toBeGreaterThan(1e-6);
        expect(relative(steps[step - 2][name].norm, want.norm)).toBeGreaterThan(1e-6);
      });
    }
    // W1's gradient includes weight decay's 0.1 W1: the layer's own dW has another norm
    expect(relative(steps[2].W1.rawGradNorm, steps[2].W1.gradNorm)).toBeGreaterThan(1e-3);
  });

  test("a bias that starts at zero has no ratio at step 1 (null); parameters that do not move have ratio 0, b's 0/0 too", async () => {
    const sgd = await (async () => {
      const t = new Trainer(new TwoLayerNet(DIM, 4, CLASSES, { weightInitStd: 0.1, seed: 1 }), new SGD(0.1), rows(60), rows(30, "test"), { ...BASE, iters: 2, evalEvery: 1 });
      await t.run();
      return t.layerHistory.params;
    })();
    expect(sgd.b1.updateRatio[0]).toBeNull();
    expect(sgd.W1.updateRatio[0]).toBeGreaterThan(0);
    expect(sgd.b1.updateRatio[1]).toBeGreaterThan(0);

    /** An optimizer that changes nothing. */
    const frozen: Optimizer = { update: () => undefined, state: () => null, restore: () => undefined, spec: () => ({ type: "Frozen" }), toString: () => "Frozen" };
    const t = new Trainer(new TwoLayerNet(DIM, 4, CLASSES, { weightInitStd: 0.1, seed: 1 }), frozen, rows(60), rows(30, "test"), { ...BASE, iters: 2, evalEvery: 1 });
    await t.run();
    for (const name of ["W1", "b1", "W2", "b2"]) expect(t.layerHistory.params[name].updateRatio).toEqual([0, 0]);
    expect(t.layerHistory.params.b1.norm).toEqual([0, 0]);
    expect(t.layerHistory.params.b1.gradNorm[0]).toBeGreaterThan(0);
  });

  test("the histograms are of each layer's outputs on the first 1000 training samples, in inference mode, layer by layer", async () => {
    const n = 1200;
    const train = rows(n);
    const trainer = new Trainer(new TwoLayerNet(DIM, 7, CLASSES, { weightInitStd: 0.5, seed: 3 }), new SGD(0.1), train, rows(30, "test"), { ...BASE, iters: 20 });
    await trainer.run();
    const { layerHistory, net } = trainer;
    expect(layerHistory.probeSamples).toBe(PROBE_SAMPLES);
    expect(Object.keys(layerHistory.activations)).toEqual(["Affine1", "Relu1", "Affine2"]);
    expect(layerHistory.activations.Relu1.length).toBe(2);

    // the last evaluation follows the last step: the final weights, by plain loops over the first 1000 rows
    const x = valuesOf(train.slice(0, PROBE_SAMPLES).x);
    const [W1, b1, W2, b2] = ["W1", "b1", "W2", "b2"].map((name) => valuesOf(net.params[name]));
    const affine = (input: number[], W: number[], b: number[], d: number, m: number): number[] => {
      const out: number[] = [];
      for (let i = 0; i < input.length / d; i++) {
        for (let j = 0; j < m; j++) {
          let s = 0;
          for (let k = 0; k < d; k++) s += input[i * d + k] * W[k * m + j];
          out.push(s + b[j]);
        }
      }
      return out;
    };
    const a1 = affine(x, W1, b1, DIM, 7);
    const z1 = a1.map((v) => Math.max(0, v));
    const a2 = affine(z1, W2, b2, 7, CLASSES);
    for (const [name, values] of [["Affine1", a1], ["Relu1", z1], ["Affine2", a2]] as const) {
      const h = layerHistory.activations[name].at(-1) as ActivationHistogram;
      expect(h.counts.reduce((a, b) => a + b, 0), name).toBe(values.length);
      expect(h.counts, name).toEqual(plainCounts(values));
      expect(relative(h.mean, values.reduce((a, b) => a + b, 0) / values.length), name).toBeLessThan(1e-9);
      expect(h.min, name).toBeCloseTo(Math.min(...values), 12);
      expect(h.max, name).toBeCloseTo(Math.max(...values), 12);
    }
    // all 1200 rows would count 1200 * 7 values in Affine1
    expect(layerHistory.activations.Affine1[1].counts.reduce((a, b) => a + b, 0)).toBe(PROBE_SAMPLES * 7);
    // fewer training samples than PROBE_SAMPLES: all of them
    const small = new Trainer(new TwoLayerNet(DIM, 7, CLASSES, { seed: 3 }), new SGD(0.1), rows(60), rows(30, "test"), { ...BASE, iters: 10 });
    await small.run();
    expect(small.layerHistory.probeSamples).toBe(60);
    expect(small.layerHistory.activations.Affine2[0].counts.reduce((a, b) => a + b, 0)).toBe(60 * CLASSES);
  });

  test("Dropout's histogram is inference mode's: its input scaled by 1 - ratio, nothing dropped", async () => {
    const trainer = everyState({ iters: 10 });
    await trainer.run();
    const relu = trainer.layerHistory.activations.Activation_function1[0];
    const dropout = trainer.layerHistory.activations.Dropout1[0];
    // the same values times 0.7 fall in the same bins; a training-mode mask would move ~30% of them to 0
    expect(dropout.counts).toEqual(relu.counts);
    expect(relative(dropout.max, 0.7 * relu.max)).toBeLessThan(1e-12);
    expect(Object.keys(trainer.layerHistory.params)).toEqual(["W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2", "W3", "b3"]);
  });

  test("recording changes nothing: the weights, every state and the loss, bit for bit, whatever evalEvery", async () => {
    // evaluated at every step (a copy of the weights and a probe forward each time) or only after the last
    const every = everyState({ evalEvery: 1, iters: 25 });
    const once = everyState({ evalEvery: 1000, iters: 25 });
    await every.run();
    await once.run();
    expect(every.layerHistory.evalIterations.length).toBe(25);
    expect(once.layerHistory.evalIterations).toEqual([25]);
    for (const name of Object.keys(once.net.params)) expect(bitsOf(every.net.params[name]), name).toEqual(bitsOf(once.net.params[name]));
    expect(every.history.loss).toEqual(once.history.loss);
    expect(every.net.state()).toEqual(once.net.state());
    expect(every.optimizer.state()).toEqual(once.optimizer.state());
    // and the last evaluation's figures agree
    expect(every.layerHistory.activations.Affine3.at(-1)).toEqual(once.layerHistory.activations.Affine3[0]);
    expect(every.layerHistory.params.W1.updateRatio.at(-1)).toBe(once.layerHistory.params.W1.updateRatio[0]);
  });

  test.each([17, 10, 30])("interrupted at step %i, checkpointed and resumed, ends with the uninterrupted run's layerHistory, bit for bit", async (stopAt) => {
    const reference = everyState();
    await reference.run();
    const first = everyState();
    await first.run({ shouldStop: () => first.iteration >= stopAt });
    const checkpoint = decodeCheckpoint(encodeCheckpoint(first), "run.ckpt");
    const second = resumeTrainer(checkpoint, rows(120), rows(60, "test"));
    expect(second.layerHistory).toEqual(first.layerHistory);
    await second.run();
    expect(second.layerHistory.evalIterations).toEqual([10, 20, 30, 40]);
    // toEqual tells -0 from 0; JSON, the figures' bits
    expect(second.layerHistory).toEqual(reference.layerHistory);
    expect(JSON.stringify(second.layerHistory)).toBe(JSON.stringify(reference.layerHistory));
    expect(second.history).toEqual(reference.history);
  });

  test("a run blown up by a learning rate of 1e200 records finite figures, which a checkpoint keeps, before it stops", async () => {
    const t = new Trainer(new TwoLayerNet(DIM, 4, CLASSES, { weightInitStd: 0.1, seed: 1 }), new SGD(1e200), rows(60), rows(30, "test"), { ...BASE, evalEvery: 1 });
    await expect(t.run()).rejects.toThrow(/training stopped there/);
    const { layerHistory } = t;
    expect(layerHistory.evalIterations).toEqual([1]);
    // weights of about 1e199: squares that overflow, norms that do not
    expect(layerHistory.params.W1.norm[0]).toBeGreaterThan(1e150);
    expect(layerHistory.params.W1.updateRatio[0]).toBeGreaterThan(1e150);
    // JSON turns Infinity into null: what comes back equal held none
    expect(JSON.parse(JSON.stringify(layerHistory))).toEqual(layerHistory);
    expect(Object.values(layerHistory.activations).flat().every((h) => [h.min, h.max, h.mean, h.std].every(Number.isFinite))).toBe(true);
    const resumed = resumeTrainer(decodeCheckpoint(encodeCheckpoint(t), "run.ckpt"), rows(60), rows(30, "test"));
    expect(resumed.layerHistory).toEqual(layerHistory);
  });

  test("state() holds a copy: later steps do not reach it", async () => {
    const t = everyState();
    await t.run({ shouldStop: () => t.iteration >= 12 });
    const state = t.state() as unknown as { layerHistory: LayerHistory };
    await t.run();
    expect(state.layerHistory.evalIterations).toEqual([10]);
    expect(state.layerHistory.params.W1.norm.length).toBe(1);
    expect(t.layerHistory.params.W1.norm.length).toBe(4);
  });
});

describe("a state without layerHistory (a checkpoint of before it) restores, and records from the resume on", () => {
  test("restored from state() without the field: evalIterations are the history's tail, the figures the reference's", async () => {
    const reference = everyState();
    await reference.run();
    const first = everyState();
    await first.run({ shouldStop: () => first.iteration >= 17 });
    const { layerHistory: _, ...old } = first.state() as Record<string, never>;
    const second = resumeTrainer(decodeCheckpoint(encodeCheckpoint(first), "run.ckpt"), rows(120), rows(60, "test"));
    second.restore(old);
    expect(second.layerHistory.evalIterations).toEqual([]);
    await second.run();
    expect(second.history.evalIterations).toEqual([10, 20, 30, 40]);
    expect(second.layerHistory.evalIterations).toEqual([20, 30, 40]);
    expect(second.layerHistory.params.W2.norm).toEqual(reference.layerHistory.params.W2.norm.slice(1));
    expect(second.layerHistory.activations.BatchNorm1).toEqual(reference.layerHistory.activations.BatchNorm1.slice(1));
  });

  test("the version 2 fixture (fixtures/v2-adam.ckpt, stopped at step 13 after an evaluation at 10) resumes with statistics from 20 on", async () => {
    const bytes = readFileSync(new URL("../files/fixtures/v2-adam.ckpt", import.meta.url));
    const checkpoint = decodeCheckpoint(bytes, "v2-adam.ckpt");
    expect(Object.hasOwn(checkpoint.state as object, "layerHistory")).toBe(false);
    // the fixture's 40 rows of 4 features, as packages/layers/test/files/checkpoint.test.ts makes them
    const rng = new Random("rows");
    const x = Float64Array.from({ length: 160 }, () => rng.normal());
    const pick = (indices: ArrayLike<number>): { x: Tensor; t: Tensor } => {
      const xs = new Float64Array(indices.length * 4);
      const ts = Float64Array.from(indices, (i) => i % 3);
      for (let i = 0; i < indices.length; i++) xs.set(x.subarray(indices[i] * 4, indices[i] * 4 + 4), i * 4);
      return { x: Tensor.fromData(xs, [indices.length, 4]), t: Tensor.fromData(ts, [indices.length]) };
    };
    const source: BatchSource = { length: 40, batch: pick, slice: (start, end) => pick(Array.from({ length: end - start }, (_, i) => start + i)) };
    const resumed = resumeTrainer(checkpoint, source, source);
    await resumed.run();
    expect(resumed.history.evalIterations).toEqual([10, 20, 30]);
    expect(resumed.layerHistory.evalIterations).toEqual([20, 30]);
    expect(resumed.layerHistory.probeSamples).toBe(40);
  });
});

describe("restore refuses a layerHistory that does not fit, naming the field, and changes nothing", () => {
  type Doctor = (h: Record<string, any>) => unknown;
  const edit =
    (change: (h: Record<string, any>) => void): Doctor =>
    (h) => {
      const copy = structuredClone(h);
      change(copy);
      return copy;
    };
  const cases: [string, Doctor, RegExp][] = [
    ["not a record", () => [1], /^Trainer\.restore: layerHistory must be a record \{ evalIterations, params, activations, probeSamples \}, got \[1\]$/],
    ["a field it does not know", edit((h) => (h.extra = 1)), /^Trainer\.restore: layerHistory has extra, expected only evalIterations, params, activations, probeSamples$/],
    ["another probe size", edit((h) => (h.probeSamples = 100)), /^Trainer\.restore: layerHistory\.probeSamples must be 120, the first min\(1000, n\) training samples, got 100$/],
    ["evaluations that are not the history's", edit((h) => (h.evalIterations = [20])), /^Trainer\.restore: layerHistory\.evalIterations must be history\.evalIterations \[10\] or its tail, got \[20\]$/],
    ["a parameter missing", edit((h) => delete h.params.gamma1), /^Trainer\.restore: layerHistory\.params has no gamma1, expected one entry per parameter of the net: W1, b1, gamma1, beta1, W2, b2, gamma2, beta2, W3, b3$/],
    ["a parameter the net lacks", edit((h) => (h.params.W9 = h.params.W1)), /^Trainer\.restore: layerHistory\.params has W9, which is not a parameter of the net \(W1, b1, .*, b3\)$/],
    ["a norm short", edit((h) => (h.params.W1.norm = [])), /^Trainer\.restore: layerHistory\.params\.W1\.norm must hold 1, one per evaluation in layerHistory\.evalIterations, got 0$/],
    ["a norm that is not a list", edit((h) => (h.params.W1.gradNorm = 2)), /^Trainer\.restore: layerHistory\.params\.W1\.gradNorm must be a list of 1, one per evaluation in layerHistory\.evalIterations, got 2$/],
    ["a negative norm", edit((h) => (h.params.b2.norm = [-1])), /^Trainer\.restore: layerHistory\.params\.b2\.norm\[0\] must be a finite number >= 0, got -1$/],
    ["a null norm", edit((h) => (h.params.b2.norm = [null])), /^Trainer\.restore: layerHistory\.params\.b2\.norm\[0\] must be a finite number >= 0, got null$/],
    ["a ratio that is a string", edit((h) => (h.params.W1.updateRatio = ["0.1"])), /^Trainer\.restore: layerHistory\.params\.W1\.updateRatio\[0\] must be a finite number >= 0 or null, got "0\.1"$/],
    ["a layer missing", edit((h) => delete h.activations.Dropout2), /^Trainer\.restore: layerHistory\.activations has no Dropout2, expected one entry per layer of the net: Affine1, BatchNorm1, .*, Affine3$/],
    ["a histogram of 29 bins", edit((h) => h.activations.Affine1[0].counts.pop()), /^Trainer\.restore: layerHistory\.activations\.Affine1\[0\]\.counts must be a list of 30 counts, got \[/],
    ["a fractional count", edit((h) => (h.activations.Affine1[0].counts[3] += 0.5)), /^Trainer\.restore: layerHistory\.activations\.Affine1\[0\]\.counts\[3\] must be an integer >= 0, got \d+\.5$/],
    ["a count too many", edit((h) => (h.activations.Affine1[0].counts[0] += 1)), /^Trainer\.restore: layerHistory\.activations\.Affine1\[0\] counts 721 values, expected a positive multiple of the 120 probe samples$/],
    ["min above max", edit((h) => (h.activations.Affine3[0].min = h.activations.Affine3[0].max + 1)), /^Trainer\.restore: layerHistory\.activations\.Affine3\[0\] must have min <= max, got min \S+, max \S+$/],
    ["a mean of NaN", edit((h) => (h.activations.Affine3[0].mean = NaN)), /^Trainer\.restore: layerHistory\.activations\.Affine3\[0\]\.mean must be a finite number, got NaN$/],
  ];

  test.each(cases)("%s", async (_, doctor, message) => {
    const first = everyState();
    await first.run({ shouldStop: () => first.iteration >= 17 });
    const state = first.state() as Record<string, any>;
    const fresh = everyState();
    const before = structuredClone(fresh.state());
    const bad = { ...state, layerHistory: doctor(state.layerHistory) } as never;
    expect(() => fresh.restore(bad)).toThrow(message);
    expect(() => fresh.restore(bad)).toThrow(RangeError);
    expect(fresh.state()).toEqual(before);
    // and as saved it restores; a ratio of null is allowed
    fresh.restore({ ...state, layerHistory: edit((h) => (h.params.W1.updateRatio = [null]))(state.layerHistory) } as never);
    expect(fresh.layerHistory.params.W1.updateRatio).toEqual([null]);
  });
});

describe("decodeCheckpoint checks the layerHistory against the net", () => {
  test("a parameter the net does not have, and a list one short, are ModelFileErrors naming the field", async () => {
    const first = everyState();
    await first.run({ shouldStop: () => first.iteration >= 17 });
    const bytes = encodeCheckpoint(first);
    const decode = (edit: (state: Record<string, any>) => void): () => unknown => () => decodeCheckpoint(withHeader(bytes, (h) => edit(h.checkpoint.trainer.state)), "run.ckpt");
    expect(decode((s) => (s.layerHistory.params.V1 = s.layerHistory.params.W1))).toThrow(ModelFileError);
    expect(decode((s) => (s.layerHistory.params.V1 = s.layerHistory.params.W1))).toThrow(
      /^loadCheckpoint: run\.ckpt has trainer state layerHistory\.params has V1, which is not a parameter of the net \(W1, .*\)$/,
    );
    expect(decode((s) => s.layerHistory.activations.Affine1.pop())).toThrow(
      /^loadCheckpoint: run\.ckpt has trainer state layerHistory\.activations\.Affine1 must hold 1, one per evaluation in layerHistory\.evalIterations, got 0$/,
    );
    // without the field it loads, as a checkpoint of before it
    expect(() => decode((s) => delete s.layerHistory)()).not.toThrow();
  });
});
