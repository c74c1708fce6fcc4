// The page of 'backprop graph --out FILE.html' opened from file:// in headless Chromium, as a learner opens it.
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, tempDir } from "../helpers.js";
import { browserTitle, hasChromium, launchChromium } from "./chromium.js";
import { colourCount, inkShare, openPage } from "./page-check.js";

describe.skipIf(!hasChromium)(browserTitle("the graph's page in headless Chromium"), () => {
  let dir: string;
  let browser: Browser;
  beforeAll(async () => {
    dir = tempDir();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  const views: [string, string[]][] = [
    ["the graph of a MultiLayerNetExtend on MNIST", ["--hidden", "100,100", "--batch-norm", "--dropout", "0.2"]],
    ["the units of a small penguins net", ["--dataset", "penguins", "--hidden", "6", "--neurons"]],
  ];
  for (const [what, flags] of views) {
    it(`draws ${what} with no console error and no request; the picture is not blank, its data is the trace`, async () => {
      const file = join(dir, `${flags.length}.html`);
      const { code } = await cli("graph", ...flags, "--out", file);
      expect(code).toBe(0);
      const { page, problems, pageErrors, requests } = await openPage(browser, file);
      expect(problems).toEqual([]);
      expect(pageErrors).toEqual([]);
      expect(requests).toEqual([]);
      const picture = page.locator(".graph svg");
      const shot = await picture.screenshot();
      expect(inkShare(shot)).toBeGreaterThan(0.02);
      expect(colourCount(shot)).toBeGreaterThan(8);
      // the page's data and the picture's loss are one number
      const [dataLoss, drawnLoss] = await page.evaluate(() => {
        const doc = (globalThis as any).document;
        const data = JSON.parse(doc.getElementById("backprop-data").textContent).data;
        return [data.trace.loss.loss, Number(doc.querySelector(".graph svg .loss").getAttribute("data-loss"))];
      });
      expect(dataLoss).toBe(drawnLoss);
      await page.close();
    }, 60_000);
  }
});
