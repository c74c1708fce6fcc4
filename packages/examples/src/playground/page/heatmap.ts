/// <reference lib="dom" />
// Heat-maps of the plane [-extent, extent]^2: the net's prediction over a res x res grid (row 0 at the top, y = +extent)
// drawn on a canvas, smoothed as it is scaled up, with the data's points on top.
import type { PlaneSet } from "../plane-data.js";
import { CLASS_COLORS, NEUTRAL, css, diverging, mix, type Rgb } from "./colors.js";

/** Paints a res x res grid, cell i coloured by colorOf(i), over the whole of `canvas` (scaled up, smoothed). */
export function paintGrid(canvas: HTMLCanvasElement, res: number, colorOf: (i: number) => Rgb): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const image = new ImageData(res, res);
  for (let i = 0; i < res * res; i++) {
    const c = colorOf(i);
    image.data[4 * i] = c[0];
    image.data[4 * i + 1] = c[1];
    image.data[4 * i + 2] = c[2];
    image.data[4 * i + 3] = 255;
  }
  const grid = gridCanvas(res);
  grid.getContext("2d")?.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(grid, 0, 0, canvas.width, canvas.height);
}

const grids = new Map<number, HTMLCanvasElement>();

function gridCanvas(res: number): HTMLCanvasElement {
  let grid = grids.get(res);
  if (!grid) {
    grid = document.createElement("canvas");
    grid.width = grid.height = res;
    grids.set(res, grid);
  }
  return grid;
}

/** A unit's picture: its values over the grid on the orange - blue scale, scaled by their largest magnitude. */
export function paintUnit(canvas: HTMLCanvasElement, res: number, values: Float64Array): void {
  let max = 0;
  for (const v of values) if (Math.abs(v) > max) max = Math.abs(v);
  const scale = max > 0 ? 1 / max : 0;
  paintGrid(canvas, res, (i) => diverging(values[i] * scale));
}

/**
 * The colour of each cell of the output: for classification, units are the softmax probabilities and the cell takes
 * the likeliest class's colour, the stronger the surer (two classes: p1 - p0 on the orange - blue scale); for
 * regression, the prediction on the orange - blue scale of the targets' largest magnitude.
 */
export function outputColors(units: Float64Array[], task: "classification" | "regression", targetScale: number): (i: number) => Rgb {
  if (task === "regression") return (i) => diverging(units[0][i] / targetScale);
  const K = units.length;
  return (i) => {
    let best = 0;
    for (let k = 1; k < K; k++) if (units[k][i] > units[best][i]) best = k;
    const sure = K > 1 ? (units[best][i] - 1 / K) / (1 - 1 / K) : 0;
    return mix(NEUTRAL, CLASS_COLORS[best % CLASS_COLORS.length], 0.85 * sure);
  };
}

/** The largest |target| of the data, the regression colour scale (1 where there is none). */
export function targetScale(sets: PlaneSet[]): number {
  let max = 0;
  for (const set of sets) if (set.targets) for (const v of set.targets) max = Math.max(max, Math.abs(v));
  return max > 0 ? max : 1;
}

/** Draws the points of `set` on `canvas` (the plane [-extent, extent]^2): train points ringed in white, test in black. */
export function drawPoints(canvas: HTMLCanvasElement, set: PlaneSet, extent: number, test: boolean, scale: number): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const { width, height } = canvas;
  const radius = Math.max(2.5, width / 110);
  ctx.lineWidth = 1;
  for (let n = 0; n < set.length; n++) {
    const px = ((set.x[2 * n] + extent) / (2 * extent)) * width;
    const py = ((extent - set.x[2 * n + 1]) / (2 * extent)) * height;
    const fill = set.labels ? CLASS_COLORS[set.labels[n] % CLASS_COLORS.length] : diverging((set.targets?.[n] ?? 0) / scale);
    ctx.beginPath();
    ctx.arc(px, py, radius, 0, 2 * Math.PI);
    ctx.fillStyle = css(fill);
    ctx.fill();
    ctx.strokeStyle = test ? "#000" : "#fff";
    ctx.stroke();
  }
}

/** The plane's heat-map: the output colours, then the train and (if asked) the test points. */
export function drawHeatmap(canvas: HTMLCanvasElement, res: number, colorOf: (i: number) => Rgb, train: PlaneSet, test: PlaneSet, extent: number, showTest: boolean, scale: number): void {
  paintGrid(canvas, res, colorOf);
  drawPoints(canvas, train, extent, false, scale);
  if (showTest) drawPoints(canvas, test, extent, true, scale);
}
