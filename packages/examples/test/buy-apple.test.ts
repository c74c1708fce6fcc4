import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MulLayer } from "@backprop/layers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { buyApple } from "../src/index.js";
import { buyAppleGraph } from "../src/buy-apple.js";
import { computationalGraphSvg } from "../src/visual/computational-graph.js";
import { cli, tempDir } from "./helpers.js";
import { bookProblems, overlappingTexts, readGraphSvg, valuesOnNodes, type BookEdge } from "./visual/computational-graph-parse.js";

// figure 5-16: each edge's forward value and backward derivative, as JavaScript prints them, and the book's numbers;
// 2 * 100 * 1.1 and 1.1 * 100 are 220.00000000000003 and 110.00000000000001 in doubles
const FIGURE_5_16: Record<string, BookEdge> = {
  "apple -> mul1": { forward: "100", backward: "2.2", book: [100, 2.2] },
  "apple_num -> mul1": { forward: "2", backward: "110.00000000000001", book: [2, 110] },
  "mul1 -> mul2": { forward: "200", backward: "1.1", book: [200, 1.1] },
  "tax -> mul2": { forward: "1.1", backward: "200", book: [1.1, 200] },
  "mul2 -> price": { forward: "220.00000000000003", backward: "1", book: [220, 1] },
};

afterEach(() => {
  vi.restoreAllMocks();
});

// the book, 5.4.1: price 220, dapple 2.2, dapple_num 110, dtax 200, as IEEE doubles compute them
describe("buyApple", () => {
  it("gives the book's forward values and backward derivatives, every one of the graph", () => {
    expect(buyApple()).toEqual({
      apple: 100,
      appleNum: 2,
      tax: 1.1,
      applePrice: 200,
      price: 220.00000000000003,
      dprice: 1,
      dApplePrice: 1.1,
      dApple: 2.2,
      dAppleNum: 110.00000000000001,
      dTax: 200,
    });
  });

  it("computes them with the library's two MulLayers, forward then backward", () => {
    const forward = vi.spyOn(MulLayer.prototype, "forward");
    const backward = vi.spyOn(MulLayer.prototype, "backward");
    buyApple();
    expect(forward.mock.calls).toEqual([[100, 2], [200, 1.1]]);
    expect(backward.mock.calls).toEqual([[1], [1.1]]);
  });

  it("prints them as the book's script does", async () => {
    const { code, stdout } = await cli("demo", "buy-apple");
    expect(code).toBe(0);
    expect(stdout).toBe("220.00000000000003\n2.2 110.00000000000001 200\n");
  });
});

describe("demo buy-apple --svg", () => {
  it("draws figure 5-16 with the book's numbers on each edge, prints what it printed before, and says 'wrote FILE' on stderr", async () => {
    const file = join(tempDir(), "apple.svg");
    const { code, stdout, stderr } = await cli("demo", "buy-apple", "--svg", file);
    expect(code).toBe(0);
    expect(stdout).toBe("220.00000000000003\n2.2 110.00000000000001 200\n");
    expect(stderr).toBe(`wrote ${file}\n`);
    const svg = readFileSync(file, "utf8");
    expect(bookProblems(svg, FIGURE_5_16)).toEqual([]);

    const { nodes, edges } = readGraphSvg(svg);
    expect([...nodes].map(([id, n]) => `${id} ${n.kind} ${n.label}`)).toEqual([
      "apple input apple",
      "apple_num input apple_num",
      "tax input tax",
      "mul1 op ×",
      "mul2 op ×",
      "price output price",
    ]);
    // the printed price, dApple, dAppleNum and dTax, word for word, on their edges
    const [price, gradients] = stdout.trim().split("\n");
    const drawn = (from: string, to: string) => edges.find((e) => e.from === from && e.to === to)!;
    expect([drawn("mul2", "price").forward, drawn("apple", "mul1").backward, drawn("apple_num", "mul1").backward, drawn("tax", "mul2").backward]).toEqual([price, ...gradients.split(" ")]);
    expect(overlappingTexts(svg)).toEqual([]);
    expect(valuesOnNodes(svg)).toEqual([]);
  });

  it("the checker fails figure 5-16 with forward and backward swapped, or with dapple and dapple_num on each other's edge", () => {
    const swapped = buyAppleGraph(buyApple());
    swapped.edges[3] = { ...swapped.edges[3], forward: 200, backward: 1.1 };
    expect(bookProblems(computationalGraphSvg(swapped), FIGURE_5_16)).toEqual(["tax -> mul2: forward is '200', expected '1.1'", "tax -> mul2: backward is '1.1', expected '200'"]);

    const crossed = buyAppleGraph(buyApple());
    [crossed.edges[0].backward, crossed.edges[1].backward] = [crossed.edges[1].backward, crossed.edges[0].backward];
    expect(bookProblems(computationalGraphSvg(crossed), FIGURE_5_16)).toEqual([
      "apple -> mul1: backward is '110.00000000000001', expected '2.2'",
      "apple_num -> mul1: backward is '2.2', expected '110.00000000000001'",
    ]);
  });

  it("refuses a FILE that does not end in .svg, in one line, writing and printing nothing", async () => {
    const file = join(tempDir(), "apple.png");
    const { code, stdout, stderr } = await cli("demo", "buy-apple", "--svg", file);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(`backprop demo buy-apple: --svg must be a file name ending in .svg, got '${file}'\n`);
    expect(existsSync(file)).toBe(false);
    expect((await cli("demo", "buy-apple", "--svg", ".svg")).stderr).toBe("backprop demo buy-apple: --svg must be a file name ending in .svg, got '.svg'\n");
  });

  it("refuses a FILE in a folder that does not exist, in one line naming the command and the flag, before printing", async () => {
    const { code, stdout, stderr } = await cli("demo", "buy-apple", "--svg", "/no/such/folder/apple.svg");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe("backprop demo buy-apple: --svg /no/such/folder/apple.svg: folder /no/such/folder does not exist\n");
    // a relative FILE: the folder named as it resolves from the working directory
    const relative = await cli("demo", "buy-apple", "--svg", "missing-folder-for-test/a.svg");
    expect(relative).toEqual({ code: 2, stdout: "", stderr: `backprop demo buy-apple: --svg missing-folder-for-test/a.svg: folder ${join(process.cwd(), "missing-folder-for-test")} does not exist\n` });
  });

  it("refuses a FILE that is a folder, or in a folder that is a file, in one line, before printing", async () => {
    const dir = tempDir();
    const folder = join(dir, "x.svg");
    mkdirSync(folder);
    expect(await cli("demo", "buy-apple", "--svg", folder)).toEqual({ code: 2, stdout: "", stderr: `backprop demo buy-apple: --svg ${folder} is a folder, expected a file name\n` });
    const notFolder = join(dir, "plain");
    writeFileSync(notFolder, "");
    expect(await cli("demo", "buy-apple", "--svg", join(notFolder, "a.svg"))).toEqual({
      code: 2,
      stdout: "",
      stderr: `backprop demo buy-apple: --svg ${join(notFolder, "a.svg")}: ${notFolder} is a file, not a folder\n`,
    });
  });

  it("needs a value for --svg, and lists it in --help", async () => {
    expect(await cli("demo", "buy-apple", "--svg")).toEqual({ code: 2, stdout: "", stderr: "backprop demo buy-apple: --svg needs a value\n" });
    const { code, stdout } = await cli("demo", "buy-apple", "--help");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: backprop demo buy-apple \[flags\]\n[\s\S]*\nFlags:\n {2}--svg FILE {12}also draw the graph/);
  });
});
