import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCheckpoint, loadModel } from "@backprop/layers/node";
import { cli, cliWith, weightBytes, writeIdxFolder, useScratch } from "./helpers.js";

const { scratch, adopt } = useScratch();

describe("backprop train on the embedded digits", () => {
  it("lowers the loss and passes 80% test accuracy within 240 seeded steps", async () => {
    const { code, stdout } = await cli("train", "--epochs", "3", "--seed", "7", "--json");
    expect(code).toBe(0);
    const { history, final, config } = JSON.parse(stdout);
    expect(config).toMatchObject({ iters: 240, epochs: 3, evalEvery: 80, sampling: "shuffle", trainSize: 8000, testSize: 2000 });
    expect(history.loss).toHaveLength(240);
    expect(history.evalIterations).toEqual([80, 160, 240]);
    // a freshly initialised net guesses: its loss is about ln(10) = 2.303
    expect(history.loss[0]).toBeCloseTo(Math.log(10), 2);
    const lastTen = history.loss.slice(-10).reduce((a: number, b: number) => a + b, 0) / 10;
    expect(lastTen).toBeLessThan(0.7);
    expect(final.testAcc).toBeGreaterThan(0.8);
    expect(final.testAcc).toBe(history.testAcc[2]);
    // accuracies are counts over 8,000 and 2,000 samples
    expect(Number.isInteger(Math.round(final.trainAcc * 8000 * 1e9) / 1e9)).toBe(true);
  });

  it("gives identical history for the same seed and another for another seed", async () => {
    const run = async (seed: string) => JSON.parse((await cli("train", "--epochs", "1", "--seed", seed, "--json")).stdout);
    const [a, b, c] = [await run("3"), await run("3"), await run("4")];
    expect(Object.keys(a)).toEqual(["config", "history", "layers", "final", "elapsedMs"]);
    expect(a.config).toMatchObject({ hidden: 50, lr: 0.1, batchSize: 100, seed: 3, data: { source: "embedded", splitSeed: 0 } });
    expect(a.history).toEqual(b.history);
    expect(a.final).toEqual(b.final);
    expect(c.history.loss).not.toEqual(a.history.loss);
  });

  it("prints a header, one line per evaluation and a final line", async () => {
    const { code, stdout } = await cli("train", "--epochs", "2", "--batch-size", "200", "--hidden", "20");
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("TwoLayerNet(784 -> 20 -> 10, relu) on 8000 train / 2000 test digits (embedded): SGD(lr 0.1), batch 200, 80 steps (2 epochs, shuffled), init 0.01, seed 0");
    expect(lines[1]).toMatch(/^epoch 1\/2 {2}iter 40\/80 {2}loss \d\.\d{4} {2}train acc 0\.\d{4} {2}test acc 0\.\d{4} {2}\d+\.\d\d s$/);
    expect(lines[2]).toMatch(/^epoch 2\/2 {2}iter 80\/80 /);
    expect(lines[3]).toMatch(/^final: train acc 0\.\d{4}, test acc 0\.\d{4} after 80 steps in \d+\.\d s$/);
    expect(lines).toHaveLength(4);
  });

  it("counts --iters across epochs, evaluates every --eval-every steps on --eval-samples samples, and the last on all", async () => {
    const { stdout } = await cli("train", "--iters", "130", "--eval-every", "50", "--eval-samples", "300", "--hidden", "10", "--json");
    const { history, config } = JSON.parse(stdout);
    expect(config).toMatchObject({ iters: 130, evalEvery: 50, evalSamples: 300 });
    expect(history.evalIterations).toEqual([50, 100, 130]);
    // 300 samples give accuracies in steps of 1/300; the last evaluation reads all 2,000 test digits
    for (const acc of history.testAcc.slice(0, 2)) expect(Math.abs(acc * 300 - Math.round(acc * 300))).toBeLessThan(1e-9);
  });

  it("draws batches with replacement when asked, as the book does", async () => {
    const shuffle = JSON.parse((await cli("train", "--iters", "20", "--hidden", "5", "--json")).stdout);
    const replace = JSON.parse((await cli("train", "--iters", "20", "--hidden", "5", "--sampling", "replace", "--json")).stdout);
    expect(replace.config.sampling).toBe("replace");
    expect(replace.history.loss).toHaveLength(20);
    expect(replace.history.loss).not.toEqual(shuffle.history.loss);
  });

  it("only prints the final line with --quiet", async () => {
    const { stdout } = await cli("train", "--iters", "10", "--hidden", "5", "--quiet");
    expect(stdout).toMatch(/^final: train acc 0\.\d{4}, test acc 0\.\d{4} after 10 steps in \d+\.\d s\n$/);
  });

  it("stops at once with exit code 1 when the loss stops being finite, and keeps the last good checkpoint", async () => {
    const dir = scratch();
    const save = join(dir, "model.bp");
    const { code, stderr } = await cli("train", "--lr", "1e200", "--epochs", "1", "--save", save);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^backprop train: the loss became (NaN|Infinity) at iteration \d+; training stopped there, try a learning rate smaller than 1e\+200\n$/);
    expect(existsSync(save)).toBe(false);
    // a run that diverges after an evaluation keeps the checkpoint written there
    const late = await cli("train", "--lr", "1e200", "--iters", "10", "--eval-every", "1", "--eval-samples", "10", "--hidden", "5", "--save", save);
    expect(late.code).toBe(1);
    expect(late.stderr).toBe(
      `backprop train: the loss became NaN at iteration 2; training stopped there, try a learning rate smaller than 1e+200; the last checkpoint before that, from step 1, is kept at ${save}.ckpt\n`,
    );
    expect((loadCheckpoint(`${save}.ckpt`).state as { iteration: number }).iteration).toBe(1);
    expect(existsSync(save)).toBe(false);
  });
});

describe("--save, --history and evaluate", () => {
  it("saves a model that evaluate scores at exactly the final test accuracy", async () => {
    const dir = scratch();
    const save = join(dir, "model.bp");
    const trained = JSON.parse((await cli("train", "--epochs", "1", "--hidden", "16", "--save", save, "--json")).stdout);
    expect(readdirSync(dir)).toEqual(["model.bp"]);
    const { net, header } = loadModel(save);
    expect(net.toString()).toBe("TwoLayerNet(784 -> 16 -> 10, relu)");
    expect(header.training).toMatchObject({ iterations: 80, final: trained.final });
    const report = await cli("evaluate", "--model", save, "--json");
    expect(report.code).toBe(0);
    const evaluation = JSON.parse(report.stdout);
    expect(evaluation.accuracy).toBe(trained.final.testAcc);
    expect(evaluation.testSize).toBe(2000);
    expect(evaluation.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(2000);
    expect(evaluation.confusion.reduce((s: number, row: number[], k: number) => s + row[k], 0)).toBe(evaluation.correct);
    const text = await cli("evaluate", "--model", save);
    expect(text.stdout).toContain(`test accuracy ${trained.final.testAcc.toFixed(4)} (${evaluation.correct} / 2000)`);
    expect(text.stdout).toMatch(/^confusion matrix \(rows: true class, columns: predicted\)\n {4}( +\d){10}\n( +\d+){11}\n/m);
  });

  it("writes the history as JSON or CSV, the same as --json prints", async () => {
    const dir = scratch();
    const json = join(dir, "h.json");
    const csv = join(dir, "h.csv");
    const result = JSON.parse((await cli("train", "--iters", "30", "--eval-every", "10", "--hidden", "5", "--history", json, "--json")).stdout);
    await cli("train", "--iters", "30", "--eval-every", "10", "--hidden", "5", "--history", csv, "--quiet");
    const { layers, run, ...history } = JSON.parse(readFileSync(json, "utf8"));
    expect(history).toEqual(result.history);
    expect(layers).toEqual(result.layers);
    expect(run).toMatchObject({ net: "TwoLayerNet(784 -> 5 -> 10, relu)", iterations: 30, final: result.final, config: result.config });
    const rows = readFileSync(csv, "utf8").trimEnd().split("\n");
    // then each parameter's three figures, filled at the evaluated steps
    const params = ["W1", "b1", "W2", "b2"];
    expect(rows[0]).toBe(["iteration,loss,train_acc,test_acc", ...params.map((p) => `${p}_norm,${p}_grad_norm,${p}_update_ratio`)].join(","));
    expect(rows).toHaveLength(31);
    expect(rows[1]).toBe(`1,${result.history.loss[0]},,${",".repeat(3 * params.length)}`);
    const figures = params.map((p) => [result.layers.params[p].norm[0], result.layers.params[p].gradNorm[0], result.layers.params[p].updateRatio[0]].join(","));
    expect(rows[10]).toBe(`10,${result.history.loss[9]},${result.history.trainAcc[0]},${result.history.testAcc[0]},${figures.join(",")}`);
  });
});

describe("float32 training", () => {
  it("learns as well, saves a float32 model, and evaluate reproduces its final test accuracy", async () => {
    const dir = scratch();
    const save = join(dir, "f32.bp");
    const f32 = JSON.parse((await cli("train", "--epochs", "3", "--seed", "7", "--dtype", "float32", "--save", save, "--json")).stdout);
    const f64 = JSON.parse((await cli("train", "--epochs", "3", "--seed", "7", "--json")).stdout);
    expect(f32.config.dtype).toBe("float32");
    expect(f32.final.testAcc).toBeGreaterThan(0.8);
    // the same run in another precision: close, not equal
    expect(Math.abs(f32.final.testAcc - f64.final.testAcc)).toBeLessThan(0.01);
    expect(f32.history.loss).not.toEqual(f64.history.loss);
    const { net, header } = loadModel(save);
    expect(header.dtype).toBe("float32");
    expect(net.params.W1.dtype).toBe("float32");
    expect(JSON.parse((await cli("evaluate", "--model", save, "--json")).stdout).accuracy).toBe(f32.final.testAcc);
  });

  it("resumes a float32 run to the uninterrupted weights", async () => {
    const dir = scratch();
    const args = ["train", "--iters", "120", "--eval-every", "40", "--eval-samples", "100", "--hidden", "12", "--dtype", "float32"];
    const whole = join(dir, "whole.bp");
    await cli(...args, "--save", whole, "--quiet");
    const save = join(dir, "parts.bp");
    const stop = new AbortController();
    expect((await cliWith({ signal: stop.signal, onStdout: (t) => t.startsWith("epoch") && stop.abort() }, ...args, "--save", save)).code).toBe(130);
    expect((await cli("train", "--resume", `${save}.ckpt`, "--save", save, "--quiet")).code).toBe(0);
    expect(weightBytes(save)).toEqual(weightBytes(whole));
  });
});

describe("interrupt and resume", () => {
  it("stops after the step at a signal, writes a checkpoint, and resumes to weights bit-identical to an uninterrupted run", async () => {
    const dir = scratch();
    const args = ["train", "--iters", "200", "--eval-every", "50", "--eval-samples", "100", "--hidden", "12"];
    const whole = join(dir, "whole.bp");
    await cli(...args, "--save", whole, "--quiet");

    const save = join(dir, "parts.bp");
    const stop = new AbortController();
    const first = await cliWith({ signal: stop.signal, onStdout: (t) => t.startsWith("epoch") && stop.abort() }, ...args, "--save", save);
    expect(first.code).toBe(130);
    expect(first.stderr).toBe(`backprop train: interrupted after step 50 of 200; checkpoint written to ${save}.ckpt\nresume with: pnpm train --resume ${save}.ckpt --save ${save}\n`);
    expect(existsSync(save)).toBe(false);

    const second = await cli("train", "--resume", `${save}.ckpt`, "--save", save, "--json");
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).history.loss).toHaveLength(200);
    expect(weightBytes(save)).toEqual(weightBytes(whole));
    expect(existsSync(`${save}.ckpt`)).toBe(false);
  });

  it("refuses run flags with --resume, since a resumed run keeps its checkpoint's settings", async () => {
    const { code, stderr } = await cli("train", "--resume", "x.ckpt", "--lr", "0.5");
    expect(code).toBe(2);
    expect(stderr).toBe("backprop train: --lr cannot be combined with --resume: a resumed run keeps its checkpoint's settings\n");
  });
});

describe("training from IDX files", () => {
  it("reads raw and gzip folders alike and learns the separable set", async () => {
    const gz = JSON.parse((await cli("train", "--data", adopt(writeIdxFolder({ gzip: true })), "--epochs", "5", "--batch-size", "20", "--lr", "0.5", "--hidden", "10", "--json")).stdout);
    const raw = JSON.parse((await cli("train", "--data", adopt(writeIdxFolder({ gzip: false })), "--epochs", "5", "--batch-size", "20", "--lr", "0.5", "--hidden", "10", "--json")).stdout);
    expect(gz.config).toMatchObject({ trainSize: 200, testSize: 50, iters: 50 });
    expect(gz.history).toEqual(raw.history);
    expect(gz.final.testAcc).toBeGreaterThan(0.9);
  });
});
