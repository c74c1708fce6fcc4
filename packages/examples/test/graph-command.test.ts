import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { beforeAll, describe, expect, test } from "vitest";
import type { Tensor } from "@backprop/core";
import { loadMnist } from "@backprop/datasets/node";
import { IdentityWithLoss, Net, TwoLayerNet } from "@backprop/layers";
import { loadRunData } from "../src/data.js";
import { GRAPH_HELP } from "../src/graph-command.js";
import { tableSourceOf } from "../src/table-data.js";
import { readPageData } from "../src/visual/page.js";
import { svgToPng } from "../src/visual/png.js";
import { colourCount, inkShare } from "./browser/page-check.js";
import { cli, expectRefused, tempDir } from "./helpers.js";
import { agrees, byClass, findAll, one, parseXml, shownNumbers, shownStats, type XmlNode } from "./visual/net-graph-parse.js";

const dir = tempDir();
const model = join(dir, "m.model");
const penguinsModel = join(dir, "p.model");

/** The first `n` test rows of the embedded penguins, encoded as train encodes them (test fraction 0.2, seed 0). */
function penguins(n: number): { x: Tensor; t: Tensor } {
  return loadRunData(tableSourceOf("penguins", { target: "Body Mass (g)", testFraction: 0.2, splitSeed: 0, skipLines: 0 })).test.slice(0, n);
}

function edge(svg: XmlNode, from: string, to: string): XmlNode {
  return findAll(svg, (n) => n.attrs.class === "edge" && n.attrs["data-from"] === from && n.attrs["data-to"] === to)[0];
}

/** Mean, population std, min and max of plain numbers. */
function stats(values: number[]): { mean: number; std: number; min: number; max: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length), min: Math.min(...values), max: Math.max(...values) };
}

beforeAll(async () => {
  expect((await cli("train", "--epochs", "1", "--save", model, "--quiet")).code).toBe(0);
  expect((await cli("train", "--dataset", "penguins", "--hidden", "5", "--epochs", "2", "--save", penguinsModel, "--quiet")).code).toBe(0);
}, 60_000);

describe("backprop graph", () => {
  test("--help prints its help", async () => {
    const { code, stdout } = await cli("graph", "--help");
    expect(code).toBe(0);
    expect(stdout).toBe(GRAPH_HELP);
    expect(stdout).toMatch(/FIRST N samples of the\nTEST set/);
  });

  test("backprop --help lists graph with the three formats its --out takes", async () => {
    const { stdout } = await cli("--help");
    expect(stdout).toMatch(/\n {2}graph {8}draw the net \(SVG, PNG or HTML\) with one training step's/);
    for (const ext of ["svg", "png", "html"]) expect(GRAPH_HELP).toContain(`FILE.${ext}`);
  });

  test("--help's heat-map rule is the picture's: a row per sample up to 8, a column per value up to 28, block means beyond", async () => {
    const { stdout } = await cli("graph", "--help");
    expect(stdout).not.toMatch(/one row per sample/);
    expect(stdout.replace(/\s+/g, " ")).toContain(
      "A heat-map has a row per sample and a column per value of a sample, at most 8 rows and 28 columns: beyond that each cell is the mean of a block of samples and values.",
    );
    // 20 digits of 784 pixels, or of 50 hidden units: 8 x 28 cells; of 10 scores: 8 x 10; 5 digits' scores: 5 x 10
    const out = join(dir, "blocks.svg");
    expect((await cli("graph", "--samples", "20", "--out", out)).code).toBe(0);
    const big = parseXml(readFileSync(out, "utf8"));
    const grid = (from: string, to: string): string[] => {
      const map = one(one(edge(big, from, to), "forward"), "heatmap");
      return [map.attrs["data-rows"], map.attrs["data-cols"]];
    };
    expect(grid("x", "Affine1")).toEqual(["8", "28"]);
    expect(grid("Affine1", "Relu1")).toEqual(["8", "28"]);
    expect(grid("Affine2", "SoftmaxWithLoss")).toEqual(["8", "10"]);
    expect((await cli("graph", "--samples", "5", "--out", out)).code).toBe(0);
    const small = parseXml(readFileSync(out, "utf8"));
    const scores = one(one(edge(small, "Affine2", "SoftmaxWithLoss"), "forward"), "heatmap");
    expect([scores.attrs["data-rows"], scores.attrs["data-cols"]]).toEqual(["5", "10"]);
  });

  test("a fresh seeded TwoLayerNet on MNIST: every layer with its shapes, and summaries an independent sum gives", async () => {
    const out = join(dir, "fresh.svg");
    const { code, stdout, stderr } = await cli("graph", "--seed", "4", "--out", out);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^wrote ${out}: the graph of TwoLayerNet\\(784 -> 50 -> 10, relu\\), seed 4, on the first 3 test digits \\(embedded MNIST\\), loss \\d\\.\\d{4}\\n$`));
    const svg = parseXml(readFileSync(out, "utf8"));
    expect(byClass(svg, "layer").map((n) => `${n.attrs["data-layer"]} ${n.attrs["data-op"]} ${n.attrs["data-in"]} -> ${n.attrs["data-out"]}`)).toEqual([
      "Affine1 Affine N,784 -> N,50",
      "Relu1 Relu N,50 -> N,50",
      "Affine2 Affine N,50 -> N,10",
    ]);

    // h = x·W1 + b1 of the first 3 test digits, by plain loops over the seeded weights
    const net = new TwoLayerNet(784, 50, 10, { seed: 4 });
    const { x } = loadMnist({ seed: 0 }).test.slice(0, 3);
    const X = x.toArray() as number[][];
    const W1 = net.params.W1.toArray() as number[][];
    const h = X.flatMap((row) => Array.from({ length: 50 }, (_, j) => row.reduce((s, v, i) => s + v * W1[i][j], 0)));
    const want = stats(h);
    const shown = shownStats(one(edge(svg, "Affine1", "Relu1"), "forward"));
    for (const key of ["mean", "std", "min", "max"] as const) expect(agrees(shown[key], want[key]), `${key}: shown ${shown[key]}, expected ${want[key]}`).toBe(true);
    const relu = stats(h.map((v) => Math.max(0, v)));
    const shownRelu = shownStats(one(edge(svg, "Relu1", "Affine2"), "forward"));
    expect(agrees(shownRelu.mean, relu.mean) && agrees(shownRelu.min, 0) && agrees(shownRelu.max, relu.max)).toBe(true);
    // the relu's output is not its input: the comparison tells them apart
    expect(agrees(shownRelu.mean, want.mean)).toBe(false);
  });

  test("a tiny fresh net on penguins: the numbers on the edges are net.predict's, the gradients net.gradient's", async () => {
    const out = join(dir, "tiny.svg");
    expect((await cli("graph", "--dataset", "penguins", "--hidden", "3", "--samples", "1", "--seed", "2", "--weight-init-std", "0.7", "--out", out)).code).toBe(0);
    const svg = parseXml(readFileSync(out, "utf8"));
    const net = new TwoLayerNet(8, 3, 1, { seed: 2, weightInitStd: 0.7, lastLayer: new IdentityWithLoss() });
    const { x, t } = penguins(1);
    const layers = [...net.layers];
    const outputs = layers.map((_, k) => new Net(layers.slice(0, k + 1), net.lastLayer).predict(x, true));
    const names = ["x", "Affine1", "Relu1", "Affine2", "IdentityWithLoss"];
    [x, ...outputs].forEach((value, k) => {
      const numbers = shownNumbers(one(edge(svg, names[k], names[k + 1]), "forward"));
      const expected = value.flatten().toArray() as number[];
      expect(numbers.size).toBe(expected.length);
      expected.forEach((v, j) => expect(agrees(numbers.get(value.ndim === 2 && value.shape[1] > 1 ? `0,${j}` : `${j},0`)!, v), `${names[k]} -> ${names[k + 1]} [${j}]`).toBe(true));
    });
    const grads = net.gradient(x, t);
    for (const name of ["b1", "W2", "b2"]) {
      const block = one(findAll(svg, (n) => n.attrs["data-param"] === name)[0], "param-grad");
      const expected = grads[name].flatten().toArray() as number[];
      const numbers = [...shownNumbers(block).values()];
      expect(numbers.length, name).toBe(expected.length);
      numbers.forEach((s, j) => expect(agrees(s, expected[j]), `d${name}[${j}]: ${s} vs ${expected[j]}`).toBe(true));
    }
    expect(Number(one(svg, "loss").attrs["data-loss"])).toBe(net.loss(x, t, true));
  });

  test("a saved model's graph, in .svg and .html, on its recorded test set; its PNG decodes and is not blank", async () => {
    const svgPath = join(dir, "model.svg");
    const htmlPath = join(dir, "model.html");
    const svgRun = await cli("graph", "--model", model, "--samples", "4", "--out", svgPath);
    expect(svgRun.stdout).toMatch(new RegExp(`^wrote ${svgPath}: the graph of TwoLayerNet\\(784 -> 50 -> 10, relu\\) from ${model} on the first 4 test digits \\(embedded MNIST\\), loss `));
    expect((await cli("graph", "--model", model, "--samples", "4", "--out", htmlPath)).code).toBe(0);
    const svgText = readFileSync(svgPath, "utf8");
    const svg = parseXml(svgText);
    const { data } = readPageData(readFileSync(htmlPath, "utf8"), htmlPath) as { data: { view: string; trace: { layers: { name: string; x: { shape: number[] } }[]; loss: { loss: number } } } };
    expect(data.view).toBe("graph");
    expect(data.trace.layers.map((l) => l.name)).toEqual(["Affine1", "Relu1", "Affine2"]);
    expect(data.trace.layers[0].x.shape).toEqual([4, 784]);
    expect(data.trace.loss.loss).toBe(Number(one(svg, "loss").attrs["data-loss"]));
    // the html holds the same picture inline
    expect(readFileSync(htmlPath, "utf8")).toContain(svgText.trim());

    const png = Buffer.from(await svgToPng(svgText, 2));
    const decoded = PNG.sync.read(png);
    expect(decoded.width).toBe(2 * Number(svg.attrs.width));
    expect(decoded.height).toBe(2 * Number(svg.attrs.height));
    expect(inkShare(png)).toBeGreaterThan(0.02);
    expect(colourCount(png)).toBeGreaterThan(8);

    // --out FILE.png writes that very picture
    const pngPath = join(dir, "model.png");
    expect((await cli("graph", "--model", model, "--samples", "4", "--out", pngPath)).code).toBe(0);
    expect(readFileSync(pngPath).equals(png)).toBe(true);
  });

  test("--neurons on a penguins model: a column per Affine, the inputs named by their columns", async () => {
    const out = join(dir, "neurons.svg");
    const { code, stdout } = await cli("graph", "--model", penguinsModel, "--neurons", "--out", out);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^wrote .*neurons\.svg: the units of the first sample of TwoLayerNet\(8 -> 5 -> 1, relu\) from .* on the first 3 test rows of penguins \(embedded\), loss /);
    const svg = parseXml(readFileSync(out, "utf8"));
    const count = (layer: string) => byClass(svg, "unit").filter((u) => u.attrs["data-layer"] === layer).length;
    expect([count("x"), count("Affine1"), count("Affine2")]).toEqual([8, 5, 1]);
    const texts = findAll(svg, (n) => n.tag === "text").map((n) => n.text);
    expect(texts).toContain("Beak Length (mm)");
    expect(texts).toContain("Species=Gentoo");
  });

  test("refuses bad flags with one line, writing nothing", async () => {
    const out = join(dir, "never.svg");
    await expectRefused(["graph"], /^backprop graph: --out PATH is required, expected a \.svg, \.html or \.png file$/);
    await expectRefused(["graph", "--out", join(dir, "g.jpg")], /^backprop graph: --out must name a \.svg, \.html or \.png file, got '.*g\.jpg'$/);
    await expectRefused(["graph", "--model", model, "--hidden", "10", "--out", out], /^backprop graph: --hidden cannot be combined with --model: the model has its own net and data$/);
    await expectRefused(["graph", "--model", model, "--seed", "1", "--out", out], /^backprop graph: --seed cannot be combined with --model/);
    await expectRefused(["graph", "--neurons", "--out", out], /^backprop graph: --neurons draws at most 10 units per layer, but the input x has 784; draw the whole net without --neurons$/);
    await expectRefused(["graph", "--dataset", "penguins", "--hidden", "20", "--neurons", "--out", out], /^backprop graph: --neurons draws at most 10 units per layer, but Affine1 has 20; draw the whole net without --neurons$/);
    await expectRefused(["graph", "--samples", "2001", "--out", out], /^backprop graph: --samples must be at most the 2000 test samples, got 2001$/);
    await expectRefused(["graph", "--dataset", "penguins", "--samples", "68", "--out", out], /^backprop graph: --samples must be at most the 67 test samples, got 68$/);
    await expectRefused(["graph", "--samples", "0", "--out", out], /^backprop graph: --samples must be a positive integer, got '0'$/);
    await expectRefused(["graph", "--target", "y", "--out", out], /^backprop graph: --target is for a table \(--dataset penguins or --data FILE\.csv\), not for images$/);
    await expectRefused(["graph", "--dataset", "iris", "--out", out], /^backprop graph: --dataset must be mnist or penguins, got 'iris'$/);
    expect(existsSync(out)).toBe(false);
    // the same flags with a fitting --samples and a net narrow enough are drawn
    expect((await cli("graph", "--dataset", "penguins", "--samples", "67", "--hidden", "10", "--neurons", "--out", out)).code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });
});
