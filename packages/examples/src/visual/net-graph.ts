// The net as the book draws its computational graphs: a chain of nodes, one per layer of the net's Map and one for
// the loss, the forward value on each edge above it and the backward gradient below it, each parameter and its
// gradient under its layer. Everything comes from one traced pass (traceNet), so the picture is the numbers.
import type { Tensor } from "@backprop/core";
import type { LayerTrace, NetTrace } from "@backprop/layers";
import { COLORS, el, escapeXml, svgDocument, text } from "./svg.js";
import { BLOCK_FONT, MAX_NUMBERS, fourDigits, heatColor, shapeText, tensorBlock, textWidth, type Block } from "./trace-blocks.js";

export interface NetGraphOptions {
  /** The first line (default: the net's one-line description). */
  title?: string;
  /** What the batch is, for the second line: "the first 3 test digits (embedded MNIST)". */
  batch?: string;
  /** Layers (and the loss) per row before the chain wraps (default 4). */
  perRow?: number;
  /** The samples' size as images (MNIST: 28 x 28 pixels in [0, 1]): the data node draws the first few. */
  image?: { rows: number; cols: number };
}

/** How many of the batch's images the data node draws, and at how many pixels a pixel. */
const IMAGES_SHOWN = 3;
const PIXEL = 1.5;

/** The geometry: margins, the data node, an edge's and a node's width, the gaps. */
const MARGIN = 24;
const DATA_W = 92;
const EDGE_W = 236;
const NODE_W = 210;
const PAD = 10;
const ROW_GAP = 44;
const HEAD = 78;
const NODE_LINE = 15;

/** One step of the chain: the edge into a node, and the node (a layer, or the loss) with what hangs below it. */
interface Unit {
  from: string;
  to: string;
  forward: Block;
  backward: Block;
  node: NodeDrawing;
}

interface NodeDrawing {
  height: number;
  /** What hangs below the node: its parameters, or the loss's targets and output. */
  below: Block[];
  svg(x: number, y: number): string;
}

/**
 * The SVG of one traced pass, semantic for tests and tools: <g class="layer" data-layer data-op data-in data-out>
 * per layer in order, <g class="loss" data-layer data-op data-loss>, <g class="edge" data-from data-to> holding
 * <g class="forward"> and <g class="backward"> (see tensorBlock), <g class="param" data-param data-shape> holding
 * <g class="param-value"> and <g class="param-grad">, and the data node <g class="data">.
 */
export function netGraphSvg(trace: NetTrace, options: NetGraphOptions = {}): string {
  const units = unitsOf(trace);
  const perRow = Math.max(1, Math.min(options.perRow ?? 4, units.length));
  const rows: Unit[][] = [];
  for (let k = 0; k < units.length; k += perRow) rows.push(units.slice(k, k + perRow));

  const width = 2 * MARGIN + DATA_W + perRow * (EDGE_W + NODE_W);
  const body: string[] = [];
  let top = HEAD;
  let previous: { x: number; y: number; bottom: number } | undefined;
  rows.forEach((row, r) => {
    const data = r === 0 ? dataNode(trace.layers[0], options.image) : undefined;
    const above = Math.max(data ? data.height / 2 : 0, ...row.map((u) => Math.max(u.forward.height + 10, u.node.height / 2)));
    const below = Math.max(data ? data.height / 2 : 0, ...row.map((u) => Math.max(u.backward.height + 10, u.node.height / 2 + belowHeight(u.node))));
    const cy = top + above;
    if (data) body.push(data.svg(MARGIN, cy - data.height / 2));
    row.forEach((u, j) => {
      const ex = MARGIN + DATA_W + j * (EDGE_W + NODE_W);
      const nx = ex + EDGE_W;
      // the edge of a row's first node comes round from the end of the row above
      const wrap = j === 0 && previous ? connector(previous, MARGIN + DATA_W / 2, ex, cy) : "";
      const start = j === 0 && r === 0 ? MARGIN + DATA_W - 16 : ex;
      body.push(edge(u, start, ex, nx, cy, wrap));
      body.push(u.node.svg(nx, cy - u.node.height / 2));
      let y = cy + u.node.height / 2 + 10;
      for (const block of u.node.below) {
        body.push(block.svg(nx + 4, y));
        y += block.height + 8;
      }
      previous = { x: nx + NODE_W, y: cy, bottom: cy + below };
    });
    top = cy + below + ROW_GAP;
  });
  const height = top - ROW_GAP + 34;
  const title = options.title ?? trace.net;
  const head = [
    text(title, { x: MARGIN, y: 28, "font-size": 17, "font-weight": "bold", fill: COLORS.forward }),
    text(`One training step${options.batch ? ` on ${options.batch}` : ""}: loss L = ${fourDigits(trace.loss.loss)}.${modeNote(trace)}`, {
      x: MARGIN,
      y: 48,
      "font-size": 12,
      fill: COLORS.muted,
    }),
    legend(MARGIN, 66),
  ];
  return svgDocument(width, height, `${title}: forward values and backward gradients`, `${defs()}${head.join("")}${body.join("")}${heatLegend(MARGIN, height - 14)}`);
}

/** What training mode changes in this net, if anything: Dropout's masks, BatchNorm's statistics. */
function modeNote(trace: NetTrace): string {
  const types = new Set(trace.layers.map((l) => l.type));
  const notes = [types.has("Dropout") ? "Dropout drops units" : "", types.has("BatchNormalization") ? "BatchNorm uses the batch's mean and variance" : ""].filter((n) => n !== "");
  return notes.length > 0 ? ` In training mode, as backprop sees it: ${notes.join(", ")}.` : "";
}

/** The edges and nodes of the chain: data -> layer 1 -> ... -> layer L -> loss. */
function unitsOf(trace: NetTrace): Unit[] {
  const { layers, loss } = trace;
  const edgeBlocks = (fromName: string, toName: string, fwd: Tensor, bwd: Tensor, f: string, b: string) => ({
    forward: tensorBlock(fwd, { cls: "forward", label: f, color: COLORS.forward, title: `forward, ${fromName} -> ${toName}: ${f}`, width: EDGE_W - 2 * PAD, picture: "heatmap" }),
    backward: tensorBlock(bwd, { cls: "backward", label: b, color: COLORS.backward, title: `backward, ${toName} -> ${fromName}: ${b} = dL/d${f}`, width: EDGE_W - 2 * PAD, picture: "heatmap" }),
  });
  const units: Unit[] = layers.map((layer, k) => {
    const from = k === 0 ? "x" : layers[k - 1].name;
    const blocks = k === 0 ? edgeBlocks("x", layer.name, layer.x, layer.dx, "x", "dx") : edgeBlocks(from, layer.name, layer.x, layer.dx, "out", "dout");
    return { from, to: layer.name, ...blocks, node: layerNode(layer) };
  });
  const last = layers[layers.length - 1];
  units.push({ from: last.name, to: loss.type, ...edgeBlocks(last.name, loss.type, loss.y, loss.dy, "y", "dy"), node: lossNode(trace) });
  return units;
}

function layerNode(layer: LayerTrace): NodeDrawing {
  const lines = [`x ${shapeText(layer.x.shape, "N")} -> out ${shapeText(layer.out.shape, "N")}`];
  if (layer.params.length > 0) lines.push(layer.params.map((p) => `${p.key} ${shapeText(p.value.shape)}`).join(", "));
  const heading = headingLines(layer.name, layer.type);
  const height = NODE_LINE * (heading.length + lines.length) + 12;
  const below = layer.params.map((p): Block => {
    const w = NODE_W - 8;
    const value = tensorBlock(p.value, { cls: "param-value", label: p.name, color: COLORS.param, title: `${p.name}, ${layer.name}'s ${p.key}`, width: w, picture: "histogram" });
    const grad = tensorBlock(p.grad, { cls: "param-grad", label: `d${p.name}`, color: COLORS.backward, title: `d${p.name} = dL/d${p.name}${p.decayed ? ", weight decay's lambda * W included" : ""}`, width: w, picture: "histogram" });
    return {
      width: w,
      height: value.height + grad.height + 4,
      svg: (x, y) =>
        el("g", { class: "param", "data-param": p.name, "data-shape": p.value.shape.join(",") }, el("rect", { x: x - 4, y: y - 2, width: w + 8, height: value.height + grad.height + 8, rx: 4, fill: "#f8fafc", stroke: "#e5e7eb" }), value.svg(x, y), grad.svg(x, y + value.height + 4)),
    };
  });
  return {
    height,
    below,
    svg: (x, y) =>
      el(
        "g",
        { class: "layer", "data-layer": layer.name, "data-op": layer.type, "data-in": shapeText(layer.x.shape, "N").slice(1, -1).replace(/ /g, ""), "data-out": shapeText(layer.out.shape, "N").slice(1, -1).replace(/ /g, "") },
        el("title", {}, escapeXml(`${layer.name} · ${layer.type}: x ${shapeText(layer.x.shape)} -> out ${shapeText(layer.out.shape)}`)),
        el("rect", { x, y, width: NODE_W, height, rx: 7, fill: COLORS.node, stroke: COLORS.nodeStroke, "stroke-width": 1.2 }),
        ...heading.map((h, k) => text(h, { x: x + NODE_W / 2, y: y + 17 + k * NODE_LINE, "text-anchor": "middle", "font-size": 12.5, "font-weight": "bold", fill: COLORS.forward })),
        ...lines.map((l, k) => text(l, { x: x + NODE_W / 2, y: y + 17 + (heading.length + k) * NODE_LINE, "text-anchor": "middle", "font-size": 11, fill: k === 0 ? COLORS.forward : COLORS.param })),
      ),
  };
}

/** "Affine1 · Affine" on one line, or on two when it does not fit the node. */
function headingLines(name: string, op: string): string[] {
  const one = `${name} · ${op}`;
  return textWidth(one, 12.5, true) <= NODE_W - 12 ? [one] : [name, `· ${op}`];
}

function lossNode(trace: NetTrace): NodeDrawing {
  const { loss } = trace;
  const decay = loss.weightDecay > 0 ? `= ${fourDigits(loss.dataLoss)} + weight decay ${fourDigits(loss.weightDecay)}` : "";
  const lines = [`y ${shapeText(loss.y.shape, "N")}, t ${shapeText(loss.t.shape, "N")}`, `L = ${fourDigits(loss.loss)}`];
  const height = NODE_LINE * (lines.length + (decay ? 2 : 1)) + 12;
  const w = NODE_W - 8;
  const below = [tensorBlock(loss.t, { cls: "target", label: "t", color: COLORS.forward, title: "t, the targets", width: w, picture: "histogram" })];
  if (loss.out && loss.out !== loss.y) {
    below.push(tensorBlock(loss.out, { cls: "loss-out", label: loss.type === "SoftmaxWithLoss" ? "softmax(y)" : "out", color: COLORS.forward, title: `${loss.type}'s output`, width: w, picture: "histogram" }));
  }
  return {
    height,
    below,
    svg: (x, y) =>
      el(
        "g",
        { class: "loss", "data-layer": loss.type, "data-op": loss.type, "data-in": shapeText(loss.y.shape, "N").slice(1, -1).replace(/ /g, ""), "data-loss": loss.loss },
        el("title", {}, escapeXml(`${loss.type}: L = ${loss.loss} (the last layer's ${loss.dataLoss}${loss.weightDecay > 0 ? ` + weight decay ${loss.weightDecay}` : ""})`)),
        el("rect", { x, y, width: NODE_W, height, rx: 7, fill: "#fff7ed", stroke: COLORS.nodeStroke, "stroke-width": 1.2 }),
        text(loss.type, { x: x + NODE_W / 2, y: y + 17, "text-anchor": "middle", "font-size": 12.5, "font-weight": "bold", fill: COLORS.forward }),
        text(lines[0], { x: x + NODE_W / 2, y: y + 17 + NODE_LINE, "text-anchor": "middle", "font-size": 11, fill: COLORS.forward }),
        el("text", { class: "loss-value", x: x + NODE_W / 2, y: y + 17 + 2 * NODE_LINE, "text-anchor": "middle", "font-size": 12, "font-weight": "bold", fill: COLORS.forward }, escapeXml(lines[1])),
        decay ? text(decay, { x: x + NODE_W / 2, y: y + 17 + 3 * NODE_LINE, "text-anchor": "middle", "font-size": 11, fill: COLORS.forward }) : "",
      ),
  };
}

function belowHeight(node: NodeDrawing): number {
  return node.below.reduce((sum, b) => sum + b.height + 8, node.below.length > 0 ? 10 : 0);
}

/** The data's node: x with the batch's shape, and the first samples as pictures when they are images. */
function dataNode(first: LayerTrace, image: NetGraphOptions["image"]): NodeDrawing {
  const w = DATA_W - 16;
  const x = first.x;
  const n = x.shape[0];
  const shown = image && image.rows * image.cols === x.size / n ? Math.min(n, IMAGES_SHOWN) : 0;
  const pictureH = image ? image.rows * PIXEL + 6 : 0;
  const height = 44 + shown * pictureH + (shown > 0 && n > shown ? 12 : 0);
  return {
    height,
    below: [],
    svg: (left, top) => {
      const pictures: string[] = [];
      if (image && shown > 0) {
        const data = x.reshape(n, image.rows * image.cols).slice(0, shown).contiguousData();
        for (let s = 0; s < shown; s++) {
          const px = left + (w - image.cols * PIXEL) / 2;
          const py = top + 40 + s * pictureH;
          const cells: string[] = [el("rect", { x: px, y: py, width: image.cols * PIXEL, height: image.rows * PIXEL, fill: "#ffffff", stroke: "#d1d5db", "stroke-width": 0.5 })];
          for (let k = 0; k < image.rows * image.cols; k++) {
            // ink only: a blank pixel is the white behind
            const v = Math.max(0, Math.min(1, data[s * image.rows * image.cols + k]));
            if (v <= 0) continue;
            const g = Math.round(255 * (1 - v));
            cells.push(el("rect", { x: px + (k % image.cols) * PIXEL, y: py + Math.floor(k / image.cols) * PIXEL, width: PIXEL, height: PIXEL, fill: `rgb(${g},${g},${g})` }));
          }
          pictures.push(el("g", { class: "sample", "data-sample": s }, el("title", {}, escapeXml(`sample ${s + 1} of the batch`)), ...cells));
        }
        if (n > shown) pictures.push(text(`+ ${n - shown} more`, { x: left + w / 2, y: top + height - 8, "text-anchor": "middle", "font-size": 10, fill: COLORS.muted }));
      }
      return el(
        "g",
        { class: "data", "data-shape": x.shape.join(",") },
        el("title", {}, escapeXml(`x, the batch: ${shapeText(x.shape)}`)),
        el("rect", { x: left, y: top, width: w, height, rx: 7, fill: "#ecfdf5", stroke: COLORS.nodeStroke, "stroke-width": 1.2 }),
        text("x", { x: left + w / 2, y: top + 17, "text-anchor": "middle", "font-size": 13, "font-weight": "bold", fill: COLORS.forward }),
        text(shapeText(x.shape), { x: left + w / 2, y: top + 32, "text-anchor": "middle", "font-size": 10.5, fill: COLORS.forward }),
        ...pictures,
      );
    },
  };
}

/** An edge: the forward arrow (right) with the value above it, the backward arrow (left) with the gradient below. */
function edge(u: Unit, start: number, ex: number, nx: number, cy: number, wrap: string): string {
  const fx = ex + PAD;
  return el(
    "g",
    { class: "edge", "data-from": u.from, "data-to": u.to },
    wrap,
    el("line", { x1: start, y1: cy - 3, x2: nx - 3, y2: cy - 3, stroke: COLORS.forward, "stroke-width": 1.6, "marker-end": "url(#arrow-forward)" }),
    el("line", { x1: nx - 2, y1: cy + 3, x2: start + 3, y2: cy + 3, stroke: COLORS.backward, "stroke-width": 1.6, "marker-end": "url(#arrow-backward)" }),
    u.forward.svg(fx, cy - 10 - u.forward.height),
    u.backward.svg(fx, cy + 10),
  );
}

/** The line from the end of one row round to the start of the next. */
function connector(from: { x: number; y: number; bottom: number }, downAt: number, to: number, cy: number): string {
  const mid = from.bottom + ROW_GAP / 2;
  const d = `M ${from.x} ${from.y} H ${from.x + 12} V ${mid} H ${downAt} V ${cy} H ${to}`;
  return el("path", { class: "wrap", d, fill: "none", stroke: COLORS.muted, "stroke-width": 1.2, "stroke-dasharray": "5,3" });
}

function defs(): string {
  const marker = (id: string, color: string) =>
    el("marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, el("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: color }));
  return el("defs", {}, marker("arrow-forward", COLORS.forward), marker("arrow-backward", COLORS.backward));
}

/** What the colours mean: forward, backward, parameters. */
function legend(x: number, y: number): string {
  const items: [string, string][] = [
    [COLORS.forward, "forward: the value on the edge (above it), left to right"],
    [COLORS.backward, "backward: dL/d(that value) (below it), right to left"],
    [COLORS.param, "parameters, with their gradients dL/dW under their layer"],
  ];
  let at = x;
  return el(
    "g",
    { class: "legend" },
    ...items.map(([color, label]) => {
      const item = el("rect", { x: at, y: y - 9, width: 10, height: 10, fill: color }) + text(label, { x: at + 14, y, "font-size": 11.5, fill: color });
      at += 24 + textWidth(label, 11.5);
      return item;
    }),
  );
}

/** The heat-maps' colour scale. */
function heatLegend(x: number, y: number): string {
  const steps = 11;
  const cells = Array.from({ length: steps }, (_, k) => el("rect", { x: x + k * 12, y: y - 9, width: 12, height: 10, fill: heatColor(-1 + (2 * k) / (steps - 1), 1) }));
  const words = `heat-maps: one row per sample (or block of samples), each cell the mean of a block of units; pink < 0 < green, scaled to the tensor's largest |cell|. ${HEAT_NOTE}`;
  return el("g", { class: "heat-legend" }, ...cells, el("rect", { x, y: y - 9, width: steps * 12, height: 10, fill: "none", stroke: "#d1d5db" }), text(words, { x: x + steps * 12 + 8, y, "font-size": BLOCK_FONT + 1, fill: COLORS.muted }));
}

const HEAT_NOTE = `A tensor of up to ${MAX_NUMBERS} elements shows its numbers (4 digits; hover for the exact value).`;
