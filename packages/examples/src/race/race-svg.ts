import { contours } from "d3-contour";
import { el, svgDocument, text } from "../visual/svg.js";
import { lrText } from "./race-report.js";
import type { MethodName, Race } from "./race.js";
import type { Point } from "./test-functions.js";

// the plot: the domain's longer side PLOT pixels, f sampled on a GRID_CELLS grid along that side for the contours
const PLOT = 560;
const GRID_CELLS = 240;
const PAD = { left: 44, top: 50, right: 240, bottom: 32 };
// a path keeps a point only this many pixels from the last one it kept, so that 100 000 steps stay a small file
const MIN_SEGMENT = 0.75;

/** One colour per method, the same in every picture. */
export const METHOD_COLORS: Record<MethodName, string> = { GD: "#1f77b4", Momentum: "#ff7f0e", Adam: "#2ca02c", RK45: "#d62728", BDF: "#9467bd" };
// RK45 and BDF follow the same flow: RK45 dashed over BDF, so that both show
const DASHES: Partial<Record<MethodName, string>> = { RK45: "5 4" };

/** Pixel coordinates of the plot for fn's domain, y upwards. */
function scales(race: Race): { width: number; height: number; px: (x: number) => number; py: (y: number) => number } {
  const { x: [x0, x1], y: [y0, y1] } = race.fn.domain;
  const scale = PLOT / Math.max(x1 - x0, y1 - y0);
  return { width: (x1 - x0) * scale, height: (y1 - y0) * scale, px: (x) => (x - x0) * scale, py: (y) => (y1 - y) * scale };
}

const num = (v: number): string => v.toFixed(2);

/** The contour lines of f at its levels: d3-contour's marching squares on f sampled at the cells' centres. */
function contourPaths(race: Race, px: (x: number) => number, py: (y: number) => number): string[] {
  const { fn } = race;
  const { x: [x0, x1], y: [y0, y1] } = fn.domain;
  const cell = Math.max(x1 - x0, y1 - y0) / GRID_CELLS;
  const [nx, ny] = [Math.round((x1 - x0) / cell), Math.round((y1 - y0) / cell)];
  const values = new Array<number>(nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) values[i + j * nx] = fn.f(x0 + (i + 0.5) * cell, y0 + (j + 0.5) * cell);
  // grid coordinate (gx, gy) in [0, nx] x [0, ny] is the point (x0 + gx * cell, y0 + gy * cell)
  const point = ([gx, gy]: number[]): string => `${num(px(x0 + gx * cell))},${num(py(y0 + gy * cell))}`;
  return contours().size([nx, ny]).thresholds(fn.levels)(values).map((level) => {
    const d = level.coordinates.flatMap((polygon) => polygon.map((ring) => `M${ring.map(point).join("L")}Z`)).join("");
    return el("path", { class: "contour", "data-level": Number(level.value.toPrecision(4)), d });
  });
}

/** The path through `points` in pixels, leaving out points closer than MIN_SEGMENT to the last one kept (never the first or the last). */
function pathData(points: Point[], px: (x: number) => number, py: (y: number) => number): string {
  const kept: [number, number][] = [];
  points.forEach(([x, y], i) => {
    const p: [number, number] = [px(x), py(y)];
    const last = kept[kept.length - 1];
    if (!last || i === points.length - 1 || Math.hypot(p[0] - last[0], p[1] - last[1]) >= MIN_SEGMENT) kept.push(p);
  });
  return `M${kept.map(([x, y]) => `${num(x)},${num(y)}`).join("L")}`;
}

/**
 * The race as an SVG: contour lines of f over its domain, one group per method (class "method", data-method) holding
 * one path per start, from the start, in the method's colour; the starts as circles, the global minima as crosses,
 * and a legend with each method's learning rate.
 */
export function raceSvg(race: Race): string {
  const { fn, starts, methods } = race;
  const { width, height, px, py } = scales(race);
  const { x: [x0, x1], y: [y0, y1] } = fn.domain;
  const clip = el("clipPath", { id: "plot" }, el("rect", { width: num(width), height: num(height) }));
  const contourGroup = el("g", { class: "contours", "clip-path": "url(#plot)", fill: "none", stroke: "#9fb3c8", "stroke-width": 0.8 }, ...contourPaths(race, px, py));
  const drawOrder = [...methods.filter((m) => m.method !== "RK45"), ...methods.filter((m) => m.method === "RK45")];
  const methodGroups = drawOrder.map(({ method, runs }) =>
    el(
      "g",
      { class: "method", "data-method": method, fill: "none", stroke: METHOD_COLORS[method], "stroke-width": 1.4, "stroke-opacity": 0.85, "stroke-dasharray": DASHES[method], "clip-path": "url(#plot)" },
      ...runs.map((run) => el("path", { class: "run", d: pathData(run.path, px, py) })),
    ),
  );
  const startMarks = el("g", { class: "starts", fill: "#ffffff", stroke: "#111827" }, ...starts.map(([x, y]) => el("circle", { cx: num(px(x)), cy: num(py(y)), r: 3.5 })));
  const minimumMarks = el(
    "g",
    { class: "minima", stroke: "#111827", "stroke-width": 2 },
    ...fn.minima.map(([x, y]) => el("path", { d: `M${num(px(x) - 5)},${num(py(y) - 5)}l10,10m0,-10l-10,10` })),
  );
  const ticks = [
    text(String(x0), { x: 0, y: num(height + 16), "text-anchor": "middle", "font-size": 11 }),
    text(String(x1), { x: num(width), y: num(height + 16), "text-anchor": "middle", "font-size": 11 }),
    text(String(y0), { x: -6, y: num(height), dy: 4, "text-anchor": "end", "font-size": 11 }),
    text(String(y1), { x: -6, y: 0, dy: 4, "text-anchor": "end", "font-size": 11 }),
    text("x", { x: num(width / 2), y: num(height + 16), "text-anchor": "middle", "font-size": 11 }),
    text("y", { x: -6, y: num(height / 2), dy: 4, "text-anchor": "end", "font-size": 11 }),
  ];
  const legendRows = methods.map(({ method, lr }, i) =>
    el(
      "g",
      { class: "legend-entry", "data-method": method, transform: `translate(0,${i * 20})` },
      el("line", { x1: 0, y1: 0, x2: 22, y2: 0, stroke: METHOD_COLORS[method], "stroke-width": 2.5, "stroke-dasharray": DASHES[method] }),
      text(lr ? `${method} (lr ${lrText(lr.lr)})` : method, { x: 30, y: 4, "font-size": 12 }),
    ),
  );
  const marks = methods.length * 20;
  const legend = el(
    "g",
    { class: "legend", transform: `translate(${num(width + 24)},10)` },
    ...legendRows,
    el("circle", { cx: 11, cy: marks, r: 3.5, fill: "#ffffff", stroke: "#111827" }),
    text("start", { x: 30, y: marks + 4, "font-size": 12 }),
    el("path", { d: `M6,${marks + 15}l10,10m0,-10l-10,10`, stroke: "#111827", "stroke-width": 2 }),
    text(`global minimum (f = ${Number(fn.fMin.toPrecision(5))})`, { x: 30, y: marks + 24, "font-size": 12 }),
  );
  const title = text(fn.name, { x: 0, y: -28, "font-size": 13, "font-weight": "bold" }) + text(`f = ${fn.formula}`, { x: 0, y: -10, "font-size": 11 });
  const body = el(
    "g",
    { transform: `translate(${PAD.left},${PAD.top})` },
    el("defs", {}, clip),
    title,
    contourGroup,
    el("rect", { class: "frame", width: num(width), height: num(height), fill: "none", stroke: "#444444" }),
    ...ticks,
    ...methodGroups,
    startMarks,
    minimumMarks,
    legend,
  );
  return svgDocument(PAD.left + width + PAD.right, PAD.top + height + PAD.bottom, `optimizer race on ${fn.name}`, body);
}
