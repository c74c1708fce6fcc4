import { describe, expect, test } from "vitest";
import { Random, rand, randn, tensor, type Tensor } from "@backprop/core";
import { MultiLayerNet, MultiLayerNetExtend, Net, TwoLayerNet, numericalGradient, traceNet } from "@backprop/layers";
import { netGraphSvg } from "../../src/visual/net-graph.js";
import { fourDigits } from "../../src/visual/trace-blocks.js";
import { agrees, byClass, findAll, one, parseXml, shownNumbers, shownStats, textOf, type XmlNode } from "./net-graph-parse.js";

/** A net small enough that every tensor of a batch of 3 has at most 12 elements: 3 -> 2 -> 2, tanh, weight decay. */
function tinyNet(): Net {
  return new MultiLayerNet(3, [2], 2, { activation: "tanh", weightDecayLambda: 0.1, seed: 3, weightInitStd: 0.8 });
}
const x = randn([3, 3], new Random("graph-x"));
const t = tensor([1, 0, 1]);

/** The elements of a tensor by index "i,j" (or "i"). */
function byIndex(v: Tensor): Map<string, number> {
  const values = v.flatten().toArray() as number[];
  const cols = v.ndim >= 2 ? v.size / v.shape[0] : v.size;
  return new Map(values.map((e, k) => [v.ndim >= 2 ? `${Math.floor(k / cols)},${k % cols}` : `${k}`, e]));
}

/** Every number of `block` agrees with `expected` (4 digits), numerical values within `slack` besides. */
function expectNumbers(block: XmlNode, expected: Tensor, where: string, slack = 0): void {
  const shown = shownNumbers(block);
  const want = byIndex(expected);
  expect([...shown.keys()].sort(), where).toEqual([...want.keys()].sort());
  for (const [index, v] of want) {
    const s = shown.get(index) as string;
    expect(agrees(s, v) || Math.abs(Number(s) - v) <= slack, `${where}[${index}]: shown ${s}, expected ${v}`).toBe(true);
  }
}

function edgeOf(svg: XmlNode, from: string, to: string): XmlNode {
  const edges = findAll(svg, (n) => n.attrs.class === "edge" && n.attrs["data-from"] === from && n.attrs["data-to"] === to);
  expect(edges, `edge ${from} -> ${to}`).toHaveLength(1);
  return edges[0];
}

describe("netGraphSvg", () => {
  test("shows 4 significant digits, an exponent beyond 1e±4", () => {
    expect([0.0123456, -1.23456, 12345.6, 1.23456e-5, 0, -0.001, 2e-7].map(fourDigits)).toEqual(["0.01235", "-1.235", "1.235e4", "1.235e-5", "0", "-0.001", "2e-7"]);
  });

  test("a tiny net's edges carry the forward values and the backward gradients, number by number", () => {
    const net = tinyNet();
    const saved = net.state();
    const svg = parseXml(netGraphSvg(traceNet(net, x, t)));
    const layers = [...net.layers];
    net.restore(saved);

    // forward: the output of the net cut after each layer; backward: dL/d(that output) by central differences
    // through the rest of the net (the weight decay does not depend on it)
    const inputs = [x, ...layers.map((_, k) => new Net(layers.slice(0, k + 1), net.lastLayer).predict(x, true))];
    const dL = (k: number): Tensor => {
      const tail = new Net(layers.slice(k), net.lastLayer);
      return numericalGradient((h) => net.lastLayer.forward(tail.predict(h, true), t), inputs[k].copy());
    };
    const names = ["x", ...layers.map(([name]) => name), "SoftmaxWithLoss"];
    for (let k = 0; k < names.length - 1; k++) {
      const edge = edgeOf(svg, names[k], names[k + 1]);
      const forward = one(edge, "forward");
      expect(forward.attrs["data-kind"]).toBe("numbers");
      expectNumbers(forward, inputs[k], `forward ${names[k]} -> ${names[k + 1]}`);
      // the tooltips hold the exact values: the cut net's, to the bit
      const exact = byClass(forward, "number").map((n) => Number(/= (\S+)$/.exec(n.children.find((c) => c.tag === "title")!.text)![1]));
      expect(exact).toEqual(inputs[k].flatten().toArray());
      const backward = one(edge, "backward");
      const grad = k < layers.length ? dL(k) : numericalGradient((y) => net.lastLayer.forward(y, t), inputs[k].copy());
      expectNumbers(backward, grad, `backward ${names[k + 1]} -> ${names[k]}`, 1e-8);
    }

    // the parameters with net.gradient's gradients, weight decay included
    net.restore(saved);
    const grads = net.gradient(x, t);
    const params = byClass(svg, "param");
    expect(params.map((p) => p.attrs["data-param"])).toEqual(Object.keys(net.params));
    for (const p of params) {
      const name = p.attrs["data-param"];
      expectNumbers(one(p, "param-value"), net.params[name], name);
      expectNumbers(one(p, "param-grad"), grads[name], `d${name}`);
    }
    net.restore(saved);
    const loss = one(svg, "loss");
    expect(Number(loss.attrs["data-loss"])).toBe(net.loss(x, t, true));
    expect(textOf(one(loss, "loss-value"))).toBe(`L = ${fourDigits(net.loss(x, t, true))}`);
  });

  test("the comparison of shown numbers fails on a value 1% off, and on a number of another sample", () => {
    const net = tinyNet();
    const svg = parseXml(netGraphSvg(traceNet(net, x, t)));
    const shown = shownNumbers(one(edgeOf(svg, "x", "Affine1"), "forward"));
    expect(agrees(shown.get("0,0")!, x.get(0, 0))).toBe(true);
    expect(agrees(shown.get("0,0")!, x.get(0, 0) * 1.01)).toBe(false);
    expect(agrees(shown.get("0,0")!, x.get(1, 0))).toBe(false);
  });

  test("every layer is a node in the Map's order, with its op and its shapes, the loss last", () => {
    const net = new MultiLayerNetExtend(784, [100, 50], 10, { useBatchnorm: true, useDropout: true, dropoutRatio: 0.2 });
    const svg = parseXml(netGraphSvg(traceNet(net, rand([5, 784], new Random("images")), tensor([0, 1, 2, 3, 4]))));
    const nodes = byClass(svg, "layer").map((n) => [n.attrs["data-layer"], n.attrs["data-op"], n.attrs["data-in"], n.attrs["data-out"]]);
    expect(nodes).toEqual([
      ["Affine1", "Affine", "N,784", "N,100"],
      ["BatchNorm1", "BatchNormalization", "N,100", "N,100"],
      ["Activation_function1", "Relu", "N,100", "N,100"],
      ["Dropout1", "Dropout", "N,100", "N,100"],
      ["Affine2", "Affine", "N,100", "N,50"],
      ["BatchNorm2", "BatchNormalization", "N,50", "N,50"],
      ["Activation_function2", "Relu", "N,50", "N,50"],
      ["Dropout2", "Dropout", "N,50", "N,50"],
      ["Affine3", "Affine", "N,50", "N,10"],
    ]);
    const affine1 = byClass(svg, "layer")[0];
    expect(findAll(affine1, (n) => n.tag === "text").map(textOf)).toEqual(["Affine1 · Affine", "x (N, 784) -> out (N, 100)", "W (784, 100), b (100)"]);
    expect(byClass(svg, "param").map((p) => `${p.attrs["data-param"]} ${p.attrs["data-shape"]}`)).toEqual([
      "W1 784,100", "b1 100", "gamma1 100", "beta1 100", "W2 100,50", "b2 50", "gamma2 50", "beta2 50", "W3 50,10", "b3 10",
    ]);
    expect(one(svg, "loss").attrs["data-layer"]).toBe("SoftmaxWithLoss");
    // the chain: data -> each layer -> the loss, one edge each, the summaries shaped as the tensors
    const edges = byClass(svg, "edge");
    expect(edges.map((e) => `${e.attrs["data-from"]}>${e.attrs["data-to"]}`)).toEqual(
      ["x", ...net.layers.keys()].map((from, k, all) => `${from}>${all[k + 1] ?? "SoftmaxWithLoss"}`),
    );
    expect(edges.map((e) => one(e, "forward").attrs["data-shape"])).toEqual(["5,784", "5,100", "5,100", "5,100", "5,100", "5,50", "5,50", "5,50", "5,50", "5,10"]);
    expect(edges.every((e) => one(e, "backward").attrs["data-shape"] === one(e, "forward").attrs["data-shape"])).toBe(true);
  });

  test("a summary's mean, std, min and max are the tensor's, and its heat-map has a row per sample while there are at most 8", () => {
    const net = new TwoLayerNet(20, 8, 3, { seed: 1, weightInitStd: 0.5 });
    const xs = randn([4, 20], new Random("summary"));
    const svg = parseXml(netGraphSvg(traceNet(net, xs, tensor([0, 1, 2, 0]))));
    const block = one(edgeOf(svg, "x", "Affine1"), "forward");
    expect(block.attrs["data-kind"]).toBe("summary");
    const values = xs.flatten().toArray() as number[];
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    const stats = shownStats(block);
    expect(agrees(stats.mean, mean) && agrees(stats.std, std) && agrees(stats.min, Math.min(...values)) && agrees(stats.max, Math.max(...values))).toBe(true);
    expect(agrees(stats.std, Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)))).toBe(false);
    const map = one(block, "heatmap");
    expect([map.attrs["data-rows"], map.attrs["data-cols"]]).toEqual(["4", "20"]);
    expect(findAll(map, (n) => n.tag === "rect")).toHaveLength(4 * 20 + 1);
  });

  test("beyond 8 samples and 28 columns, its heat-map has 8 x 28 cells, each the mean of its block of samples and columns", () => {
    const net = new TwoLayerNet(30, 8, 3, { seed: 1, weightInitStd: 0.5 });
    const xs = randn([20, 30], new Random("blocks"));
    const svg = parseXml(netGraphSvg(traceNet(net, xs, tensor(Array.from({ length: 20 }, (_, n) => n % 3)))));
    const map = one(one(edgeOf(svg, "x", "Affine1"), "forward"), "heatmap");
    expect([map.attrs["data-rows"], map.attrs["data-cols"]]).toEqual(["8", "28"]);
    // 20 samples into 8 rows: blocks of 2 or 3 (row i holds samples floor(20i/8) up to floor(20(i+1)/8));
    // 30 columns into 28: one column each, but columns 13-14 and 28-29 share a cell
    const rowBlocks = [[0, 2], [2, 5], [5, 7], [7, 10], [10, 12], [12, 15], [15, 17], [17, 20]];
    const colBlocks = [...Array.from({ length: 13 }, (_, c) => [c, c + 1]), [13, 15], ...Array.from({ length: 13 }, (_, k) => [15 + k, 16 + k]), [28, 30]];
    expect(colBlocks).toHaveLength(28);
    const X = xs.toArray() as number[][];
    const blockMean = ([r0, r1]: number[], [c0, c1]: number[]): number => {
      let sum = 0;
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) sum += X[r][c];
      return sum / ((r1 - r0) * (c1 - c0));
    };
    const means = rowBlocks.map((rows) => colBlocks.map((cols) => blockMean(rows, cols)));
    const scale = Math.max(...means.flat().map(Math.abs));
    expect(Number(map.attrs["data-scale"])).toBeCloseTo(scale, 12);
    const colours = (grid: number[][]): string[][] => grid.map((row) => row.map((v) => cellColour(v, scale)));
    expect(heatCells(map)).toEqual(colours(means));

    // twins: the first sample of each block, the first 8 samples, or the first 28 columns drawn instead would fail
    const drawn = heatCells(map);
    expect(drawn).not.toEqual(colours(rowBlocks.map(([r0]) => colBlocks.map((cols) => blockMean([r0, r0 + 1], cols)))));
    expect(drawn).not.toEqual(colours(rowBlocks.map((_, i) => colBlocks.map((cols) => blockMean([i, i + 1], cols)))));
    expect(drawn).not.toEqual(colours(rowBlocks.map((rows) => colBlocks.map((_, j) => blockMean(rows, [j, j + 1])))));
  });

  test("wraps a long chain into rows, with no two texts on top of each other", () => {
    const nets: [string, Net, Tensor, Tensor][] = [
      ["TwoLayerNet", new TwoLayerNet(784, 50, 10), rand([3, 784], new Random("a")), tensor([1, 2, 3])],
      ["MultiLayerNet of 5 hidden layers", new MultiLayerNet(784, [100, 100, 100, 100, 100], 10), rand([3, 784], new Random("b")), tensor([1, 2, 3])],
      ["batch norm and dropout", new MultiLayerNetExtend(8, [4], 3, { useBatchnorm: true, useDropout: true, weightDecayLambda: 0.1 }), randn([3, 8], new Random("c")), tensor([0, 1, 2])],
    ];
    for (const [name, net, xs, ts] of nets) {
      const svg = parseXml(netGraphSvg(traceNet(net, xs, ts), { batch: "the first 3 test digits (embedded MNIST)" }));
      const boxes = textBoxes(svg);
      const width = Number(svg.attrs.width);
      for (const b of boxes) expect(b.x1 <= width && b.x0 >= 0, `${name}: "${b.text}" inside the picture`).toBe(true);
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i], boxes[j]];
          const overlap = a.x0 < b.x1 - 1 && b.x0 < a.x1 - 1 && a.y0 < b.y1 - 1 && b.y0 < a.y1 - 1;
          expect(overlap, `${name}: "${a.text}" and "${b.text}" overlap`).toBe(false);
        }
      }
    }
    // 11 layers and the loss, 4 to a row: three rows, joined by two connectors
    const svg = parseXml(netGraphSvg(traceNet(nets[1][1], nets[1][2], nets[1][3])));
    expect(byClass(svg, "wrap")).toHaveLength(2);
  });
});

/** The heat-map's cells as a grid of colours [row][col], by their positions (the frame, fill none, left out). */
function heatCells(map: XmlNode): string[][] {
  const cells = findAll(map, (n) => n.tag === "rect" && n.attrs.fill !== "none");
  const ys = [...new Set(cells.map((c) => Number(c.attrs.y)))].sort((a, b) => a - b);
  const xs = [...new Set(cells.map((c) => Number(c.attrs.x)))].sort((a, b) => a - b);
  const grid = ys.map(() => xs.map(() => ""));
  for (const c of cells) grid[ys.indexOf(Number(c.attrs.y))][xs.indexOf(Number(c.attrs.x))] = c.attrs.fill;
  return grid;
}

/** The colour of v on a scale -m..m, PiYG: white at 0, rgb(197,27,125) at -m, rgb(39,100,25) at m, linear between. */
function cellColour(v: number, m: number): string {
  const f = Math.max(-1, Math.min(1, v / m));
  const end = f < 0 ? [197, 27, 125] : [39, 100, 25];
  const c = end.map((e) => Math.round(255 + (e - 255) * Math.abs(f)));
  return `rgb(${c.join(",")})`;
}

/** Each text's box, from its position, anchor and size (DejaVu Sans: digits 0.64 em, most letters less, bold 0.7). */
function textBoxes(svg: XmlNode): { text: string; x0: number; x1: number; y0: number; y1: number }[] {
  return findAll(svg, (n) => n.tag === "text").map((n) => {
    const s = textOf(n);
    const size = Number(n.attrs["font-size"] ?? 12);
    const w = s.length * size * (n.attrs["font-weight"] === "bold" ? 0.66 : 0.6);
    const x = Number(n.attrs.x);
    const x0 = n.attrs["text-anchor"] === "middle" ? x - w / 2 : n.attrs["text-anchor"] === "end" ? x - w : x;
    const y = Number(n.attrs.y);
    return { text: s, x0, x1: x0 + w, y0: y - 0.75 * size, y1: y + 0.2 * size };
  });
}
