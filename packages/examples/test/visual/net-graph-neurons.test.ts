import { describe, expect, test } from "vitest";
import { Random, randn, tensor } from "@backprop/core";
import { IdentityWithLoss, MultiLayerNetExtend, TwoLayerNet, traceNet } from "@backprop/layers";
import { MAX_UNITS, neuronGraphSvg, tooWide } from "../../src/visual/neuron-graph.js";
import { agrees, byClass, findAll, parseXml, textOf, type XmlNode } from "./net-graph-parse.js";

/** The unit's shown numbers by the class of their text: z, o, delta, dldo (x, dldx for an input). */
function shown(unit: XmlNode): Record<string, string> {
  return Object.fromEntries(findAll(unit, (n) => n.tag === "text" && n.attrs.class !== undefined).map((n) => [n.attrs.class, textOf(n).split(" ").at(-1) as string]));
}

/** softmax(z), the textbook way: exp(z_k - max z) / sum_j exp(z_j - max z). */
function softmax(z: number[]): number[] {
  const top = Math.max(...z);
  const e = z.map((v) => Math.exp(v - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** Each o_k is softmax(z)_k, within rounding (1e-14 relative). */
function isSoftmaxOf(o: number[], z: number[]): boolean {
  const p = softmax(z);
  return o.length === p.length && o.every((v, k) => Math.abs(v - p[k]) <= 1e-14 * Math.max(1, Math.abs(p[k])));
}

describe("neuronGraphSvg", () => {
  test("each unit's Z, O, δ and dL/dO are the first sample's, computed here by hand", () => {
    const rng = new Random("neurons");
    const net = new TwoLayerNet(3, 4, 2, { seed: 5, weightInitStd: 0.9, lastLayer: new IdentityWithLoss() });
    const x = randn([2, 3], rng);
    const t = randn([2, 2], rng);
    const svg = parseXml(neuronGraphSvg(traceNet(net, x, t), { inputNames: ["a", "b", "c"] }));

    // Z1 = x0·W1 + b1, O1 = relu(Z1), y = O1·W2 + b2; the loss (1/2N) sum (y - t)^2 gives dy = (y - t) / N
    const W1 = net.params.W1.toArray() as number[][];
    const b1 = net.params.b1.toArray() as number[];
    const W2 = net.params.W2.toArray() as number[][];
    const b2 = net.params.b2.toArray() as number[];
    const x0 = (x.toArray() as number[][])[0];
    const t0 = (t.toArray() as number[][])[0];
    const Z1 = b1.map((b, j) => b + x0.reduce((s, xi, i) => s + xi * W1[i][j], 0));
    const O1 = Z1.map((z) => Math.max(0, z));
    const y = b2.map((b, k) => b + O1.reduce((s, o, j) => s + o * W2[j][k], 0));
    const dy = y.map((v, k) => (v - t0[k]) / 2);
    const dO1 = O1.map((_, j) => dy.reduce((s, d, k) => s + d * W2[j][k], 0));
    const dZ1 = dO1.map((d, j) => (Z1[j] > 0 ? d : 0));
    const dx = x0.map((_, i) => dZ1.reduce((s, d, j) => s + d * W1[i][j], 0));
    expect(Z1.some((z) => z > 0) && Z1.some((z) => z < 0), "a unit on each side of relu's kink").toBe(true);

    const units = (layer: string) => byClass(svg, "unit").filter((u) => u.attrs["data-layer"] === layer);
    expect(units("x").map((u) => shown(u))).toEqual(x0.map(() => expect.objectContaining({ x: expect.any(String), dldx: expect.any(String) })));
    units("x").forEach((u, i) => {
      expect(agrees(shown(u).x, x0[i]) && agrees(shown(u).dldx, dx[i]), `input ${i}`).toBe(true);
    });
    expect(units("Affine1").map((u) => u.attrs["data-unit"])).toEqual(["0", "1", "2", "3"]);
    units("Affine1").forEach((u, j) => {
      const s = shown(u);
      expect(agrees(s.z, Z1[j]) && agrees(s.o, O1[j]) && agrees(s.dldo, dO1[j]), `Affine1 unit ${j}: ${JSON.stringify(s)}`).toBe(true);
      expect(s.delta === "0" ? dZ1[j] === 0 : agrees(s.delta, dZ1[j]), `Affine1 unit ${j}'s δ`).toBe(true);
      expect(Number(u.attrs["data-z"])).toBeCloseTo(Z1[j], 13);
    });
    units("Affine2").forEach((u, k) => {
      const s = shown(u);
      expect(agrees(s.z, y[k]) && agrees(s.delta, dy[k]), `Affine2 unit ${k}`).toBe(true);
      // the identity's output is Z itself: no O of its own, and no dL/dO apart from δ
      expect(Object.keys(s).sort()).toEqual(["delta", "z"]);
    });
    // a twin with δ and dL/dO swapped would fail: they differ where relu blocks
    const blocked = Z1.findIndex((z) => z < 0);
    expect(agrees(shown(units("Affine1")[blocked]).delta, dO1[blocked])).toBe(false);

    // one line per weight, W1[i][j] from input i to unit j, and the loss
    const weights = byClass(svg, "weight");
    expect(weights).toHaveLength(3 * 4 + 4 * 2);
    const w = weights.find((l) => l.attrs["data-from"] === "x:2" && l.attrs["data-to"] === "Affine1:1")!;
    expect(Number(w.attrs["data-w"])).toBe(W1[2][1]);
    // the batch's loss: (1/2N) sum over both samples and outputs of (y - t)^2, N = 2
    const scores = (xi: number[]): number[] => {
      const o = b1.map((b, j) => Math.max(0, b + xi.reduce((s, v, i) => s + v * W1[i][j], 0)));
      return b2.map((b, k) => b + o.reduce((s, v, j) => s + v * W2[j][k], 0));
    };
    const rows = x.toArray() as number[][];
    const targets = t.toArray() as number[][];
    const loss = rows.reduce((sum, xi, n) => sum + scores(xi).reduce((s, v, k) => s + (v - targets[n][k]) ** 2, 0), 0) / 4;
    expect(Number(byClass(svg, "loss")[0].attrs["data-loss"])).toBeCloseTo(loss, 12);
  });

  test("a classifier's last units show softmax's O; BatchNorm and Dropout are folded into O", () => {
    const net = new MultiLayerNetExtend(4, [3], 3, { useBatchnorm: true, useDropout: true, dropoutRatio: 0.3 });
    const trace = traceNet(net, randn([4, 4], new Random("c")), tensor([0, 1, 2, 0]));
    const svg = parseXml(neuronGraphSvg(trace, { outputNames: ["a", "b", "c"] }));
    const heads = byClass(svg, "column").map((c) => findAll(c, (n) => n.tag === "text").map(textOf));
    expect(heads).toEqual([
      ["Affine1 → BatchNorm1 → Activation_function1 → Dropout1", "Z = x·W1 + b1", "O = Dropout(Relu(BatchNorm(Z)))"],
      ["Affine2", "Z = O·W2 + b2", "O = softmax(Z)"],
    ]);
    const last = byClass(svg, "unit").filter((u) => u.attrs["data-layer"] === "Affine2");
    expect(last.map((u) => u.attrs["data-unit"])).toEqual(["0", "1", "2"]);
    const zs = last.map((u) => Number(u.attrs["data-z"]));
    const probabilities = last.map((u) => Number(u.attrs["data-o"]));
    // the Z drawn is the first sample's: row 0 of the traced Affine2's output
    const Z = trace.layers.find((l) => l.name === "Affine2")!.out.toArray() as number[][];
    expect(zs).toEqual(Z[0]);
    // O = softmax(Z) of that same sample, computed here: exp(z_k - max) / sum_j exp(z_j - max)
    expect(isSoftmaxOf(probabilities, zs), `O ${probabilities} against Z ${zs}`).toBe(true);
  });

  test("the softmax check fails on another sample's O, or on the O's in another order, though they too sum to 1", () => {
    const net = new MultiLayerNetExtend(4, [3], 3, { useBatchnorm: true, useDropout: true, dropoutRatio: 0.3 });
    const trace = traceNet(net, randn([4, 4], new Random("c")), tensor([0, 1, 2, 0]));
    const Z = trace.layers.find((l) => l.name === "Affine2")!.out.toArray() as number[][];
    const other = softmax(Z[1]);
    expect(other.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    expect(isSoftmaxOf(softmax(Z[0]), Z[0])).toBe(true);
    expect(isSoftmaxOf(other, Z[0])).toBe(false);
    expect(isSoftmaxOf([...softmax(Z[0])].reverse(), Z[0])).toBe(false);
  });

  test("refuses a layer wider than MAX_UNITS, naming it", () => {
    const wide = traceNet(new TwoLayerNet(4, MAX_UNITS + 1, 2), randn([2, 4], new Random("w")), tensor([0, 1]));
    expect(tooWide(wide)).toEqual({ layer: "Affine1", width: MAX_UNITS + 1 });
    expect(() => neuronGraphSvg(wide)).toThrow(/^neuronGraphSvg: Affine1 has 11 units, expected at most 10$/);
    const fits = traceNet(new TwoLayerNet(4, MAX_UNITS, 2), randn([2, 4], new Random("w")), tensor([0, 1]));
    expect(tooWide(fits)).toBeUndefined();
    expect(tooWide(traceNet(new TwoLayerNet(784, 5, 2), randn([1, 784], new Random("x")), tensor([0])))).toEqual({ layer: "x", width: 784 });
  });
});
