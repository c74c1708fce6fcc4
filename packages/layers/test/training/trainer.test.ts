import { describe, expect, test, vi } from "vitest";
import { Random, Tensor } from "@backprop/core";
import {
  Adam,
  DivergedError,
  MultiLayerNetExtend,
  SGD,
  Trainer,
  TwoLayerNet,
  decodeCheckpoint,
  encodeCheckpoint,
  resumeTrainer,
  type BatchSource,
  type Evaluation,
  type Net,
  type Optimizer,
  type TrainerOptions,
} from "../../src";
import { bitsOf } from "../helpers";

const DIM = 8;
const CLASSES = 3;
// blob centres 4 apart along their own axis, unit noise: neighbours are 4 * sqrt(2) ~ 5.7 standard deviations
// apart, so that a linear boundary misclassifies well under 1% of the samples
const BLOB_DISTANCE = 4;

/** Rows of x with a class label each: all of BatchSource and no more. */
class Rows implements BatchSource {
  constructor(
    readonly x: Float64Array,
    readonly labels: Int32Array,
  ) {}

  get length(): number {
    return this.labels.length;
  }

  batch(indices: ArrayLike<number>): { x: Tensor; t: Tensor } {
    return this.gather(indices);
  }

  slice(start: number, end: number): { x: Tensor; t: Tensor } {
    return this.gather(Array.from({ length: end - start }, (_, i) => start + i));
  }

  // shared by batch and slice, so that a spy on one does not see the calls of the other
  private gather(indices: ArrayLike<number>): { x: Tensor; t: Tensor } {
    const n = indices.length;
    const x = new Float64Array(n * DIM);
    const t = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const row = indices[i];
      if (!Number.isInteger(row) || row < 0 || row >= this.length) throw new RangeError(`Rows: row ${row} is not in [0, ${this.length})`);
      x.set(this.x.subarray(row * DIM, (row + 1) * DIM), i * DIM);
      t[i] = this.labels[row];
    }
    return { x: Tensor.fromData(x, [n, DIM]), t: Tensor.fromData(t, [n]) };
  }
}

/** n points of 3 Gaussian blobs in 8-D, class i % 3, centred at BLOB_DISTANCE along axis i % 3. */
function blobs(n: number, rng: Random): Rows {
  const x = new Float64Array(n * DIM);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % CLASSES;
    for (let d = 0; d < DIM; d++) x[i * DIM + d] = rng.normal() + (d === labels[i] ? BLOB_DISTANCE : 0);
  }
  return new Rows(x, labels);
}

/** The same 120 training and 60 test samples every time, in fresh objects. */
function data(trainSize = 120): { train: Rows; test: Rows } {
  const rng = new Random("blobs");
  return { train: blobs(trainSize, rng), test: blobs(60, rng) };
}

const BASE: TrainerOptions = { batchSize: 10, seed: 1, iters: 40, sampling: "shuffle", evalEvery: 10, evalSamples: 30 };

/** How a test's trainer is made: a schedule, and the net and optimizer (a TwoLayerNet 8-8-3 with SGD 0.1 by default). */
type Setup = Partial<TrainerOptions> & { lr?: number; net?: () => Net; optimizer?: () => Optimizer };

function trainer(setup: Setup = {}, sources = data()): Trainer {
  const { lr = 0.1, net = () => new TwoLayerNet(DIM, 8, CLASSES, { weightInitStd: 0.1, seed: 1 }), optimizer = () => new SGD(lr), ...schedule } = setup;
  return new Trainer(net(), optimizer(), sources.train, sources.test, { ...BASE, ...schedule });
}

/** MultiLayerNetExtend 8 -> 10 -> 6 -> 3 with BatchNorm and Dropout, trained by Adam: every kind of state. */
const everyState: Setup = {
  net: () => new MultiLayerNetExtend(DIM, [10, 6], CLASSES, { useBatchnorm: true, useDropout: true, dropoutRatio: 0.3, seed: 5 }),
  optimizer: () => new Adam(0.01),
};

/** Records a copy of the rows of every batch() call on `source`, which still answers as before. */
function spyBatches(source: Rows): number[][] {
  const seen: number[][] = [];
  const batch = source.batch.bind(source);
  vi.spyOn(source, "batch").mockImplementation((indices) => {
    seen.push(Array.from(indices));
    return batch(indices);
  });
  return seen;
}

/** Records the [start, end] of every slice() call on `source`. */
function spySlices(source: Rows): number[][] {
  const seen: number[][] = [];
  const slice = source.slice.bind(source);
  vi.spyOn(source, "slice").mockImplementation((start, end) => {
    seen.push([start, end]);
    return slice(start, end);
  });
  return seen;
}

const weightBits = (t: Trainer): bigint[][] => Object.values(t.net.params).map((p) => bitsOf(p));
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe("Trainer", () => {
  test("itersPerEpoch is ceil(samples / batchSize)", () => {
    // 120 / 50 = 2.4 -> 3; 120 / 10 = 12; 120 / 7 = 17.1 -> 18; 120 / 120 = 1
    expect(trainer({ batchSize: 50 }).itersPerEpoch).toBe(3);
    expect(trainer({ batchSize: 10 }).itersPerEpoch).toBe(12);
    expect(trainer({ batchSize: 7 }).itersPerEpoch).toBe(18);
    expect(trainer({ batchSize: 120 }).itersPerEpoch).toBe(1);
  });

  test('"shuffle": each epoch visits every training sample exactly once, the last batch taking the 20 left over', async () => {
    const sources = data();
    const seen = spyBatches(sources.train);
    await trainer({ batchSize: 50, iters: 6, evalEvery: 100 }, sources).run();
    expect(seen.map((b) => b.length)).toEqual([50, 50, 20, 50, 50, 20]);
    const epoch1 = seen.slice(0, 3).flat();
    const epoch2 = seen.slice(3).flat();
    expect([...epoch1].sort((a, b) => a - b)).toEqual(range(120));
    expect([...epoch2].sort((a, b) => a - b)).toEqual(range(120));
    // a new order each epoch, not the samples in their stored order
    expect(epoch2).not.toEqual(epoch1);
    expect(epoch1).not.toEqual(range(120));
  });

  test('"replace": batches of batchSize rows in range, drawn with replacement', async () => {
    const sources = data();
    const seen = spyBatches(sources.train);
    await trainer({ sampling: "replace", iters: 12, evalEvery: 100 }, sources).run();
    expect(seen.length).toBe(12);
    for (const batch of seen) {
      expect(batch.length).toBe(10);
      for (const row of batch) expect(Number.isInteger(row) && row >= 0 && row < 120, `row ${row}`).toBe(true);
    }
    // 120 draws from 120 rows cover them all with probability 120! / 120^120 ~ 1e-51; with replacement about
    // 1 - 1/e of them are drawn
    const distinct = new Set(seen.flat()).size;
    expect(distinct).toBeLessThan(120);
    expect(distinct).toBeGreaterThan(50);
  });

  test("run takes iters steps and evaluates every evalEvery steps and after the last, on every sample only then", async () => {
    const sources = data();
    const trainSlices = spySlices(sources.train);
    const testSlices = spySlices(sources.test);
    const t = trainer({ iters: 25, evalEvery: 10, evalSamples: 30 }, sources);
    const steps: [number, number][] = [];
    const evaluations: Evaluation[] = [];
    const result = await t.run({ onStep: (iteration, loss) => steps.push([iteration, loss]), onEvaluation: (e) => evaluations.push(e) });
    expect(result).toBe("done");
    expect(t.iteration).toBe(25);
    const { loss } = t.history;
    expect(loss.length).toBe(25);
    expect(steps).toEqual(loss.map((l, i) => [i + 1, l]));
    expect(evaluations.map((e) => [e.iteration, e.final])).toEqual([
      [10, false],
      [20, false],
      [25, true],
    ]);
    expect(t.history.evalIterations).toEqual([10, 20, 25]);
    // each evaluation's loss is the mean of the steps since the previous one
    const means = [mean(loss.slice(0, 10)), mean(loss.slice(10, 20)), mean(loss.slice(20, 25))];
    // to 1e-12, not bit for bit: any order of summation will do
    evaluations.forEach((e, i) => expect(e.loss).toBeCloseTo(means[i], 12));
    // 12 steps per epoch
    expect(evaluations.map((e) => e.epoch)).toEqual([10 / 12, 20 / 12, 25 / 12]);
    expect(t.history.trainAcc).toEqual(evaluations.map((e) => e.values.trainAcc));
    expect(t.history.testAcc).toEqual(evaluations.map((e) => e.values.testAcc));
    // the first 30 samples of each set for the first two, all 120 and 60 for the final one
    expect(trainSlices).toEqual([[0, 30], [0, 30], [0, 120]]);
    expect(testSlices).toEqual([[0, 30], [0, 30], [0, 60]]);
    for (const e of evaluations.slice(0, 2)) expect(Number.isInteger(e.values.trainAcc * 30) && Number.isInteger(e.values.testAcc * 30)).toBe(true);
    const all = sources.test.slice(0, 60);
    expect(evaluations[2].values.testAcc).toBe(t.net.accuracy(all.x, all.t));
  });

  test("evalSamples null evaluates every sample every time; without an onEvaluation hook the history still records it", async () => {
    const sources = data();
    const trainSlices = spySlices(sources.train);
    const t = trainer({ iters: 20, evalEvery: 10, evalSamples: null }, sources);
    await t.run();
    expect(trainSlices).toEqual([[0, 120], [0, 120]]);
    expect(t.history.evalIterations).toEqual([10, 20]);
    expect(t.history.trainAcc.length).toBe(2);
    expect(t.history.testAcc.length).toBe(2);
  });

  test("learns the blobs: the loss falls and test accuracy passes 95%", async () => {
    const t = trainer({ iters: 200, evalEvery: 50, evalSamples: null });
    const evaluations: Evaluation[] = [];
    await t.run({ onEvaluation: (e) => evaluations.push(e) });
    const { loss } = t.history;
    // small initial weights give scores near 0, so the first loss is near ln 3 ~ 1.10 (the 3 classes equally likely)
    expect(Math.abs(loss[0] - Math.log(3))).toBeLessThan(0.15);
    // the last 20 steps make about 0.01 here; a tenth of ln 3 leaves room to spare
    expect(mean(loss.slice(-20))).toBeLessThan(0.1);
    expect(evaluations.map((e) => e.iteration)).toEqual([50, 100, 150, 200]);
    expect(evaluations[3].values.trainAcc).toBeGreaterThanOrEqual(0.95);
    expect(evaluations[3].values.testAcc).toBeGreaterThanOrEqual(0.95);
  });

  test("is deterministic: the same config gives the same weights and history bit for bit, another seed others", async () => {
    const config = { iters: 30, sampling: "shuffle" as const };
    const a = trainer(config);
    const b = trainer(config);
    const c = trainer({ ...config, seed: 2 });
    await Promise.all([a.run(), b.run(), c.run()]);
    expect(weightBits(b)).toEqual(weightBits(a));
    expect(b.history).toEqual(a.history);
    expect(a.history.evalIterations).toEqual([10, 20, 30]);
    expect(bitsOf(c.net.params.W1)).not.toEqual(bitsOf(a.net.params.W1));
    expect(c.history.loss).not.toEqual(a.history.loss);
  });

  describe("interrupted, saved as a checkpoint, restored and run on, ends exactly as an uninterrupted run", () => {
    test.each([
      { sampling: "shuffle" as const, batchSize: 10, stopAt: 17, setup: {}, why: "mid-epoch and between evaluations" },
      { sampling: "shuffle" as const, batchSize: 10, stopAt: 12, setup: {}, why: "at the end of the first epoch" },
      { sampling: "shuffle" as const, batchSize: 50, stopAt: 3, setup: {}, why: "after an epoch's short last batch" },
      { sampling: "replace" as const, batchSize: 10, stopAt: 17, setup: {}, why: "mid-run" },
      { sampling: "shuffle" as const, batchSize: 10, stopAt: 17, setup: everyState, why: "Adam's moments, BatchNorm's running statistics, Dropout's generator" },
      { sampling: "replace" as const, batchSize: 10, stopAt: 23, setup: everyState, why: "the same, drawn with replacement" },
    ])("$sampling, batch $batchSize, stopped at $stopAt ($why)", async ({ sampling, batchSize, stopAt, setup }) => {
      const config = { ...setup, sampling, batchSize, iters: 40, evalEvery: 10, evalSamples: 30 };
      const reference = trainer(config);
      const referenceEvaluations: Evaluation[] = [];
      expect(await reference.run({ onEvaluation: (e) => referenceEvaluations.push(e) })).toBe("done");

      const first = trainer(config);
      const evaluations: Evaluation[] = [];
      expect(await first.run({ onEvaluation: (e) => evaluations.push(e), shouldStop: () => first.iteration >= stopAt })).toBe("stopped");
      expect(first.iteration).toBe(stopAt);
      const bytes = encodeCheckpoint(first, { data: { source: "blobs" } });

      // new sources too, so that nothing passes from the first trainer but the bytes
      const sources = data();
      const checkpoint = decodeCheckpoint(bytes, "run.ckpt");
      expect(checkpoint.data).toEqual({ source: "blobs" });
      expect(checkpoint.config).toEqual(first.config);
      const second = resumeTrainer(checkpoint, sources.train, sources.test);
      expect(second.iteration).toBe(stopAt);
      expect(second.net).not.toBe(first.net);
      expect(String(second.net)).toBe(String(first.net));
      expect(String(second.optimizer)).toBe(String(first.optimizer));
      expect(await second.run({ onEvaluation: (e) => evaluations.push(e) })).toBe("done");

      expect(weightBits(second)).toEqual(weightBits(reference));
      expect(second.history).toEqual(reference.history);
      expect(evaluations).toEqual(referenceEvaluations);
      // and every state the run keeps, not only the weights
      expect(second.net.state()).toEqual(reference.net.state());
      expect(second.optimizer.state()).toEqual(reference.optimizer.state());
    });

    test("a resumed run that did not carry the optimizer's moments or the net's generator would end elsewhere", async () => {
      // the twin of the test above: it must be able to fail
      const config = { ...everyState, iters: 40, evalEvery: 10, evalSamples: 30 };
      const reference = trainer(config);
      await reference.run();
      for (const forget of ["optimizer", "net"] as const) {
        const first = trainer(config);
        await first.run({ shouldStop: () => first.iteration >= 17 });
        const checkpoint = decodeCheckpoint(encodeCheckpoint(first), "run.ckpt");
        const sources = data();
        const second = resumeTrainer({ ...checkpoint, optimizer: forget === "optimizer" ? new Adam(0.01) : checkpoint.optimizer }, sources.train, sources.test);
        if (forget === "net") second.net.rng.restore(new Random(99).state());
        await second.run();
        expect(weightBits(second), forget).not.toEqual(weightBits(reference));
      }
    });
  });

  test('run returns "stopped" without a step when shouldStop is true from the start', async () => {
    const sources = data();
    const seen = spyBatches(sources.train);
    const t = trainer({}, sources);
    const before = weightBits(t);
    const onStep = vi.fn();
    const onEvaluation = vi.fn();
    expect(await t.run({ onStep, onEvaluation, shouldStop: () => true })).toBe("stopped");
    expect(t.iteration).toBe(0);
    expect(t.history.loss).toEqual([]);
    expect(seen).toEqual([]);
    expect(onStep).not.toHaveBeenCalled();
    expect(onEvaluation).not.toHaveBeenCalled();
    expect(weightBits(t)).toEqual(before);
  });

  test("a loss that stops being finite throws DivergedError at that step, before updating the weights", async () => {
    const t = trainer({ lr: 1e200, iters: 20 });
    let previous = weightBits(t);
    let error: unknown;
    try {
      await t.run({ onStep: () => (previous = weightBits(t)) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DivergedError);
    const diverged = error as DivergedError;
    expect(diverged.message).toMatch(/^the loss became (NaN|Infinity) at iteration \d+; training stopped there, try a learning rate smaller than 1e\+200$/);
    // the first step starts from small weights, with a loss near ln 3; the weights it leaves are ~1e198
    expect(diverged.iteration).toBeGreaterThanOrEqual(2);
    expect(diverged.iteration).toBe(t.history.loss.length + 1);
    expect(t.iteration).toBe(diverged.iteration - 1);
    expect(Number.isFinite(diverged.loss)).toBe(false);
    expect(diverged.message).toContain(`at iteration ${diverged.iteration};`);
    expect(t.history.loss.every(Number.isFinite)).toBe(true);
    expect(weightBits(t)).toEqual(previous);
  });

  test("refuses a batchSize larger than the training set", () => {
    expect(() => trainer({ batchSize: 121 })).toThrow(/^Trainer: batchSize must be at most the 120 training samples, got 121$/);
    expect(trainer({ batchSize: 120 }).itersPerEpoch).toBe(1);
  });

  test("restore refuses a state whose batch order is for another number of samples", async () => {
    const first = trainer();
    await first.run({ shouldStop: () => first.iteration >= 5 });
    const small = data(100);
    expect(() => trainer({}, small).restore(first.state())).toThrow(/^Trainer\.restore: the batch order covers 120 samples, but the training set has 100$/);
  });

  test("state() is a snapshot: steps taken afterwards do not reach it", async () => {
    const t = trainer();
    await t.run({ shouldStop: () => t.iteration >= 5 });
    const saved = t.state() as { iteration: number; history: { loss: number[] } };
    await t.run({ shouldStop: () => t.iteration >= 8 });
    expect(saved.iteration).toBe(5);
    expect(saved.history.loss).toHaveLength(5);
  });

  test("takes any net and optimizer, and the metrics it is given", async () => {
    const t = trainer({ ...everyState, iters: 60, evalEvery: 30, evalSamples: null });
    await t.run();
    expect(Object.keys(t.history)).toEqual(["loss", "evalIterations", "trainAcc", "testAcc"]);
    expect(t.config.metrics).toEqual(["acc"]);
    expect(t.history.testAcc[1]).toBeGreaterThanOrEqual(0.9);
    const custom = { name: "count", measure: (y: Tensor) => ({ sum: y.shape[0], count: 1 }) };
    const sources = data();
    const u = new Trainer(new TwoLayerNet(DIM, 4, CLASSES), new SGD(0.1), sources.train, sources.test, { batchSize: 10, iters: 10, evalEvery: 10, metrics: [custom] });
    await u.run();
    // one chunk of each set: 120 training rows and 60 test rows in one call each
    expect(u.history).toMatchObject({ trainCount: [120], testCount: [60] });
  });

  test("refuses a schedule that is not positive integers", () => {
    expect(() => trainer({ iters: 0 })).toThrow(/^Trainer: iters must be a positive integer, got 0$/);
    expect(() => trainer({ batchSize: 2.5 })).toThrow(/^Trainer: batchSize must be a positive integer, got 2\.5$/);
    expect(() => trainer({ evalEvery: -1 })).toThrow(/^Trainer: evalEvery must be a positive integer, got -1$/);
  });

  test("run gives the event loop a turn between steps, so that a callback can ask it to stop", async () => {
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    const t = trainer({ iters: 10 });
    const seenAtStep3: boolean[] = [];
    await t.run({ onStep: (iteration) => iteration === 3 && seenAtStep3.push(turned) });
    expect(seenAtStep3).toEqual([true]);

    let stop = false;
    setImmediate(() => {
      stop = true;
    });
    const u = trainer({ iters: 1000 });
    expect(await u.run({ shouldStop: () => stop })).toBe("stopped");
    expect(u.iteration).toBeGreaterThanOrEqual(1);
    expect(u.iteration).toBeLessThan(10);
  });
});
