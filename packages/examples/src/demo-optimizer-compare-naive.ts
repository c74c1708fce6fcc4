import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { tensor } from "@backprop/core";
import { OPTIMIZERS } from "@backprop/layers";
import { writeFileAtomic } from "@backprop/layers/node";
import { UsageError } from "./args.js";
import type { Demo } from "./demo-command.js";

const CMD = "backprop demo optimizer-compare-naive";

/** The book's f(x, y) = x^2 / 20 + y^2: a valley 20 times wider along x than along y, lowest at (0, 0). */
export function f(x: number, y: number): number {
  return x ** 2 / 20 + y ** 2;
}

/** The gradient of f: (x / 10, 2y). */
function df(x: number, y: number): [number, number] {
  return [x / 10, 2 * y];
}

const INIT_POS: [number, number] = [-7, 2];
const UPDATES = 30;

/** optimizer_compare_naive.py's learning rates, in the order of the book's optimizers; the other settings are defaults. */
const LEARNING_RATES = { SGD: 0.95, Momentum: 0.1, Nesterov: 0.1, AdaGrad: 1.5, RMSprop: 0.1, Adam: 0.3 };

/** One optimizer's way down f: the start and the position after each update. */
export interface OptimizerPath {
  name: string;
  lr: number;
  path: [number, number][];
}

/** Each optimizer's path from (-7, 2) over 30 updates, as the book's loop: grads = df(x, y), then update. */
export function optimizerPaths(): OptimizerPath[] {
  return Object.entries(LEARNING_RATES).map(([name, lr]) => {
    const optimizer = OPTIMIZERS.fromSpec({ type: name, lr }, undefined);
    const params = { x: tensor([INIT_POS[0]]), y: tensor([INIT_POS[1]]) };
    const path: [number, number][] = [INIT_POS];
    for (let i = 0; i < UPDATES; i++) {
      const [dx, dy] = df(params.x.item(), params.y.item());
      optimizer.update(params, { x: tensor([dx]), y: tensor([dy]) });
      path.push([params.x.item(), params.y.item()]);
    }
    return { name, lr, path };
  });
}

// the drawing: panels of the book's view [-VIEW, VIEW] x [-VIEW, VIEW], PANEL pixels a side, in a 2 x 3 grid
const VIEW = 10;
const PANEL = 240;
const PAD = { left: 40, top: 30, right: 16, bottom: 24 };
const COLUMNS = 3;
// the book's contour plot drops f > 7 and draws the levels 1, 2, ..., 7
const LEVELS = [1, 2, 3, 4, 5, 6, 7];

const px = (x: number): string => (((x + VIEW) / (2 * VIEW)) * PANEL).toFixed(2);
const py = (y: number): string => (((VIEW - y) / (2 * VIEW)) * PANEL).toFixed(2);

function panel({ name, lr, path }: OptimizerPath, k: number): string {
  const left = PAD.left + (k % COLUMNS) * (PAD.left + PANEL + PAD.right);
  const top = PAD.top + Math.floor(k / COLUMNS) * (PAD.top + PANEL + PAD.bottom);
  // f = c is the ellipse of semi-axes sqrt(20c) along x and sqrt(c) along y
  const contours = LEVELS.map((c) => {
    const rx = ((Math.sqrt(20 * c) / (2 * VIEW)) * PANEL).toFixed(2);
    const ry = ((Math.sqrt(c) / (2 * VIEW)) * PANEL).toFixed(2);
    return `<ellipse cx="${px(0)}" cy="${py(0)}" rx="${rx}" ry="${ry}"/>`;
  });
  const ticks = [-VIEW, 0, VIEW].map(
    (v) => `<text x="${px(v)}" y="${PANEL + 16}" text-anchor="middle">${v}</text><text x="-6" y="${py(v)}" dy="4" text-anchor="end">${v}</text>`,
  );
  const points = path.map(([x, y]) => [px(x), py(y)]);
  return [
    `<g transform="translate(${left},${top})">`,
    `<text x="${PANEL / 2}" y="-10" text-anchor="middle" font-weight="bold">${name} (lr ${lr})</text>`,
    `<g clip-path="url(#view)" fill="none" stroke="#6a8caf">${contours.join("")}</g>`,
    `<rect width="${PANEL}" height="${PANEL}" fill="none" stroke="#444"/>`,
    ticks.join(""),
    `<path d="M${px(-0.4)},${py(0)}H${px(0.4)}M${px(0)},${py(-0.4)}V${py(0.4)}" stroke="#000"/>`,
    `<polyline points="${points.map(([x, y]) => `${x},${y}`).join(" ")}" fill="none" stroke="red"/>`,
    `<g fill="red">${points.map(([x, y]) => `<circle cx="${x}" cy="${y}" r="2.5"/>`).join("")}</g>`,
    `</g>`,
  ].join("\n");
}

/** An SVG of the paths over the contour lines of f, one panel per optimizer with its name, in a 2 x 3 grid. */
export function pathsSvg(paths: OptimizerPath[]): string {
  const rows = Math.ceil(paths.length / COLUMNS);
  const width = COLUMNS * (PAD.left + PANEL + PAD.right);
  const height = rows * (PAD.top + PANEL + PAD.bottom);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<defs><clipPath id="view"><rect width="${PANEL}" height="${PANEL}"/></clipPath></defs>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...paths.map(panel),
    `</svg>`,
    "",
  ].join("\n");
}

export const optimizerCompareNaiveDemo: Demo = {
  name: "optimizer-compare-naive",
  summary: "optimizer_compare_naive.py: SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam on f = x^2/20 + y^2 from (-7, 2); x and y after 30 updates",
  flags: { svg: { type: "string" } },
  flagsHelp: `  --svg FILE            also draw each path over the contour lines of f, one panel per optimizer
`,
  run(values, out) {
    const svgPath = values.svg as string | undefined;
    if (svgPath !== undefined) {
      const folder = dirname(resolve(svgPath));
      if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`${CMD}: --svg ${svgPath}: folder ${folder} does not exist`);
      if (existsSync(svgPath) && statSync(svgPath).isDirectory()) throw new UsageError(`${CMD}: --svg ${svgPath} is a folder, expected a file name`);
    }
    const paths = optimizerPaths();
    // each number as JavaScript prints it, String(x)
    out.stdout(paths.map(({ name, lr, path: { [UPDATES]: [x, y] } }) => `${name} lr ${lr}: x ${x} y ${y}\n`).join(""));
    if (svgPath !== undefined) writeFileAtomic(svgPath, [pathsSvg(paths)]);
    return 0;
  },
};
