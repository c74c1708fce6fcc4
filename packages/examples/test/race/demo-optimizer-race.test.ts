import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tempDir } from "../helpers.js";
import { byClass, findAll, parseXml } from "../visual/net-graph-parse.js";

const METHODS = ["GD", "Momentum", "Adam", "RK45", "BDF"];

describe("backprop demo optimizer-race", () => {
  it("prints what it races, a table of one row per method, and the learning rates and tolerances", async () => {
    const { code, stdout, stderr } = await cli("demo", "optimizer-race", "--function", "book");
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("optimizer race on book: f = x^2/20 + y^2");
    expect(lines[1]).toBe('global minimum 0 at (0, 0); 7 starts: (-7, 2) and new Random("race/book") uniform in [-10, 10] x [-10, 10]');
    const header = lines[3].split(/\s{2,}/);
    expect(header).toEqual(["method", "lr", "best f", "at global", "converged", "mean grads", "total grads", "rejected", "Jacobians", "LUs", "time ms"]);
    const rows = lines.slice(4, 9).map((l) => l.split(/\s+/));
    expect(rows.map((r) => r[0])).toEqual(METHODS);
    for (const r of rows) {
      expect(r).toHaveLength(11);
      expect(r.slice(3, 5)).toEqual(["7/7", "7/7"]);
    }
    // the fixed-step methods state their lr; the integrators their rejected steps, BDF its Jacobians and LUs
    expect(rows.map((r) => r[1] !== "-")).toEqual([true, true, true, false, false]);
    expect(rows.map((r) => r.slice(7, 10).map((c) => c !== "-"))).toEqual([
      [false, false, false],
      [false, false, false],
      [false, false, false],
      [true, false, false],
      [true, true, true],
    ]);
    expect(lines[9]).toBe("");
    expect(lines[10]).toMatch(/^learning rates from the grid 10\^\(k\/8\), k = -48\.\.8: GD 10\^\(-1\/8\) = 0\.75: the largest that converges from every start; Momentum \(0\.9\) .*; Adam /);
    expect(lines[11]).toMatch(/rtol 1e-6, atol 1e-9/);
    expect(lines[12]).toMatch(/stops at \|grad f\| < 1e-5, or counts as not converged at 100000 grads/);
    expect(lines).toHaveLength(13);
  });

  it("--json gives the table's rows", async () => {
    const text = (await cli("demo", "optimizer-race", "--function", "camel")).stdout.split("\n").slice(4, 9);
    const { code, stdout } = await cli("demo", "optimizer-race", "--function", "camel", "--json");
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.function).toBe("camel");
    expect(json.starts).toHaveLength(6);
    expect(json.settings).toEqual({ gtol: 1e-5, maxEvaluations: 100000, rtol: 1e-6, atol: 1e-9, starts: 6 });
    expect(Object.keys(json.lrs)).toEqual(["GD", "Momentum", "Adam"]);
    json.rows.forEach((row: Record<string, number | string | null>, i: number) => {
      const cells = text[i].split(/\s+/);
      expect(row.method).toBe(cells[0]);
      expect(row.bestF).toBeCloseTo(Number(cells[2]), 6);
      expect(`${row.atGlobal}/${row.starts}`).toBe(cells[3]);
      expect(String(row.totalEvaluations)).toBe(cells[6]);
    });
  });

  it("draws one group per method with one path from each start, over the contour lines, into --svg FILE", async () => {
    const file = join(tempDir(), "race.svg");
    const { code, stdout, stderr } = await cli("demo", "optimizer-race", "--function", "camel", "--svg", file, "--json");
    expect(code).toBe(0);
    expect(stderr).toBe(`wrote ${file}\n`);
    const { starts } = JSON.parse(stdout) as { starts: [number, number][] };
    const svg = parseXml(readFileSync(file, "utf8"));
    expect(svg.tag).toBe("svg");
    const groups = byClass(svg, "method");
    expect(groups.map((g) => g.attrs["data-method"]).sort()).toEqual([...METHODS].sort());
    // the plot maps camel's [-2, 2] x [-1, 1] onto 560 x 280 pixels, y upwards
    const px = ([x, y]: [number, number]): [number, number] => [(x + 2) * 140, (1 - y) * 140];
    for (const g of groups) {
      const paths = findAll(g, (n) => n.tag === "path");
      expect(paths).toHaveLength(6);
      paths.forEach((p, i) => {
        const [mx, my] = /^M([-\d.]+),([-\d.]+)/.exec(p.attrs.d)!.slice(1).map(Number);
        expect(mx).toBeCloseTo(px(starts[i])[0], 1);
        expect(my).toBeCloseTo(px(starts[i])[1], 1);
      });
    }
    const circles = findAll(byClass(svg, "starts")[0], (n) => n.tag === "circle");
    expect(circles.map((c) => [Number(c.attrs.cx), Number(c.attrs.cy)])).toEqual(starts.map((s) => px(s).map((v) => Number(v.toFixed(2)))));
    expect(findAll(byClass(svg, "minima")[0], (n) => n.tag === "path")).toHaveLength(2);
    expect(byClass(svg, "contour").length).toBeGreaterThan(5);
    expect(byClass(svg, "legend-entry").map((e) => e.attrs["data-method"])).toEqual(METHODS);
  });

  it("draws Goldstein-Price's contours at levels spaced evenly in log(f - 3)", async () => {
    const file = join(tempDir(), "gp.svg");
    expect((await cli("demo", "optimizer-race", "--function", "goldstein-price", "--svg", file)).code).toBe(0);
    const levels = byClass(parseXml(readFileSync(file, "utf8")), "contour").map((c) => Math.log10(Number(c.attrs["data-level"]) - 3));
    expect(levels.length).toBeGreaterThan(8);
    for (let i = 1; i < levels.length; i++) expect(levels[i] - levels[i - 1]).toBeCloseTo(0.5, 2);
  });

  it("refuses an unknown function and an --svg it cannot write, in one line, before computing", async () => {
    const bad = await cli("demo", "optimizer-race", "--function", "rosenbrock");
    expect({ code: bad.code, stdout: bad.stdout }).toEqual({ code: 2, stdout: "" });
    expect(bad.stderr).toBe("backprop demo optimizer-race: --function must be camel, goldstein-price or book, got 'rosenbrock'\n");
    const missing = await cli("demo", "optimizer-race", "--svg", "/no/such/folder/race.svg");
    expect({ code: missing.code, stdout: missing.stdout }).toEqual({ code: 2, stdout: "" });
    expect(missing.stderr).toMatch(/^backprop demo optimizer-race: --svg \/no\/such\/folder\/race\.svg: folder \/no\/such\/folder does not exist\n$/);
  });

  it("says what it does in --help", async () => {
    const { code, stdout } = await cli("demo", "optimizer-race", "--help");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: backprop demo optimizer-race \[flags\]\n\nGD, Momentum and Adam against RK45 and BDF/);
    for (const flag of ["--function NAME", "--json", "--svg FILE"]) expect(stdout).toContain(flag);
  });
});
