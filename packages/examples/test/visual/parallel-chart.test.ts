import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chartSvg } from "../../src/visual/charts.js";
import { chartSlot, htmlPage, readPageData, selectionSlot } from "../../src/visual/page.js";
import { parallelChart } from "../../src/visual/parallel-chart.js";
import { browserTitle, hasChromium, launchChromium } from "../browser/chromium.js";
import { brushParallelAxis, colourCount, inkShare, openPage } from "../browser/page-check.js";

// 12 rows: lr from 1e-4 to 1e-1 (log), accuracy k/12, optimizer alternating
const ROWS = Array.from({ length: 12 }, (_, k) => [10 ** (-4 + (3 * k) / 11), (k + 1) / 12, k % 2 === 0 ? "sgd" : "adam"]);
const chart = () =>
  parallelChart({
    id: "trials",
    title: "trials",
    axes: [
      { name: "lr", type: "log" },
      { name: "acc", type: "value" },
      { name: "optimizer", type: "category", categories: ["sgd", "adam"] },
    ],
    rows: ROWS,
    colorBy: 1,
  });

describe("parallelChart", () => {
  it("draws one polyline per row in the server-side SVG", () => {
    const svg = chartSvg(chart());
    // each line a polyline of three points, one per axis, tagged with its row
    expect(svg.startsWith("<svg")).toBe(true);
    const lines = [...svg.matchAll(/<polyline points="([^"]+)"[^>]*ecmeta_data_index="(\d+)"/g)];
    expect(lines.map((m) => Number(m[2])).sort((a, b) => a - b)).toEqual(ROWS.map((_, k) => k));
    for (const [, points] of lines) expect(points.trim().split(/\s+/).length).toBe(6);
  });

  it("refuses a row that does not have a value per axis", () => {
    expect(() => parallelChart({ id: "x", title: "x", axes: [{ name: "a", type: "value" }], rows: [[1, 2]], colorBy: 0 })).toThrow(
      "parallelChart x: row 0 has 2 values, expected one per axis (1)",
    );
  });

  it("embeds its option and the page's data as JSON that reads back, with '</script>' in a datum kept harmless", () => {
    const c = chart();
    const html = htmlPage({ title: "t", body: chartSlot(c), charts: [c], data: { note: "</script><b>" } });
    const back = readPageData(html);
    expect(back.data).toEqual({ note: "</script><b>" });
    expect((back.charts[0].option.series as { data: unknown[] }[])[0].data).toEqual(ROWS);
  });
});

describe.skipIf(!hasChromium)(browserTitle("a parallel chart's page in headless Chromium"), () => {
  let dir: string;
  let browser: Browser;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "backprop-parallel-"));
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("draws without a console error or a request, and brushing the acc axis keeps exactly the lines inside", async () => {
    const c = chart();
    const file = join(dir, "p.html");
    writeFileSync(file, htmlPage({ title: "p", body: `${chartSlot(c)}${selectionSlot(c)}`, charts: [c] }));
    const { page, problems, pageErrors, requests } = await openPage(browser, file);
    expect(problems).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.locator('[data-selection-of="trials"]').textContent()).toBe("all 12 lines shown; drag along an axis to filter");
    const shot = await page.locator("#trials").screenshot();
    expect(inkShare(shot)).toBeGreaterThan(0.02);
    expect(colourCount(shot)).toBeGreaterThan(8);

    // the top third of the acc axis: its highest values
    const { intervals, selection } = await brushParallelAxis(page, "trials", 1, 0.05, 0.4);
    expect(intervals.length).toBe(1);
    const [lo, hi] = intervals[0];
    const inside = ROWS.filter((r) => (r[1] as number) >= lo && (r[1] as number) <= hi).length;
    expect(inside).toBeGreaterThan(0);
    expect(inside).toBeLessThan(ROWS.length);
    expect(selection).toBe(`${inside} of 12 lines kept by the brushed axes`);
    await page.close();
  }, 60_000);
});
