import { describe, expect, it } from "vitest";
import { buyApple, buyAppleGraph } from "../../src/buy-apple.js";
import { buyAppleOrange, buyAppleOrangeGraph } from "../../src/buy-apple-orange.js";
import { computationalGraphSvg, layoutGraph, type ComputationalGraph } from "../../src/visual/computational-graph.js";
import { bookProblems, drawnTexts, overlappingTexts, readGraphSvg, textBox, valuesOnNodes, type BookEdge } from "./computational-graph-parse.js";

// f = x * y + z at x = 3, y = -4, z = 2, worked by hand: x * y = -12, f = -10; df = 1, so dz = 1 and d(xy) = 1,
// dx = y * 1 = -4, dy = x * 1 = 3
const f = (): ComputationalGraph => ({
  title: "f = x * y + z",
  nodes: [
    { id: "x", label: "x", kind: "input" },
    { id: "y", label: "y", kind: "input" },
    { id: "z", label: "z", kind: "input" },
    { id: "mul", label: "×", kind: "op" },
    { id: "add", label: "+", kind: "op" },
    { id: "f", label: "f", kind: "output" },
  ],
  edges: [
    { from: "x", to: "mul", forward: 3, backward: -4 },
    { from: "y", to: "mul", forward: -4, backward: 3 },
    { from: "mul", to: "add", forward: -12, backward: 1 },
    { from: "z", to: "add", forward: 2, backward: 1 },
    { from: "add", to: "f", forward: -10, backward: 1 },
  ],
});

const BY_HAND: Record<string, BookEdge> = {
  "x -> mul": { forward: "3", backward: "-4", book: [3, -4] },
  "y -> mul": { forward: "-4", backward: "3", book: [-4, 3] },
  "mul -> add": { forward: "-12", backward: "1", book: [-12, 1] },
  "z -> add": { forward: "2", backward: "1", book: [2, 1] },
  "add -> f": { forward: "-10", backward: "1", book: [-10, 1] },
};

// the edge group of `from -> to` in `svg`, and the points of its first polyline (the forward arrow)
function edgeGroup(svg: string, from: string, to: string): { markup: string; forwardLine: [number, number][] } {
  const markup = new RegExp(`<g class="edge" data-from="${from}" data-to="${to}">([\\s\\S]*?)</g>`).exec(svg)![1];
  const points = /<polyline points="([^"]*)"/.exec(markup)![1];
  return { markup, forwardLine: points.split(" ").map((p) => p.split(",").map(Number) as [number, number]) };
}

describe("computationalGraphSvg", () => {
  it("draws each node once with its kind and label, and each edge with its values as String(x)", () => {
    const svg = computationalGraphSvg(f());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<g[ >]/g)?.length).toBe(svg.match(/<\/g>/g)?.length);
    const { nodes, edges } = readGraphSvg(svg);
    expect(Object.fromEntries(nodes)).toEqual({
      x: { kind: "input", label: "x" },
      y: { kind: "input", label: "y" },
      z: { kind: "input", label: "z" },
      mul: { kind: "op", label: "×" },
      add: { kind: "op", label: "+" },
      f: { kind: "output", label: "f" },
    });
    expect(edges).toHaveLength(5);
    expect(bookProblems(svg, BY_HAND)).toEqual([]);
  });

  it("puts the forward value above an arrow along a row and the backward one below; up a column, forward left, backward right", () => {
    const svg = computationalGraphSvg(f());
    const along = edgeGroup(svg, "x", "mul");
    const [[, lineY]] = along.forwardLine;
    const [forward, backward] = drawnTexts(along.markup);
    expect(along.forwardLine.every(([, y]) => y === lineY)).toBe(true);
    expect(forward.y).toBeLessThan(lineY);
    expect(backward.y - 14).toBeGreaterThan(lineY);
    // the book's black and red: COLORS.forward and COLORS.backward
    expect(along.markup).toMatch(/<text[^>]*class="forward"[^>]*fill="#1f2937"/);
    expect(along.markup).toMatch(/<text[^>]*class="backward"[^>]*fill="#c2410c"/);

    const up = edgeGroup(svg, "y", "mul");
    const [[lineX, y0], [, y1]] = up.forwardLine;
    expect(up.forwardLine.every(([x]) => x === lineX)).toBe(true);
    expect(y1).toBeLessThan(y0);
    const [upForward, upBackward] = drawnTexts(up.markup);
    expect(upForward.x).toBeLessThan(lineX);
    expect(upBackward.x).toBeGreaterThan(lineX);
  });

  it("holds the legend's words", () => {
    expect(drawnTexts(computationalGraphSvg(f())).map((t) => t.content)).toContain("forward above, in black; backward below, in orange");
  });

  it("a figure with forward and backward swapped on one edge, or gradients on the wrong edges, fails the check", () => {
    const swapped = f();
    swapped.edges[2] = { ...swapped.edges[2], forward: 1, backward: -12 };
    expect(bookProblems(computationalGraphSvg(swapped), BY_HAND)).toEqual(["mul -> add: forward is '1', expected '-12'", "mul -> add: backward is '-12', expected '1'"]);

    const crossed = f();
    crossed.edges[0] = { ...crossed.edges[0], backward: 3 };
    crossed.edges[1] = { ...crossed.edges[1], backward: -4 };
    expect(bookProblems(computationalGraphSvg(crossed), BY_HAND)).toEqual(["x -> mul: backward is '3', expected '-4'", "y -> mul: backward is '-4', expected '3'"]);

    const rewired = f();
    rewired.edges[3] = { ...rewired.edges[3], to: "mul" };
    expect(bookProblems(computationalGraphSvg(rewired), BY_HAND)).toEqual(["z -> add: not drawn", "z -> mul: drawn, but not in the book's figure"]);
  });

  it("a string that reads as the book's only after rounding is caught by the number check", () => {
    const near: Record<string, BookEdge> = { ...BY_HAND, "add -> f": { forward: "-10", backward: "1", book: [-10.000001, 1] } };
    expect(bookProblems(computationalGraphSvg(f()), near)).toEqual(["add -> f: forward -10 is not the book's -10.000001"]);
  });
});

describe("layoutGraph", () => {
  it("puts ops in the column of their longest path from the inputs, a first operand left of its op, a further input below it", () => {
    expect(Object.fromEntries(layoutGraph(f()))).toEqual({
      x: { column: 0, row: 0 },
      y: { column: 1, row: 1 },
      mul: { column: 1, row: 0 },
      z: { column: 2, row: 1 },
      add: { column: 2, row: 0 },
      f: { column: 3, row: 0 },
    });
  });

  it("stacks figure 5-17's orange subtree below the apple one, clear of apple_num and of the edge rising into +", () => {
    // rows: 0 the main line; 1 apple_num under the first × and tax under the last; 2 oranges; 3 orange_num
    expect(Object.fromEntries(layoutGraph(buyAppleOrangeGraph(buyAppleOrange())))).toEqual({
      apple: { column: 0, row: 0 },
      apple_num: { column: 1, row: 1 },
      orange: { column: 0, row: 2 },
      orange_num: { column: 1, row: 3 },
      tax: { column: 3, row: 1 },
      mul1: { column: 1, row: 0 },
      mul2: { column: 1, row: 2 },
      add: { column: 2, row: 0 },
      mul3: { column: 3, row: 0 },
      price: { column: 4, row: 0 },
    });
  });

  it("refuses an edge to an unknown node, a node given twice, and a cycle, naming the graph", () => {
    const g = f();
    expect(() => layoutGraph({ ...g, edges: [...g.edges, { from: "w", to: "add", forward: 0, backward: 0 }] })).toThrow(
      "computationalGraph f = x * y + z: edge 5 (w -> add) names 'w', expected one of the nodes (x, y, z, mul, add, f)",
    );
    expect(() => layoutGraph({ ...g, nodes: [...g.nodes, { id: "x", label: "x", kind: "input" }] })).toThrow("computationalGraph f = x * y + z: node 'x' is given twice, expected unique ids");
    expect(() => layoutGraph({ ...g, edges: [...g.edges, { from: "add", to: "mul", forward: 0, backward: 0 }] })).toThrow(
      /^computationalGraph f = x \* y \+ z: the edges make a cycle through '(mul|add)', expected a DAG$/,
    );
    expect(() => layoutGraph({ ...g, edges: [...g.edges, { from: "f", to: "add", forward: 0, backward: 0 }] })).toThrow(
      "computationalGraph f = x * y + z: edge 5 leaves output 'f', expected outputs to have no outgoing edge",
    );
  });
});

describe("the figures' texts", () => {
  const figures: [string, string][] = [
    ["f", computationalGraphSvg(f())],
    ["figure 5-16", computationalGraphSvg(buyAppleGraph(buyApple()))],
    ["figure 5-17", computationalGraphSvg(buyAppleOrangeGraph(buyAppleOrange()))],
  ];

  it.each(figures)("%s: no two texts overlap and no value covers a node, all inside the picture", (_, svg) => {
    expect(overlappingTexts(svg)).toEqual([]);
    expect(valuesOnNodes(svg)).toEqual([]);
    const width = Number(/<svg[^>]*\swidth="(\d+)"/.exec(svg)![1]);
    const height = Number(/<svg[^>]*\sheight="(\d+)"/.exec(svg)![1]);
    for (const box of drawnTexts(svg).map(textBox)) {
      expect(box.x0).toBeGreaterThan(0);
      expect(box.y0).toBeGreaterThan(0);
      expect(box.x1).toBeLessThan(width);
      expect(box.y1).toBeLessThan(height);
    }
  });

  it("the overlap checks find a value drawn over another and a value drawn on a node", () => {
    const svg = computationalGraphSvg(buyAppleGraph(buyApple()));
    const value = /<text[^>]*class="backward"[^>]*>110\.00000000000001<\/text>/.exec(svg)![0];
    const beside = value.replace(/ x="([\d.]+)"/, (_, x) => ` x="${Number(x) + 30}"`);
    expect(overlappingTexts(svg.replace("</svg>", `${beside}</svg>`))).toEqual(["110.00000000000001 / 110.00000000000001"]);

    const [, cx, cy] = /<g class="node" data-node="mul2"[^>]*><circle cx="([\d.]+)" cy="([\d.]+)"/.exec(svg)!;
    const onNode = value.replace(/ x="[\d.]+" y="[\d.]+"/, ` x="${cx}" y="${cy}"`);
    expect(valuesOnNodes(svg.replace(value, onNode))).toEqual(["110.00000000000001 on mul2"]);
  });
});
