// A small computational graph of scalars drawn as the book draws 5.4's figures: inputs on the left, each op a circle,
// arrows left to right, the forward value above each arrow and the backward derivative below it.
import { COLORS, FONT, el, escapeXml, svgDocument, text } from "./svg.js";

/** A value's source (input), an operation (op, labelled "×" or "+"), or the result (output). */
export interface GraphNode {
  id: string;
  label: string;
  kind: "input" | "op" | "output";
}

/** The value `forward` flowing from `from` to `to`, and the derivative `backward` flowing back; `label` names it. */
export interface GraphEdge {
  from: string;
  to: string;
  forward: number;
  backward: number;
  label?: string;
}

/** A DAG of scalar values; an op's incoming edges are listed in operand order (x before y). */
export interface ComputationalGraph {
  title: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Where a node sits: its column (left to right) and row (top to bottom) of the layered layout. */
export interface NodePlace {
  column: number;
  row: number;
}

/** The legend's words, as the picture reads them. */
const LEGEND = "forward above, in black; backward below, in orange";

const WHERE = "computationalGraph";

// sizes in pixels; CHAR_WIDTH is DejaVu Sans's advance of a digit (1303/2048 em), a little more than most letters'
const VALUE_FONT = 14;
const LABEL_FONT = 14;
const OP_FONT = 22;
const TITLE_FONT = 16;
const LEGEND_FONT = 13;
const CHAR_WIDTH = 0.64;
const OP_RADIUS = 21;
const BOX_HEIGHT = 32;
const BOX_PAD = 12;
const ROW_GAP = 120;
const MIN_COLUMN_GAP = 120;
const MARGIN = 24;
const TITLE_SPACE = 48;
const LEGEND_SPACE = 64;
// the backward arrow runs BACK_OFFSET below (or right of) the forward one; each value sits LABEL_GAP clear of its arrow
const BACK_OFFSET = 7;
const LABEL_GAP = 5;
const ARROW_LENGTH = 9;
const ARROW_WIDTH = 4.5;
const STROKE = 1.6;
// an arrow stops END_GAP short of a node; a run of values keeps EDGE_SLACK free at each end
const END_GAP = 3;
const EDGE_SLACK = 20;

/** The width of `s` at `fontSize`, approximately: as many digit advances as it has characters. */
function textWidth(s: string, fontSize: number): number {
  return [...s].length * fontSize * CHAR_WIDTH;
}

/** How a value is drawn: as the demos print it, String(x). */
const show = (x: number): string => String(x);

function check(graph: ComputationalGraph): void {
  const ids = new Set<string>();
  for (const node of graph.nodes) {
    if (ids.has(node.id)) throw new Error(`${WHERE} ${graph.title}: node '${node.id}' is given twice, expected unique ids`);
    ids.add(node.id);
  }
  const kind = new Map(graph.nodes.map((n) => [n.id, n.kind]));
  graph.edges.forEach((e, k) => {
    for (const end of [e.from, e.to]) {
      if (!ids.has(end)) throw new Error(`${WHERE} ${graph.title}: edge ${k} (${e.from} -> ${e.to}) names '${end}', expected one of the nodes (${[...ids].join(", ")})`);
    }
    if (kind.get(e.to) === "input") throw new Error(`${WHERE} ${graph.title}: edge ${k} goes into input '${e.to}', expected inputs to have no incoming edge`);
    if (kind.get(e.from) === "output") throw new Error(`${WHERE} ${graph.title}: edge ${k} leaves output '${e.from}', expected outputs to have no outgoing edge`);
  });
}

/**
 * The layered layout. Columns: an op's or output's column is its longest path from the inputs; an input that is an
 * op's first operand sits one column left of it, and one that is a further operand sits right below it (as the book
 * draws tax under the last ×). Rows: each node shares its first operand's row, so the main line runs straight, and
 * each further operand's subtree is stacked below the ones before it, column by column, which keeps a tree free of
 * crossings.
 */
export function layoutGraph(graph: ComputationalGraph): Map<string, NodePlace> {
  check(graph);
  const preds = new Map<string, string[]>(graph.nodes.map((n) => [n.id, []]));
  const succs = new Map<string, string[]>(graph.nodes.map((n) => [n.id, []]));
  for (const e of graph.edges) {
    preds.get(e.to)!.push(e.from);
    succs.get(e.from)!.push(e.to);
  }

  const longest = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const known = longest.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) throw new Error(`${WHERE} ${graph.title}: the edges make a cycle through '${id}', expected a DAG`);
    visiting.add(id);
    const d = Math.max(0, ...preds.get(id)!.map((p) => depth(p) + 1));
    visiting.delete(id);
    longest.set(id, d);
    return d;
  };
  const column = new Map<string, number>();
  for (const n of graph.nodes) column.set(n.id, depth(n.id));
  for (const n of graph.nodes) {
    const target = succs.get(n.id)![0];
    if (n.kind === "input" && target !== undefined) column.set(n.id, column.get(target)! - (preds.get(target)![0] === n.id ? 1 : 0));
  }

  // a subtree's rows relative to its root, and each column's lowest and highest row, to stack the next one below
  interface Shape {
    rows: Map<string, number>;
    low: Map<number, number>;
    high: Map<number, number>;
  }
  const claimed = new Set<string>();
  const stack = (into: Shape, part: Shape, atLeast: number): number => {
    let offset = atLeast;
    for (const [c, lo] of part.low) {
      const hi = into.high.get(c);
      if (hi !== undefined) offset = Math.max(offset, hi - lo + 1);
    }
    for (const [id, r] of part.rows) into.rows.set(id, r + offset);
    for (const [c, lo] of part.low) into.low.set(c, Math.min(into.low.get(c) ?? Infinity, lo + offset));
    for (const [c, hi] of part.high) into.high.set(c, Math.max(into.high.get(c) ?? -Infinity, hi + offset));
    return offset;
  };
  const shapeOf = (id: string): Shape => {
    claimed.add(id);
    const c = column.get(id)!;
    const shape: Shape = { rows: new Map([[id, 0]]), low: new Map([[c, 0]]), high: new Map([[c, 0]]) };
    let previous = -1;
    for (const p of preds.get(id)!) {
      if (claimed.has(p)) continue;
      previous = stack(shape, shapeOf(p), previous + 1);
      // an operand from a row below rises into the node along the node's column: keep that stretch free
      if (column.get(p)! < c) shape.high.set(c, Math.max(shape.high.get(c)!, previous));
    }
    return shape;
  };
  const all: Shape = { rows: new Map(), low: new Map(), high: new Map() };
  let previous = -1;
  for (const root of graph.nodes.filter((n) => succs.get(n.id)!.length === 0)) {
    if (!claimed.has(root.id)) previous = stack(all, shapeOf(root.id), previous + 1);
  }
  return new Map(graph.nodes.map((n) => [n.id, { column: column.get(n.id)!, row: all.rows.get(n.id)! }]));
}

interface Point {
  x: number;
  y: number;
}

const add = (p: Point, q: Point, k = 1): Point => ({ x: p.x + q.x * k, y: p.y + q.y * k });
const scale = (p: Point, k: number): Point => ({ x: p.x * k, y: p.y * k });
const unit = (p: Point, q: Point): Point => {
  const len = Math.hypot(q.x - p.x, q.y - p.y);
  return { x: (q.x - p.x) / len, y: (q.y - p.y) / len };
};
// the normal on an edge's lower side (SVG's y grows downward): where the backward arrow and value go
const lower = (d: Point): Point => ({ x: -d.y, y: d.x });
const fmt = (v: number): string => String(Math.round(v * 100) / 100);

/** Half the width and height of a node as drawn. */
function halfSize(node: GraphNode): Point {
  if (node.kind === "op") return { x: OP_RADIUS, y: OP_RADIUS };
  return { x: textWidth(node.label, LABEL_FONT) / 2 + BOX_PAD, y: BOX_HEIGHT / 2 };
}

/** Where the line through `c + off` along unit `d`, coming from -d, first meets the node of centre `c`. */
function entry(node: GraphNode, c: Point, d: Point, off: Point): Point {
  if (node.kind === "op") return add(add(c, off), d, -Math.sqrt(OP_RADIUS ** 2 - (off.x ** 2 + off.y ** 2)));
  const h = halfSize(node);
  let t = -Infinity;
  if (d.x !== 0) t = Math.max(t, (-Math.sign(d.x) * h.x - off.x) / d.x);
  if (d.y !== 0) t = Math.max(t, (-Math.sign(d.y) * h.y - off.y) / d.y);
  return add(add(c, off), d, t);
}

/** A polyline ending in an arrowhead at its last point. */
function arrow(points: Point[], color: string): string {
  const tip = points[points.length - 1];
  const d = unit(points[points.length - 2], tip);
  const base = add(tip, d, -ARROW_LENGTH);
  const wing = { x: -d.y * ARROW_WIDTH, y: d.x * ARROW_WIDTH };
  const line = [...points.slice(0, -1), base].map((p) => `${fmt(p.x)},${fmt(p.y)}`).join(" ");
  return (
    el("polyline", { points: line, fill: "none", stroke: color, "stroke-width": STROKE, "stroke-linejoin": "round" }) +
    el("path", { d: `M${fmt(tip.x)},${fmt(tip.y)}L${fmt(base.x + wing.x)},${fmt(base.y + wing.y)}L${fmt(base.x - wing.x)},${fmt(base.y - wing.y)}Z`, fill: color })
  );
}

/** A value's text whose box (textWidth x font size) is centred at `c`. */
function valueText(content: string, c: Point, cls: string, color: string): string {
  return text(content, { class: cls, x: fmt(c.x), y: fmt(c.y + VALUE_FONT * 0.35), "font-size": VALUE_FONT, "text-anchor": "middle", fill: color });
}

/**
 * The corners an edge runs through between two centres: straight along a row or a column, else along the source's
 * row to the target's column and then up (or down) into the target.
 */
function route(a: Point, b: Point): Point[] {
  return a.y === b.y || a.x === b.x ? [a, b] : [a, { x: b.x, y: a.y }, b];
}

function edgeMarkup(e: GraphEdge, from: GraphNode, to: GraphNode, path: Point[]): string {
  const dirs = path.slice(1).map((p, k) => unit(path[k], p));
  const first = dirs[0];
  const last = dirs[dirs.length - 1];
  // the path moved k to the lower side of each stretch (0 for the forward arrow), cut where it meets the two nodes
  const along = (k: number): Point[] => [
    add(entry(from, path[0], scale(first, -1), scale(lower(first), k)), first, END_GAP),
    ...path.slice(1, -1).map((p, i) => add(add(p, lower(dirs[i]), k), lower(dirs[i + 1]), k)),
    add(entry(to, path[path.length - 1], last, scale(lower(last), k)), last, -END_GAP),
  ];
  const forwardPath = along(0);
  const backwardPath = along(BACK_OFFSET).reverse();

  // the values on the first stretch, at its middle; a box w x h beside a line of normal n clears it when its centre
  // is |n.x| w/2 + |n.y| h/2 away
  const n = lower(first);
  const mid = { x: (forwardPath[0].x + forwardPath[1].x) / 2, y: (forwardPath[0].y + forwardPath[1].y) / 2 };
  const clear = (content: string): number => LABEL_GAP + (Math.abs(n.x) * textWidth(content, VALUE_FONT)) / 2 + (Math.abs(n.y) * VALUE_FONT) / 2;
  const forward = show(e.forward);
  const backward = show(e.backward);
  return el(
    "g",
    { class: "edge", "data-from": e.from, "data-to": e.to },
    ...(e.label === undefined ? [] : [el("title", {}, escapeXml(e.label))]),
    arrow(forwardPath, COLORS.forward),
    arrow(backwardPath, COLORS.backward),
    valueText(forward, add(mid, n, -clear(forward)), "forward", COLORS.forward),
    valueText(backward, add(mid, n, BACK_OFFSET + clear(backward)), "backward", COLORS.backward),
  );
}

function nodeMarkup(node: GraphNode, c: Point): string {
  const h = halfSize(node);
  const shape =
    node.kind === "op"
      ? el("circle", { cx: fmt(c.x), cy: fmt(c.y), r: OP_RADIUS, fill: "#ffffff", stroke: COLORS.nodeStroke, "stroke-width": STROKE })
      : el("rect", { x: fmt(c.x - h.x), y: fmt(c.y - h.y), width: fmt(2 * h.x), height: fmt(2 * h.y), rx: 6, fill: COLORS.node, stroke: COLORS.nodeStroke, "stroke-width": 1.2 });
  const size = node.kind === "op" ? OP_FONT : LABEL_FONT;
  const label = text(node.label, { class: "label", x: fmt(c.x), y: fmt(c.y + size * 0.35), "font-size": size, "text-anchor": "middle", fill: COLORS.forward });
  return el("g", { class: "node", "data-node": node.id, "data-kind": node.kind }, shape, label);
}

function legendMarkup(x: number, y: number): string {
  const sample = 44;
  const [forward, backward] = LEGEND.split("; ");
  return el(
    "g",
    { class: "legend" },
    arrow([{ x, y }, { x: x + sample, y }], COLORS.forward),
    arrow([{ x: x + sample, y: y + BACK_OFFSET }, { x, y: y + BACK_OFFSET }], COLORS.backward),
    el(
      "text",
      { "font-family": FONT, x: fmt(x + sample + 12), y: fmt(y + BACK_OFFSET / 2 + LEGEND_FONT * 0.35), "font-size": LEGEND_FONT, "text-anchor": "start" },
      el("tspan", { fill: COLORS.forward }, escapeXml(forward)),
      el("tspan", { fill: COLORS.muted }, "; "),
      el("tspan", { fill: COLORS.backward }, escapeXml(backward)),
    ),
  );
}

/**
 * The graph as a standalone SVG, laid out by layoutGraph: `<g class="node" data-node data-kind>` per node, and
 * `<g class="edge" data-from data-to>` per edge holding its arrows, `<text class="forward">` (String(forward)) and
 * `<text class="backward">` (String(backward)).
 */
export function computationalGraphSvg(graph: ComputationalGraph): string {
  const places = layoutGraph(graph);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const place = (id: string): NodePlace => places.get(id)!;
  const columns = Math.max(0, ...graph.nodes.map((n) => place(n.id).column)) + 1;
  const rows = Math.max(0, ...graph.nodes.map((n) => place(n.id).row)) + 1;

  // each column as wide as its widest node; the space between two columns as wide as the values that sit there
  // need: those of a run along a row, or those beside an edge up a column (backward on its right, forward on its left)
  const half = Array.from({ length: columns }, () => 0);
  const right = Array.from({ length: columns }, () => 0);
  const left = Array.from({ length: columns }, () => 0);
  for (const n of graph.nodes) half[place(n.id).column] = Math.max(half[place(n.id).column], halfSize(n).x);
  const span = Array.from({ length: columns - 1 }, (_, c) => half[c] + half[c + 1] + MIN_COLUMN_GAP);
  for (const e of graph.edges) {
    const a = place(e.from).column;
    const b = place(e.to).column;
    if (a === b) {
      right[a] = Math.max(right[a], BACK_OFFSET + LABEL_GAP + textWidth(show(e.backward), VALUE_FONT));
      left[a] = Math.max(left[a], LABEL_GAP + textWidth(show(e.forward), VALUE_FONT));
    } else {
      const run = Math.max(textWidth(show(e.forward), VALUE_FONT), textWidth(show(e.backward), VALUE_FONT)) + 2 * EDGE_SLACK + 2 * ARROW_LENGTH;
      const reach = place(e.from).row === place(e.to).row ? half[b] : 0;
      for (let c = a; c < b; c++) span[c] = Math.max(span[c], (half[a] + reach + run) / (b - a));
    }
  }
  for (let c = 0; c < span.length; c++) span[c] = Math.max(span[c], right[c] + left[c + 1] + 2 * EDGE_SLACK);
  const x: number[] = [MARGIN + Math.max(half[0], left[0])];
  for (let c = 1; c < columns; c++) x.push(x[c - 1] + span[c - 1]);
  const legendWidth = 56 + textWidth(LEGEND, LEGEND_FONT);
  const titleWidth = textWidth(graph.title, TITLE_FONT) * 1.05;
  const width = Math.max(x[columns - 1] + Math.max(half[columns - 1], right[columns - 1]) + MARGIN, MARGIN * 2 + Math.max(legendWidth, titleWidth));
  const top = MARGIN + TITLE_SPACE;
  const height = top + (rows - 1) * ROW_GAP + BOX_HEIGHT / 2 + LEGEND_SPACE;
  const centre = (id: string): Point => ({ x: x[place(id).column], y: top + place(id).row * ROW_GAP });

  const body = [
    text(graph.title, { class: "title", x: MARGIN, y: MARGIN + TITLE_FONT * 0.8, "font-size": TITLE_FONT, "font-weight": "bold", "text-anchor": "start", fill: COLORS.forward }),
    ...graph.edges.map((e) => edgeMarkup(e, byId.get(e.from)!, byId.get(e.to)!, route(centre(e.from), centre(e.to)))),
    ...graph.nodes.map((n) => nodeMarkup(n, centre(n.id))),
    legendMarkup(MARGIN, height - LEGEND_SPACE / 2),
  ];
  return svgDocument(width, height, graph.title, body.join("\n"));
}
