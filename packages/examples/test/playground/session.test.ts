import { Tensor } from "@backprop/core";
import { MultiLayerNet, MultiLayerNetExtend, SGD, Trainer } from "@backprop/layers";
import { describe, expect, test } from "vitest";
import { generateData, planeSource } from "../../src/playground/plane-data.js";
import { PlaygroundSession } from "../../src/playground/session.js";
import { DEFAULT_SETTINGS, type PlaygroundSettings } from "../../src/playground/settings.js";

const weights = (params: Record<string, Tensor>) => Object.fromEntries(Object.entries(params).map(([k, p]) => [k, Array.from(p.copy().contiguousData())]));
const session = (s: PlaygroundSettings) => new PlaygroundSession(s, generateData(s));
const losses = (run: { step(): number }, n: number) => Array.from({ length: n }, () => run.step());

describe("PlaygroundSession", () => {
  test("the same settings give the same initial weights and the same 50 losses, bit for bit", () => {
    for (const s of [DEFAULT_SETTINGS, { ...DEFAULT_SETTINGS, optimizer: "adam" as const, lr: 0.01, dropout: 0.2, batchNorm: true, seed: 5 }]) {
      const a = session(s);
      const b = session(s);
      expect(weights(b.net.params)).toEqual(weights(a.net.params));
      expect(losses(b, 50)).toEqual(losses(a, 50));
      expect(weights(b.net.params)).toEqual(weights(a.net.params));
    }
  });

  test("reset() restores the initial weights bit for bit, and the run repeats", () => {
    const s = session({ ...DEFAULT_SETTINGS, seed: 2 });
    const initial = weights(s.net.params);
    const first = losses(s, 30);
    s.recordCurve();
    expect(weights(s.net.params)).not.toEqual(initial);
    s.reset();
    expect([s.iteration, s.curve, s.lastGradients()]).toEqual([0, [], undefined]);
    expect(weights(s.net.params)).toEqual(initial);
    expect(losses(s, 30)).toEqual(first);
  });

  test("a Trainer built by hand from the same classes, seed and data gives the session's losses", () => {
    const settings = { ...DEFAULT_SETTINGS, seed: 3 };
    const data = generateData(settings);
    const net = new MultiLayerNet(2, [8, 8], 3, { seed: 3, weightInitStd: "he" });
    const trainer = new Trainer(net, new SGD(0.3), planeSource(data.train), planeSource(data.test), { batchSize: 30, iters: 200, seed: 3 });
    const s = new PlaygroundSession(settings, data);
    expect(weights(s.net.params)).toEqual(weights(net.params));
    expect(losses(s, 200)).toEqual(losses(trainer, 200));
  });

  test("the book's spiral, 2-8-8-3 ReLU, SGD lr 0.3, batch 30, 1,000 epochs of 8 steps: test accuracy >= 0.95", () => {
    const s = session(DEFAULT_SETTINGS);
    expect([s.data.train.length, s.data.test.length, s.trainer.itersPerEpoch]).toEqual([240, 60, 8]);
    const before = s.evaluate();
    s.step(8000);
    const after = s.evaluate();
    expect(after.testMetric).toBeGreaterThanOrEqual(0.95);
    expect(after.trainLoss).toBeLessThan(before.trainLoss / 10);
  });

  test("lastGradients() is net.gradient on the last batch at the weights before its update", () => {
    const s = session({ ...DEFAULT_SETTINGS, weightDecay: 0.01 });
    expect(s.lastGradients()).toBeUndefined();
    s.step(7);
    const before = Object.fromEntries(Object.entries(s.net.params).map(([k, p]) => [k, p.copy()]));
    s.step();
    const used = weights(s.lastGradients() as Record<string, Tensor>);
    const { x, t } = s.trainer.lastBatch as { x: Tensor; t: Tensor };
    expect(x.shape).toEqual([30, 2]);
    const net = new MultiLayerNet(2, [8, 8], 3, { seed: 0, weightDecayLambda: 0.01 });
    for (const [k, p] of Object.entries(before)) net.params[k].assign(p);
    expect(used).toEqual(weights(net.gradient(x, t)));
    expect(Object.keys(used)).toEqual(["W1", "b1", "W2", "b2", "W3", "b3"]);
  });

  test("evaluate(): accuracy and mean loss in inference mode, counted by hand", () => {
    const s = session(DEFAULT_SETTINGS);
    s.step(100);
    const { train } = s.data;
    const y = s.net.predict(Tensor.fromData(train.x, [train.length, 2]), false).toArray() as number[][];
    let correct = 0;
    let loss = 0;
    y.forEach((row, i) => {
      if (row.indexOf(Math.max(...row)) === (train.labels as Int32Array)[i]) correct++;
      const max = Math.max(...row);
      const sum = row.reduce((a, v) => a + Math.exp(v - max), 0);
      loss -= Math.log(Math.exp(row[(train.labels as Int32Array)[i]] - max) / sum + 1e-7);
    });
    const e = s.evaluate();
    expect(e.trainMetric).toBe(correct / train.length);
    expect(e.trainLoss).toBeCloseTo(loss / train.length, 12);
    s.recordCurve();
    expect(s.curve).toEqual([{ step: 100, trainLoss: e.trainLoss, testLoss: e.testLoss, trainMetric: e.trainMetric, testMetric: e.testMetric }]);
  });

  test("regression: one output, the identity loss, MAE as the metric; batch norm or dropout: MultiLayerNetExtend", () => {
    const r = session({ ...DEFAULT_SETTINGS, dataset: "regression", points: 200, lr: 0.05 });
    expect(String(r.net)).toBe("MultiLayerNet(2 -> 8 -> 8 -> 1, relu)");
    expect(r.net.lastLayer.spec().type).toBe("IdentityWithLoss");
    const start = r.evaluate().testMetric;
    r.step(2000);
    expect(r.evaluate().testMetric).toBeLessThan(start);
    const e = session({ ...DEFAULT_SETTINGS, batchNorm: true, dropout: 0.1, hidden: [4] });
    expect(e.net).toBeInstanceOf(MultiLayerNetExtend);
    expect(String(e.net)).toBe("MultiLayerNetExtend(2 -> 4 -> 3, batchnorm, relu, dropout 0.1)");
  });

  test("a batch size above the training set's size takes the whole set", () => {
    const s = session({ ...DEFAULT_SETTINGS, points: 10, classes: 2, batchSize: 500 });
    expect(s.trainer.config.batchSize).toBe(16);
    s.step();
    expect(s.trainer.lastBatch?.x.shape).toEqual([16, 2]);
  });
});
