import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli, tempDir } from "./helpers.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// the book's update rules (common/optimizer.py) on plain numbers, one coordinate at a time
type Rule = (p: number, g: number, s: Record<string, number>) => number;
const EPS = 1e-7;
const sgd = (lr: number): Rule => (p, g) => p - lr * g;
const momentum = (lr: number, m = 0.9): Rule => (p, g, s) => {
  s.v = m * (s.v ?? 0) - lr * g;
  return p + s.v;
};
const nesterov = (lr: number, m = 0.9): Rule => (p, g, s) => {
  const v = s.v ?? 0;
  p += m * m * v;
  p -= (1 + m) * lr * g;
  s.v = m * v - lr * g;
  return p;
};
const adagrad = (lr: number): Rule => (p, g, s) => {
  s.h = (s.h ?? 0) + g * g;
  return p - (lr * g) / (Math.sqrt(s.h) + EPS);
};
const rmsprop = (lr: number, d = 0.99): Rule => (p, g, s) => {
  s.h = d * (s.h ?? 0) + (1 - d) * g * g;
  return p - (lr * g) / (Math.sqrt(s.h) + EPS);
};
const adam = (lr: number, b1 = 0.9, b2 = 0.999): Rule => (p, g, s) => {
  s.t = (s.t ?? 0) + 1;
  const lrT = (lr * Math.sqrt(1 - b2 ** s.t)) / (1 - b1 ** s.t);
  s.m = (s.m ?? 0) + (1 - b1) * (g - (s.m ?? 0));
  s.v = (s.v ?? 0) + (1 - b2) * (g * g - (s.v ?? 0));
  return p - (lrT * s.m) / (Math.sqrt(s.v) + EPS);
};

// optimizer_compare_naive.py's learning rates, with Nesterov and RMSprop at 0.1
const BOOK: [string, number, Rule][] = [
  ["SGD", 0.95, sgd(0.95)],
  ["Momentum", 0.1, momentum(0.1)],
  ["Nesterov", 0.1, nesterov(0.1)],
  ["AdaGrad", 1.5, adagrad(1.5)],
  ["RMSprop", 0.1, rmsprop(0.1)],
  ["Adam", 0.3, adam(0.3)],
];

/** The start (-7, 2) and the 30 positions after it, from grads (x / 10, 2y), by the hand rules above. */
function handPath(rule: Rule): [number, number][] {
  let [x, y] = [-7, 2];
  const sx = {};
  const sy = {};
  const path: [number, number][] = [[x, y]];
  for (let i = 0; i < 30; i++) {
    const [gx, gy] = [x / 10, 2 * y];
    [x, y] = [rule(x, gx, sx), rule(y, gy, sy)];
    path.push([x, y]);
  }
  return path;
}

describe("backprop demo optimizer-compare-naive", () => {
  it("prints each optimizer's position after 30 updates, as the book's update rules give it", async () => {
    const { code, stdout, stderr } = await cli("demo", "optimizer-compare-naive");
    expect(code).toBe(0);
    expect(stderr).toBe("");
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(6);
    BOOK.forEach(([name, lr, rule], k) => {
      const m = /^(\w+) lr ([\d.]+): x (\S+) y (\S+)$/.exec(lines[k]);
      expect(m, lines[k]).not.toBeNull();
      const [, printedName, printedLr, x, y] = m as RegExpExecArray;
      expect([printedName, Number(printedLr)]).toEqual([name, lr]);
      const [hx, hy] = handPath(rule)[30];
      expect(Math.abs(Number(x) - hx)).toBeLessThan(1e-12);
      expect(Math.abs(Number(y) - hy)).toBeLessThan(1e-12);
      // as JavaScript prints a number
      expect(String(Number(x))).toBe(x);
    });
  });

  it("agrees with the book's own optimizer.py run in NumPy: five positions to the last bit, Adam's to 1e-15", async () => {
    // printed by the book's common/optimizer.py (NumPy 2.4) on np.array(-7.0), np.array(2.0), 30 updates of
    // optimizer_compare_naive.py's loop; Adam's lr_t takes 0.999 ** t, which C's pow and JavaScript's ** may round
    // apart in the last bit
    const numpy = [
      ["SGD", -0.3503929957523197, 0.0847823165504322],
      ["Momentum", 0.896413858493733, 0.08808560171506971],
      ["Nesterov", 0.6896149016966209, -0.0006799058361171969],
      ["AdaGrad", -0.12016232231416045, 2.486389893984459e-17],
      ["RMSprop", -0.6974203096807907, 1.4834621508315574e-8],
      ["Adam", 0.13600685239498186, 0.31824537553721943],
    ] as const;
    const lines = (await cli("demo", "optimizer-compare-naive")).stdout.trimEnd().split("\n");
    numpy.forEach(([name, x, y], k) => {
      const [, printed, px, py] = /^(\w+) lr [\d.]+: x (\S+) y (\S+)$/.exec(lines[k]) as RegExpExecArray;
      expect(printed).toBe(name);
      if (name === "Adam") {
        expect(Math.abs(Number(px) - x)).toBeLessThan(1e-15);
        expect(Math.abs(Number(py) - y)).toBeLessThan(1e-15);
      } else {
        expect([Number(px), Number(py)], name).toEqual([x, y]);
      }
    });
  });

  it("draws the paths, 31 points each, into --svg FILE", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir, "paths.svg");
    const { code, stdout } = await cli("demo", "optimizer-compare-naive", "--svg", file);
    expect(code).toBe(0);
    expect(stdout.trimEnd().split("\n")).toHaveLength(6);
    const svg = readFileSync(file, "utf8");
    expect(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    // every group and text closes
    expect(svg.match(/<g[ >]/g)?.length).toBe(svg.match(/<\/g>/g)?.length);
    expect(svg.match(/<text[ >]/g)?.length).toBe(svg.match(/<\/text>/g)?.length);
    // one titled panel per optimizer, with the contour lines of f
    for (const [name, lr] of BOOK) expect(svg).toContain(`>${name} (lr ${lr})</text>`);
    expect(svg.match(/<ellipse /g)).toHaveLength(6 * 7);
    const polylines = [...svg.matchAll(/<polyline points="([^"]*)"/g)].map((m) => m[1].split(" ").map((p) => p.split(",").map(Number)));
    expect(polylines).toHaveLength(6);
    // a panel maps [-10, 10] x [-10, 10] onto 240 x 240 pixels, y upwards
    BOOK.forEach(([, , rule], k) => {
      const expected = handPath(rule).map(([x, y]) => [((x + 10) / 20) * 240, ((10 - y) / 20) * 240]);
      expect(polylines[k]).toHaveLength(31);
      polylines[k].forEach(([px, py], i) => {
        expect(px).toBeCloseTo(expected[i][0], 2);
        expect(py).toBeCloseTo(expected[i][1], 2);
      });
    });
    expect(svg.match(/<circle /g)).toHaveLength(6 * 31);
  });

  it("refuses an --svg in a folder that does not exist, in one line, before computing", async () => {
    const { code, stdout, stderr } = await cli("demo", "optimizer-compare-naive", "--svg", "/no/such/folder/paths.svg");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^backprop demo optimizer-compare-naive: --svg \/no\/such\/folder\/paths\.svg: folder \/no\/such\/folder does not exist\n$/);
    const dir = tempDir();
    dirs.push(dir);
    const folder = await cli("demo", "optimizer-compare-naive", "--svg", dir);
    expect({ code: folder.code, stdout: folder.stdout }).toEqual({ code: 2, stdout: "" });
    expect(folder.stderr).toMatch(/^backprop demo optimizer-compare-naive: --svg \S+ is a folder, expected a file name\n$/);
  });

  it("has no flags but --svg", async () => {
    const { code, stderr } = await cli("demo", "optimizer-compare-naive", "--seed", "1");
    expect(code).toBe(2);
    expect(stderr).toMatch(/^backprop demo optimizer-compare-naive: unknown flag --seed \(see backprop demo optimizer-compare-naive --help\)\n$/);
  });
});
