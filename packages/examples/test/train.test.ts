import { describe, expect, it } from "vitest";
import { loadMnist } from "@backprop/datasets";
import { DEFAULT_TRAIN_CONFIG, DivergedError, trainTwoLayerNet, type EpochReport } from "../src";
import { cli } from "./helpers";

describe("trainTwoLayerNet on the embedded MNIST split", () => {
  const data = loadMnist();
  // 3 epochs of 80 batches: 240 SGD steps
  const config = { ...DEFAULT_TRAIN_CONFIG, epochs: 3, seed: 7 };

  it("lowers the loss and passes 80% test accuracy within 240 seeded steps", () => {
    const reports: EpochReport[] = [];
    const { result } = trainTwoLayerNet(data, config, (r) => reports.push(r));
    expect(result.history.loss).toHaveLength(240);
    expect(result.history.trainAcc).toHaveLength(3);
    expect(result.history.testAcc).toHaveLength(3);
    // a freshly initialised net guesses: its loss is about ln(10) = 2.303
    expect(result.history.loss[0]).toBeCloseTo(Math.log(10), 2);
    const lastTen = result.history.loss.slice(-10).reduce((a, b) => a + b, 0) / 10;
    expect(lastTen).toBeLessThan(0.7);
    expect(reports.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(reports[2].loss).toBeLessThan(reports[0].loss);
    expect(result.final.testAcc).toBeGreaterThan(0.8);
    expect(result.final.testAcc).toBe(result.history.testAcc[2]);
    // accuracies are counts over 8,000 and 2,000 samples
    expect(Number.isInteger(result.final.trainAcc * 8000)).toBe(true);
    expect(Number.isInteger(Math.round(result.final.testAcc * 2000 * 1e6) / 1e6)).toBe(true);
  });

  it("stops with DivergedError naming the iteration when the loss stops being finite", () => {
    expect(() => trainTwoLayerNet(data, { ...config, lr: 1e200 })).toThrow(DivergedError);
    expect(() => trainTwoLayerNet(data, { ...config, lr: 1e200 })).toThrow(/^the loss became (NaN|Infinity) at iteration \d+ \(epoch 1\); try a learning rate smaller than 1e\+200$/);
  });
});

describe("backprop train", () => {
  it("gives identical history for the same seed, and prints one JSON object with --json", async () => {
    const first = await cli("train", "--epochs", "1", "--seed", "3", "--json");
    const second = await cli("train", "--epochs", "1", "--seed", "3", "--json");
    expect(first.code).toBe(0);
    const a = JSON.parse(first.stdout);
    const b = JSON.parse(second.stdout);
    expect(Object.keys(a)).toEqual(["config", "history", "final", "elapsedMs"]);
    expect(a.config).toMatchObject({ hidden: 50, lr: 0.1, batchSize: 100, epochs: 1, seed: 3, trainSize: 8000, testSize: 2000 });
    expect(a.history.loss).toHaveLength(80);
    expect(a.history).toEqual(b.history);
    expect(a.final).toEqual(b.final);
    const other = JSON.parse((await cli("train", "--epochs", "1", "--seed", "4", "--json")).stdout);
    expect(other.history.loss).not.toEqual(a.history.loss);
  });

  it("prints one line per epoch and a final line", async () => {
    const { code, stdout } = await cli("train", "--epochs", "2", "--batch-size", "200", "--hidden", "20");
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("TwoLayerNet(784 -> 20 -> 10) on 8000 train / 2000 test digits: lr 0.1, batch 200, 2 epochs, seed 0");
    expect(lines[1]).toMatch(/^epoch 1\/2 {2}loss \d\.\d{4} {2}train acc 0\.\d{4} {2}test acc 0\.\d{4} {2}\d+\.\d\d s$/);
    expect(lines[2]).toMatch(/^epoch 2\/2 /);
    expect(lines[3]).toMatch(/^final: train acc 0\.\d{4}, test acc 0\.\d{4} in \d+\.\d s$/);
  });

  it("exits 1 with one line when the loss diverges", async () => {
    const { code, stderr } = await cli("train", "--lr", "1e200", "--epochs", "1");
    expect(code).toBe(1);
    expect(stderr).toMatch(/^backprop train: the loss became (NaN|Infinity) at iteration \d+ \(epoch 1\); try a learning rate smaller than 1e\+200\n$/);
  });
});
