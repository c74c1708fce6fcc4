import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "@backprop/layers/node";
import { readHistory } from "../src/history-file.js";
import { parseTrainSubset } from "../src/train-subset.js";
import { cli, expectRefused, useScratch } from "./helpers.js";

const { scratch } = useScratch();

// digits 0 and 1, 20 of each to train and 20 more to validate: a gradient flow on a 784-5-2 net in seconds
const SUBSET = ["--train-subset", "digits=0-1,per-class=20", "--hidden", "5"];

describe("backprop train --optimizer ode", () => {
  it("follows the gradient flow on the full batch, one accepted step per step, and records the flow", async () => {
    const dir = scratch();
    const history = join(dir, "history.json");
    const { code, stdout } = await cli("train", "--optimizer", "ode", ...SUBSET, "--iters", "12", "--save", join(dir, "m.bp"), "--history", history, "--json");
    expect(code).toBe(0);
    const run = JSON.parse(stdout);
    expect(run.config).toMatchObject({ batchSize: 40, iters: 12, evalEvery: 1, trainSize: 40, validationSize: 40, patience: 50, minImprovement: 0.05 });
    expect(run.config.optimizer).toEqual({ type: "GradientFlow", method: "bdf", rtol: 0.001, atol: 0.000001, linear: "auto", flowTime: null, gtol: null });
    expect(run.config.data.subset).toEqual({ digits: [0, 1], perClass: 20, validation: 20 });
    expect(run.config.architecture).toMatchObject({ activation: "sigmoid" });
    expect(Object.keys(run.history)).toEqual(["loss", "evalIterations", "trainAcc", "valAcc", "testAcc", "valLoss"]);
    expect(run.history.evalIterations).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const list of Object.values(run.flow) as number[][]) expect(list).toHaveLength(12);
    // a gradient flow lowers the full-batch loss at every step
    run.history.loss.forEach((loss: number, i: number) => i > 0 && expect(loss).toBeLessThan(run.history.loss[i - 1]));
    // two digits: the test set is every test image of 0 and 1, labelled 0 and 1
    expect(run.config.outputSize).toBe(2);
    expect(run.final.testAcc).toBeGreaterThan(0.9);
    // 3,937 parameters: past the dense limit, so BDF solved its Newton systems by Krylov iterations
    expect(run.flow.krylovIterations.at(-1)).toBeGreaterThan(0);
    expect(run.flow.factorizations.at(-1)).toBe(0);
    const file = readHistory(history);
    expect(file.flow).toEqual(run.flow);
    expect(file.history.valLoss).toEqual(run.history.valLoss);
    // the model knows its subset: evaluate tests it on digits 0 and 1 only
    expect((loadModel(join(dir, "m.bp")).header.data as { subset?: unknown }).subset).toEqual({ digits: [0, 1], perClass: 20, validation: 20 });
    const evaluated = await cli("evaluate", "--model", join(dir, "m.bp"), "--json");
    expect(evaluated.code).toBe(0);
    expect(JSON.parse(evaluated.stdout)).toMatchObject({ testSize: run.config.testSize, accuracy: run.final.testAcc });
  });

  it("prints the flow time, |grad| and the gradients computed on each line, and the solver's counts on the last", async () => {
    const { code, stdout } = await cli("train", "--optimizer", "ode", "--ode-method", "rk45", ...SUBSET, "--iters", "3");
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(
      "MultiLayerNet(784 -> 5 -> 2, sigmoid) on 40 train / 40 validation / 425 test digits (embedded; digits 0-1, 20 per class, 20 per class for validation): " +
        "GradientFlow(method rk45, rtol 0.001, atol 0.000001, linear auto, flowTime null, gtol null), the full batch, at most 3 accepted steps, init 0.01, seed 0, stop when 50 evaluations bring no 5% fall of the validation loss",
    );
    expect(lines[1]).toMatch(/^step 1\/3 {2}t \S+ {2}loss \d\.\d{4} {2}\|grad\| \S+ {2}train acc 0\.\d{4} {2}val acc 0\.\d{4} {2}test acc 0\.\d{4} {2}val loss \d\.\d{4} {2}\d+ gradients {2}\d+\.\d\d s$/);
    expect(lines[4]).toMatch(/^final: train acc .* after 3 steps in \d+\.\d s; flow time \S+, \d+ full-batch gradients \(\d+ steps rejected, 0 Jacobians, 0 Jacobian columns, 0 LU\)$/);
  });

  it("stops by --gtol, --flow-time or the plateau rule, and says which", async () => {
    const time = JSON.parse((await cli("train", "--optimizer", "ode", ...SUBSET, "--flow-time", "0.5", "--json")).stdout);
    expect(time.stopReason).toBe("time");
    expect(time.flow.t.at(-1)).toBe(0.5);
    const plateau = await cli("train", "--optimizer", "ode", ...SUBSET, "--patience", "2", "--min-improvement", "0.9", "--quiet");
    expect(plateau.stdout).toMatch(/ after 3 steps \(stopped by the plateau rule\) in /);
  });

  it("refuses the mini-batch flags, the solver's flags without it, and runs it cannot follow, each in one line", async () => {
    await expectRefused(["train", "--optimizer", "ode", "--lr", "0.1"], /^backprop train: --lr is a mini-batch optimizer's, but --optimizer ode follows the full-batch gradient flow with the steps its solver picks$/);
    await expectRefused(["train", "--optimizer", "ode", "--epochs", "3"], /--epochs is a mini-batch optimizer's, .*; give --iters for the most accepted steps$/);
    await expectRefused(["train", "--rtol", "1e-4"], /^backprop train: --rtol is the ODE solver's, but --optimizer is sgd; give --optimizer ode$/);
    await expectRefused(["train", "--optimizer", "ode", "--ode-method", "euler"], /^backprop train: --ode-method must be bdf or rk45, got 'euler'$/);
    await expectRefused(["train", "--optimizer", "ode", "--ode-method", "rk45", "--jacobian", "dense"], /--jacobian is BDF's, but --ode-method is rk45/);
    await expectRefused(["train", "--optimizer", "ode", "--dtype", "float32"], /--optimizer ode needs --dtype float64/);
    await expectRefused(["train", "--optimizer", "ode", "--dropout", "0.2"], /--optimizer ode cannot follow a net with --dropout/);
    await expectRefused(["train", "--patience", "5"], /^backprop train: --patience watches the validation loss, but the run has no validation set \(give --train-subset\)$/);
    await expectRefused(["train", "--dataset", "penguins", "--train-subset", "digits=0-4,per-class=10"], /--train-subset picks digits of images, but the data is a table/);
    await expectRefused(["train", "--train-subset", "digits=0-4,per-class=2000"], /--train-subset digits 0-4, 2000 per class, .*: the training images fall short: classSubset: class \d has \d+ images, expected at least 2000/);
  });
});

describe("--train-subset", () => {
  it("reads digits as a range or one digit, per-class and validation as positive integers", () => {
    expect(parseTrainSubset("t", "digits=0-4,per-class=100")).toEqual({ digits: [0, 1, 2, 3, 4], perClass: 100, validation: 100 });
    expect(parseTrainSubset("t", "per-class=10,digits=7,validation=3")).toEqual({ digits: [7], perClass: 10, validation: 3 });
  });

  it.each([
    ["digits=0-4", "has no per-class"],
    ["per-class=10", "has no digits"],
    ["digits=4-0,per-class=10", "has digits=4-0, a range that is not increasing"],
    ["digits=0-12,per-class=10", "has digits=0-12, not a digit or a range of digits"],
    ["digits=0-4,per-class=0", "has per-class=0, not a positive integer"],
    ["digits=0-4,per-class=10,seed=3", "has an unknown key 'seed'"],
    ["digits=0-4,digits=1,per-class=3", "gives digits twice"],
    ["digits", "has 'digits', not KEY=VALUE"],
  ])("'%s' %s", (text, what) => {
    expect(() => parseTrainSubset("backprop train", text)).toThrow(`backprop train: --train-subset ${what}, expected digits=A-B,per-class=N[,validation=M] such as digits=0-4,per-class=100, got '${text}'`);
  });
});
