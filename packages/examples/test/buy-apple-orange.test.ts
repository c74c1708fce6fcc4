import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AddLayer, MulLayer } from "@backprop/layers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { buyAppleOrange } from "../src/index.js";
import { buyAppleOrangeGraph } from "../src/buy-apple-orange.js";
import { computationalGraphSvg } from "../src/visual/computational-graph.js";
import { cli, tempDir } from "./helpers.js";
import { bookProblems, overlappingTexts, readGraphSvg, valuesOnNodes, type BookEdge } from "./visual/computational-graph-parse.js";

// figure 5-17: each edge's forward value and backward derivative, as JavaScript prints them, and the book's numbers;
// 650 * 1.1, 1.1 * 100 and 1.1 * 3 are 715.0000000000001, 110.00000000000001 and 3.3000000000000003 in doubles
const FIGURE_5_17: Record<string, BookEdge> = {
  "apple -> mul1": { forward: "100", backward: "2.2", book: [100, 2.2] },
  "apple_num -> mul1": { forward: "2", backward: "110.00000000000001", book: [2, 110] },
  "orange -> mul2": { forward: "150", backward: "3.3000000000000003", book: [150, 3.3] },
  "orange_num -> mul2": { forward: "3", backward: "165", book: [3, 165] },
  "mul1 -> add": { forward: "200", backward: "1.1", book: [200, 1.1] },
  "mul2 -> add": { forward: "450", backward: "1.1", book: [450, 1.1] },
  "add -> mul3": { forward: "650", backward: "1.1", book: [650, 1.1] },
  "tax -> mul3": { forward: "1.1", backward: "650", book: [1.1, 650] },
  "mul3 -> price": { forward: "715.0000000000001", backward: "1", book: [715, 1] },
};

afterEach(() => {
  vi.restoreAllMocks();
});

// the book, 5.4.2: (2 * 100 + 3 * 150) * 1.1 is 715.0000000000001 in doubles (the book's Python prints the same)
describe("buyAppleOrange", () => {
  it("gives the book's forward values and backward derivatives, every one of the graph", () => {
    expect(buyAppleOrange()).toEqual({
      apple: 100,
      appleNum: 2,
      orange: 150,
      orangeNum: 3,
      tax: 1.1,
      applePrice: 200,
      orangePrice: 450,
      allPrice: 650,
      price: 715.0000000000001,
      dprice: 1,
      dAllPrice: 1.1,
      dApplePrice: 1.1,
      dOrangePrice: 1.1,
      dApple: 2.2,
      dAppleNum: 110.00000000000001,
      dOrange: 3.3000000000000003,
      dOrangeNum: 165,
      dTax: 650,
    });
  });

  it("computes them with the library's three MulLayers and one AddLayer, in the book's order", () => {
    const mulForward = vi.spyOn(MulLayer.prototype, "forward");
    const mulBackward = vi.spyOn(MulLayer.prototype, "backward");
    const addForward = vi.spyOn(AddLayer.prototype, "forward");
    const addBackward = vi.spyOn(AddLayer.prototype, "backward");
    buyAppleOrange();
    expect(mulForward.mock.calls).toEqual([[100, 2], [150, 3], [650, 1.1]]);
    expect(addForward.mock.calls).toEqual([[200, 450]]);
    expect(mulBackward.mock.calls).toEqual([[1], [1.1], [1.1]]);
    expect(addBackward.mock.calls).toEqual([[1.1]]);
  });

  it("prints them as the book's script does", async () => {
    const { code, stdout } = await cli("demo", "buy-apple-orange");
    expect(code).toBe(0);
    expect(stdout).toBe("715.0000000000001\n110.00000000000001 2.2 3.3000000000000003 165 650\n");
  });
});

describe("demo buy-apple-orange --svg", () => {
  it("draws figure 5-17 with the book's numbers on each edge, prints what it printed before, and says 'wrote FILE' on stderr", async () => {
    const file = join(tempDir(), "apple-orange.svg");
    const { code, stdout, stderr } = await cli("demo", "buy-apple-orange", "--svg", file);
    expect(code).toBe(0);
    expect(stdout).toBe("715.0000000000001\n110.00000000000001 2.2 3.3000000000000003 165 650\n");
    expect(stderr).toBe(`wrote ${file}\n`);
    const svg = readFileSync(file, "utf8");
    expect(bookProblems(svg, FIGURE_5_17)).toEqual([]);

    const { nodes, edges } = readGraphSvg(svg);
    expect([...nodes].map(([id, n]) => `${id} ${n.kind} ${n.label}`)).toEqual([
      "apple input apple",
      "apple_num input apple_num",
      "orange input orange",
      "orange_num input orange_num",
      "tax input tax",
      "mul1 op ×",
      "mul2 op ×",
      "add op +",
      "mul3 op ×",
      "price output price",
    ]);
    // the printed price, dAppleNum, dApple, dOrange, dOrangeNum and dTax, word for word, on their edges
    const [price, gradients] = stdout.trim().split("\n");
    const drawn = (from: string, to: string) => edges.find((e) => e.from === from && e.to === to)!;
    expect([
      drawn("mul3", "price").forward,
      drawn("apple_num", "mul1").backward,
      drawn("apple", "mul1").backward,
      drawn("orange", "mul2").backward,
      drawn("orange_num", "mul2").backward,
      drawn("tax", "mul3").backward,
    ]).toEqual([price, ...gradients.split(" ")]);
    expect(overlappingTexts(svg)).toEqual([]);
    expect(valuesOnNodes(svg)).toEqual([]);
  });

  it("the checker fails figure 5-17 with forward and backward swapped, or with dorange on the apple's edge", () => {
    const swapped = buyAppleOrangeGraph(buyAppleOrange());
    swapped.edges[6] = { ...swapped.edges[6], forward: 1.1, backward: 650 };
    expect(bookProblems(computationalGraphSvg(swapped), FIGURE_5_17)).toEqual(["add -> mul3: forward is '1.1', expected '650'", "add -> mul3: backward is '650', expected '1.1'"]);

    const misplaced = buyAppleOrangeGraph(buyAppleOrange());
    misplaced.edges[0] = { ...misplaced.edges[0], backward: misplaced.edges[2].backward };
    expect(bookProblems(computationalGraphSvg(misplaced), FIGURE_5_17)).toEqual(["apple -> mul1: backward is '3.3000000000000003', expected '2.2'"]);
  });

  it("refuses a FILE that does not end in .svg, in one line, and lists --svg in --help", async () => {
    expect(await cli("demo", "buy-apple-orange", "--svg", "graph.html")).toEqual({
      code: 2,
      stdout: "",
      stderr: "backprop demo buy-apple-orange: --svg must be a file name ending in .svg, got 'graph.html'\n",
    });
    expect((await cli("demo", "buy-apple-orange", "--help")).stdout).toMatch(/\nFlags:\n {2}--svg FILE {12}also draw the graph/);
  });

  it("refuses a FILE in a folder that does not exist, in one line naming the command and the flag, before printing", async () => {
    const folder = join(tempDir(), "missing");
    expect(await cli("demo", "buy-apple-orange", "--svg", join(folder, "a.svg"))).toEqual({
      code: 2,
      stdout: "",
      stderr: `backprop demo buy-apple-orange: --svg ${join(folder, "a.svg")}: folder ${folder} does not exist\n`,
    });
  });
});
