import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCheckpoint, loadModel } from "@backprop/layers/node";
import { cli, cliWith, weightBytes, useScratch } from "./helpers.js";

const { scratch } = useScratch();

const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;

describe("pnpm train with the defaults", () => {
  it("gives the pinned figures of chapter 5's run: the first five losses and the final accuracies", async () => {
    // the figures of `pnpm train` before nets of any depth existed (same seed, same bits): the default net, its
    // weights from --seed 0 and --weight-init-std 0.01, the batches and SGD all reach these numbers
    const { code, stdout } = await cli("train", "--json");
    expect(code).toBe(0);
    const { history, final, config } = JSON.parse(stdout);
    expect(history.loss.slice(0, 5)).toEqual([2.302481787799439, 2.3024123981179665, 2.301769883331266, 2.3008239391366354, 2.2996863704672834]);
    expect(final).toEqual({ trainAcc: 0.951875, testAcc: 0.923 });
    expect(config.architecture).toMatchObject({ name: "TwoLayerNet", description: "TwoLayerNet(784 -> 50 -> 10, relu)", sizes: [784, 50, 10], weightInitStd: 0.01 });
    expect(config.optimizer).toEqual({ type: "SGD", lr: 0.1 });
  });

  it("--seed and --weight-init-std reach the net: each changes the first loss", async () => {
    const first = async (...flags: string[]) => JSON.parse((await cli("train", "--iters", "1", "--json", ...flags)).stdout).history.loss[0];
    const base = await first();
    expect(base).toBe(2.302481787799439);
    expect(await first("--seed", "1")).not.toBe(base);
    expect(await first("--weight-init-std", "0.02")).not.toBe(base);
    expect(await first("--weight-init-std", "he")).not.toBe(base);
  });
});

describe("nets of any depth from the command line", () => {
  it("--hidden 30,20 --optimizer adam --batch-norm --dropout 0.1 builds MultiLayerNetExtend, trains, and says so", async () => {
    const { code, stdout } = await cli("train", "--hidden", "30,20", "--optimizer", "adam", "--batch-norm", "--dropout", "0.1", "--iters", "80", "--eval-every", "40", "--eval-samples", "200");
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(
      "MultiLayerNetExtend(784 -> 30 -> 20 -> 10, batchnorm, relu, dropout 0.1) on 8000 train / 2000 test digits (embedded): Adam(lr 0.001, beta1 0.9, beta2 0.999), batch 100, 80 steps (1 epoch, shuffled), init he, seed 0",
    );
    expect(lines[1]).toMatch(/^epoch 0\.50\/1  iter 40\/80  loss \d\.\d{4}  train acc 0\.\d{4}  test acc 0\.\d{4}  \d+\.\d\d s$/);
    const [trainAcc, testAcc] = /^final: train acc (0\.\d{4}), test acc (0\.\d{4}) after 80 steps in \d+\.\d s$/.exec(lines.at(-1) as string)!.slice(1).map(Number);
    // 80 steps of Adam at its book lr: well past chance (0.1), not yet converged
    expect(trainAcc).toBeGreaterThan(0.6);
    expect(testAcc).toBeGreaterThan(0.6);
  });

  it("--json adds config.architecture and config.optimizer, and each optimizer has its book default lr", async () => {
    const run = async (...flags: string[]) => JSON.parse((await cli("train", "--iters", "3", "--json", ...flags)).stdout).config;
    const deep = await run("--hidden", "12,8", "--activation", "tanh", "--weight-init-std", "xavier", "--weight-decay", "0.01", "--optimizer", "rmsprop");
    expect(deep.hidden).toEqual([12, 8]);
    expect(deep.architecture).toEqual({
      name: "MultiLayerNet",
      description: "MultiLayerNet(784 -> 12 -> 8 -> 10, tanh, weight decay 0.01)",
      sizes: [784, 12, 8, 10],
      activation: "tanh",
      weightInitStd: "xavier",
      weightDecayLambda: 0.01,
      batchNorm: false,
      dropout: null,
    });
    expect(deep.optimizer).toEqual({ type: "RMSprop", lr: 0.01, decayRate: 0.99 });
    expect(deep.lr).toBe(0.01);
    for (const [name, lr] of [["momentum", 0.01], ["nesterov", 0.01], ["adagrad", 0.01], ["adam", 0.001], ["sgd", 0.1]] as const) {
      expect((await run("--optimizer", name, "--hidden", "4")).optimizer.lr, name).toBe(lr);
    }
    expect((await run("--optimizer", "adam", "--lr", "0.05", "--hidden", "4")).optimizer.lr).toBe(0.05);
    // one number with another activation is a MultiLayerNet of one hidden layer
    expect((await run("--hidden", "9", "--activation", "sigmoid")).architecture.description).toBe("MultiLayerNet(784 -> 9 -> 10, sigmoid)");
  });

  it("saves, evaluates and resumes every combination to the uninterrupted weights", async () => {
    const dir = scratch();
    const combinations = [
      ["--hidden", "10,6", "--optimizer", "momentum", "--weight-decay", "0.001"],
      ["--hidden", "10,6", "--optimizer", "nesterov", "--activation", "sigmoid", "--dropout", "0.2"],
      ["--hidden", "10", "--optimizer", "adagrad", "--batch-norm"],
      ["--hidden", "10,6", "--optimizer", "adam", "--batch-norm", "--dropout", "0.3", "--dtype", "float32"],
    ];
    for (const [k, flags] of combinations.entries()) {
      const args = ["train", ...flags, "--iters", "60", "--eval-every", "20", "--eval-samples", "100"];
      const whole = join(dir, `whole${k}.bp`);
      const trained = JSON.parse((await cli(...args, "--save", whole, "--json")).stdout);
      const save = join(dir, `parts${k}.bp`);
      const stop = new AbortController();
      const first = await cliWith({ signal: stop.signal, onStdout: (t) => t.startsWith("epoch") && stop.abort() }, ...args, "--save", save);
      expect(first.code, flags.join(" ")).toBe(130);
      expect((loadCheckpoint(`${save}.ckpt`).state as { iteration: number }).iteration).toBe(20);
      expect((await cli("train", "--resume", `${save}.ckpt`, "--save", save, "--quiet")).code).toBe(0);
      expect(weightBytes(save), flags.join(" ")).toEqual(weightBytes(whole));
      const evaluation = JSON.parse((await cli("evaluate", "--model", save, "--json")).stdout);
      expect(evaluation.accuracy, flags.join(" ")).toBe(trained.final.testAcc);
      expect(String(loadModel(save).net)).toBe(trained.config.architecture.description);
    }
  });

  it("resumes a checkpoint written by version 1 (chapter 5) to the weights version 1's uninterrupted run reached", async () => {
    // fixtures/v1-run.ckpt: `train --iters 120 --eval-every 40 --eval-samples 100 --hidden 4 --seed 3 --save v1-parts.bp`
    // of version 1, interrupted after step 40; v1-whole.bp: the same run, not interrupted
    const dir = scratch();
    const checkpoint = join(dir, "v1-run.ckpt");
    copyFileSync(join(FIXTURES, "v1-run.ckpt"), checkpoint);
    const save = join(dir, "resumed.bp");
    const resumed = await cli("train", "--resume", checkpoint, "--save", save, "--json");
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout).history.loss).toHaveLength(120);
    expect(weightBytes(save)).toEqual(weightBytes(join(FIXTURES, "v1-whole.bp")));
    // and evaluate reads version 1 models
    const old = JSON.parse((await cli("evaluate", "--model", join(FIXTURES, "v1-whole.bp"), "--json")).stdout);
    expect(old.testSize).toBe(2000);
    expect(old.accuracy).toBe(JSON.parse(resumed.stdout).final.testAcc);
    expect(existsSync(`${save}.ckpt`)).toBe(false);
  });
});
