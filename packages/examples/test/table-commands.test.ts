import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tensor } from "@backprop/core";
import { Affine, IdentityWithLoss, Net, SoftmaxWithLoss } from "@backprop/layers";
import { saveModel } from "@backprop/layers/node";
import { cli, cliWith, useScratch, weightBytes } from "./helpers.js";

const { scratch } = useScratch();
const NEW_PENGUINS = join(import.meta.dirname, "fixtures", "new-penguins.csv");
const RECIPE = ["--dataset", "penguins", "--hidden", "64,64", "--optimizer", "rmsprop", "--lr", "0.001", "--batch-size", "16", "--epochs", "80"];

describe("train on the embedded penguins", () => {
  it("the house-price recipe predicts body mass within 300 g (predicting the mean: about 780 g), from its seed", async () => {
    const a = JSON.parse((await cli("train", ...RECIPE, "--json")).stdout);
    // 333 complete rows: 266 train, 67 test; 17 batches of 16 an epoch
    expect(a.config).toMatchObject({ task: "regression", inputSize: 8, outputSize: 1, trainSize: 266, testSize: 67, iters: 80 * 17, batchSize: 16 });
    expect(a.config.optimizer).toEqual({ type: "RMSprop", lr: 0.001, decayRate: 0.99 });
    expect(Object.keys(a.history)).toEqual(["loss", "evalIterations", "trainMae", "trainMse", "testMae", "testMse"]);
    expect(a.history.testMae).toHaveLength(80);
    expect(a.final.testMae).toBeLessThanOrEqual(300);
    expect(a.final.testMae).toBe(a.history.testMae.at(-1));
    // the first epoch is still far off; MSE >= MAE^2
    expect(a.history.testMae[0]).toBeGreaterThan(a.final.testMae);
    expect(a.final.testMse).toBeGreaterThanOrEqual(a.final.testMae ** 2);
    const b = JSON.parse((await cli("train", ...RECIPE, "--json")).stdout);
    expect(b.history).toEqual(a.history);
    const c = JSON.parse((await cli("train", ...RECIPE, "--seed", "1", "--json")).stdout);
    expect(c.history.testMae).not.toEqual(a.history.testMae);
    expect(c.final.testMae).toBeLessThanOrEqual(300);
  });

  it("with the Keras decay rate 0.9 as well", async () => {
    const { config, final } = JSON.parse((await cli("train", ...RECIPE, "--decay-rate", "0.9", "--json")).stdout);
    expect(config.optimizer).toEqual({ type: "RMSprop", lr: 0.001, decayRate: 0.9 });
    expect(final.testMae).toBeLessThanOrEqual(300);
  });

  it("says what it learns: the task, the rows kept and dropped, the split, the inputs; then MAE and MSE per epoch", async () => {
    const { code, stdout } = await cli("train", "--dataset", "penguins", "--hidden", "8", "--epochs", "2", "--batch-size", "50");
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^regression of "Body Mass \(g\)" on penguins\.json \(embedded\): 344 rows, 333 kept, 11 dropped for a missing value \(records [\d, ]+\.\.\. 3 more\); 266 train \/ 67 test \(split seed 0, test fraction 0\.2\)$/);
    expect(lines[1]).toMatch(/^inputs: Beak Length \(mm\), Beak Depth \(mm\), Flipper Length \(mm\), Sex \(FEMALE, MALE\), Species \(Adelie, Chinstrap, Gentoo\): 8 inputs, standardized by the training rows; target standardized by the training rows' mean [\d.]+ and std [\d.]+;/);
    expect(lines[2]).toBe("TwoLayerNet(8 -> 8 -> 1, relu): SGD(lr 0.1), batch 50, 12 steps (2 epochs, shuffled), init 0.01, seed 0");
    expect(lines[3]).toMatch(/^epoch 1\/2 {2}iter 6\/12 {2}loss \d\.\d{4} {2}train MAE [\d.]+ {2}train MSE [\d.]+ {2}test MAE [\d.]+ {2}test MSE [\d.]+ {2}\d+\.\d\d s$/);
    expect(lines[5]).toMatch(/^final: train MAE [\d.]+, train MSE [\d.]+, test MAE [\d.]+, test MSE [\d.]+ after 12 steps in \d+\.\d s$/);
  });

  it("classifies the species when the target is text, and reports accuracy", async () => {
    const { config, final } = JSON.parse((await cli("train", "--dataset", "penguins", "--target", "Species", "--hidden", "16,16", "--optimizer", "adam", "--lr", "0.01", "--batch-size", "16", "--epochs", "20", "--json")).stdout);
    expect(config).toMatchObject({ task: "classification", outputSize: 3 });
    // every column but Species: Island (3), three measurements, Body Mass, Sex (2)
    expect(config.inputSize).toBe(9);
    expect(final.testAcc).toBeGreaterThan(0.95);
  });

  it("writes the regression metrics to --history as CSV", async () => {
    const path = join(scratch(), "h.csv");
    expect((await cli("train", "--dataset", "penguins", "--hidden", "8", "--epochs", "1", "--batch-size", "100", "--history", path, "--quiet")).code).toBe(0);
    const rows = readFileSync(path, "utf8").trimEnd().split("\n");
    // then each parameter's norm, gradient norm and update ratio
    const params = ["W1", "b1", "W2", "b2"].map((p) => `${p}_norm,${p}_grad_norm,${p}_update_ratio`);
    expect(rows[0]).toBe(["iteration,loss,train_mae,train_mse,test_mae,test_mse", ...params].join(","));
    expect(rows).toHaveLength(1 + 3);
    expect(rows[3].split(",")).toHaveLength(6 + 12);
    expect(rows[1].split(",").slice(2)).toEqual(new Array(4 + 12).fill(""));
  });
});

describe("a table from a CSV file", () => {
  /** y = 3 a - 2 b + 10 * [c = "hi"], 60 rows, a missing value on line 5, quoted and CRLF. */
  function writeCsv(dir: string): string {
    const lines = ['"a","b","c","y"'];
    for (let i = 0; i < 60; i++) {
      const a = (i % 7) - 3;
      const b = ((i * 5) % 11) / 2;
      const c = i % 3 === 0 ? "hi" : "lo";
      lines.push(i === 3 ? `${a},,${c},1` : `${a},${b},"${c}",${3 * a - 2 * b + (c === "hi" ? 10 : 0)}`);
    }
    const path = join(dir, "lin.csv");
    writeFileSync(path, `\uFEFF${lines.join("\r\n")}\r\n`);
    return path;
  }

  it("trains, saves, evaluates on its split and on a file, and predicts", async () => {
    const dir = scratch();
    const csv = writeCsv(dir);
    const model = join(dir, "lin.bpm");
    const train = await cli("train", "--data", csv, "--target", "y", "--hidden", "16", "--optimizer", "adam", "--lr", "0.01", "--batch-size", "10", "--epochs", "60", "--save", model, "--json");
    expect(train.code).toBe(0);
    const { final, config } = JSON.parse(train.stdout);
    expect(config.data).toMatchObject({ source: "table", file: csv, target: "y", testFraction: 0.2, splitSeed: 0 });
    expect(config.data.schema.features.map((f: { name: string }) => f.name)).toEqual(["a", "b", "c"]);
    // 59 rows kept: 47 train, 12 test; y spans about -17 to 19
    expect([config.trainSize, config.testSize]).toEqual([47, 12]);
    expect(final.testMae).toBeLessThan(1);

    // the model's stored transform gives the very predictions of training: the same MAE, to the bit
    const evaluated = JSON.parse((await cli("evaluate", "--model", model, "--json")).stdout);
    expect(evaluated).toMatchObject({ task: "regression", target: "y", testSize: 12 });
    expect(evaluated.mae).toBe(final.testMae);
    expect(evaluated.mse).toBe(final.testMse);
    expect(evaluated.baseline.mae).toBeGreaterThan(5);
    // every row of the file: the one with a missing value dropped and counted
    const all = JSON.parse((await cli("evaluate", "--model", model, "--data", csv, "--json")).stdout);
    expect([all.testSize, all.dropped]).toEqual([59, 1]);

    const out = join(dir, "p.csv");
    const predicted = await cli("predict", "--model", model, "--data", csv, "--out", out);
    expect(predicted.code).toBe(1);
    expect(predicted.stderr).toMatch(/^backprop predict: 1 of 60 rows could not be predicted:\n {2}lin\.csv: line 5, column "b": .*\n$/);
    const rows = readFileSync(out, "utf8").trimEnd().split("\n");
    expect(rows[0]).toBe("line,y,error");
    expect(rows).toHaveLength(61);
    expect(rows[1]).toMatch(/^2,-?[\d.e-]+,$/);
    // the row of line 2 is a = -3, b = 0, c = hi: y = 1
    expect(Number(rows[1].split(",")[1])).toBeCloseTo(1, 0);
    expect(rows[4]).toMatch(/^5,,"?lin\.csv: line 5, column ""?b""?/);
  });
});

describe("a test set from its own file", () => {
  it("trains on one file and tests on the other, fitted on the first alone, and says which test rows it dropped", async () => {
    const dir = scratch();
    const train = join(dir, "tr.csv");
    const test = join(dir, "te.csv");
    writeFileSync(train, "a,t\n1,2\n2,4\n3,6\n4,8\n5,10\n6,12\n");
    writeFileSync(test, "a,t\n1,2\n,4\n7,14\n");
    const { code, stdout } = await cli("train", "--data", train, "--test-data", test, "--target", "t", "--batch-size", "2", "--epochs", "1");
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toBe('regression of "t" on tr.csv: 6 rows, 6 kept, none dropped; 6 train / 2 test from te.csv, 1 of its rows dropped for a missing value (line 3)');
    // a = 1..6: mean 3.5, population std sqrt(35 / 12) = 1.7078; t = 2a: mean 7, std 3.4157
    expect(lines[1]).toBe("inputs: a: 1 input, standardized by the training rows; target standardized by the training rows' mean 7 and std 3.4157; the loss is half the mean squared error of the standardized target, MAE and MSE are in the target's units");
    const json = JSON.parse((await cli("train", "--data", train, "--test-data", test, "--target", "t", "--batch-size", "2", "--epochs", "1", "--json")).stdout);
    expect(json.config.data.schema.features).toEqual([{ name: "a", kind: "numeric", mean: 3.5, std: Math.sqrt(35 / 12) }]);
    expect([json.config.trainSize, json.config.testSize]).toEqual([6, 2]);
    expect((await cli("train", "--data", train, "--test-data", test, "--test-fraction", "0.3", "--target", "t")).stderr).toBe("backprop train: give --test-fraction or --test-data, not both\n");
  });
});

describe("interrupt and resume on a table", () => {
  it("resumes to the uninterrupted weights, and refuses a file that changed since", async () => {
    const dir = scratch();
    const csv = join(dir, "t.csv");
    writeFileSync(csv, `u,v,w\n${Array.from({ length: 40 }, (_, i) => `${i % 5},${(i * 3) % 7},${i % 5 - (i * 3) % 7}`).join("\n")}\n`);
    const args = ["train", "--data", csv, "--target", "w", "--hidden", "6,6", "--optimizer", "adam", "--batch-size", "4", "--epochs", "6"];
    const whole = join(dir, "whole.bpm");
    expect((await cli(...args, "--save", whole, "--quiet")).code).toBe(0);
    const save = join(dir, "parts.bpm");
    const stop = new AbortController();
    const first = await cliWith({ signal: stop.signal, onStdout: (t) => t.startsWith("epoch 2/") && stop.abort() }, ...args, "--save", save);
    expect(first.code).toBe(130);
    const resumed = await cli("train", "--resume", `${save}.ckpt`, "--save", save, "--json");
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout).history.testMae).toHaveLength(6);
    expect(weightBytes(save)).toEqual(weightBytes(whole));

    // the same interruption, then one value of the file changed: its training rows' mean moves
    const again = join(dir, "again.bpm");
    const stop2 = new AbortController();
    await cliWith({ signal: stop2.signal, onStdout: (t) => t.startsWith("epoch 2/") && stop2.abort() }, ...args, "--save", again);
    writeFileSync(csv, readFileSync(csv, "utf8").replace(/^0,0,0$/m, "0,0,1"));
    const refused = await cli("train", "--resume", `${again}.ckpt`);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^backprop train: t\.csv is not the table the model was trained on: .*\n$/);
  });
});

/** A model made by hand: one Affine, so that its predictions can be worked out on paper. */
function handModel(dir: string, task: "regression" | "classification"): string {
  const path = join(dir, `${task}.bpm`);
  if (task === "regression") {
    // inputs [(x - 10) / 2, kind=a, kind=b]; y_std = 1 * x' + 2 * a - 1 * b + 0.5; y = 5 * y_std + 100
    const net = new Net([["Affine1", new Affine(tensor([[1], [2], [-1]]), tensor([0.5]))]], new IdentityWithLoss());
    const schema = {
      features: [
        { name: "x", kind: "numeric", mean: 10, std: 2 },
        { name: "kind", kind: "categorical", categories: ["a", "b"] },
      ],
      target: { name: "y", task: "regression", mean: 100, std: 5 },
      missing: ["", "NA"],
    };
    saveModel(net, path, { data: { source: "table", file: join(dir, "gone.csv"), target: "y", testFraction: 0.2, splitSeed: 0, skipLines: 0, schema } });
  } else {
    // scores [0, x] for x standardized with mean 0, std 1: class "yes" with probability e^x / (1 + e^x)
    const net = new Net([["Affine1", new Affine(tensor([[0, 1]]), tensor([0, 0]))]], new SoftmaxWithLoss());
    const schema = { features: [{ name: "x", kind: "numeric", mean: 0, std: 1 }], target: { name: "answer", task: "classification", classes: ["no", "yes"] }, missing: [""] };
    saveModel(net, path, { data: { source: "table", file: join(dir, "gone.csv"), target: "answer", testFraction: 0.2, splitSeed: 0, skipLines: 0, schema } });
  }
  return path;
}

describe("backprop predict", () => {
  it("gives a hand-made regression model's answers, worked out by hand, one line per row, a bad row by its line", async () => {
    const dir = scratch();
    const model = handModel(dir, "regression");
    const data = join(dir, "new.csv");
    // x = 14, b: x' = 2 -> 2 - 1 + 0.5 = 1.5 -> 107.5;  x = 9, a: -0.5 + 2 + 0.5 = 2 -> 110;  then an unknown kind, a missing x
    writeFileSync(data, "kind,x\nb,14\na,9\nc,10\nb,\n");
    const { code, stdout, stderr } = await cli("predict", "--model", model, "--data", data);
    expect(code).toBe(1);
    const rows = stdout.trimEnd().split("\n");
    expect(rows.slice(0, 3)).toEqual(["line,y,error", "2,107.5,", "3,110,"]);
    expect(rows).toHaveLength(5);
    expect(rows[3]).toMatch(/^4,,".*line 4, column ""kind"": 'c' .*never saw.*"$/);
    expect(rows[4]).toMatch(/^5,,.*line 5, column ""?x""?/);
    expect(stderr.split("\n")[0]).toBe("backprop predict: 2 of 4 rows could not be predicted:");
    expect(stderr).toMatch(/line 4, column "kind": 'c'.*a, b/);
  });

  it("gives a classifier's class and probability", async () => {
    const dir = scratch();
    const model = handModel(dir, "classification");
    const data = join(dir, "new.csv");
    writeFileSync(data, `x\n${Math.log(3)}\n${-Math.log(4)}\n`);
    const { code, stdout } = await cli("predict", "--model", model, "--data", data);
    expect(code).toBe(0);
    const rows = stdout.trimEnd().split("\n").map((row) => row.split(","));
    expect(rows[0]).toEqual(["line", "answer", "probability", "error"]);
    // e^ln3 / (1 + e^ln3) = 3/4;  1 / (1 + e^-ln4) = 4/5 for "no"
    expect(rows[1].slice(0, 2)).toEqual(["2", "yes"]);
    expect(Number(rows[1][2])).toBeCloseTo(0.75, 14);
    expect(rows[2].slice(0, 2)).toEqual(["3", "no"]);
    expect(Number(rows[2][2])).toBeCloseTo(0.8, 14);
  });

  it("writes --out whole, and only when the model can be used", async () => {
    const dir = scratch();
    const model = handModel(dir, "regression");
    const other = join(dir, "other.csv");
    writeFileSync(other, "kind,z\nb,14\n");
    const out = join(dir, "p.csv");
    const { code, stderr } = await cli("predict", "--model", model, "--data", other, "--out", out);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^other\.csv: has no column "x", which the model was trained on \(its columns: kind, z\)\n$/);
    expect(() => readFileSync(out)).toThrow();
  });

  it("predicts new penguins with a trained model: one line per row, the bad ones named by their line", async () => {
    const dir = scratch();
    const model = join(dir, "penguins.bpm");
    expect((await cli("train", ...RECIPE, "--save", model, "--quiet")).code).toBe(0);
    const out = join(dir, "masses.csv");
    const { code, stderr } = await cli("predict", "--model", model, "--data", NEW_PENGUINS, "--out", out);
    expect(code).toBe(1);
    const rows = readFileSync(out, "utf8").trimEnd().split("\n");
    expect(rows[0]).toBe("line,Body Mass (g),error");
    expect(rows.map((row) => row.split(",")[0])).toEqual(["line", "2", "3", "4", "5", "6", "7"]);
    // the first is the file's first penguin, an Adelie male of 3750 g; Gentoo are the heavy ones
    const mass = (k: number): number => Number(rows[k].split(",")[1]);
    expect(Math.abs(mass(1) - 3750)).toBeLessThan(500);
    expect(mass(2)).toBeGreaterThan(4000);
    expect(mass(6)).toBeGreaterThan(mass(1));
    expect(rows[4]).toMatch(/^5,,.*'unknown'/);
    expect(rows[5]).toMatch(/^6,,.*Beak Length/);
    expect(stderr).toMatch(/line 5, column "Sex": 'unknown'.*FEMALE, MALE/);
  });
});

describe("bad tables and flags: one line, exit 2", () => {
  const expectOneLine = (r: { code: number; stderr: string }, pattern: RegExp): void => {
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd()).toMatch(pattern);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  };

  it("a table without --target, an unknown one, table flags on images, a bad --task or --dataset", async () => {
    const dir = scratch();
    const csv = join(dir, "t.csv");
    writeFileSync(csv, "a,b\n1,2\n3,4\n5,6\n");
    expectOneLine(await cli("train", "--data", csv), /^backprop train: --data .*t\.csv is a table: give --target COLUMN, the column to predict$/);
    expectOneLine(await cli("train", "--data", csv, "--target", "c"), /^t\.csv: target "c" is not a column \(its columns: a, b\)$/);
    expectOneLine(await cli("train", "--data", csv, "--target", "a", "--features", "b,d"), /^t\.csv: .*"d"/);
    expectOneLine(await cli("train", "--target", "a"), /^backprop train: --target is for a table \(--dataset penguins or --data FILE\.csv\), not for images$/);
    expectOneLine(await cli("train", "--dataset", "penguins", "--task", "ranking"), /^backprop train: --task must be regression or classification, got 'ranking'$/);
    expectOneLine(await cli("train", "--dataset", "iris"), /^backprop train: --dataset must be mnist or penguins, got 'iris'$/);
    expectOneLine(await cli("train", "--dataset", "penguins", "--data", csv), /^backprop train: give --dataset or --data, not both$/);
    expectOneLine(await cli("train", "--data", join(dir, "none.csv"), "--target", "a"), /^backprop train: --data .*none\.csv does not exist$/);
    expectOneLine(await cli("train", "--dataset", "penguins", "--test-fraction", "1"), /^backprop train: --test-fraction must be a ratio between 0 and 1, got '1'$/);
    expectOneLine(await cli("train", "--dataset", "penguins", "--optimizer", "adam", "--decay-rate", "0.9"), /^backprop train: --decay-rate is RMSprop's, but --optimizer is adam$/);
  });

  it("a file's own faults reach the command line as the loader words them", async () => {
    const dir = scratch();
    const file = (name: string, text: string): string => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const rows = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join("\n");
    expectOneLine(await cli("train", "--data", file("rag.csv", "a,b\n1,2\n3\n"), "--target", "a"), /^rag\.csv: line 3 has 1 value, expected 2 as in the header \(a, b\)$/);
    expectOneLine(await cli("train", "--data", file("nn.csv", `a,b\n${rows(9, (i) => `${i},${i === 4 ? "x" : i}`)}\n`), "--target", "a"), /^nn\.csv: line 6, column "b": 'x' is not a number/);
    expectOneLine(await cli("train", "--data", file("one.csv", `a,b\n${rows(20, (i) => `${i},x`)}\n`), "--target", "b"), /^one\.csv: .*one class/);
    expectOneLine(await cli("train", "--data", file("dup.csv", "a,a\n1,2\n"), "--target", "a"), /^dup\.csv: line 1: columns 1 and 2 are both named "a"$/);
    expectOneLine(await cli("train", "--data", file("empty.csv", ""), "--target", "a"), /^empty\.csv: is empty/);
    expectOneLine(await cli("train", "--data", file("head.csv", "a,b\n"), "--target", "a"), /^head\.csv: line 1 is a header \(a, b\) with no rows of data after it$/);
  });

  it("fewer rows than a batch", async () => {
    expectOneLine(await cli("train", "--dataset", "penguins", "--batch-size", "300"), /^backprop train: --batch-size must be at most the 266 training samples, got 300$/);
  });

  it("evaluate: a model given a file of other columns, or a category it never saw", async () => {
    const dir = scratch();
    const model = handModel(dir, "regression");
    const other = join(dir, "other.csv");
    writeFileSync(other, "kind,z,y\nb,14,1\n");
    expectOneLine(await cli("evaluate", "--model", model, "--data", other), /^other\.csv: has no column "x", which the model was trained on/);
    const unseen = join(dir, "unseen.csv");
    writeFileSync(unseen, "kind,x,y\nb,14,1\nc,3,2\n");
    expectOneLine(await cli("evaluate", "--model", model, "--data", unseen), /^backprop evaluate: unseen\.csv: line 3, column "kind": 'c'.*a, b/);
    const noTarget = join(dir, "no-target.csv");
    writeFileSync(noTarget, "kind,x\nb,14\n");
    expectOneLine(await cli("evaluate", "--model", model, "--data", noTarget), /^no-target\.csv: .*"y"/);
  });

  it("predict with a model trained on images", async () => {
    const dir = scratch();
    const model = join(dir, "digits.bpm");
    expect((await cli("train", "--iters", "1", "--hidden", "5", "--save", model, "--quiet")).code).toBe(0);
    expectOneLine(await cli("predict", "--model", model, "--data", NEW_PENGUINS), /^backprop predict: .*digits\.bpm was not trained on a table; predict reads rows of a CSV or JSON file$/);
  });
});
