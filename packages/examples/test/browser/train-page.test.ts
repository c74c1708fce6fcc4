// The packages in a browser: train-page.ts bundled by esbuild for the browser from the sources (no externals, so
// a Node built-in anywhere in @backprop/core or @backprop/layers fails the bundle), inlined into an HTML file and
// opened from file:// in headless Chromium, where a page cannot fetch its neighbours.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserTitle, hasChromium, launchChromium } from "./chromium.js";
import { STEPS, type TrainPageReport } from "./train-page.js";


const examplesDir = fileURLToPath(new URL("../../", import.meta.url));
// the page's one script: train, and leave the report where page.evaluate reads it
const PAGE = 'import { trainPage } from "./test/browser/train-page.ts"; (globalThis as { trainPageReport?: unknown }).trainPageReport = trainPage();';
// the mean loss of the last 10 steps is at most this share of the first 10's
const LOSS_FALLS_BY = 10;
const MIN_ACCURACY = 0.95;

/** The generated gemm-bytes.ts as build-wasm.mjs writes it when the compile fails: no bytes, and why. */
const notBuilt: Plugin = {
  name: "not-built",
  setup(b) {
    b.onResolve({ filter: /\/gemm-bytes\.js$/ }, () => ({ path: "gemm-bytes", namespace: "not-built" }));
    b.onLoad({ filter: /.*/, namespace: "not-built" }, () => ({
      contents: 'export const GEMM_SOURCE_SHA256 = undefined; export const GEMM_WASM_BASE64 = undefined; export const GEMM_WASM_MISSING = "asc failed";',
      loader: "js",
    }));
  },
};

/** esbuild for a page: the packages' sources (the @backprop/source condition), nothing external. */
async function bundleForBrowser(contents: string, plugins: Plugin[] = []): Promise<{ text: string; imports: string[] }> {
  const result = await build({
    stdin: { contents, resolveDir: examplesDir, loader: "ts" },
    bundle: true,
    platform: "browser",
    format: "iife",
    // keeps what the entry exports, so that nothing is shaken out of the check
    globalName: "backprop",
    target: "es2022",
    conditions: ["@backprop/source"],
    write: false,
    logLevel: "silent",
    plugins,
    metafile: true,
  });
  // what the bundle still imports at run time: nothing, or a Node built-in would hide here
  const imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((i) => i.path));
  return { text: result.outputFiles[0].text, imports };
}

describe("@backprop/core and @backprop/layers bundle for the browser", () => {
  it("with no Node built-in: their main entries bundle for platform browser, the kernel's bytes inside", async () => {
    const { text, imports } = await bundleForBrowser('export * from "@backprop/core"; export * from "@backprop/layers";');
    expect(imports).toEqual([]);
    expect(text).not.toContain("getBuiltinModule");
    // "\0asm" and version 1, base64
    expect(text).toContain('"AGFzbQEAAAA');
  });

  it("the twin that imports a Node built-in fails to bundle, so the check can fail", async () => {
    await expect(bundleForBrowser('import { readFileSync } from "node:fs"; export * from "@backprop/core"; export { readFileSync };')).rejects.toThrow(
      /Could not resolve "node:fs"/,
    );
  });
});

interface PageRun {
  report: TrainPageReport | undefined;
  console: { type: string; text: string }[];
  pageErrors: string[];
  wallMs: number;
}

describe.skipIf(!hasChromium)(browserTitle("train-page.ts from file:// in headless Chromium"), () => {
  let dir: string;
  let browser: Browser;
  let wasm: PageRun;
  let ts: PageRun;

  /** Writes `bundle` inlined into an HTML file, opens it, and collects its report, console and errors. */
  async function openPage(name: string, bundle: string): Promise<PageRun> {
    const html = join(dir, `${name}.html`);
    // a "</script" inside the bundle would end the inline script; "<\/script" is the same text in any JS literal
    writeFileSync(html, `<!doctype html><meta charset="utf-8"><title>${name}</title><script>${bundle.replace(/<\/script/gi, "<\\/script")}</script>`);
    const page = await browser.newPage();
    const run: PageRun = { report: undefined, console: [], pageErrors: [], wallMs: 0 };
    page.on("console", (message) => run.console.push({ type: message.type(), text: message.text() }));
    page.on("pageerror", (error) => run.pageErrors.push(error.message));
    const started = performance.now();
    await page.goto(pathToFileURL(html).href);
    run.report = await page.evaluate(() => (globalThis as { trainPageReport?: TrainPageReport }).trainPageReport);
    run.wallMs = performance.now() - started;
    await page.close();
    return run;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "backprop-browser-"));
    browser = await launchChromium();
    wasm = await openPage("train-page", (await bundleForBrowser(PAGE)).text);
    ts = await openPage("train-page-not-built", (await bundleForBrowser(PAGE, [notBuilt])).text);
    const line = (run: PageRun): string => {
      const r = run.report!;
      return `kernel ${r.kernel.kernel}, ${STEPS} steps of ${r.net} on 200 points: ${r.stepMs.toFixed(3)} ms/step, (100, 784)·(784, 50) ${r.productMs.toFixed(2)} ms, page ${r.totalMs.toFixed(0)} ms, load and run ${run.wallMs.toFixed(0)} ms`;
    };
    if (wasm.report && ts.report) console.log(`Chromium ${browser.version()}:\n  ${line(wasm)}\n  ${line(ts)}`);
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("runs without a page error and without a console error or warning", () => {
    expect(wasm.pageErrors).toEqual([]);
    expect(wasm.console.filter((m) => m.type === "error" || m.type === "warning")).toEqual([]);
    expect(wasm.report).toBeDefined();
  });

  it("runs the embedded WebAssembly kernel, chosen at the first product: [1, 2, 3]·[4, 5, 6] = 32", () => {
    const report = wasm.report!;
    expect(report.dot).toBe(1 * 4 + 2 * 5 + 3 * 6);
    expect(report.kernel).toEqual({ kernel: "wasm", requested: "auto", reason: "no process.env here: the embedded WebAssembly SIMD kernel compiled" });
  });

  it(`trains a MultiLayerNet on two spirals with Adam: the loss falls ${LOSS_FALLS_BY}x and accuracy passes ${MIN_ACCURACY}`, () => {
    const { losses, accuracy, net } = wasm.report!;
    expect(net).toBe("MultiLayerNet(2 -> 32 -> 32 -> 2, relu)");
    expect(losses).toHaveLength(STEPS);
    expect(losses.every(Number.isFinite)).toBe(true);
    const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 10)) / LOSS_FALLS_BY);
    expect(accuracy).toBeGreaterThanOrEqual(MIN_ACCURACY);
  });

  it("round-trips the trained net through serializeModel and deserializeModel: the same predictions, bit for bit", () => {
    expect(wasm.report!.modelBytes).toBeGreaterThan(0);
    expect(wasm.report!.roundTripEqual).toBe(true);
  });

  it("where the kernel was not built, falls back to TypeScript with one console.warn, and trains to the same float64 bits", () => {
    const report = ts.report!;
    expect(ts.pageErrors).toEqual([]);
    const reason = "no process.env here, and the WebAssembly kernel was not built (asc failed); run pnpm install to build it";
    expect(report.kernel).toEqual({ kernel: "ts", requested: "auto", reason });
    expect(ts.console).toEqual([{ type: "warning", text: `backprop: using the TypeScript matrix kernel, about 4x slower: ${reason}` }]);
    expect(report.dot).toBe(32);
    expect(report.losses).toEqual(wasm.report!.losses);
    expect(report.roundTripEqual).toBe(true);
  });
});
