// The playground page as a user gets it: `backprop playground --out DIR` writes DIR/index.html with the page script
// inline, opened from file:// in headless Chromium (settings in the query string). Every figure the page shows is
// checked against the library trained in Node on the same generated data, with no PlaygroundSession in between:
// a MultiLayerNet, SGD and a Trainer built by hand, as session.ts documents.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Tensor } from "@backprop/core";
import { Adam, MultiLayerNet, SGD, Trainer, accuracy, deserializeModel, evaluateMetrics, meanLoss, traceNet, type Net } from "@backprop/layers";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Output } from "../../src/output.js";
import { playgroundCommand } from "../../src/playground-command.js";
import { fmt } from "../../src/playground/page/dom.js";
import { generateData, planeSource, type PlaneData } from "../../src/playground/plane-data.js";
import { DEFAULT_SETTINGS, settingsToQuery, type PlaygroundSettings } from "../../src/playground/settings.js";
import { BATCH_NORM_NOTE } from "../../src/playground/step-through.js";
import { browserTitle, hasChromium, launchChromium } from "./chromium.js";
import { colourCount, inkShare, openPage } from "./page-check.js";

const examplesDir = fileURLToPath(new URL("../../", import.meta.url));
const repoDir = fileURLToPath(new URL("../../../../", import.meta.url));
const SEED = 3;
const STEPS = 200;
/** The training sample the step-through is checked on. */
const SAMPLE = 7;
/** The bar for the book's spiral after 1,000 epochs of its 240 training points (PyTorch: 0.98-1.0). */
const MIN_TEST_ACCURACY = 0.95;
const DONE_STEPS = 8000;
const BENCH_STEPS = 2000;

// functions passed to page.evaluate run in the page: `globalThis.playground` is window.playground there
type Api = any;
declare const playground: Api;

/** The page script exactly as scripts/build.mjs bundles it (the playground entry), into `dir`. */
async function buildPageScript(dir: string): Promise<URL> {
  const result = await build({
    entryPoints: { playground: join(examplesDir, "src/playground/page/main.ts") },
    outdir: dir,
    absWorkingDir: repoDir,
    conditions: ["@backprop/source"],
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2022",
    logLevel: "silent",
    write: false,
  });
  const file = join(dir, "playground.js");
  writeFileSync(file, result.outputFiles[0].text);
  return pathToFileURL(file);
}

/** The library alone in Node: the session's recipe by hand for the settings (the defaults with another seed). */
function nodeRun(settings: PlaygroundSettings, steps: number): { data: PlaneData; net: Net; trainer: Trainer; initial: Record<string, number[]> } {
  const data = generateData(settings);
  const net = new MultiLayerNet(2, settings.hidden, data.classes, { seed: settings.seed, weightInitStd: "he" });
  const initial = params(net);
  const trainer = new Trainer(net, new SGD(settings.lr), planeSource(data.train), planeSource(data.test), { batchSize: settings.batchSize, iters: Math.max(1, steps), seed: settings.seed });
  for (let i = 0; i < steps; i++) trainer.step();
  return { data, net, trainer, initial };
}

/** session.evaluate()'s four figures, computed here from the library's functions. */
function nodeEvaluate(net: Net, data: PlaneData): { trainLoss: number; testLoss: number; trainMetric: number; testMetric: number } {
  const train = planeSource(data.train);
  const test = planeSource(data.test);
  return {
    trainLoss: meanLoss(net, train),
    testLoss: meanLoss(net, test),
    trainMetric: evaluateMetrics(net, train, [accuracy])[accuracy.name],
    testMetric: evaluateMetrics(net, test, [accuracy])[accuracy.name],
  };
}

const params = (net: Net): Record<string, number[]> => Object.fromEntries(Object.entries(net.params).map(([k, p]) => [k, Array.from(p.copy().contiguousData())]));
const arrayOf = (t: Tensor): unknown => t.toArray();
/**
 * How far the page's numbers are from Node's: the largest |a - b| over the largest |b| of the same quantity. Chromium's
 * V8 (156) and Node 20's compute Math.exp, log, sin and cos differently in the last bit for about one argument in
 * ten (sqrt and the arithmetic agree), and the data (Box-Muller normals, the spiral's sin and cos), the initial
 * weights and softmax use them; so the page equals the library in Node to these bounds, not bit for bit. Within the
 * page, every figure shown equals the page's own numbers bit for bit.
 */
const TRAINED = 1e-12;
const ONE_PASS = 1e-14;
function gap(a: unknown, b: unknown): number {
  const xs = flatten(a);
  const ys = flatten(b);
  if (xs.length !== ys.length) return Infinity;
  let scale = 0;
  let d = 0;
  ys.forEach((y, i) => {
    scale = Math.max(scale, Math.abs(y));
    d = Math.max(d, Math.abs(xs[i] - y));
  });
  return scale === 0 ? d : d / scale;
}
function flatten(v: unknown): number[] {
  if (typeof v === "number") return [v];
  if (Array.isArray(v)) return v.flatMap(flatten);
  if (typeof v === "string") return [Number(v)];
  if (v && typeof v === "object") return Object.keys(v).sort().flatMap((k) => flatten((v as Record<string, unknown>)[k]));
  return [NaN];
}
/** A MultiLayerNet of the settings carrying `values` (the page's parameters, full precision). */
function netWith(settings: PlaygroundSettings, classes: number, values: Record<string, number[]>): Net {
  const net = new MultiLayerNet(2, settings.hidden, classes, { seed: settings.seed, weightInitStd: "he" });
  for (const [key, v] of Object.entries(values)) net.params[key].contiguousData().set(v);
  return net;
}
/** -0 as 0: JSON (the DOM's data-values) writes both as 0, and toEqual tells them apart. */
const plain = (v: unknown): unknown => (Array.isArray(v) ? v.map(plain) : typeof v === "number" ? v + 0 : v);

/** The page's links as "W1[i][j]" -> the attribute's text. */
async function links(page: Page, attr: "data-weight" | "data-grad"): Promise<Record<string, string>> {
  return page.evaluate(
    (attr) =>
      Object.fromEntries(
        Array.from((globalThis as any).document.querySelectorAll("line.link")).map((l: any) => [`${l.dataset.param}[${l.dataset.i}][${l.dataset.j}]`, l.getAttribute(attr)]),
      ),
    attr,
  );
}

/** The same keys from Node tensors, as the page writes them: String(number). */
function linksOf(tensors: Record<string, Tensor>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, t] of Object.entries(tensors)) {
    if (!key.startsWith("W")) continue;
    const [n, m] = t.shape;
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[`${key}[${i}][${j}]`] = String(t.get(i, j));
  }
  return out;
}

describe.skipIf(!hasChromium)(browserTitle("the playground page (backprop playground --out DIR) from file:// in headless Chromium"), () => {
  let dir: string;
  let index: string;
  let browser: Browser;
  let shots: string;
  let shotsAreTemp = false;
  const opened: Page[] = [];

  /** index.html?query in a new page, ready; console problems, page errors and foreign requests recorded. */
  async function open(query = ""): Promise<{ page: Page; problems: string[] }> {
    const url = pathToFileURL(index).href + query;
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    opened.push(page);
    const problems: string[] = [];
    page.on("console", (m) => (m.type() === "error" || m.type() === "warning") && problems.push(`${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("request", (r) => r.url() !== url && !r.url().startsWith("blob:") && problems.push(`request: ${r.url()}`));
    await page.goto(url, { waitUntil: "load" });
    await page.waitForSelector("body[data-state=ready]");
    return { page, problems };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "backprop-playground-page-"));
    // a fresh page script (the sources as they are now), handed to the command through its script hook: run in
    // process from the sources, the command's own default is bundle/playground.js beside cli.js
    const script = await buildPageScript(dir);
    let said = "";
    const out: Output = { stdout: (t) => (said += t), stderr: (t) => (said += t) };
    const site = join(dir, "site");
    expect(await playgroundCommand(["--out", site], out, script)).toBe(0);
    index = join(site, "index.html");
    expect(said).toBe(`wrote ${index}: open it in a browser\n`);
    shots = process.env.BACKPROP_SCREENSHOTS ?? "";
    if (shots === "") {
      shots = join(dir, "screenshots");
      shotsAreTemp = true;
    }
    mkdirSync(shots, { recursive: true });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // fails on any console error or warning (a missing #id, a kernel fallback warning), a page error, a fetch of
  // anything besides index.html (a script or style not inlined), or a page that never reaches data-state=ready
  it("loads with no console error or warning, no page error, no request beyond its own file, and says it is ready", async () => {
    const { page, problems, pageErrors, requests } = await openPage(browser, index);
    opened.push(page);
    expect(problems).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.getAttribute("body", "data-state")).toBe("ready");
    expect(await page.evaluate(() => [playground.state, playground.settings])).toEqual(["ready", { ...DEFAULT_SETTINGS }]);
    // the network is drawn: 2*8 + 8*8 + 8*3 links, 2 + 8 + 8 + 3 neurons
    expect(await page.locator("line.link").count()).toBe(104);
    expect(await page.locator(".neuron").count()).toBe(21);
  });

  // fails if the page trains anything but the library's run on the same data (other data, split, batch order,
  // initial weights, optimizer), or prints or stores its figures other than session.evaluate()'s
  it(`?seed=${SEED}: ${STEPS} steps give the Node library's losses, to the last printed digit (and to ${TRAINED} of full precision)`, async () => {
    const settings = { ...DEFAULT_SETTINGS, seed: SEED };
    const node = nodeRun(settings, STEPS);
    const expected = nodeEvaluate(node.net, node.data);
    const { page, problems } = await open(`?seed=${SEED}`);
    const got = await page.evaluate((n) => {
      playground.step(n);
      const doc = (globalThis as any).document;
      const shown = Object.fromEntries(
        ["train-loss", "test-loss", "train-metric", "test-metric", "iteration"].map((id) => [id, { text: doc.getElementById(id).textContent, value: doc.getElementById(id).dataset.value }]),
      );
      const data = playground.session.data;
      return { evaluate: playground.evaluate(), shown, history: Array.from(playground.session.trainer.history.loss) as number[], iteration: playground.session.iteration, labels: Array.from(data.train.labels), x: Array.from(data.train.x) };
    }, STEPS);
    const gaps = { data: gap(got.x, Array.from(node.data.train.x)), history: gap(got.history, node.trainer.history.loss), evaluate: gap(got.evaluate, expected) };
    console.log(`playground ?seed=${SEED}, ${STEPS} steps, page vs Node: train loss ${got.evaluate.trainLoss} vs ${expected.trainLoss}; largest relative gaps: data ${gaps.data.toExponential(1)}, step losses ${gaps.history.toExponential(1)}, evaluate ${gaps.evaluate.toExponential(1)}`);
    expect(got.iteration).toBe(STEPS);
    // the same split, in the same order (labels are exact), the same points to rounding
    expect(got.labels).toEqual(Array.from(node.data.train.labels!));
    expect(gaps.data).toBeLessThan(ONE_PASS);
    expect(got.history).toHaveLength(STEPS);
    expect(gaps.history).toBeLessThan(TRAINED);
    expect(gaps.evaluate).toBeLessThan(TRAINED);
    // to the last printed digit: the page's text is what Node's number prints as
    expect(got.shown["train-loss"].text).toBe(fmt(expected.trainLoss, 6));
    expect(got.shown["test-loss"].text).toBe(fmt(expected.testLoss, 6));
    expect(got.shown["train-metric"].text).toBe(expected.trainMetric.toFixed(4));
    expect(got.shown["test-metric"].text).toBe(expected.testMetric.toFixed(4));
    // accuracies are counts: exact
    expect([got.evaluate.trainMetric, got.evaluate.testMetric]).toEqual([expected.trainMetric, expected.testMetric]);
    // and the DOM's data-value is the page's own evaluate(), bit for bit
    expect(got.shown["train-loss"].value).toBe(String(got.evaluate.trainLoss));
    expect(got.shown["test-loss"].value).toBe(String(got.evaluate.testLoss));
    expect(got.shown["train-metric"].value).toBe(String(got.evaluate.trainMetric));
    expect(got.shown["test-metric"].value).toBe(String(got.evaluate.testMetric));
    expect(got.shown.iteration).toEqual({ text: String(STEPS), value: String(STEPS) });
    expect(problems).toEqual([]);
  });

  // fails if a number of the step-through table (read from its data-values) differs from traceNet's on the same
  // sample at the same weights: a wrong sample, a quantity under the wrong name, a value rounded on its way to the DOM
  it(`the step-through of training sample ${SAMPLE} shows traceNet's numbers (Z, O, W, b, Y, L; δ, dW, db) after ${STEPS} steps`, async () => {
    const settings = { ...DEFAULT_SETTINGS, seed: SEED };
    const { page, problems } = await open(`?seed=${SEED}`);
    const got = await page.evaluate(
      ({ n, sample }) => {
        playground.step(n);
        playground.stepThrough(sample);
        const doc = (globalThis as any).document;
        const quantities = Object.fromEntries(
          Array.from(doc.querySelectorAll("#step-through .quantity")).map((q: any) => [`${q.dataset.direction}/${q.dataset.layer}/${q.dataset.name}`, JSON.parse(q.dataset.values)]),
        );
        const line = doc.querySelector("#step-through .sample-line");
        const train = playground.session.data.train;
        const params = Object.fromEntries(Object.entries(playground.session.net.params).map(([k, p]: [string, any]) => [k, Array.from(p.copy().contiguousData())]));
        return { quantities, sample: Number(line.dataset.sample), loss: Number(line.dataset.loss), x: [train.x[2 * sample], train.x[2 * sample + 1]], t: train.labels[sample], params };
      },
      { n: STEPS, sample: SAMPLE },
    );
    // the outside reference: traceNet in Node on that sample at the page's weights
    const net = netWith(settings, 3, got.params as Record<string, number[]>);
    const trace = traceNet(net, Tensor.fromData(Float64Array.from(got.x), [1, 2]), Tensor.fromData(Float64Array.of(got.t), [1]));
    const expected: Record<string, unknown> = {};
    let k = 0;
    for (const layer of trace.layers) {
      if (layer.type === "Affine") {
        k++;
        const W = layer.params.find((p) => p.key === "W")!;
        const b = layer.params.find((p) => p.key === "b")!;
        Object.assign(expected, {
          [`forward/${layer.name}/O${k - 1}`]: arrayOf(layer.x),
          [`forward/${layer.name}/W${k}`]: arrayOf(W.value),
          [`forward/${layer.name}/b${k}`]: arrayOf(b.value),
          [`forward/${layer.name}/Z${k}`]: arrayOf(layer.out),
          [`backward/${layer.name}/δ${k}`]: arrayOf(layer.dout),
          [`backward/${layer.name}/dW${k}`]: arrayOf(W.grad),
          [`backward/${layer.name}/db${k}`]: arrayOf(b.grad),
          [`backward/${layer.name}/dO${k - 1}`]: arrayOf(layer.dx),
        });
      } else {
        Object.assign(expected, {
          [`forward/${layer.name}/Z${k}`]: arrayOf(layer.x),
          [`forward/${layer.name}/O${k}`]: arrayOf(layer.out),
          [`backward/${layer.name}/dO${k}`]: arrayOf(layer.dout),
          [`backward/${layer.name}/δ${k}`]: arrayOf(layer.dx),
        });
      }
    }
    Object.assign(expected, {
      [`forward/SoftmaxWithLoss/Y`]: arrayOf(trace.loss.out!),
      [`forward/SoftmaxWithLoss/L`]: [trace.loss.loss],
      [`backward/SoftmaxWithLoss/δ${k}`]: arrayOf(trace.loss.dy),
    });
    expect(got.sample).toBe(SAMPLE);
    expect(Object.keys(got.quantities).sort()).toEqual(Object.keys(expected).sort());
    // the forward pass up to the scores is products and sums, the same in both engines: bit for bit
    const exact = Object.keys(expected).filter((key) => key.startsWith("forward/") && !key.startsWith("forward/SoftmaxWithLoss/"));
    expect(exact.length).toBeGreaterThanOrEqual(12);
    for (const key of exact) expect(plain(got.quantities[key]), key).toEqual(plain(expected[key]));
    // softmax's exp and the loss's log: to rounding; the backward pass follows from them
    const worst = Math.max(...Object.keys(expected).map((key) => gap(got.quantities[key], expected[key])));
    console.log(`playground step-through of sample ${SAMPLE}: forward to the scores bit for bit; Y, L and the backward pass within ${worst.toExponential(1)} of traceNet in Node`);
    for (const key of Object.keys(expected)) expect(gap(got.quantities[key], expected[key]), key).toBeLessThan(ONE_PASS);
    expect(gap(got.loss, trace.loss.loss)).toBeLessThan(ONE_PASS);
    // and those weights are the library's own after the same 200 steps in Node
    expect(gap(got.params, params(nodeRun(settings, STEPS).net))).toBeLessThan(TRAINED);
    expect(problems).toEqual([]);
  });

  // fails if the backward view's links or neurons show anything but the last batch's gradient (the batch before it,
  // gradients after the update, gradients the step-through's own pass overwrote), or the view does not switch
  it("the backward toggle shows on the links and neurons net.gradient of the last mini-batch, as computed in Node", async () => {
    const settings = { ...DEFAULT_SETTINGS, seed: SEED };
    const node = nodeRun(settings, STEPS);
    const { page, problems } = await open(`?seed=${SEED}`);
    const got = await page.evaluate((n) => {
      playground.step(n - 1);
      const before = Object.fromEntries(Object.entries(playground.session.net.params).map(([k, p]: [string, any]) => [k, Array.from(p.copy().contiguousData())]));
      playground.step(1);
      const { x, t } = playground.session.trainer.lastBatch;
      const last = Object.fromEntries(Object.entries(playground.lastGradients()).map(([k, p]: [string, any]) => [k, Array.from(p.copy().contiguousData())]));
      return { before, x: Array.from(x.copy().contiguousData()) as number[], t: Array.from(t.copy().contiguousData()) as number[], last };
    }, STEPS);
    // the same batch as Node's Trainer drew at step 200: its labels exactly, its points to rounding
    expect(got.t).toEqual(Array.from(node.trainer.lastBatch!.t.copy().contiguousData()));
    expect(gap(got.x, Array.from(node.trainer.lastBatch!.x.copy().contiguousData()))).toBeLessThan(ONE_PASS);
    // net.gradient in Node, at the page's weights before the last update, on that batch
    const net = netWith(settings, 3, got.before as Record<string, number[]>);
    const gradient = net.gradient(Tensor.fromData(Float64Array.from(got.x), [got.t.length, 2]), Tensor.fromData(Float64Array.from(got.t), [got.t.length]));
    expect(await page.getAttribute("#network", "data-mode")).toBe("forward");
    // as a user does: the radio button
    await page.click("#mode-backward");
    expect(await page.getAttribute("#network", "data-mode")).toBe("backward");
    const shown = await links(page, "data-grad");
    const deltas = await page.evaluate(() =>
      Object.fromEntries(
        Array.from((globalThis as any).document.querySelectorAll(".neuron"))
          .filter((n: any) => n.dataset.layer !== "0")
          .map((n: any) => [`b${n.dataset.layer}[${n.dataset.unit}]`, n.dataset.grad]),
      ),
    );
    const biases = (grads: Record<string, Tensor>): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const [key, g] of Object.entries(grads)) if (key.startsWith("b")) Array.from(g.copy().contiguousData()).forEach((v, j) => (out[`${key}[${j}]`] = String(v)));
      return out;
    };
    const pageGrads = Object.fromEntries(Object.entries(got.last as Record<string, number[]>).map(([k, v]) => [k, Tensor.fromData(Float64Array.from(v), net.params[k].shape)]));
    // the drawing shows the page's trainer.lastGradients bit for bit ...
    expect(shown).toEqual(linksOf(pageGrads));
    expect(deltas).toEqual(biases(pageGrads));
    // ... which are net.gradient of that batch (softmax's exp to rounding)
    expect(Object.keys(shown).sort()).toEqual(Object.keys(linksOf(gradient)).sort());
    expect(gap(shown, linksOf(gradient))).toBeLessThan(ONE_PASS);
    expect(gap(deltas, biases(gradient))).toBeLessThan(ONE_PASS);
    // and Node's own Trainer's gradients of its step 200
    expect(gap(shown, linksOf(node.trainer.lastGradients!))).toBeLessThan(TRAINED);
    await page.evaluate(() => playground.setMode("forward"));
    expect(await page.getAttribute("#network", "data-mode")).toBe("forward");
    expect(problems).toEqual([]);
  });

  // fails if reset draws other weights than at load (a generator not re-seeded, an optimizer state kept) or the page's
  // initial weights are not MultiLayerNet's for the seed
  it("reset restores the initial weights: the links' data-weight equal those at load bit for bit, and the Node net's", async () => {
    const node = nodeRun({ ...DEFAULT_SETTINGS, seed: SEED }, 0);
    const initial = linksOf(Object.fromEntries(Object.entries(node.net.params)));
    const { page, problems } = await open(`?seed=${SEED}`);
    const atLoad = await links(page, "data-weight");
    expect(Object.keys(atLoad).sort()).toEqual(Object.keys(initial).sort());
    // He's normals (Box-Muller: log, cos) to rounding
    expect(gap(atLoad, initial)).toBeLessThan(ONE_PASS);
    await page.evaluate((n) => playground.step(n), STEPS);
    const trained = await links(page, "data-weight");
    expect(trained).not.toEqual(atLoad);
    await page.click("#reset");
    expect(await links(page, "data-weight")).toEqual(atLoad);
    expect(await page.evaluate(() => playground.session.iteration)).toBe(0);
    // and the run repeats
    await page.evaluate((n) => playground.step(n), STEPS);
    expect(await links(page, "data-weight")).toEqual(trained);
    await page.evaluate(() => playground.reset());
    expect(await links(page, "data-weight")).toEqual(atLoad);
    expect(problems).toEqual([]);
  });

  // fails if the file input does not load the CSV (the data set stays the spiral), the net does not learn it, or a
  // bad file throws into the console instead of showing one line on the page
  it("a CSV chosen in the file input trains (the loss falls, accuracy rises); a bad CSV shows a one-line error", async () => {
    // XOR of four blobs: a net at its initial weights is near chance, and 2-8-8-2 learns it
    const lines = ["x1,x2,label"];
    let state = 1;
    const noise = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.6;
    for (let i = 0; i < 100; i++) {
      const sx = i % 2 === 0 ? 1 : -1;
      const sy = i % 4 < 2 ? 1 : -1;
      lines.push(`${(sx + noise()).toFixed(4)},${(sy + noise()).toFixed(4)},${sx * sy > 0 ? "same" : "different"}`);
    }
    const { page, problems } = await open();
    await page.setInputFiles("#csv-file", { name: "xor.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\n") + "\n") });
    await page.waitForFunction(() => playground.settings.dataset === "csv");
    // classes in first-seen order: row 0 is (+1, +1), "same"
    expect(await page.textContent("#csv-info")).toBe("xor.csv: 100 rows, 2 classes (same, different)");
    const first = await page.evaluate(() => ({ e: playground.evaluate(), train: playground.session.data.train.length, outputs: playground.session.net.params.W3.shape[1] }));
    expect([first.train, first.outputs]).toEqual([80, 2]);
    const last = await page.evaluate(() => {
      playground.step(400);
      return playground.evaluate();
    });
    expect(last.trainLoss).toBeLessThan(first.e.trainLoss / 3);
    expect(last.trainMetric).toBeGreaterThan(first.e.trainMetric);
    expect(last.trainMetric).toBeGreaterThanOrEqual(0.95);
    expect(await page.isHidden("#errors")).toBe(true);
    await page.setInputFiles("#csv-file", { name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from("x1,x2,label\n0.1,0.2,a\nabc,0.3,b\n0.5,0.6,a\n") });
    await page.waitForSelector("#errors:not([hidden])");
    const error = (await page.textContent("#errors")) ?? "";
    expect(error).toMatch(/^csvPlane: line 3: .*'abc'/);
    expect(error).not.toContain("\n");
    // the CSV that trained stays
    expect(await page.evaluate(() => [playground.settings.dataset, playground.session.iteration])).toEqual(["csv", 400]);
    expect(problems).toEqual([]);
  });

  // fails if the model file loses or rounds a weight, records settings that rebuild other data, or loading it (in a
  // fresh page, through the file input) does not bring back the same predictions; or the TF.js files do not download
  it("export then import reproduces the predictions: deserializeModel in Node, and a freshly opened page; the TF.js files download", async () => {
    const points = [
      [0, 0],
      [0.5, -0.25],
      [-0.75, 0.6],
      [1.1, 1.1],
      [-0.3, -0.9],
    ];
    const { page, problems } = await open(`?seed=${SEED}`);
    const exported = await page.evaluate(
      ({ n, points }) => {
        playground.step(n);
        const net = playground.session.net;
        // the page's own Tensor class, from a parameter of its net
        const T = net.params.W1.constructor;
        const predictions = net.predict(T.fromData(Float64Array.from(points.flat()), [points.length, 2])).toArray();
        return { bytes: Array.from(playground.exportModel() as Uint8Array), predictions, evaluate: playground.evaluate() };
      },
      { n: STEPS, points },
    );
    const bytes = Uint8Array.from(exported.bytes);
    const { net, header } = deserializeModel(bytes, "playground.bpm");
    expect(net.predict(Tensor.fromData(Float64Array.from(points.flat()), [points.length, 2])).toArray()).toEqual(exported.predictions);
    // Node's data and softmax differ from Chromium's in the last bit (see TRAINED): the same figures to rounding
    expect(gap(nodeEvaluate(net, generateData({ ...DEFAULT_SETTINGS, seed: SEED })), exported.evaluate)).toBeLessThan(ONE_PASS);
    expect((header.training as { iteration: number }).iteration).toBe(STEPS);

    // a fresh page with the defaults (seed 0): the file's recorded settings (seed 3) come with it
    const fresh = await open();
    const file = join(dir, "playground.bpm");
    writeFileSync(file, bytes);
    await fresh.page.setInputFiles("#model-file", file);
    await fresh.page.waitForFunction(() => playground.settings.seed === 3);
    expect(await fresh.page.textContent("#model-info")).toMatch(/^loaded playground\.bpm: /);
    expect(await fresh.page.evaluate(() => playground.evaluate())).toEqual(exported.evaluate);
    expect(await links(fresh.page, "data-weight")).toEqual(await links(page, "data-weight"));
    // and by the API
    const third = await open();
    expect(await third.page.evaluate((b) => (playground.importModel(Uint8Array.from(b)), playground.evaluate()), exported.bytes)).toEqual(exported.evaluate);

    // the page's download buttons: the .bpm file (the same net), and TF.js's model.json with weights.bin
    const [bpm] = await Promise.all([page.waitForEvent("download"), page.click("#export-model")]);
    expect(bpm.suggestedFilename()).toBe(`playground-step${STEPS}.bpm`);
    const downloaded = deserializeModel(new Uint8Array(readFileSync((await bpm.path())!)), "download").net;
    expect(params(downloaded)).toEqual(params(net));
    const tfjs: Record<string, Buffer> = {};
    page.on("download", async (d) => (tfjs[d.suggestedFilename()] = readFileSync((await d.path())!)));
    await page.click("#export-tfjs");
    await expect.poll(() => Object.keys(tfjs).sort(), { timeout: 10_000 }).toEqual(["model.json", "weights.bin"]);
    const model = JSON.parse(tfjs["model.json"].toString("utf8"));
    expect(model.modelTopology).toBeDefined();
    const manifest = model.weightsManifest.flatMap((g: { weights: { shape: number[] }[] }) => g.weights);
    // float32 weights: 4 bytes each, W1..W3 and b1..b3 of 2-8-8-3
    expect(manifest.reduce((s: number, w: { shape: number[] }) => s + w.shape.reduce((a, b) => a * b, 1), 0) * 4).toBe(tfjs["weights.bin"].length);
    expect(tfjs["weights.bin"].length).toBe((2 * 8 + 8 + 8 * 8 + 8 + 8 * 3 + 3) * 4);
    expect(problems).toEqual([]);
    expect(fresh.problems).toEqual([]);
    expect(third.problems).toEqual([]);
  });

  // the "Done when": fails if the default page, trained as a user would (8,000 steps on the book's spiral),
  // stays below 0.95 test accuracy, or the page is not on the book's settings by default
  it(`the default page (the book's spiral, 2-8-8-3 ReLU, SGD 0.3, batch 30, seed 0) reaches test accuracy >= ${MIN_TEST_ACCURACY} in ${DONE_STEPS} steps`, async () => {
    const { page, problems } = await open();
    const got = await page.evaluate((n) => {
      const s = playground.session;
      const shape = { train: s.data.train.length, test: s.data.test.length, net: String(s.net) };
      playground.step(n);
      return { ...shape, evaluate: playground.evaluate(), shown: Number((globalThis as any).document.getElementById("test-metric").dataset.value) };
    }, DONE_STEPS);
    console.log(`playground default page after ${DONE_STEPS} steps: test accuracy ${got.evaluate.testMetric}, train accuracy ${got.evaluate.trainMetric}, test loss ${got.evaluate.testLoss}`);
    expect([got.train, got.test]).toEqual([240, 60]);
    expect(got.net).toMatch(/2 -> 8 -> 8 -> 3, relu/);
    expect(got.shown).toBe(got.evaluate.testMetric);
    expect(got.evaluate.testMetric).toBeGreaterThanOrEqual(MIN_TEST_ACCURACY);
    expect(problems).toEqual([]);
  });

  // fails if a view is drawn blank (a canvas or SVG left empty, a panel hidden), or the sigmoid net's backward view
  // does not show its gradients fading toward the input
  it("screenshots of the forward view, the backward view (sigmoid, 4 hidden layers of 8, xavier) and the step-through are not blank", async () => {
    const { page, problems } = await open();
    await page.evaluate(() => playground.step(2000));
    const check = async (name: string, png: Buffer): Promise<void> => {
      writeFileSync(join(shots, name), png);
      expect(inkShare(png), name).toBeGreaterThan(0.03);
      expect(colourCount(png), name).toBeGreaterThan(12);
    };
    await check("playground-forward.png", await page.screenshot({ fullPage: false }));
    // the header alone is ink: the views themselves are checked too
    const heatmap = await page.locator("#heatmap").screenshot();
    writeFileSync(join(shots, "playground-heatmap.png"), heatmap);
    expect(inkShare(heatmap), "heat-map").toBeGreaterThan(0.2);
    expect(colourCount(heatmap), "heat-map").toBeGreaterThan(12);
    // the output neuron of class 0: its probability over the plane, from neutral to its colour
    const neuron = await page.locator('.neuron[data-layer="3"][data-unit="0"] canvas').screenshot();
    expect(inkShare(neuron), "output neuron").toBeGreaterThan(0.1);
    expect(colourCount(neuron), "output neuron").toBeGreaterThan(4);
    const strokes = await page.evaluate(() => Array.from((globalThis as any).document.querySelectorAll("line.link")).map((l: any) => [l.getAttribute("stroke"), Number(l.getAttribute("stroke-width"))]));
    // both signs' colours, and widths that follow the weights
    expect(new Set(strokes.map(([colour]) => colour)).size, "link colours").toBeGreaterThanOrEqual(2);
    expect(new Set(strokes.map(([, width]) => width)).size, "link widths").toBeGreaterThan(10);
    await page.evaluate(() => {
      playground.setSettings({ activation: "sigmoid", hidden: [8, 8, 8, 8], init: "xavier" });
      playground.step(200);
      playground.setMode("backward");
    });
    expect(await page.getAttribute("#network", "data-mode")).toBe("backward");
    const { meanAbs, fromGrads } = await page.evaluate(() => {
      const grads = playground.lastGradients();
      const mean = (t: any) => (Array.from(t.copy().contiguousData()) as number[]).reduce((s, v) => s + Math.abs(v), 0) / t.size;
      return {
        meanAbs: Array.from((globalThis as any).document.querySelectorAll("#network .column-summary")).map((s: any) => Number(s.dataset.meanAbs)),
        fromGrads: [1, 2, 3, 4, 5].map((k) => mean(grads[`W${k}`])),
      };
    });
    // the summaries under the columns are the mean |dW| of the page's last gradients, layer by layer
    expect(meanAbs).toEqual(fromGrads);
    console.log(`playground backward view, sigmoid 2-8-8-8-8-3 (xavier): mean |dW| by layer ${meanAbs.map((v) => v.toExponential(2)).join(", ")}`);
    expect(meanAbs).toHaveLength(5);
    // vanishing gradients: the first layer's are smaller than the last's
    expect(meanAbs[0]).toBeLessThan(meanAbs[4]);
    await check("playground-backward.png", await page.locator("#network-column").screenshot());
    await page.evaluate(() => playground.setMode("forward"));
    await page.click("#trace-first");
    await page.click("#trace-next");
    await page.click("#trace-next");
    await check("playground-step-through.png", await page.locator("#step-through-section").screenshot());
    console.log(`playground screenshots in ${shots}${shotsAreTemp ? " (a temporary folder, removed after the tests; set BACKPROP_SCREENSHOTS to keep them)" : ""}`);
    expect(problems).toEqual([]);
  });

  // fails if a batch-norm net's step-through shows its one-sample trace (every gradient below batch norm exactly 0),
  // or the backward view draws its hidden neurons from db (0 to rounding under batch norm) rather than dβ
  it("?batchNorm=true: the step-through says in one line why it is not shown; the backward view's hidden neurons are dβ", async () => {
    const { page, problems } = await open("?batchNorm=true");
    expect(await page.textContent("#step-through")).toBe(BATCH_NORM_NOTE);
    expect(await page.locator("#step-through table, #step-through .quantity").count()).toBe(0);
    const got = await page.evaluate(() => {
      playground.step(50);
      playground.setMode("backward");
      const doc = (globalThis as any).document;
      const shown = Object.fromEntries(
        Array.from(doc.querySelectorAll(".neuron"))
          .filter((n: any) => n.dataset.layer === "1" || n.dataset.layer === "2")
          .map((n: any) => [`${n.dataset.layer}[${n.dataset.unit}]`, Number(n.dataset.grad)]),
      );
      const grads = playground.lastGradients();
      const entries = (key: string) => Array.from(grads[key].copy().contiguousData()) as number[];
      const beta = Object.fromEntries([1, 2].flatMap((k) => entries(`beta${k}`).map((v, j) => [`${k}[${j}]`, v])));
      const db = [1, 2].flatMap((k) => entries(`b${k}`));
      return { shown, beta, db, hint: doc.getElementById("network-hint").textContent, trace: playground.stepThrough(5), text: doc.getElementById("step-through").textContent };
    });
    expect(Object.keys(got.shown)).toHaveLength(16);
    expect(got.shown).toEqual(got.beta);
    // what the neurons used to show: db is 0 to rounding, since batch norm subtracts the batch's mean ...
    expect(Math.max(...got.db.map(Math.abs))).toBeLessThan(1e-12);
    // ... while dβ is not
    expect(Math.max(...Object.values(got.shown).map(Math.abs))).toBeGreaterThan(1e-4);
    expect(got.hint).toMatch(/dβ/);
    expect(got.trace).toBeUndefined();
    expect(got.text).toBe(BATCH_NORM_NOTE);
    // the hover's per-sample formulas say the same
    await page.hover('.neuron[data-layer="1"][data-unit="0"]');
    expect(await page.textContent("#tooltip")).toContain(BATCH_NORM_NOTE);
    expect(problems).toEqual([]);
  });

  // fails if the address bar keeps a value the page replaced (a copied link would not reproduce the run shown)
  it("?lr=abc: the page shows the error, runs the default learning rate, and the URL says lr=0.3", async () => {
    const { page, problems } = await open("?lr=abc&seed=4");
    expect(await page.textContent("#errors")).toBe("lr: expected a number above 0, at most 10, got 'abc'");
    expect(new URL(page.url()).search).toBe(`?${settingsToQuery({ ...DEFAULT_SETTINGS, seed: 4 })}`);
    expect(new URL(page.url()).searchParams.get("lr")).toBe("0.3");
    // and a csv link, which has no CSV yet, says the spiral it shows
    const csv = await open("?dataset=csv");
    expect(new URL(csv.page.url()).searchParams.get("dataset")).toBe("spiral");
    expect(problems).toEqual([]);
    expect(csv.problems).toEqual([]);
  });

  // fails if an empty or fractional seed is taken (Number("") is 0) instead of refused with the previous one kept
  it("a seed field cleared or fractional is refused with one line, the previous seed kept", async () => {
    const { page, problems } = await open(`?seed=${SEED}`);
    for (const text of ["", "1.5"]) {
      await page.fill("#setting-seed", text);
      await page.dispatchEvent("#setting-seed", "change");
      expect(await page.textContent("#errors")).toBe(`seed: expected an integer from 0 to 2^31 - 1, got '${text}'`);
      expect(await page.evaluate(() => playground.settings.seed)).toBe(SEED);
      expect(await page.inputValue("#setting-seed")).toBe(String(SEED));
      expect(new URL(page.url()).searchParams.get("seed")).toBe(String(SEED));
    }
    expect(problems).toEqual([]);
  });

  // fails if the points slider cannot show what the URL accepts, or a model file leaves the sample chooser on the old data
  it("the points slider goes to 1000 as the URL does; importing a model updates the sample chooser's range", async () => {
    const { page, problems } = await open("?points=1000");
    expect(await page.getAttribute("#setting-points", "max")).toBe("1000");
    expect(await page.inputValue("#setting-points")).toBe("1000");
    const small = await open("?points=10");
    const bytes = await small.page.evaluate(() => Array.from(playground.exportModel() as Uint8Array));
    const got = await page.evaluate((b) => {
      playground.stepThrough(2000);
      const input = (globalThis as any).document.getElementById("sample");
      const before = [input.max, input.value];
      playground.importModel(Uint8Array.from(b));
      return { before, after: [input.max, input.value], train: playground.session.data.train.length, sample: playground.trace?.sample };
    }, bytes);
    expect(got.before).toEqual(["2399", "2000"]);
    // 10 points of each of 3 classes, 80% for training: 24
    expect(got.train).toBe(24);
    expect(got.after).toEqual(["23", "23"]);
    expect(problems).toEqual([]);
    expect(small.problems).toEqual([]);
  });

  // fails if the divergence message repeats itself or spans lines
  it("a diverging run pauses with one clean line", async () => {
    const { page, problems } = await open("?dataset=regression&lr=10");
    const loss = await page.evaluate(() => playground.step(500));
    expect(loss).toBeNaN();
    const error = (await page.textContent("#errors")) ?? "";
    expect(error).toMatch(/^the weights' norm grew from .* by iteration \d+; training stopped there, try a learning rate smaller than 10; reset to start again$/);
    expect(error.match(/stopped/g)).toHaveLength(1);
    expect(problems).toEqual([]);
  });

  // fails if a control's change does not reach the URL as settingsToQuery, or a link opened afresh does not rebuild the
  // same run (initial weights, batches, optimizer), or that run is not the library's in Node
  it("changing controls rewrites the URL; that URL in a fresh page gives the same weights and losses, and Node's", async () => {
    const settings: PlaygroundSettings = { ...DEFAULT_SETTINGS, seed: SEED, activation: "sigmoid", optimizer: "adam", lr: 0.01 };
    const { page, problems } = await open(`?seed=${SEED}`);
    await page.selectOption("#setting-activation", "sigmoid");
    await page.selectOption("#setting-optimizer", "adam");
    await page.selectOption("#setting-lr", "0.01");
    expect(await page.evaluate(() => playground.settings)).toEqual(settings);
    const query = new URL(page.url()).search;
    expect(query).toBe(`?${settingsToQuery(settings)}`);
    const initial = await links(page, "data-weight");
    const fresh = await open(query);
    expect(await fresh.page.evaluate(() => playground.settings)).toEqual(settings);
    expect(await links(fresh.page, "data-weight")).toEqual(initial);
    const run = (p: Page) => p.evaluate(() => (playground.step(50), playground.evaluate()));
    const first = await run(page);
    expect(await run(fresh.page)).toEqual(first);
    // the library alone: a sigmoid MultiLayerNet, Adam and a Trainer by hand
    const data = generateData(settings);
    const net = new MultiLayerNet(2, settings.hidden, data.classes, { activation: "sigmoid", weightInitStd: "he", seed: SEED });
    expect(gap(initial, linksOf(net.params))).toBeLessThan(ONE_PASS);
    const trainer = new Trainer(net, new Adam(0.01), planeSource(data.train), planeSource(data.test), { batchSize: settings.batchSize, iters: 50, seed: SEED });
    for (let i = 0; i < 50; i++) trainer.step();
    expect(gap(first, nodeEvaluate(net, data))).toBeLessThan(TRAINED);
    expect(problems).toEqual([]);
    expect(fresh.problems).toEqual([]);
  });

  // a benchmark, not a timed test: fails only if the measurement is not a finite number (a step that throws, a
  // page that does not train the regression set)
  it(`measures the step rate in the page: ${BENCH_STEPS} steps of a 2-8-8-1 net on 500 points`, async () => {
    const { page, problems } = await open("?dataset=regression&points=500&hidden=8,8");
    const m = await page.evaluate((n) => {
      const s = playground.session;
      const shape = { net: String(s.net), points: s.data.train.length + s.data.test.length };
      playground.step(100);
      // playground.step(n) is n training steps, then one redraw of every view: the redraw is timed alone and taken off
      const r0 = performance.now();
      for (let i = 0; i < 10; i++) playground.draw();
      const redrawMs = (performance.now() - r0) / 10;
      const t0 = performance.now();
      playground.step(n);
      const totalMs = performance.now() - t0;
      return { ...shape, redrawMs, msPerStep: Math.max(0, totalMs - redrawMs) / n };
    }, BENCH_STEPS);
    expect(m.net).toMatch(/2 -> 8 -> 8 -> 1/);
    expect(m.points).toBe(500);
    // the page's own counter while playing (steps per animation frame, redrawn at up to 30 fps)
    await page.evaluate(() => playground.play());
    await page.waitForTimeout(1500);
    const playing = await page.evaluate(() => (playground.pause(), playground.stepsPerSecond));
    console.log(
      `playground in Chromium: ${m.msPerStep.toFixed(4)} ms per step, ${Math.round(1000 / m.msPerStep)} steps/s (2-8-8-1, 500 points); redraw ${m.redrawMs.toFixed(1)} ms; playing: ${Math.round(playing)} steps/s on the page's counter`,
    );
    expect(Number.isFinite(m.msPerStep) && m.msPerStep > 0).toBe(true);
    expect(Number.isFinite(m.redrawMs)).toBe(true);
    expect(Number.isFinite(playing)).toBe(true);
    expect(problems).toEqual([]);
  });
});
