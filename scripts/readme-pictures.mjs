// Draws the README's pictures into docs/images/ from real runs of the CLI bundle (pnpm build first): the book's
// apple graphs, the graph of a trained TwoLayerNet and a penguins net unit by unit, charts of the default run's
// report, a screenshot of a 20-trial sweep's page and three of the playground (in /usr/bin/chromium). About two
// minutes on two cores.
//   node scripts/build.mjs && node scripts/readme-pictures.mjs
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const images = "docs/images";
const work = mkdtempSync(join(tmpdir(), "backprop-pictures-"));
mkdirSync(images, { recursive: true });
const bundle = join(process.cwd(), "packages/examples/bundle/cli.js");
const cli = (...args) => {
  console.log(`$ backprop ${args.join(" ")}`);
  execFileSync(process.execPath, [bundle, ...args], { stdio: ["ignore", "inherit", "inherit"] });
};
// the sweep's page shows its command: run it where its folder is short
const cliIn = (cwd, ...args) => {
  console.log(`$ (cd ${cwd}) backprop ${args.join(" ")}`);
  execFileSync(process.execPath, [bundle, ...args], { cwd, stdio: ["ignore", "inherit", "inherit"] });
};
const { Resvg } = createRequire(join(process.cwd(), "packages/examples/package.json"))("@resvg/resvg-js");
const svgToPng = (svgFile, pngFile) => {
  const svg = readFileSync(svgFile, "utf8");
  const width = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)[1]);
  writeFileSync(pngFile, new Resvg(svg, { fitTo: { mode: "width", value: width * 2 }, font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" } }).render().asPng());
};

try {
  cli("demo", "buy-apple", "--svg", join(work, "apple.svg"));
  svgToPng(join(work, "apple.svg"), join(images, "buy-apple.png"));
  cli("demo", "buy-apple-orange", "--svg", join(work, "apple-orange.svg"));
  svgToPng(join(work, "apple-orange.svg"), join(images, "buy-apple-orange.png"));

  // the default run, with its report; then its graph
  const pngs = join(work, "report");
  mkdirSync(pngs);
  cli("train", "--quiet", "--save", join(work, "model.bpm"), "--history", join(work, "run.json"), "--report", join(work, "run.html"), "--report-png", pngs);
  for (const chart of ["loss", "metric-acc", "update-ratio", "activations-Relu1", "evaluations"]) copyFileSync(join(pngs, `${chart}.png`), join(images, `report-${chart}.png`));
  cli("graph", "--model", join(work, "model.bpm"), "--out", join(images, "graph-two-layer-net.png"));
  cli("train", "--quiet", "--dataset", "penguins", "--hidden", "6", "--optimizer", "adam", "--lr", "0.01", "--epochs", "40", "--save", join(work, "penguins.bpm"));
  cli("graph", "--model", join(work, "penguins.bpm"), "--neurons", "--out", join(images, "graph-neurons.png"));

  // a sweep's page, as a browser shows it
  cliIn(work, "sweep", "--trials", "20", "--lr", "1e-4..1e-1:log", "--weight-decay", "1e-8..1e-4:log", "--hidden", "50,100,100x3", "--optimizer", "sgd,adam", "--epochs", "10", "--train-samples", "1000", "--out", "sweep");
  const browser = await chromium.launch({ executablePath: process.env.BACKPROP_CHROMIUM ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1.5 });
  await page.goto(pathToFileURL(join(work, "sweep", "sweep.html")).href);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(images, "sweep.png"), fullPage: true });

  // the playground: the book's spiral after 1,000 steps (forward), a sigmoid net's fading gradients (backward), and
  // one sample stepped through
  cli("playground", "--out", join(work, "site"));
  const site = pathToFileURL(join(work, "site", "index.html")).href;
  const playground = await browser.newPage({ viewport: { width: 1400, height: 760 }, deviceScaleFactor: 1.5 });
  const ready = () => playground.waitForFunction(() => document.body.dataset.state === "ready");
  await playground.goto(site);
  await ready();
  // 1,000 steps in steps of 10: playground.step records a point of the loss curves after each, as playing does
  await playground.evaluate(() => {
    for (let k = 0; k < 100; k++) window.playground.step(10);
    window.playground.draw();
  });
  await playground.screenshot({ path: join(images, "playground-forward.png") });
  await playground.locator("#step-through-section").screenshot({ path: join(images, "playground-step-through.png") });
  await playground.goto(`${site}?activation=sigmoid&init=xavier&hidden=8,8,8,8`);
  await ready();
  await playground.evaluate(() => {
    for (let k = 0; k < 10; k++) window.playground.step(10);
    window.playground.setMode("backward");
    window.playground.draw();
  });
  await playground.screenshot({ path: join(images, "playground-backward.png") });
  await browser.close();
  console.log(`wrote ${images}/`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
