// One sample's path through a small net, unit by unit, as the step-by-step derivations write it out: per Affine a
// column of units, each with Z (the Affine's output) and O (the activation's) forward and delta = dL/dZ and dL/dO
// backward, joined to the column before by its weights. Drawn from one traced pass, for the first sample.
import type { LayerTrace, NetTrace } from "@backprop/layers";
import type { Tensor } from "@backprop/core";
import { COLORS, el, escapeXml, svgDocument, text } from "./svg.js";
import { fourDigits, heatColor, textWidth } from "./trace-blocks.js";

/** The widest layer the neuron view draws: its units' numbers and weights stay readable up to here. */
export const MAX_UNITS = 10;

export interface NeuronGraphOptions {
  title?: string;
  /** What the batch is: "the first 3 test rows of penguins". */
  batch?: string;
  /** The inputs' names (a table's columns), drawn beside the input units. */
  inputNames?: string[];
  /** The outputs' names (a classifier's classes, a regression's target). */
  outputNames?: string[];
}

/** An Affine and the element-wise layers after it up to the next Affine (BatchNorm, activation, Dropout). */
interface Column {
  affine: LayerTrace;
  after: LayerTrace[];
}

const MARGIN = 24;
const CARD_W = 124;
const SPAN = 170;
const PITCH = 64;
const R = 11;
const HEAD = 156;

/** The layer too wide for the neuron view (the input is "x"), or undefined when every one fits. */
export function tooWide(trace: NetTrace): { layer: string; width: number } | undefined {
  const width = (t: Tensor): number => t.size / t.shape[0];
  if (width(trace.layers[0].x) > MAX_UNITS) return { layer: "x", width: width(trace.layers[0].x) };
  for (const layer of trace.layers) if (layer.type === "Affine" && width(layer.out) > MAX_UNITS) return { layer: layer.name, width: width(layer.out) };
  return undefined;
}

/**
 * The SVG of sample 0's units: <g class="unit" data-layer="Affine1" data-unit="3" data-z data-o data-delta data-dldo>
 * with texts of class z, o, delta and dldo (the input's <g class="unit input" data-layer="x"> has x and dldx), and
 * <line class="weight" data-from="x:2" data-to="Affine1:3" data-w data-dw> per weight. Refuses a net of a layer
 * wider than MAX_UNITS, or whose first layer is not an Affine.
 */
export function neuronGraphSvg(trace: NetTrace, options: NeuronGraphOptions = {}): string {
  const wide = tooWide(trace);
  if (wide) throw new RangeError(`neuronGraphSvg: ${wide.layer === "x" ? "the input x" : wide.layer} has ${wide.width} units, expected at most ${MAX_UNITS}`);
  const columns = columnsOf(trace);
  const N = trace.layers[0].x.shape[0];
  const inputs = trace.layers[0].x.size / N;
  const widths = [inputs, ...columns.map((c) => c.affine.out.size / N)];
  const tallest = Math.max(...widths);
  const nameW = Math.min(180, Math.max(0, ...(options.inputNames ?? []).map((n) => textWidth(n, 10.5)))) + (options.inputNames ? 24 : 0);
  const outW = Math.min(230, Math.max(0, ...(options.outputNames ?? []).map((n) => textWidth(n, 10.5)))) + 16;
  const colX = (k: number): number => MARGIN + nameW + k * (CARD_W + SPAN);
  const lossX = colX(columns.length) + CARD_W + outW + 24;
  const lines = [
    `The first sample${options.batch ? ` of ${options.batch}` : ""}, in one training step.`,
    "Forward: Z, the Affine's output, and O, the activation's. Backward: δ = dL/dZ and dL/dO. The loss is the batch's mean, so every gradient carries 1/N.",
    "Lines: the weights W (green > 0, pink < 0, width by |w|). Hover over a unit or a line for its exact numbers.",
  ];
  const lossY = HEAD + (tallest * PITCH) / 2 - 40;
  const width = Math.max(lossX + 190, ...lines.map((l) => MARGIN + textWidth(l, 12))) + MARGIN;
  const height = HEAD + tallest * PITCH + 40;
  const unitY = (k: number, j: number): number => HEAD + ((tallest - widths[k]) * PITCH) / 2 + j * PITCH + PITCH / 2;

  const body: string[] = [];
  // weights first, under the cards
  columns.forEach((column, c) => {
    const W = column.affine.params.find((p) => p.key === "W");
    if (!W) return;
    const m = Math.max(...(W.value.abs().flatten().toArray() as number[]), 0);
    const from = c === 0 ? "x" : columns[c - 1].affine.name;
    for (let i = 0; i < widths[c]; i++) {
      for (let j = 0; j < widths[c + 1]; j++) {
        const w = W.value.get(i, j);
        const dw = W.grad.get(i, j);
        body.push(
          el(
            "line",
            { class: "weight", "data-from": `${from}:${i}`, "data-to": `${column.affine.name}:${j}`, "data-w": w, "data-dw": dw, x1: colX(c) + CARD_W, y1: unitY(c, i), x2: colX(c + 1) - R, y2: unitY(c + 1, j), stroke: heatColor(w, m), "stroke-width": m > 0 ? 0.4 + (3.2 * Math.abs(w)) / m : 0.4, opacity: 0.8 },
            el("title", {}, escapeXml(`${W.name}[${i}, ${j}] = ${w}; d${W.name}[${i}, ${j}] = ${dw}`)),
          ),
        );
      }
    }
  });

  const first = trace.layers[0];
  for (let i = 0; i < inputs; i++) {
    const lines: Line[] = [
      { cls: "x", label: "x", v: element(first.x, i), color: COLORS.forward },
      { cls: "dldx", label: "dL/dx", v: element(first.dx, i), color: COLORS.backward },
    ];
    body.push(unitCard({ cls: "unit input", layer: "x", unit: i, x: colX(0), y: unitY(0, i), lines, title: `input ${i}${options.inputNames?.[i] ? ` (${options.inputNames[i]})` : ""}` }));
    const name = options.inputNames?.[i];
    if (name) body.push(text(name, { x: colX(0) - R - 8, y: unitY(0, i) + 4, "text-anchor": "end", "font-size": 10.5, fill: COLORS.muted }));
  }

  columns.forEach((column, c) => {
    const last = c === columns.length - 1;
    const { Z, O, dZ, dO } = unitTensors(column, last, trace);
    for (let j = 0; j < widths[c + 1]; j++) {
      const lines: Line[] = [
        { cls: "z", label: "Z", v: element(Z, j), color: COLORS.forward },
        ...(O ? [{ cls: "o", label: "O", v: element(O, j), color: COLORS.forward }] : []),
        { cls: "delta", label: "δ", v: element(dZ, j), color: COLORS.backward },
        ...(dO ? [{ cls: "dldo", label: "dL/dO", v: element(dO, j), color: COLORS.backward }] : []),
      ];
      const b = column.affine.params.find((p) => p.key === "b");
      const bias = b ? `; ${b.name}[${j}] = ${element(b.value, j)}, d${b.name}[${j}] = ${element(b.grad, j)}` : "";
      body.push(unitCard({ cls: "unit", layer: column.affine.name, unit: j, x: colX(c + 1), y: unitY(c + 1, j), lines, title: `${column.affine.name} unit ${j}${bias}` }));
      const name = last ? options.outputNames?.[j] : undefined;
      if (name) body.push(text(name, { x: colX(c + 1) + CARD_W + 8, y: unitY(c + 1, j) + 4, "font-size": 10.5, fill: COLORS.muted }));
      if (last) body.push(el("line", { x1: colX(c + 1) + CARD_W + (name ? textWidth(name, 10.5) + 14 : 4), y1: unitY(c + 1, j), x2: lossX, y2: lossY + 40, stroke: COLORS.muted, "stroke-width": 0.8 }));
    }
    body.push(columnHead(column, c, last, trace, colX(c + 1)));
  });
  body.push(text("x", { x: colX(0), y: HEAD - 40, "font-size": 12.5, "font-weight": "bold", fill: COLORS.forward }));
  body.push(text(`sample 1 of ${N}`, { x: colX(0), y: HEAD - 24, "font-size": 11, fill: COLORS.muted }));
  body.push(lossBox(trace, options, lossX, lossY));

  const title = options.title ?? trace.net;
  const head = [
    text(`${title}: one sample's path, unit by unit`, { x: MARGIN, y: 28, "font-size": 17, "font-weight": "bold", fill: COLORS.forward }),
    ...lines.map((l, k) => text(l, { x: MARGIN, y: 50 + 17 * k, "font-size": 12, fill: COLORS.muted })),
  ];
  return svgDocument(width, height, `${title}: one sample's units`, head.join("") + body.join(""));
}

/** Splits the Map into an Affine and what follows it, each; the first layer must be an Affine. */
function columnsOf(trace: NetTrace): Column[] {
  const columns: Column[] = [];
  for (const layer of trace.layers) {
    if (layer.type === "Affine") columns.push({ affine: layer, after: [] });
    else if (columns.length === 0) throw new RangeError(`neuronGraphSvg: the first layer must be an Affine, got ${layer.name} (${layer.type})`);
    else columns[columns.length - 1].after.push(layer);
  }
  return columns;
}

/** Z and dL/dZ of the Affine; O and dL/dO after the element-wise layers, or the loss's output for the last Affine. */
function unitTensors(column: Column, last: boolean, trace: NetTrace): { Z: Tensor; O?: Tensor; dZ: Tensor; dO?: Tensor } {
  const { affine, after } = column;
  const end = after[after.length - 1];
  if (end) return { Z: affine.out, O: end.out, dZ: affine.dout, dO: end.dout };
  // the last layer's softmax pairs with the cross-entropy: dL/dZ = (O - t) / N, and no dL/dO of its own is computed
  const out = last && trace.loss.out && trace.loss.out !== trace.loss.y ? trace.loss.out : undefined;
  return { Z: affine.out, O: out, dZ: affine.dout };
}

/** Element j of sample 0. */
function element(t: Tensor, j: number): number {
  return t.ndim === 1 ? t.get(j) : (t.reshape(t.shape[0], t.size / t.shape[0]).get(0, j) as number);
}

interface Line {
  cls: string;
  label: string;
  v: number;
  color: string;
}

function unitCard(u: { cls: string; layer: string; unit: number; x: number; y: number; lines: Line[]; title: string }): string {
  const h = u.lines.length * 12 + 8;
  const exact = u.lines.map((l) => `${l.label} = ${l.v}`).join("; ");
  const data = Object.fromEntries(u.lines.map((l) => [`data-${l.cls}`, l.v]));
  return el(
    "g",
    { class: u.cls, "data-layer": u.layer, "data-unit": u.unit, ...data },
    el("title", {}, escapeXml(`${u.title}: ${exact}`)),
    el("rect", { x: u.x - R - 2, y: u.y - h / 2, width: CARD_W + R + 2, height: h, rx: 6, fill: "#ffffff", stroke: "#d1d5db" }),
    el("circle", { cx: u.x, cy: u.y, r: R, fill: COLORS.node, stroke: COLORS.nodeStroke, "stroke-width": 1.2 }),
    text(String(u.unit), { x: u.x, y: u.y + 4, "text-anchor": "middle", "font-size": 10, "font-weight": "bold", fill: COLORS.forward }),
    ...u.lines.map((l, k) =>
      el("text", { class: l.cls, x: u.x + R + 5, y: u.y - h / 2 + 15 + k * 12, "font-size": 10, fill: l.color }, escapeXml(`${l.label} ${fourDigits(l.v)}`)),
    ),
  );
}

/** The column's name and its formulas: Z = O_prev·W + b, O = f(Z). */
function columnHead(column: Column, c: number, last: boolean, trace: NetTrace, x: number): string {
  const { affine, after } = column;
  const W = affine.params.find((p) => p.key === "W")?.name ?? "W";
  const b = affine.params.find((p) => p.key === "b")?.name ?? "b";
  const input = c === 0 ? "x" : "O";
  let o = "";
  if (after.length > 0) o = `O = ${after.reduce((inner, l) => `${l.type}(${inner})`, "Z").replace(/BatchNormalization/g, "BatchNorm")}`;
  else if (last && trace.loss.out && trace.loss.out !== trace.loss.y) o = "O = softmax(Z)";
  const name = [affine.name, ...after.map((l) => l.name)].join(" → ");
  return el(
    "g",
    { class: "column", "data-layer": affine.name },
    text(name, { x: x - R, y: HEAD - 56, "font-size": textWidth(name, 12.5, true) > CARD_W + SPAN - 20 ? 10.5 : 12.5, "font-weight": "bold", fill: COLORS.forward }),
    text(`Z = ${input}·${W} + ${b}`, { x: x - R, y: HEAD - 40, "font-size": 11, fill: COLORS.forward }),
    o ? text(o, { x: x - R, y: HEAD - 24, "font-size": 11, fill: COLORS.forward }) : "",
  );
}

function lossBox(trace: NetTrace, options: NeuronGraphOptions, x: number, y: number): string {
  const { loss } = trace;
  const t = loss.t;
  const target = t.ndim === 1 ? `t = ${t.get(0)}${options.outputNames?.[t.get(0)] ? ` (${options.outputNames[t.get(0)]})` : ""}` : `t = ${Array.from({ length: t.size / t.shape[0] }, (_, j) => fourDigits(element(t, j))).join(", ")}`;
  return el(
    "g",
    { class: "loss", "data-layer": loss.type, "data-loss": loss.loss },
    el("title", {}, escapeXml(`${loss.type}: L = ${loss.loss} over the batch of ${t.shape[0]}`)),
    el("rect", { x, y, width: 190, height: 80, rx: 7, fill: "#fff7ed", stroke: COLORS.nodeStroke, "stroke-width": 1.2 }),
    text(loss.type, { x: x + 95, y: y + 20, "text-anchor": "middle", "font-size": 12.5, "font-weight": "bold", fill: COLORS.forward }),
    el("text", { class: "target", x: x + 95, y: y + 40, "text-anchor": "middle", "font-size": 11, fill: COLORS.forward }, escapeXml(`${target} (this sample)`)),
    text(`L = ${fourDigits(loss.loss)} (the batch's)`, { x: x + 95, y: y + 62, "text-anchor": "middle", "font-size": 12, "font-weight": "bold", fill: COLORS.forward }),
  );
}
