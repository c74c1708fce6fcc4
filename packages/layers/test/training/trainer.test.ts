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
  type Evaluation,
  type Net,
  type Optimizer,
  type TrainerOptions,
} from "../../src/index.js";
import { MAX_NORM_GROWTH } from "../../src/training/trainer.js";
import { bitsOf, valuesOf } from "../helpers.js";
import { CLASSES, DIM, Rows, data } from "./blobs.js";

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
    // the first 30 samples of each set for the first two, all 120 and 60 for the final one; and once, at the first,
    // the probe batch of layerHistory's activation histograms: the first min(1000, 120) training samples
    expect(trainSlices).toEqual([[0, 30], [0, 120], [0, 30], [0, 120]]);
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
    // the second is the probe batch of layerHistory, read once
    expect(trainSlices).toEqual([[0, 120], [0, 120], [0, 120]]);
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

/** The L2 norm of all of a net's parameters, summed here in plain JS. */
function normOf(net: Net): number {
  let squares = 0;
  for (const p of Object.values(net.params)) for (const v of valuesOf(p)) squares += v * v;
  return Math.sqrt(squares);
}

/** The DivergedError that running `t` throws. */
async function divergence(t: Trainer): Promise<DivergedError> {
  try {
    await t.run();
  } catch (error) {
    if (error instanceof DivergedError) return error;
    throw error;
  }
  throw new Error("expected the run to diverge");
}

/** The two numbers of "grew from A to B". */
function grewFromTo(message: string): [number, number] {
  const match = /grew from (\S+) to (\S+) by/.exec(message);
  if (!match) throw new Error(`no "grew from ... to ..." in ${message}`);
  return [Number(match[1]), Number(match[2])];
}

describe("Trainer refuses what it cannot train on", () => {
  test("an empty training set or test set", () => {
    const { train, test: testSet } = data();
    const empty = new Rows(new Float64Array(0), new Int32Array(0));
    const net = new TwoLayerNet(DIM, 4, CLASSES);
    expect(() => new Trainer(net, new SGD(0.1), empty, testSet, { batchSize: 1, iters: 1 })).toThrow(/^Trainer: the training set is empty, expected at least one sample$/);
    expect(() => new Trainer(net, new SGD(0.1), train, empty, { batchSize: 1, iters: 1 })).toThrow(/^Trainer: the test set is empty, expected at least one sample$/);
    expect(() => new Trainer(net, new SGD(0.1), train, empty, { batchSize: 1, iters: 1 })).toThrow(RangeError);
  });

  test("a seed that Random would refuse", () => {
    expect(() => trainer({ seed: 2.5 })).toThrow(/^Trainer: seed must be an integer or a non-empty string, got 2\.5$/);
    expect(() => trainer({ seed: "" })).toThrow(/^Trainer: seed must be an integer or a non-empty string, got ""$/);
    expect(trainer({ seed: "run-7" }).config.seed).toBe("run-7");
  });
});

describe("Trainer stops a run that diverges, and names the likely cause", () => {
  test("weights blown up while the loss stays finite: the norm, by the step that grew it, blamed on the learning rate", async () => {
    const t = trainer({ lr: 1e6 });
    const start = normOf(t.net);
    const error = await divergence(t);
    expect(error.reason).toBe("norm");
    expect(error.message).toMatch(/^the weights' norm grew from \S+ to \S+ by iteration \d+; training stopped there, try a learning rate smaller than 1000000$/);
    expect(error.message).toContain(`by iteration ${error.iteration};`);
    // the steps it took all had a finite loss: a check of the loss alone would have gone on
    expect(t.iteration).toBe(error.iteration);
    expect(t.history.loss).toHaveLength(t.iteration);
    expect(t.history.loss.every(Number.isFinite)).toBe(true);
    // the loss of the step whose update grew them
    expect(error.loss).toBe(t.history.loss[error.iteration - 1]);
    // the two norms it names are the weights' at the start and now, to its two digits
    const [from, to] = grewFromTo(error.message);
    expect(Math.abs(from - start) / start).toBeLessThan(0.05);
    expect(Math.abs(to - normOf(t.net)) / normOf(t.net)).toBeLessThan(0.05);
    expect(normOf(t.net)).toBeGreaterThan(MAX_NORM_GROWTH * Math.max(start, 1));
  });

  test("the growth of the last step's update is caught too", async () => {
    const t = trainer({ lr: 1e6, iters: 2 });
    const error = await divergence(t);
    expect(error.reason).toBe("norm");
    expect(error.message).toMatch(/^the weights' norm grew from \S+ to \S+ by iteration 2; training stopped there, try a learning rate smaller than 1000000$/);
    expect(t.iteration).toBe(2);
  });

  test("weights too large from the start: the loss at step 1, before any update, blamed on the initial scale", async () => {
    const t = trainer({ net: () => new TwoLayerNet(DIM, 8, CLASSES, { weightInitStd: 1e300, seed: 1 }) });
    const before = weightBits(t);
    const error = await divergence(t);
    expect(error.reason).toBe("loss");
    expect(error.message).toMatch(/^the loss became (NaN|Infinity) at iteration 1, before any update: the initial weights are too large \(weight init std 1e\+300\?\)$/);
    expect([error.iteration, t.iteration]).toEqual([1, 0]);
    expect(weightBits(t)).toEqual(before);
  });

  test("initial weights that are not finite are named", async () => {
    const t = trainer();
    t.net.params.W2.set([1, 2], NaN);
    const error = await divergence(t);
    expect(error.message).toMatch(/^the loss became NaN at iteration 1, before any update: the initial weights are not finite \(W2 holds NaN\)$/);
  });

  test("a gradient that is not finite: refused before the first update, named after a later one", async () => {
    for (const [at, message] of [
      [1, /^the gradient of b1 became Infinity at iteration 1, before any update: the initial weights are too large \(weight init std 0\.1\?\)$/],
      [3, /^the gradient of b1 became Infinity at iteration 3; training stopped there, try a learning rate smaller than 0\.1$/],
    ] as const) {
      const t = trainer();
      const gradient = t.net.gradient.bind(t.net);
      let calls = 0;
      // the loss stays finite: only the gradient goes wrong, as when a backward overflows
      vi.spyOn(t.net, "gradient").mockImplementation((x, y) => {
        const grads = gradient(x, y);
        if (++calls === at) grads.b1 = grads.b1.add(Infinity);
        return grads;
      });
      const before = weightBits(t);
      const error = await divergence(t);
      expect(error.reason).toBe("gradient");
      expect(error.message).toMatch(message);
      expect(error.iteration).toBe(at);
      if (at === 1) {
        expect(t.iteration).toBe(0);
        expect(weightBits(t)).toEqual(before);
      } else {
        expect(t.iteration).toBe(at);
      }
    }
  });

  test("an update that leaves a weight that is not finite, from finite gradients", async () => {
    class Overflowing extends SGD {
      steps = 0;
      override update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
        super.update(params, grads);
        if (++this.steps === 2) params.W1.set([0, 0], 1e308 * 10);
      }
    }
    const t = trainer({ optimizer: () => new Overflowing(0.1) });
    const error = await divergence(t);
    expect(error.reason).toBe("weight");
    expect(error.message).toMatch(/^a weight of W1 became Infinity in the update of iteration 2; training stopped there, try a learning rate smaller than 0\.1$/);
    expect([error.iteration, t.iteration, t.history.loss.length]).toEqual([2, 2, 2]);
    // stopped before the evaluation after step 2 could read the broken weights
    expect(t.history.evalIterations).toEqual([]);
  });

  test("an optimizer without a learning rate gets no hint", async () => {
    class Unnamed extends SGD {
      override spec() {
        return { type: "Unnamed" };
      }
    }
    const error = await divergence(trainer({ optimizer: () => new Unnamed(1e200) }));
    expect(error.message).toMatch(/^the loss became (NaN|Infinity) at iteration \d+; training stopped there$/);
  });

  test("a normal run is the very run without the checks: the same weights, bit for bit, as a hand-written loop", async () => {
    const t = trainer({ sampling: "replace", iters: 30 });
    await t.run();
    // the same steps by hand: batches drawn as the trainer draws them, backprop, SGD, and nothing else
    const { train } = data();
    const net = new TwoLayerNet(DIM, 8, CLASSES, { weightInitStd: 0.1, seed: 1 });
    const sgd = new SGD(0.1);
    const rng = new Random("1/batches");
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const { x, t: labels } = train.batch(rng.choice(train.length, 10));
      sgd.update(net.params, net.gradient(x, labels));
      losses.push(net.lastLoss as number);
    }
    expect(Object.values(net.params).map((p) => bitsOf(p))).toEqual(weightBits(t));
    expect(t.history.loss).toEqual(losses);
  });
});

describe("Trainer.restore checks every field before it changes anything", () => {
  /** A trainer stopped at step 17 (mid-epoch, after an evaluation at 10) and its state, with a fresh trainer to restore into. */
  async function saved(sampling: "shuffle" | "replace" = "shuffle"): Promise<{ state: Record<string, any>; fresh: Trainer }> {
    const first = trainer({ sampling });
    await first.run({ shouldStop: () => first.iteration >= 17 });
    return { state: first.state() as Record<string, any>, fresh: trainer({ sampling }) };
  }

  const cases: [string, (s: Record<string, any>) => unknown, RegExp][] = [
    ["not a record", () => 3, /^Trainer\.restore: the state must be a record as Trainer\.state\(\) gives, got 3$/],
    ["iteration past iters", (s) => ({ ...s, iteration: 41 }), /^Trainer\.restore: iteration must be an integer in \[0, 40\], got 41$/],
    ["a fractional iteration", (s) => ({ ...s, iteration: 16.5 }), /^Trainer\.restore: iteration must be an integer in \[0, 40\], got 16\.5$/],
    ["no iteration", ({ iteration: _, ...s }) => s, /^Trainer\.restore: iteration must be an integer in \[0, 40\], got undefined$/],
    ["a negative cursor", (s) => ({ ...s, cursor: -1 }), /^Trainer\.restore: cursor must be an integer in \[0, 120\], got -1$/],
    ["a cursor past the set", (s) => ({ ...s, cursor: 121 }), /^Trainer\.restore: cursor must be an integer in \[0, 120\], got 121$/],
    ["an order that is not a tensor", (s) => ({ ...s, order: [1, 2] }), /^Trainer\.restore: order must be null or a tensor of the 120 sample indices, got \[1,2\]$/],
    ["an order of two dimensions", (s) => ({ ...s, order: s.order.reshape(60, 2) }), /^Trainer\.restore: order must be a 1-d tensor of the 120 sample indices, got \(60, 2\)$/],
    ["an order with a repeated sample", (s) => ({ ...s, order: withEntry(s.order, 5, s.order.get(4)) }), /^Trainer\.restore: order\[5\] = \d+ repeats a sample, expected a permutation of 0\.\.119$/],
    ["an order with a sample out of range", (s) => ({ ...s, order: withEntry(s.order, 7, 120) }), /^Trainer\.restore: order\[7\] = 120 is not a sample index in \[0, 120\)$/],
    ["an order with a fraction", (s) => ({ ...s, order: withEntry(s.order, 0, 0.5) }), /^Trainer\.restore: order\[0\] = 0\.5 is not a sample index in \[0, 120\)$/],
    ["an rng that is not a generator's state", (s) => ({ ...s, rng: { prng: { c: 1, s0: 0.5, s1: 7, s2: 0.5 }, spare: null } }), /^Trainer\.restore: rng\.prng\.s1 must be a number in \[0, 1\), got 7$/],
    ["no rng", (s) => ({ ...s, rng: null }), /^Trainer\.restore: rng must be \{ prng: \{ c, s0, s1, s2 \}, spare \} as Random\.state\(\) gives, got null$/],
    ["no history", (s) => ({ ...s, history: [] }), /^Trainer\.restore: history must be a record of loss, evalIterations, trainAcc, testAcc, got \[\]$/],
    ["a loss per step short", (s) => ({ ...s, history: { ...s.history, loss: s.history.loss.slice(1) } }), /^Trainer\.restore: history\.loss must hold 17 losses, one per step taken, got 16$/],
    ["a loss that is not finite", (s) => ({ ...s, history: { ...s.history, loss: [...s.history.loss.slice(0, 16), NaN] } }), /^Trainer\.restore: history\.loss\[16\] must be a finite number, got NaN$/],
    ["a loss that is a string", (s) => ({ ...s, history: { ...s.history, loss: ["1", ...s.history.loss.slice(1)] } }), /^Trainer\.restore: history\.loss\[0\] must be a finite number, got "1"$/],
    ["evaluations past the step", (s) => ({ ...s, history: { ...s.history, evalIterations: [20] } }), /^Trainer\.restore: history\.evalIterations must be increasing step numbers in \[1, 17\], got \[20\]$/],
    ["a metric with a value missing", (s) => ({ ...s, history: { ...s.history, testAcc: [] } }), /^Trainer\.restore: history\.testAcc must hold 1 values, one per evaluation in evalIterations, got 0$/],
    ["a metric that is not a list", (s) => ({ ...s, history: { ...s.history, trainAcc: 0.5 } }), /^Trainer\.restore: history\.trainAcc must be a list of values, one per evaluation in evalIterations, got 0\.5$/],
    ["a metric value that is not finite", (s) => ({ ...s, history: { ...s.history, trainAcc: [Infinity] } }), /^Trainer\.restore: history\.trainAcc\[0\] must be a finite number, got Infinity$/],
    ["a metric the config does not name", (s) => ({ ...s, history: { ...s.history, trainMae: [0.1] } }), /^Trainer\.restore: history has trainMae, which the metrics \(acc\) do not record$/],
    ["a negative elapsedMs", (s) => ({ ...s, elapsedMs: -1 }), /^Trainer\.restore: elapsedMs must be a finite number of milliseconds >= 0, got -1$/],
    ["an elapsedMs of NaN", (s) => ({ ...s, elapsedMs: NaN }), /^Trainer\.restore: elapsedMs must be a finite number of milliseconds >= 0, got NaN$/],
  ];

  test.each(cases)("refuses %s, and changes nothing", async (_, doctor, message) => {
    const { state, fresh } = await saved();
    const before = structuredClone(fresh.state());
    expect(() => fresh.restore(doctor(state) as never)).toThrow(message);
    expect(() => fresh.restore(doctor(state) as never)).toThrow(RangeError);
    expect(fresh.state()).toEqual(before);
    // and the state as saved still restores
    fresh.restore(state as never);
    expect(fresh.iteration).toBe(17);
  });

  test("a drawn-with-replacement run has no order, and its cursor stays 0", async () => {
    const { state, fresh } = await saved("replace");
    expect([state.order, state.cursor]).toEqual([null, 0]);
    fresh.restore(state as never);
    expect(() => fresh.restore({ ...state, rng: { ...state.rng, spare: "x" } } as never)).toThrow(/^Trainer\.restore: rng\.spare must be a finite number or null, got "x"$/);
  });

  test("a state that passes the checks resumes bit for bit, restored straight from state()", async () => {
    const reference = trainer();
    await reference.run();
    const first = trainer();
    await first.run({ shouldStop: () => first.iteration >= 17 });
    // a TwoLayerNet with SGD keeps nothing but its weights and the trainer's state
    const second = trainer();
    for (const [name, p] of Object.entries(first.net.params)) second.net.params[name].assign(p);
    second.restore(first.state());
    await second.run();
    expect(weightBits(second)).toEqual(weightBits(reference));
    expect(second.history).toEqual(reference.history);
  });
});

/** A copy of the 1-d tensor `x` with x[i] = value. */
function withEntry(x: Tensor, i: number, value: number): Tensor {
  const out = x.copy();
  out.set([i], value);
  return out;
}

describe("the last step's batch and gradients", () => {
  test("are the batch the step drew and net.gradient on it at the weights before its update; a restore forgets them", () => {
    const t = trainer();
    const before = new TwoLayerNet(DIM, 8, CLASSES, { weightInitStd: 0.1, seed: 1 });
    expect(t.lastGradients).toBeUndefined();
    t.step();
    const { x, t: labels } = t.lastBatch!;
    expect(x.shape).toEqual([10, DIM]);
    // the same initial weights, the same batch: the gradients the update used, bit for bit
    const expected = before.gradient(x, labels);
    for (const name of Object.keys(expected)) expect(bitsOf(t.lastGradients![name])).toEqual(bitsOf(expected[name]));
    // and not the gradients at the weights after the update
    const after = t.net.gradient(x, labels);
    expect(bitsOf(after.W1)).not.toEqual(bitsOf(t.lastGradients!.W1));
    t.restore(t.state());
    expect([t.lastBatch, t.lastGradients]).toEqual([undefined, undefined]);
  });
});

