// The pieces the net's graph and its neuron view draw a tensor with: its numbers (4 significant digits on the
// picture, the exact value in a tooltip) while it is small, else its summary with a heat-map or a histogram.
import type { Tensor } from "@backprop/core";
import { summarize, type TensorSummary } from "@backprop/layers";
import { COLORS, el, escapeXml, text } from "./svg.js";

/** Tensors of at most this many elements are drawn number by number; larger ones as a summary. */
export const MAX_NUMBERS = 12;

/** Numbers on one line of a tensor's block, at most (fewer when they are long). */
export const NUMBERS_PER_LINE = 4;

/** The font size of a block's text, and the pitch of its lines. */
export const BLOCK_FONT = 10;
export const LINE = 12;

/** How many bins a histogram of a summary has. */
export const HISTOGRAM_BINS = 20;

/** The largest grid a heat-map downsamples a matrix to. */
export const HEATMAP_ROWS = 8;
export const HEATMAP_COLS = 28;

/** Heat-map colours: negative, zero and positive (PiYG), apart from the forward and backward text colours. */
export const HEAT = { negative: [197, 27, 125], zero: [255, 255, 255], positive: [39, 100, 25] } as const;

/** `v` to 4 significant digits as the picture shows it: 0.01234, -1.235, 1.235e-5 (an exponent beyond 1e±4). */
export function fourDigits(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e4) return String(Number(v.toPrecision(4)));
  return v.toExponential(3).replace(/\.?0+e/, "e").replace("e+", "e");
}

/** "(3, 50)"; with `batch`, the first dimension as that name: "(N, 50)". */
export function shapeText(shape: readonly number[], batch?: string): string {
  const dims = shape.map((n, k) => (k === 0 && batch !== undefined ? batch : String(n)));
  return `(${dims.join(", ")})`;
}

/** The width of `s` in DejaVu Sans at `size` px, near enough to lay text out (digits are 0.636 em). */
export function textWidth(s: string, size: number, bold = false): number {
  return s.length * size * (bold ? 0.7 : 0.63);
}

/** Something drawn at a place of the caller's choosing, once its size is known. */
export interface Block {
  width: number;
  height: number;
  svg(x: number, y: number): string;
}

export interface TensorBlockOptions {
  /** The block's class: forward, backward, param-value, param-grad, ... */
  cls: string;
  /** The tensor's name in the book's terms: out, dout, W1, dW1. */
  label: string;
  color: string;
  /** What the tooltip says the tensor is, before its exact numbers. */
  title: string;
  width: number;
  /** How a summary pictures the elements: a heat-map of the matrix, or a histogram of its values. */
  picture: "heatmap" | "histogram";
}

/**
 * A tensor as the picture shows it: its label and shape, then its numbers, NUMBERS_PER_LINE to a line (a new line
 * for each row of a matrix); or, beyond MAX_NUMBERS elements, its mean, std, min and max with a heat-map or a
 * histogram. Semantic: <g class="{cls}" data-shape="3,4" data-kind="numbers|summary">, each number a
 * <g class="number" data-index="i,j"> with its exact value in a <title>, each statistic a
 * <tspan class="stat" data-stat="mean">.
 */
export function tensorBlock(t: Tensor, options: TensorBlockOptions): Block {
  return t.size <= MAX_NUMBERS ? numbersBlock(t, options) : summaryBlock(t, options);
}

function header(options: TensorBlockOptions, shape: readonly number[]): string {
  return `${options.label} ${shapeText(shape)}`;
}

function numbersBlock(t: Tensor, options: TensorBlockOptions): Block {
  const values = t.flatten().toArray() as number[];
  const cols = t.ndim >= 2 ? t.size / t.shape[0] : t.size;
  // a column (N, 1) reads as one row of N numbers; a matrix keeps its rows
  const rowLength = cols === 1 ? values.length : cols;
  // as many to a line as the widest number lets fit, up to NUMBERS_PER_LINE
  const widest = Math.max(...values.map((v) => textWidth(fourDigits(v), BLOCK_FONT)));
  const perLine = Math.max(1, Math.min(NUMBERS_PER_LINE, Math.floor(options.width / (widest + 8))));
  const lines: { index: number[]; v: number }[][] = [];
  values.forEach((v, i) => {
    const row = Math.floor(i / rowLength);
    const col = i % rowLength;
    if (col % perLine === 0) lines.push([]);
    const index = t.ndim >= 2 ? (cols === 1 ? [i, 0] : [row, col]) : [i];
    lines[lines.length - 1].push({ index, v });
  });
  const pitch = options.width / perLine;
  const height = LINE * (lines.length + 1) + 2;
  const exact = `${options.title}, ${shapeText(t.shape)}: ${values.map((v) => String(v)).join(", ")}`;
  return {
    width: options.width,
    height,
    svg: (x, y) => {
      const numbers = lines.flatMap((line, k) =>
        line.map(({ index, v }, j) =>
          el("g", { class: "number", "data-index": index.join(",") }, el("title", {}, escapeXml(`${options.label}[${index.join(", ")}] = ${v}`)), text(fourDigits(v), { x: x + j * pitch, y: y + LINE * (k + 2) - 2, "font-size": BLOCK_FONT, fill: options.color })),
        ),
      );
      return el(
        "g",
        { class: options.cls, "data-shape": t.shape.join(","), "data-kind": "numbers" },
        el("title", {}, escapeXml(exact)),
        text(header(options, t.shape), { x, y: y + LINE - 2, "font-size": BLOCK_FONT, "font-weight": "bold", fill: options.color }),
        ...numbers,
      );
    },
  };
}

function stat(name: string, s: TensorSummary): string {
  const v = s[name as "mean"];
  return el("tspan", { class: "stat", "data-stat": name }, escapeXml(`${name} ${fourDigits(v)}`));
}

function summaryBlock(t: Tensor, options: TensorBlockOptions): Block {
  const s = summarize(t, HISTOGRAM_BINS);
  const exact = `${options.title}, ${shapeText(t.shape)}: mean ${s.mean}, std ${s.std}, min ${s.min}, max ${s.max}`;
  const textLines = (x: number, y: number): string[] => [
    text(header(options, t.shape), { x, y: y + LINE - 2, "font-size": BLOCK_FONT, "font-weight": "bold", fill: options.color }),
    el("text", { x, y: y + 2 * LINE - 2, "font-size": BLOCK_FONT, fill: options.color }, stat("mean", s), " ", stat("std", s)),
    el("text", { x, y: y + 3 * LINE - 2, "font-size": BLOCK_FONT, fill: options.color }, stat("min", s), " ", stat("max", s)),
  ];
  const attrs = { class: options.cls, "data-shape": t.shape.join(","), "data-kind": "summary" };
  if (options.picture === "histogram") {
    // the histogram beside the three lines, at the block's right
    const w = 46;
    const h = 3 * LINE - 2;
    return {
      width: options.width,
      height: 3 * LINE + 2,
      svg: (x, y) => el("g", attrs, el("title", {}, escapeXml(exact)), ...textLines(x, y), histogram(s, x + options.width - w, y + 2, w, h, options.color)),
    };
  }
  const map = heatmap(t, options.width);
  return {
    width: options.width,
    height: 3 * LINE + 4 + map.height,
    svg: (x, y) => el("g", attrs, el("title", {}, escapeXml(exact)), ...textLines(x, y), map.svg(x, y + 3 * LINE + 4)),
  };
}

/** The colour of v in [-m, m] on the heat-map's scale. */
export function heatColor(v: number, m: number): string {
  const f = m > 0 && Number.isFinite(v) ? Math.max(-1, Math.min(1, v / m)) : 0;
  const end = f < 0 ? HEAT.negative : HEAT.positive;
  const a = Math.abs(f);
  const c = HEAT.zero.map((z, k) => Math.round(z + (end[k] - z) * a));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/**
 * The matrix (rows: the first dimension, columns: the rest flattened) downsampled to at most HEATMAP_ROWS x
 * HEATMAP_COLS cells, each the mean of its block of elements, coloured on one scale from -m to m, m the largest
 * |cell|. <g class="heatmap" data-rows data-cols data-scale>.
 */
export function heatmap(t: Tensor, width: number): Block {
  const R = t.ndim >= 2 ? t.shape[0] : 1;
  const C = t.size / R;
  const data = (t.isContiguous ? t : t.copy()).contiguousData();
  const rows = Math.min(R, HEATMAP_ROWS);
  const cols = Math.min(C, HEATMAP_COLS);
  const cells: number[][] = [];
  let m = 0;
  for (let i = 0; i < rows; i++) {
    const r0 = Math.floor((i * R) / rows);
    const r1 = Math.floor(((i + 1) * R) / rows);
    cells.push([]);
    for (let j = 0; j < cols; j++) {
      const c0 = Math.floor((j * C) / cols);
      const c1 = Math.floor(((j + 1) * C) / cols);
      let sum = 0;
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) sum += data[r * C + c];
      const v = sum / ((r1 - r0) * (c1 - c0));
      cells[i].push(v);
      if (Math.abs(v) > m) m = Math.abs(v);
    }
  }
  const cw = Math.min(12, Math.floor(width / cols));
  const ch = rows <= 3 ? 9 : 7;
  return {
    width: cw * cols,
    height: ch * rows,
    svg: (x, y) =>
      el(
        "g",
        { class: "heatmap", "data-rows": rows, "data-cols": cols, "data-scale": m },
        ...cells.flatMap((row, i) => row.map((v, j) => el("rect", { x: x + j * cw, y: y + i * ch, width: cw, height: ch, fill: heatColor(v, m) }))),
        el("rect", { x, y, width: cw * cols, height: ch * rows, fill: "none", stroke: "#d1d5db", "stroke-width": 0.5 }),
      ),
  };
}

/** The summary's histogram as bars in `color`, with a mark where 0 is. <g class="histogram" data-counts>. */
function histogram(s: TensorSummary, x: number, y: number, w: number, h: number, color: string): string {
  const { counts, min, max } = s.histogram;
  const top = Math.max(1, ...counts);
  const bw = w / counts.length;
  const bars = counts.map((n, k) => (n === 0 ? "" : el("rect", { x: x + k * bw, y: y + h - (h * n) / top, width: Math.max(0.5, bw - 0.4), height: (h * n) / top, fill: color, opacity: 0.75 })));
  const zero = min < 0 && max > 0 ? el("line", { x1: x + (w * -min) / (max - min), x2: x + (w * -min) / (max - min), y1: y - 1, y2: y + h + 1, stroke: COLORS.muted, "stroke-width": 0.6, "stroke-dasharray": "2,1" }) : "";
  return el("g", { class: "histogram", "data-counts": counts.join(",") }, el("line", { x1: x, x2: x + w, y1: y + h, y2: y + h, stroke: COLORS.muted, "stroke-width": 0.6 }), ...bars, zero);
}
