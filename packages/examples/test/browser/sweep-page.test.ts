import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, tempDir } from "../helpers.js";
import { browserTitle, hasChromium, launchChromium } from "./chromium.js";
import { brushParallelAxis, colourCount, inkShare, openPage } from "./page-check.js";

interface Line {
  trial: number;
  lr: number;
  status: string;
  validation: number | null;
}

// 16 tiny trials; lr up to 1e3 makes some of them diverge
const ARGS = ["sweep", "--trials", "16", "--lr", "1e-3..1e3:log", "--hidden", "10,20", "--optimizer", "sgd,adam", "--epochs", "2", "--train-samples", "200", "--workers", "1"];

/** The trial numbers in the page's best-trials table, top to bottom, and its caption. */
async function bestTable(page: Page): Promise<{ trials: number[]; ranks: number[]; caption: string }> {
  const rows = await page.locator("#best-trials tbody tr").evaluateAll((trs) => trs.map((tr) => Array.from((tr as any).cells as { textContent: string }[], (td) => td.textContent)));
  return { ranks: rows.map((r) => Number(r[0])), trials: rows.map((r) => Number(r[1])), caption: (await page.locator("#best-caption").textContent()) ?? "" };
}

/** The trials best first (validation accuracy, then trial number), computed here from trials.jsonl. */
const ranked = (lines: Line[]): number[] => [...lines].sort((a, b) => (b.validation as number) - (a.validation as number) || a.trial - b.trial).map((l) => l.trial);

describe.skipIf(!hasChromium)(browserTitle("sweep.html in headless Chromium"), () => {
  let browser: Browser;
  let dir: string;
  let ok: Line[];
  beforeAll(async () => {
    dir = tempDir();
    expect((await cli(...ARGS, "--out", dir)).code).toBe(0);
    const lines = readFileSync(join(dir, "trials.jsonl"), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Line);
    ok = lines.filter((l) => l.status === "ok");
    // the page must show both kinds
    expect(ok.length).toBeGreaterThan(4);
    expect(ok.length).toBeLessThan(16);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it("draws the trials without a console error or a request; the table shows the best of them, best first", async () => {
    const { page, problems, pageErrors, requests } = await openPage(browser, join(dir, "sweep.html"));
    expect(problems).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(requests).toEqual([]);
    const shot = await page.locator("#trials").screenshot();
    expect(inkShare(shot)).toBeGreaterThan(0.03);
    expect(colourCount(shot)).toBeGreaterThan(8);
    expect(await page.locator('[data-selection-of="trials"]').textContent()).toBe(`all ${ok.length} lines shown; drag along an axis to filter`);
    const table = await bestTable(page);
    expect(table.trials).toEqual(ranked(ok));
    expect(table.ranks).toEqual(ok.map((_, k) => k + 1));
    expect(table.caption).toBe(`The best ${ok.length} of the ${ok.length} trials, by validation acc (higher is better).`);
    expect(await page.locator("text=Diverged (not drawn: no metric)").count()).toBe(1);
    await page.close();
  }, 60_000);

  it("brushing the val acc axis keeps the lines inside, and the table follows with the best of them; then the lr axis too", async () => {
    const { page } = await openPage(browser, join(dir, "sweep.html"));
    // the val acc axis is the last (dimension 5); its top half holds the higher accuracies
    const val = await brushParallelAxis(page, "trials", 5, 0.02, 0.6);
    expect(val.intervals).toHaveLength(1);
    const [lo, hi] = val.intervals[0];
    const inside = ok.filter((l) => (l.validation as number) >= lo && (l.validation as number) <= hi);
    expect(inside.length).toBeGreaterThan(0);
    expect(inside.length).toBeLessThan(ok.length);
    expect(val.selection).toBe(`${inside.length} of ${ok.length} lines kept by the brushed axes`);
    const table = await bestTable(page);
    expect(table.trials).toEqual(ranked(inside));
    expect(table.caption).toBe(`The best ${inside.length} of the ${inside.length} trials the brushed axes keep, by validation acc (higher is better).`);

    // and a band of the lr axis (a log axis) through the kept lines: those left must cross both
    const lr = await brushParallelAxis(page, "trials", 0, 0.45, 0.7);
    expect(lr.intervals).toHaveLength(1);
    const [lrLo, lrHi] = lr.intervals[0];
    const both = inside.filter((l) => l.lr >= lrLo && l.lr <= lrHi);
    expect(both.length).toBeGreaterThan(0);
    expect(both.length).toBeLessThan(inside.length);
    expect(lr.selection).toBe(`${both.length} of ${ok.length} lines kept by the brushed axes`);
    expect((await bestTable(page)).trials).toEqual(ranked(both));
    await page.close();
  }, 60_000);
});
