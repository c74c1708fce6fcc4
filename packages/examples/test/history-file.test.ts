import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Random, Tensor } from "@backprop/core";
import { DataError } from "@backprop/datasets";
import { SGD, Trainer, TwoLayerNet, type BatchSource, type LayerHistory } from "@backprop/layers";
import { readHistory, writeHistory } from "../src/history-file.js";
import { cli, cliWith, useScratch } from "./helpers.js";

const { scratch } = useScratch();

/** 40 rows of 4 features, labels 0..2. */
function rows(): BatchSource {
  const rng = new Random("history rows");
  const x = Float64Array.from({ length: 160 }, () => rng.normal());
  const pick = (indices: ArrayLike<number>): { x: Tensor; t: Tensor } => {
    const xs = new Float64Array(indices.length * 4);
    for (let i = 0; i < indices.length; i++) xs.set(x.subarray(indices[i] * 4, indices[i] * 4 + 4), i * 4);
    return { x: Tensor.fromData(xs, [indices.length, 4]), t: Tensor.fromData(Float64Array.from(indices, (i) => i % 3), [indices.length]) };
  };
  return { length: 40, batch: pick, slice: (start, end) => pick(Array.from({ length: end - start }, (_, i) => start + i)) };
}

/** A finished run of 12 steps, evaluated at 5, 10 and 12. */
async function finished(): Promise<Trainer> {
  const trainer = new Trainer(new TwoLayerNet(4, 5, 3, { weightInitStd: 0.3, seed: 2 }), new SGD(0.1), rows(), rows(), { batchSize: 8, iters: 12, evalEvery: 5, seed: 1 });
  await trainer.run();
  return trainer;
}

describe("writeHistory and readHistory", () => {
  it("JSON: { ...history, layers, run } comes back as it went, bit for bit", async () => {
    const trainer = await finished();
    const path = join(scratch(), "h.json");
    const run = { net: String(trainer.net), config: { seed: 1 }, final: { testAcc: 0.5 }, elapsedMs: 12, iterations: 12 };
    writeHistory(path, trainer.history, trainer.layerHistory, run);
    const text = JSON.parse(readFileSync(path, "utf8"));
    expect(Object.keys(text)).toEqual(["loss", "evalIterations", "trainAcc", "testAcc", "layers", "run"]);
    const back = readHistory(path);
    expect(back.history).toEqual(trainer.history);
    expect(back.layers).toEqual(trainer.layerHistory);
    expect(back.run).toEqual(run);
    // without layers and run, neither is written nor read
    writeHistory(path, trainer.history);
    expect(readHistory(path)).toEqual({ history: trainer.history });
  });

  it("CSV: the history and the parameters' figures come back (no histograms), a blank ratio as null", async () => {
    const trainer = await finished();
    const { layerHistory } = trainer;
    // a ratio of null, as a bias that starts at zero has at step 1
    const layers: LayerHistory = structuredClone(layerHistory);
    layers.params.b1.updateRatio[0] = null;
    const path = join(scratch(), "h.csv");
    writeHistory(path, trainer.history, layers);
    const lines = readFileSync(path, "utf8").trimEnd().split("\n");
    expect(lines[0]).toBe("iteration,loss,train_acc,test_acc,W1_norm,W1_grad_norm,W1_update_ratio,b1_norm,b1_grad_norm,b1_update_ratio,W2_norm,W2_grad_norm,W2_update_ratio,b2_norm,b2_grad_norm,b2_update_ratio");
    expect(lines[5].split(",")[6]).toBe(String(layers.params.W1.updateRatio[0]));
    expect(lines[5].split(",")[9]).toBe("");
    const back = readHistory(path);
    expect(back.history).toEqual(trainer.history);
    expect(back.layers).toEqual({ evalIterations: [5, 10, 12], params: layers.params, activations: {}, probeSamples: 0 });
    expect(back.run).toBeUndefined();
  });

  it("CSV: a file built by hand reads as its numbers say; statistics for the last evaluations only are a tail", () => {
    const path = join(scratch(), "hand.csv");
    const csv = [
      "iteration,loss,train_acc,test_acc,W1_norm,W1_grad_norm,W1_update_ratio",
      "1,2.5,0.25,0.125,,,",
      "2,2.25,,,,,",
      "3,2,0.5,0.375,3,0.5,",
      "4,1.75,0.75,0.625,3.5,0.25,0.01",
    ];
    writeFileSync(path, `${csv.join("\r\n")}\r\n`);
    expect(readHistory(path)).toEqual({
      history: { loss: [2.5, 2.25, 2, 1.75], evalIterations: [1, 3, 4], trainAcc: [0.25, 0.5, 0.75], testAcc: [0.125, 0.375, 0.625] },
      layers: { evalIterations: [3, 4], params: { W1: { norm: [3, 3.5], gradNorm: [0.5, 0.25], updateRatio: [null, 0.01] } }, activations: {}, probeSamples: 0 },
    });
    // a history of before the parameters' columns: no layers
    writeFileSync(path, "iteration,loss,train_acc,test_acc\n1,2.5,,\n2,2,0.5,0.5\n");
    expect(readHistory(path)).toEqual({ history: { loss: [2.5, 2], evalIterations: [2], trainAcc: [0.5], testAcc: [0.5] } });
  });

  describe("refuses a file that is not a history, naming it, what was expected and what came", () => {
    const json = (body: unknown): string => JSON.stringify(body);
    const good = { loss: [1, 0.5, 0.25], evalIterations: [2, 3], trainAcc: [0.5, 0.75], testAcc: [0.5, 0.5] };
    const cases: [string, string, string, RegExp][] = [
      ["not JSON", "h.json", "{ loss: [1,", /^readHistory: \S+h\.json is not JSON, expected \{ loss, evalIterations, \.\.\. \} as backprop train --history writes, got: /],
      ["not a record", "h.json", "[1, 2]", /^readHistory: \S+h\.json: expected a record \{ loss, evalIterations, \.\.\. \}, got \[1,2\]$/],
      ["no loss", "h.json", json({ ...good, loss: undefined }), /^readHistory: \S+h\.json: has no loss, expected the loss of every step$/],
      ["a loss that is not a number", "h.json", json({ ...good, loss: [1, "x", 0.25] }), /^readHistory: \S+h\.json: loss\[1\] must be a finite number, got "x"$/],
      ["a metric one short", "h.json", json({ ...good, testAcc: [0.5] }), /^readHistory: \S+h\.json: testAcc must hold 2 values, one per evaluation in evalIterations, got 1$/],
      ["evaluations past the last step", "h.json", json({ ...good, evalIterations: [2, 4] }), /^readHistory: \S+h\.json: evalIterations must be increasing step numbers in \[1, 3\] \(one loss per step\), got \[2,4\]$/],
      ["layers one short", "h.json", json({ ...good, layers: { evalIterations: [2, 3], params: { W1: { norm: [1], gradNorm: [1, 1], updateRatio: [0, 0] } }, activations: {}, probeSamples: 10 } }), /^readHistory: \S+h\.json: layers\.params\.W1\.norm must hold 2, one per evaluation in layers\.evalIterations, got 1$/],
      ["layers at other steps", "h.json", json({ ...good, layers: { evalIterations: [1], params: {}, activations: {}, probeSamples: 10 } }), /^readHistory: \S+h\.json: layers\.evalIterations must be history\.evalIterations \[2,3\] or its tail, got \[1\]$/],
      ["a run that is not a record", "h.json", json({ ...good, run: 3 }), /^readHistory: \S+h\.json: run must be a record, got 3$/],
      ["an empty CSV", "h.csv", "", /^readHistory: \S+h\.csv: is empty, expected a header iteration,loss,\.\.\. and one row per step$/],
      ["a CSV without loss", "h.csv", "iteration,train_acc\n1,0.5\n", /^readHistory: \S+h\.csv: has header "iteration,train_acc", expected one that starts iteration,loss$/],
      ["a CSV loss that is not a number", "h.csv", "iteration,loss,train_acc\n1,abc,0.5\n", /^readHistory: \S+h\.csv: row 2: loss must be a finite number, got "abc"$/],
      ["a CSV row short of cells", "h.csv", "iteration,loss,train_acc,test_acc\n1,2,0.5\n", /^readHistory: \S+h\.csv: row 2 has 3 cells, expected 4 as the header$/],
      ["a CSV row out of order", "h.csv", "iteration,loss,train_acc\n1,2,\n3,1,0.5\n", /^readHistory: \S+h\.csv: row 3 has iteration "3", expected 2: one row per step, in order$/],
      ["a CSV metric missing at an evaluation", "h.csv", "iteration,loss,train_acc,test_acc\n1,2,0.5,\n", /^readHistory: \S+h\.csv: row 2: test_acc must be a finite number, got ""$/],
      ["a CSV negative norm", "h.csv", "iteration,loss,train_acc,W1_norm,W1_grad_norm,W1_update_ratio\n1,2,0.5,-1,1,0\n", /^readHistory: \S+h\.csv: row 2: W1_norm must be a number >= 0, got "-1"$/],
      ["another extension", "h.txt", "{}", /^readHistory: \S+h\.txt is not a history file, expected a \.json or \.csv file as backprop train --history writes$/],
    ];

    it.each(cases)("%s", (_, name, body, message) => {
      const path = join(scratch(), name);
      writeFileSync(path, body);
      expect(() => readHistory(path)).toThrow(DataError);
      expect(() => readHistory(path)).toThrow(message);
    });

    it("a file that is not there", () => {
      const path = join(scratch(), "none.json");
      expect(() => readHistory(path)).toThrow(/^readHistory: cannot read \S+none\.json, expected a history file as backprop train --history writes, got: ENOENT/);
    });
  });
});

describe("backprop train --history", () => {
  it("an interrupted run writes what it has; resumed, it writes the uninterrupted run's history and layers, bit for bit", async () => {
    const dir = scratch();
    const args = ["train", "--iters", "150", "--eval-every", "50", "--eval-samples", "100", "--hidden", "12"];
    const whole = join(dir, "whole.json");
    expect((await cli(...args, "--history", whole, "--quiet")).code).toBe(0);

    const save = join(dir, "parts.bp");
    const stop = new AbortController();
    const part = join(dir, "part.json");
    const first = await cliWith({ signal: stop.signal, onStdout: (t) => t.startsWith("epoch") && stop.abort() }, ...args, "--save", save, "--history", part);
    expect(first.code).toBe(130);
    const partial = readHistory(part);
    expect(partial.layers?.evalIterations).toEqual([50]);
    expect(partial.run).toMatchObject({ net: "TwoLayerNet(784 -> 12 -> 10, relu)", iterations: 50 });
    expect(partial.run && Object.hasOwn(partial.run, "final")).toBe(false);

    const resumed = join(dir, "resumed.json");
    expect((await cli("train", "--resume", `${save}.ckpt`, "--save", save, "--history", resumed, "--quiet")).code).toBe(0);
    const [a, b] = [readHistory(whole), readHistory(resumed)];
    expect(b.history).toEqual(a.history);
    expect(b.layers?.evalIterations).toEqual([50, 100, 150]);
    expect(b.layers?.probeSamples).toBe(1000);
    expect(Object.keys(b.layers?.activations ?? {})).toEqual(["Affine1", "Relu1", "Affine2"]);
    expect(b.layers).toEqual(a.layers);
    expect(b.run).toMatchObject({ net: "TwoLayerNet(784 -> 12 -> 10, relu)", iterations: 150, final: a.run?.final });
  });
});
