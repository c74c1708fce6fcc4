// The README's TensorFlow.js snippet where TF.js users run it: in a page, loading an exported model.json and its
// transform.json over HTTP (a page from file:// cannot fetch them; this one is served on 127.0.0.1), in headless
// Chromium with TF.js bundled for the browser. Its prediction must be what `backprop predict` prints.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { penguinsExport, readmeSnippet, tempDir } from "../helpers.js";
import { browserTitle, hasChromium, launchChromium } from "./chromium.js";


const root = fileURLToPath(new URL("../../../../", import.meta.url));
const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".json": "application/json", ".bin": "application/octet-stream" };

/** Serves the files of `dir` on 127.0.0.1 at a free port. */
async function serve(dir: string): Promise<Server> {
  const server = createServer((request, response) => {
    const path = join(dir, normalize(decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname)));
    if (!path.startsWith(dir) || !existsSync(path)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" }).end(readFileSync(path));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

describe.skipIf(!hasChromium)(browserTitle("the README's TF.js snippet in headless Chromium"), () => {
  let dir: string;
  let server: Server;
  let grams: number;

  beforeAll(async () => {
    dir = tempDir();
    grams = await penguinsExport(dir, "tfjs", "mass-tfjs");

    const tfjs = await build({
      stdin: { contents: 'import * as tf from "@tensorflow/tfjs"; globalThis.tf = tf;', resolveDir: root },
      bundle: true,
      platform: "browser",
      format: "iife",
      write: false,
      logLevel: "silent",
    });
    writeFileSync(join(dir, "tfjs.js"), tfjs.outputFiles[0].text);
    const page = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script src="tfjs.js"></script>
<script type="module">
try {
${readmeSnippet("TensorFlow.js (in a page")}
  globalThis.result = { grams };
} catch (error) {
  globalThis.result = { error: String(error) };
}
</script>`;
    writeFileSync(join(dir, "page.html"), page);
    server = await serve(dir);
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it("loads mass-tfjs/model.json and transform.json, and predicts the male Adelie's mass as backprop predict does", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/page.html`);
      await page.waitForFunction(() => (globalThis as { result?: unknown }).result !== undefined, undefined, { timeout: 30_000 });
      const result = await page.evaluate(() => (globalThis as { result?: { grams?: number; error?: string } }).result);
      expect(errors).toEqual([]);
      expect(result?.error).toBeUndefined();
      expect(Math.abs(result!.grams! - grams)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(grams)));
      console.log(`TF.js in Chromium ${browser.version()}: ${result!.grams} g, backprop predict ${grams} g`);
    } finally {
      await browser.close();
    }
  });
});
