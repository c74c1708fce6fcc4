/// <reference lib="dom" />
// The net drawn as layers of neurons: each neuron a small heat-map of its output over the plane, each link an SVG line
// coloured by the sign of its weight and as wide as its magnitude. The backward view redraws the same links with
// dL/dW of the last batch and the neurons with their δ (= db, the batch's dL/dZ summed; with batch norm, whose mean
// subtraction makes db 0, the following BatchNorm's dβ, the batch's dL/d(BN output) summed), on one scale for the whole
// net, so that gradients fading toward the input (sigmoid) show against ReLU's. Every link carries data-param, data-i,
// data-j, data-weight and data-grad; every neuron data-layer, data-unit, data-bias, data-grad (the gradient the backward
// view draws) and data-value.
import type { Tensor } from "@backprop/core";
import type { Net } from "@backprop/layers";
import { CLASS_COLORS, NEUTRAL, diverging, mix, signColor } from "./colors.js";
import { el, fmt, svgEl } from "./dom.js";
import { planeGrid } from "../neuron-images.js";
import { paintGrid, paintUnit } from "./heatmap.js";

export type ViewMode = "forward" | "backward";

/** The widths of the drawing, in CSS pixels. */
const NEURON = 40;
const GAP = 10;
const COLUMN = 130;
const TOP = 22;
const MAX_LINK_WIDTH = 6;
const MIN_LINK_WIDTH = 0.4;

/** What a redraw shows: the neurons' pictures (input, hidden..., output), the gradients, the sample's outputs. */
export interface NetworkFrame {
  net: Net;
  /** Each column's units' images over the grid, input first. */
  images: Float64Array[][];
  res: number;
  grads?: Record<string, Tensor>;
  /** Whether the output column holds class probabilities (each drawn in its class's colour). */
  classProbabilities: boolean;
  /** The step-through sample's output of each unit, by column (input first), when one is traced. */
  sampleValues?: number[][];
}

/** Lines of the tooltip for what the pointer is on, given by the page (it knows the step-through's numbers). */
export interface HoverText {
  link(k: number, i: number, j: number): string[];
  neuron(column: number, j: number): string[];
}

interface LinkNode {
  line: SVGLineElement;
  param: string;
  i: number;
  j: number;
}

interface NeuronNode {
  box: HTMLElement;
  canvas: HTMLCanvasElement;
  column: number;
  unit: number;
}

/** The column sizes of a net of Affines W1..WL: [inputs, hidden..., outputs]. */
export function columnSizes(net: Net): number[] {
  const sizes: number[] = [];
  for (let k = 1; net.params[`W${k}`]; k++) {
    const W = net.params[`W${k}`];
    if (k === 1) sizes.push(W.shape[0]);
    sizes.push(W.shape[1]);
  }
  return sizes;
}

/**
 * The network drawing in `root`: columns of neuron pictures joined by SVG links, in the forward mode (outputs and
 * weights) or the backward one (the last batch's gradients); `hover` gives the tooltips' lines.
 */
export class NetworkView {
  mode: ViewMode = "forward";
  private sizes: number[] = [];
  private links: LinkNode[] = [];
  private neurons: NeuronNode[] = [];
  private readonly svg: SVGSVGElement;
  private readonly layer: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly summaries: HTMLElement[] = [];

  constructor(private readonly root: HTMLElement, private readonly hover: HoverText) {
    this.svg = svgEl("svg", { class: "links" });
    this.layer = el("div", { class: "neurons" });
    this.tooltip = el("div", { id: "tooltip", class: "tooltip", hidden: true });
    root.replaceChildren(this.svg, this.layer, this.tooltip);
    root.addEventListener("mouseleave", () => (this.tooltip.hidden = true));
  }

  /** Draws the frame: the structure anew when the net's sizes changed, else only colours, widths and pictures. */
  draw(frame: NetworkFrame): void {
    const sizes = columnSizes(frame.net);
    if (sizes.join() !== this.sizes.join()) this.build(sizes);
    const { net, grads } = frame;
    const backward = this.mode === "backward" && grads !== undefined;
    this.root.dataset.mode = backward ? "backward" : "forward";
    let maxW = 0;
    let maxG = 0;
    let maxDelta = 0;
    for (let k = 1; k < sizes.length; k++) {
      maxW = Math.max(maxW, maxAbs(net.params[`W${k}`]));
      if (grads) {
        maxG = Math.max(maxG, maxAbs(grads[`W${k}`]));
        maxDelta = Math.max(maxDelta, maxAbs(unitGrad(grads, k)));
      }
    }
    for (const link of this.links) {
      const w = net.params[link.param].get(link.i, link.j);
      const g = grads?.[link.param]?.get(link.i, link.j);
      const shown = backward ? (g as number) : w;
      const scale = backward ? maxG : maxW;
      link.line.setAttribute("data-weight", String(w));
      link.line.setAttribute("data-grad", g === undefined ? "" : String(g));
      link.line.setAttribute("stroke", signColor(shown));
      link.line.setAttribute("stroke-width", String(scale > 0 ? Math.max(MIN_LINK_WIDTH, (MAX_LINK_WIDTH * Math.abs(shown)) / scale) : MIN_LINK_WIDTH));
    }
    for (const n of this.neurons) {
      const { column, unit } = n;
      const b = column > 0 ? net.params[`b${column}`]?.get(unit) : undefined;
      const delta = column > 0 && grads ? unitGrad(grads, column)?.get(unit) : undefined;
      const value = frame.sampleValues?.[column]?.[unit];
      n.box.setAttribute("data-bias", b === undefined ? "" : String(b));
      n.box.setAttribute("data-grad", delta === undefined ? "" : String(delta));
      n.box.setAttribute("data-value", value === undefined ? "" : String(value));
      const image = frame.images[column]?.[unit];
      if (backward && column > 0) {
        const v = maxDelta > 0 ? (delta ?? 0) / maxDelta : 0;
        paintGrid(n.canvas, 1, () => diverging(v));
      } else if (image && frame.classProbabilities && column === sizes.length - 1) {
        const colour = CLASS_COLORS[unit % CLASS_COLORS.length];
        paintGrid(n.canvas, frame.res, (i) => mix(NEUTRAL, colour, image[i]));
      } else if (image) {
        paintUnit(n.canvas, frame.res, image);
      }
    }
    for (let k = 1; k < sizes.length; k++) {
      const W = net.params[`W${k}`];
      const text = backward ? `mean |dW${k}| ${fmt(meanAbs(grads?.[`W${k}`]))}` : `mean |W${k}| ${fmt(meanAbs(W))}`;
      this.summaries[k].textContent = text;
      this.summaries[k].dataset.meanAbs = String(backward ? meanAbs(grads?.[`W${k}`]) : meanAbs(W));
    }
  }

  private build(sizes: number[]): void {
    this.sizes = sizes;
    const tallest = Math.max(...sizes);
    const height = TOP + tallest * (NEURON + GAP) + 24;
    const width = (sizes.length - 1) * COLUMN + NEURON + 8;
    this.root.style.width = `${width}px`;
    this.root.style.height = `${height}px`;
    this.svg.setAttribute("width", String(width));
    this.svg.setAttribute("height", String(height));
    const x = (c: number): number => 4 + c * COLUMN;
    const y = (c: number, u: number): number => TOP + ((tallest - sizes[c]) * (NEURON + GAP)) / 2 + u * (NEURON + GAP);
    this.links = [];
    this.neurons = [];
    this.summaries.length = 0;
    const lines: SVGLineElement[] = [];
    for (let k = 1; k < sizes.length; k++) {
      for (let i = 0; i < sizes[k - 1]; i++) {
        for (let j = 0; j < sizes[k]; j++) {
          const line = svgEl("line", { x1: x(k - 1) + NEURON, y1: y(k - 1, i) + NEURON / 2, x2: x(k), y2: y(k, j) + NEURON / 2, class: "link", "data-param": `W${k}`, "data-i": i, "data-j": j });
          line.addEventListener("mouseenter", (e) => this.show(e, this.hover.link(k, i, j)));
          lines.push(line);
          this.links.push({ line, param: `W${k}`, i, j });
        }
      }
    }
    this.svg.replaceChildren(...lines);
    const boxes: HTMLElement[] = [];
    for (let c = 0; c < sizes.length; c++) {
      const title = c === 0 ? "input" : c === sizes.length - 1 ? "output" : `hidden ${c}`;
      boxes.push(el("div", { class: "column-title", style: `left:${x(c) - 20}px;top:0;width:${NEURON + 40}px` }, title));
      for (let u = 0; u < sizes[c]; u++) {
        const canvas = el("canvas", { width: NEURON, height: NEURON });
        const box = el("div", { class: "neuron", "data-layer": c, "data-unit": u, style: `left:${x(c)}px;top:${y(c, u)}px` }, canvas);
        if (c === 0) box.append(el("span", { class: "neuron-name" }, `x${u + 1}`));
        box.addEventListener("mouseenter", (e) => this.show(e, this.hover.neuron(c, u)));
        boxes.push(box);
        this.neurons.push({ box, canvas, column: c, unit: u });
      }
    }
    for (let k = 0; k < sizes.length; k++) {
      const summary = el("div", { class: "column-summary", "data-layer": k, style: `left:${x(k) - COLUMN / 2 - 20 + NEURON / 2}px;top:${height - 18}px;width:${COLUMN}px` });
      this.summaries.push(summary);
      if (k > 0) boxes.push(summary);
    }
    this.layer.replaceChildren(...boxes);
  }

  private show(e: MouseEvent, lines: string[]): void {
    const bounds = this.root.getBoundingClientRect();
    this.tooltip.replaceChildren(...lines.map((line) => el("div", {}, line)));
    this.tooltip.hidden = false;
    this.tooltip.style.left = `${Math.min(e.clientX - bounds.left + 12, bounds.width - 40)}px`;
    this.tooltip.style.top = `${e.clientY - bounds.top + 12}px`;
  }
}

/**
 * The gradient a neuron of column k is drawn with: dβk of the BatchNorm after Affine k when there is one (the batch's
 * dL/d(BN output) summed, what reaches the unit: its dbk is 0 to rounding, since batch norm subtracts the batch's
 * mean), else dbk, the batch's δ = dL/dZ summed.
 */
function unitGrad(grads: Record<string, Tensor>, k: number): Tensor | undefined {
  return grads[`beta${k}`] ?? grads[`b${k}`];
}

function maxAbs(t: Tensor | undefined): number {
  if (!t) return 0;
  let m = 0;
  for (const v of t.copy().contiguousData()) if (Math.abs(v) > m) m = Math.abs(v);
  return m;
}

function meanAbs(t: Tensor | undefined): number {
  if (!t || t.size === 0) return 0;
  let s = 0;
  for (const v of t.copy().contiguousData()) s += Math.abs(v);
  return s / t.size;
}

/** The input column's pictures: x1 and x2 themselves over the planeGrid. */
export function inputImages(extent: number, res: number): Float64Array[] {
  const grid = planeGrid(extent, res).contiguousData();
  const x1 = new Float64Array(res * res);
  const x2 = new Float64Array(res * res);
  for (let i = 0; i < res * res; i++) {
    x1[i] = grid[2 * i];
    x2[i] = grid[2 * i + 1];
  }
  return [x1, x2];
}
