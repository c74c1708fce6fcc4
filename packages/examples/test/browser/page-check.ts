// Opens a page that backprop wrote from file:// in headless Chromium, as a user would open it from disk, and
// records what a test checks: console errors and warnings, page errors, requests that left the file, the time until
// the page was drawn, and a screenshot judged blank or not.
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { PNG } from "pngjs";

export interface OpenedPage {
  page: Page;
  /** Console messages of type error or warning, as "type: text". */
  problems: string[];
  pageErrors: string[];
  /** Every URL the page asked for besides its own file. */
  requests: string[];
  /** From navigation until the load event and two animation frames after it, in milliseconds. */
  renderMs: number;
}

/** `file` opened in a new page of `browser`, drawn and settled. */
export async function openPage(browser: Browser, file: string, viewport = { width: 1280, height: 900 }): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  const pageErrors: string[] = [];
  const requests: string[] = [];
  const url = pathToFileURL(file).href;
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("request", (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  const started = performance.now();
  await page.goto(url, { waitUntil: "load" });
  // functions run in the page, where the DOM is (this file is typed for Node)
  await page.evaluate(() => new Promise((resolve) => (globalThis as any).requestAnimationFrame(() => (globalThis as any).requestAnimationFrame(resolve))));
  return { page, problems, pageErrors, requests, renderMs: performance.now() - started };
}

/** The share of a PNG's pixels that differ from its top-left pixel: 0 for a blank image. */
export function inkShare(png: Buffer): number {
  const { data, width, height } = PNG.sync.read(png);
  let differ = 0;
  for (let i = 0; i < width * height; i++) {
    const o = i * 4;
    if (Math.abs(data[o] - data[0]) + Math.abs(data[o + 1] - data[1]) + Math.abs(data[o + 2] - data[2]) > 30) differ++;
  }
  return differ / (width * height);
}

/** How many distinct colours (quantised to 4 bits a channel) a PNG holds: a chart has several, a blank page one. */
export function colourCount(png: Buffer): number {
  const { data } = PNG.sync.read(png);
  const seen = new Set<number>();
  for (let o = 0; o < data.length; o += 4) seen.add(((data[o] >> 4) << 8) | ((data[o + 1] >> 4) << 4) | (data[o + 2] >> 4));
  return seen.size;
}

/**
 * Drags with the mouse along axis `dim` of the parallel chart `id`, from `from` to `to` (fractions of the axis'
 * length from its top), and returns the brushed interval ECharts recorded and the page's line "N of M ...".
 */
export async function brushParallelAxis(page: Page, id: string, dim: number, from: number, to: number): Promise<{ intervals: number[][]; selection: string }> {
  const box = await page.locator(`#${id}`).boundingBox();
  if (!box) throw new Error(`brushParallelAxis: no #${id} on the page`);
  const rect = await page.evaluate(
    ({ id, dim }) => {
      const chart = (globalThis as any).backprop.charts[id];
      const axis = chart.getModel().getComponent("parallelAxis", dim).axis;
      const parallel = chart.getModel().getComponent("parallel").coordinateSystem;
      const layout = parallel.getAxisLayout(axis.dim);
      // a vertical axis is drawn upwards from its position: extent [0, length] runs from the bottom to the top
      const extent = axis.getExtent();
      return { x: layout.position[0], yTop: layout.position[1] - Math.max(...extent), yBottom: layout.position[1] - Math.min(...extent) };
    },
    { id, dim },
  );
  const y = (f: number): number => box.y + rect.yTop + f * (rect.yBottom - rect.yTop);
  const x = box.x + rect.x;
  await page.mouse.move(x, y(from));
  await page.mouse.down();
  await page.mouse.move(x, y((from + to) / 2), { steps: 4 });
  await page.mouse.move(x, y(to), { steps: 4 });
  await page.mouse.up();
  await page.waitForTimeout(100);
  return page.evaluate(
    ({ id, dim }) => {
      const chart = (globalThis as any).backprop.charts[id];
      const intervals = chart.getModel().getComponent("parallelAxis", dim).activeIntervals ?? [];
      const selection = (globalThis as any).document.querySelector(`[data-selection-of="${id}"]`)?.textContent ?? "";
      return { intervals, selection };
    },
    { id, dim },
  );
}
