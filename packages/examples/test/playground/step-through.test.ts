import { tensor } from "@backprop/core";
import { IdentityWithLoss, MultiLayerNet, traceNet } from "@backprop/layers";
import { describe, expect, test } from "vitest";
import { generateData, planeSource, type PlaneSet } from "../../src/playground/plane-data.js";
import { PlaygroundSession } from "../../src/playground/session.js";
import { DEFAULT_SETTINGS } from "../../src/playground/settings.js";
import { BATCH_NORM_NOTE, stepThrough, stepThroughNote } from "../../src/playground/step-through.js";

const W1 = [[0.1, 0.2], [0.3, -0.4]];
const b1 = [0.05, -0.1];
const W2 = [[0.5, -0.6], [0.7, 0.8]];
const b2 = [0, 0.1];

/** A 2-2-2 sigmoid net with the weights above (and weight decay `lambda`). */
function handNet(lambda = 0): MultiLayerNet {
  const net = new MultiLayerNet(2, [2], 2, { activation: "sigmoid", weightDecayLambda: lambda });
  net.params.W1.assign(tensor(W1));
  net.params.b1.assign(tensor(b1));
  net.params.W2.assign(tensor(W2));
  net.params.b2.assign(tensor(b2));
  return net;
}

// three points; sample 1 is x = (0.5, -1) of class 1
const set: PlaneSet = { x: Float64Array.from([0.9, 0.9, 0.5, -1, -0.3, 0.2]), labels: Int32Array.from([0, 1, 0]), targets: null, length: 3 };

/** The book's forward and backward for one sample, written out by hand. */
function byHand() {
  const x = [0.5, -1];
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  const Z1 = [0, 1].map((j) => x[0] * W1[0][j] + x[1] * W1[1][j] + b1[j]);
  const O1 = Z1.map(sigmoid);
  const Z2 = [0, 1].map((j) => O1[0] * W2[0][j] + O1[1] * W2[1][j] + b2[j]);
  const e = Z2.map((z) => Math.exp(z - Math.max(...Z2)));
  const Y = e.map((v) => v / (e[0] + e[1]));
  const L = -Math.log(Y[1] + 1e-7);
  const d2 = [Y[0] - 0, Y[1] - 1];
  const dW2 = O1.map((o) => d2.map((d) => o * d));
  const dO1 = [0, 1].map((i) => d2[0] * W2[i][0] + d2[1] * W2[i][1]);
  const d1 = dO1.map((g, j) => g * O1[j] * (1 - O1[j]));
  const dW1 = x.map((v) => d1.map((d) => v * d));
  const dO0 = [0, 1].map((i) => d1[0] * W1[i][0] + d1[1] * W1[i][1]);
  return { Z1, O1, Z2, Y, L, d2, dW2, dO1, d1, dW1, dO0 };
}

const close = (got: unknown, want: number[] | number[][]) => {
  const flat = (v: unknown) => (v as number[] | number[][]).flat();
  expect(flat(got)).toHaveLength(flat(want).length);
  flat(want).forEach((w, i) => expect(flat(got)[i]).toBeCloseTo(w, 13));
};

describe("stepThrough", () => {
  test("Z, O, the loss, δ, dW and db of one sample equal the book's formulas computed by hand", () => {
    const h = byHand();
    const s = stepThrough(handNet(), set, 1, 30);
    expect([s.sample, s.x, s.t]).toEqual([1, [0.5, -1], 1]);
    expect(s.forward.map((r) => [r.layer, r.op, r.formula])).toEqual([
      ["Affine1", "Affine", "Z1 = O0·W1 + b1"],
      ["Activation_function1", "Sigmoid", "O1 = sigmoid(Z1)"],
      ["Affine2", "Affine", "Z2 = O1·W2 + b2"],
      ["SoftmaxWithLoss", "SoftmaxWithLoss", "Y = softmax(Z2), L = −(1/N) Σ log Y[t]"],
    ]);
    const [a1, f1, a2, last] = s.forward;
    expect(a1.values).toEqual({ O0: [[0.5, -1]], W1, b1, Z1: a1.values.Z1 });
    close(a1.values.Z1, [h.Z1]);
    close(f1.values.O1, [h.O1]);
    expect(a2.values.O1).toEqual(f1.values.O1);
    close(a2.values.Z2, [h.Z2]);
    close(last.values.Y, [h.Y]);
    close(last.values.L, [h.L]);
    expect(s.loss).toBeCloseTo(h.L, 13);

    expect(s.backward.map((r) => [r.layer, r.formula])).toEqual([
      ["SoftmaxWithLoss", "δ2 = (Y − T) / N"],
      ["Affine2", "dW2 = O1ᵀ·δ2, db2 = Σ δ2, dO1 = δ2·W2ᵀ"],
      ["Activation_function1", "δ1 = dO1 ⊙ O1(1 − O1)"],
      ["Affine1", "dW1 = O0ᵀ·δ1, db1 = Σ δ1, dO0 = δ1·W1ᵀ"],
    ]);
    const [loss, b2row, s1, b1row] = s.backward;
    close(loss.values.δ2, [h.d2]);
    expect(Object.keys(b2row.values)).toEqual(["δ2", "dW2", "db2", "dO1"]);
    close(b2row.values.dW2, h.dW2);
    close(b2row.values.db2, h.d2);
    close(b2row.values.dO1, [h.dO1]);
    close(s1.values.δ1, [h.d1]);
    close(b1row.values.dW1, h.dW1);
    close(b1row.values.db1, h.d1);
    close(b1row.values.dO0, [h.dO0]);
  });

  test("dW and db are traceNet's (and net.gradient's) on that one sample, bit for bit", () => {
    const s = stepThrough(handNet(), set, 1, 30);
    const { x, t } = planeSource(set).batch([1]);
    const trace = traceNet(handNet(), x, t);
    const grads = handNet().gradient(x, t);
    const rows = Object.fromEntries(s.backward.flatMap((r) => Object.entries(r.values)));
    for (const p of trace.layers.flatMap((layer) => layer.params)) {
      expect(rows[`d${p.name}`]).toEqual(p.grad.toArray());
      expect(rows[`d${p.name}`]).toEqual(grads[p.name].toArray());
    }
  });

  test("the shapes are the whole batch's: (N, units) with N the batch size, the parameters' own", () => {
    const s = stepThrough(new MultiLayerNet(2, [8, 8], 3), generateData(DEFAULT_SETTINGS).train, 0, 30);
    expect(s.forward[0].shapes).toEqual({ O0: "(30, 2)", W1: "(2, 8)", b1: "(8)", Z1: "(30, 8)" });
    expect(s.forward[1].shapes).toEqual({ Z1: "(30, 8)", O1: "(30, 8)" });
    expect(s.forward[4].shapes).toEqual({ O2: "(30, 8)", W3: "(8, 3)", b3: "(3)", Z3: "(30, 3)" });
    expect(s.forward[5].shapes).toEqual({ Y: "(30, 3)", L: "()" });
    expect(s.backward[1].shapes).toEqual({ δ3: "(30, 3)", dW3: "(8, 3)", db3: "(3)", dO2: "(30, 8)" });
    expect(s.backward[2].shapes).toEqual({ dO2: "(30, 8)", δ2: "(30, 8)" });
  });

  test("weight decay shows in the formula; dropout and batch norm: training and lastGradients go on as if no step-through happened", () => {
    const settings = { ...DEFAULT_SETTINGS, dropout: 0.2, batchNorm: true, weightDecay: 0.01 };
    const data = generateData(settings);
    const [a, b] = [new PlaygroundSession(settings, data), new PlaygroundSession(settings, data)];
    a.step(5);
    b.step(5);
    const grads = () => Object.entries(b.lastGradients() ?? {}).map(([k, g]) => [k, g.toArray()]);
    const used = grads();
    const s = stepThrough(b.net, data.train, 3, 30);
    expect(grads()).toEqual(used);
    expect(s.backward.at(-1)?.formula).toBe("dW1 = O0ᵀ·δ1 + λ·W1, db1 = Σ δ1, dO0 = δ1·W1ᵀ");
    expect(s.forward.map((r) => r.formula).slice(0, 4)).toEqual(["Z1 = O0·W1 + b1", "BN1 = BatchNormalization(Z1)", "O1 = relu(BN1)", "D1 = O1 ⊙ mask"]);
    expect(b.step(20)).toBe(a.step(20));
  });

  test("weight decay: the loss row is −log Y[t] + λ/2 Σ‖W‖², each term shown, as computed by hand", () => {
    const lambda = 0.1;
    const h = byHand();
    const squares = [...W1.flat(), ...W2.flat()].reduce((sum, w) => sum + w * w, 0);
    // 0.1² + 0.2² + 0.3² + 0.4² + 0.5² + 0.6² + 0.7² + 0.8² = 2.04: λ/2 of it is 0.102
    expect(squares).toBeCloseTo(2.04, 14);
    const s = stepThrough(handNet(lambda), set, 1, 30);
    const last = s.forward.at(-1)!;
    expect(last.formula).toBe("Y = softmax(Z2), L = −(1/N) Σ log Y[t] + λ/2 Σ‖W‖²");
    expect(Object.keys(last.values)).toEqual(["Y", "−(1/N) Σ log Y[t]", "λ/2 Σ‖W‖²", "L"]);
    expect(last.shapes).toEqual({ Y: "(30, 2)", "−(1/N) Σ log Y[t]": "()", "λ/2 Σ‖W‖²": "()", L: "()" });
    close(last.values["−(1/N) Σ log Y[t]"], [h.L]);
    close(last.values["λ/2 Σ‖W‖²"], [0.102]);
    close(last.values.L, [h.L + 0.102]);
    expect(s.dataLoss).toBeCloseTo(h.L, 13);
    expect(s.weightDecay).toBeCloseTo(0.102, 14);
    expect(s.loss).toBeCloseTo(h.L + 0.102, 13);
    // without weight decay: the data term alone, no decay term
    const plain = stepThrough(handNet(), set, 1, 30);
    expect(Object.keys(plain.forward.at(-1)!.values)).toEqual(["Y", "L"]);
    expect([plain.weightDecay, plain.dataLoss]).toEqual([0, plain.loss]);
  });

  test("a net with batch norm has a note in place of the step-through (its one-sample variance is 0); others none", () => {
    const data = generateData(DEFAULT_SETTINGS);
    expect(stepThroughNote(new PlaygroundSession({ ...DEFAULT_SETTINGS, batchNorm: true }, data).net)).toBe(BATCH_NORM_NOTE);
    expect(BATCH_NORM_NOTE).toMatch(/variance over one sample is 0 .*turn batch norm off/);
    expect(stepThroughNote(new PlaygroundSession({ ...DEFAULT_SETTINGS, dropout: 0.2 }, data).net)).toBeUndefined();
    expect(stepThroughNote(handNet())).toBeUndefined();
  });

  test("regression: t is the target row; a sample out of range is an error", () => {
    const r = generateData({ ...DEFAULT_SETTINGS, dataset: "regression" });
    const s = stepThrough(new MultiLayerNet(2, [4], 1, { lastLayer: new IdentityWithLoss() }), r.train, 2, 10);
    expect(s.t).toEqual([r.train.targets?.[2]]);
    expect(s.forward.at(-1)?.formula).toBe("Y = Z2, L = (1/2N) Σ (Y − T)²");
    expect(() => stepThrough(handNet(), set, 3, 30)).toThrow(/^stepThrough: sample must be an index in \[0, 3\), got 3$/);
  });
});
