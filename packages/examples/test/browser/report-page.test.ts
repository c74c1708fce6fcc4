// The report of a seeded run, opened from disk in headless Chromium: drawn with no console error and no request, every
// chart on screen, and brushing the parallel plot keeps exactly the evaluations inside the brushed interval.
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PageChart } from "../../src/visual/charts.js";
import { readPageData } from "../../src/visual/page.js";
import type { ReportData } from "../../src/visual/report-page.js";
import { cli } from "../helpers.js";
import { browserTitle, hasChromium, launchChromium } from "./chromium.js";
import { brushParallelAxis, colourCount, inkShare, openPage } from "./page-check.js";

describe.skipIf(!hasChromium)(browserTitle("a training report in headless Chromium"), () => {
  let dir: string;
  let file: string;
  let browser: Browser;
  let charts: PageChart[];
  let data: ReportData;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "backprop-report-"));
    file = join(dir, "run.html");
    // the default run, whose report the README shows: 20 epochs of 80 steps, an evaluation after each
    const run = await cli("train", "--report", file, "--quiet");
    expect(run.code).toBe(0);
    ({ charts, data } = readPageData(readFileSync(file, "utf8")) as { charts: PageChart[]; data: ReportData });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("draws every chart from disk with no console error or warning and no request, none of them blank", async () => {
    const { page, problems, pageErrors, requests, renderMs } = await openPage(browser, file);
    expect(problems).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(requests).toEqual([]);
    console.log(`report of the default run (1600 steps, 20 evaluations): ${statSync(file).size} bytes, drawn in ${renderMs.toFixed(0)} ms in Chromium`);
    const drawn = await page.evaluate(() => Object.keys((globalThis as any).backprop.charts));
    expect(drawn).toEqual(charts.map((c) => c.id));
    // loss, accuracy, three parameter charts, three layers' histograms, the parallel plot
    expect(charts.length).toBe(9);
    for (const chart of charts) {
      const shot = await page.locator(`#${chart.id}`).screenshot();
      expect(inkShare(shot), chart.id).toBeGreaterThan(0.02);
      expect(colourCount(shot), chart.id).toBeGreaterThan(8);
    }
    await page.close();
  }, 60_000);

  it("keeps, when the test-acc axis is brushed, exactly the evaluations inside the interval, in the plot and in the table", async () => {
    const { page } = await openPage(browser, file);
    const rows = data.evaluations;
    expect(rows).toHaveLength(20);
    const total = `all ${rows.length} lines shown; drag along an axis to filter`;
    expect(await page.locator('[data-selection-of="evaluations"]').textContent()).toBe(total);
    expect(await page.locator("#evaluations-table tbody tr:visible").count()).toBe(rows.length);

    // axes: epoch, mean loss, train acc, test acc; the top third of test acc holds its best evaluations. The plot is
    // below the first screen, and the mouse reaches only what is on it
    await page.locator("#evaluations").scrollIntoViewIfNeeded();
    const { intervals, selection } = await brushParallelAxis(page, "evaluations", 3, 0.02, 0.35);
    expect(intervals).toHaveLength(1);
    const [lo, hi] = intervals[0];
    const inside = rows.filter((r) => r.values.testAcc >= lo && r.values.testAcc <= hi);
    expect(inside.length).toBeGreaterThan(0);
    expect(inside.length).toBeLessThan(rows.length);
    expect(selection).toBe(`${inside.length} of ${rows.length} lines kept by the brushed axes`);
    const shown = await page.locator("#evaluations-table tbody tr:visible td:first-child").allTextContents();
    expect(shown.map(Number)).toEqual(inside.map((r) => r.step));
    await page.close();
  }, 60_000);
});
