import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadModel } from "@backprop/layers/node";
import { readHistory } from "../src/history-file.js";
import type { PageChart } from "../src/visual/charts.js";
import { readPageData } from "../src/visual/page.js";
import type { ReportData } from "../src/visual/report-page.js";
import { colourCount, inkShare } from "./browser/page-check.js";
import { cli, cliWith, expectRefused, useScratch } from "./helpers.js";

const { scratch } = useScratch();

// 2 epochs of 80 steps on the embedded digits, evaluated every 40 steps
const RUN = ["train", "--epochs", "2", "--eval-every", "40", "--eval-samples", "500", "--hidden", "20", "--seed", "3"];
const STEPS_PER_EPOCH = 80;

type Series = { name: string; data: (number | null)[][] };
const series = (charts: PageChart[], id: string): Series[] => {
  const chart = charts.find((c) => c.id === id);
  expect(chart, `chart ${id}`).toBeDefined();
  return (chart as PageChart).option.series as Series[];
};
const ys = (s: Series): (number | null)[] => s.data.map((p) => p[1]);
const xs = (s: Series): (number | null)[] => s.data.map((p) => p[0]);
const page = (path: string): { charts: PageChart[]; data: ReportData } => readPageData(readFileSync(path, "utf8"), path) as { charts: PageChart[]; data: ReportData };

describe("train --report", () => {
  let dir: string;
  let result: { history: Record<string, number[]>; layers: { evalIterations: number[]; params: Record<string, Record<string, (number | null)[]>>; activations: Record<string, { counts: number[] }[]> }; final: Record<string, number> };
  let report: { charts: PageChart[]; data: ReportData };
  beforeAll(async () => {
    dir = scratch();
    const out = await cli(...RUN, "--history", join(dir, "h.json"), "--report", join(dir, "r.html"), "--json");
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    result = JSON.parse(out.stdout);
    report = page(join(dir, "r.html"));
  }, 60_000);

  it("holds the loss of every step and the metrics of every evaluation that --json prints", () => {
    const { history } = result;
    expect(history.loss).toHaveLength(160);
    expect(history.evalIterations).toEqual([40, 80, 120, 160]);
    const [raw] = series(report.charts, "loss");
    expect(ys(raw)).toEqual(history.loss);
    expect(xs(raw)).toEqual(history.loss.map((_, i) => (i + 1) / STEPS_PER_EPOCH));
    const [train, test] = series(report.charts, "metric-acc");
    expect(ys(train)).toEqual(history.trainAcc);
    expect(ys(test)).toEqual(history.testAcc);
    expect(xs(test)).toEqual([0.5, 1, 1.5, 2]);
    expect(report.data.history).toEqual(history);
  });

  it("smooths the loss as an exponential moving average of β 0.9, computed here again", () => {
    const { loss } = result.history;
    const expected: number[] = [];
    for (let t = 0; t < loss.length; t++) expected.push(t === 0 ? loss[0] : 0.9 * expected[t - 1] + 0.1 * loss[t]);
    const smoothed = ys(series(report.charts, "loss")[1]) as number[];
    expect(smoothed).toHaveLength(160);
    smoothed.forEach((s, t) => expect(Math.abs(s - expected[t])).toBeLessThan(1e-12));
    // the smoothing shows: it is not the raw loss
    expect(smoothed.slice(1)).not.toEqual(loss.slice(1));
  });

  it("draws one series per parameter of the norms, gradient norms and update ratios the history file holds", () => {
    const file = readHistory(join(dir, "h.json"));
    expect(file.layers).toEqual(result.layers);
    expect(report.data.layers).toEqual(file.layers);
    expect(report.data.run).toEqual(file.run);
    const params = Object.keys(result.layers.params);
    expect(params).toEqual(["W1", "b1", "W2", "b2"]);
    for (const [id, field] of [["param-norm", "norm"], ["grad-norm", "gradNorm"], ["update-ratio", "updateRatio"]] as const) {
      const drawn = series(report.charts, id).filter((s) => params.includes(s.name));
      expect(drawn.map((s) => s.name)).toEqual(params);
      // none of them is 0 in this run: every figure is drawn as it is
      for (const s of drawn) expect(ys(s)).toEqual(result.layers.params[s.name][field]);
      for (const s of drawn) expect(xs(s)).toEqual([0.5, 1, 1.5, 2]);
    }
    expect(series(report.charts, "update-ratio").map((s) => s.name)).toEqual([...params, "1e-3, a rule of thumb"]);
  });

  it("draws each layer's activation counts at the first and the last evaluation", () => {
    const layers = Object.keys(result.layers.activations);
    expect(layers).toEqual(["Affine1", "Relu1", "Affine2"]);
    expect(report.charts.filter((c) => c.id.startsWith("activations-")).map((c) => c.id)).toEqual(layers.map((l) => `activations-${l}`));
    for (const layer of layers) {
      const [first, last] = series(report.charts, `activations-${layer}`);
      const histograms = result.layers.activations[layer];
      expect(histograms).toHaveLength(4);
      // the outline: a rise at min, one point per bin, the run to max and the drop
      expect(ys(first).slice(1, -2)).toEqual(histograms[0].counts);
      expect(ys(last).slice(1, -2)).toEqual(histograms[3].counts);
      expect(first.name).toBe("epoch 0.5 (first)");
      expect(last.name).toBe("epoch 2 (last)");
    }
  });

  it("lays out the evaluations in the parallel plot: epoch, the mean loss since the previous one, train and test acc", () => {
    const { history } = result;
    const rows = (report.charts.find((c) => c.id === "evaluations")?.option.series as { data: number[][] }[])[0].data;
    const mean = (a: number[]): number => a.reduce((x, y) => x + y, 0) / a.length;
    expect(rows).toEqual(history.evalIterations.map((step, k) => [step / STEPS_PER_EPOCH, mean(history.loss.slice(k * 40, step)), history.trainAcc[k], history.testAcc[k]]));
  });

  it("says what the run was and how it ended", () => {
    const html = readFileSync(join(dir, "r.html"), "utf8");
    expect(html).toContain("<th>net</th><td>TwoLayerNet(784 -&gt; 20 -&gt; 10, relu)</td>");
    expect(html).toContain("<th>seed</th><td>3</td>");
    expect(html).toContain(`<th>final</th><td>train acc ${result.final.trainAcc.toFixed(4)}, test acc ${result.final.testAcc.toFixed(4)}</td>`);
    expect(html).toContain("MNIST, 8000 train / 2000 test digits (embedded, split seed 0)");
    expect(report.data.missing).toEqual([]);
    expect(report.data.source).toEqual({ format: "run" });
  });

  it("gives the same page as backprop report from the history file it wrote", async () => {
    const again = join(dir, "again.html");
    const { code, stdout } = await cli("report", "--history", join(dir, "h.json"), "--out", again);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^report written to ${again.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(\\d+\\.\\d\\d MB\\)\\n$`));
    const other = page(again);
    expect(other.charts).toEqual(report.charts);
    expect({ ...other.data, source: null }).toEqual({ ...report.data, source: null });
    expect(other.data.source).toEqual({ format: "json", file: join(dir, "h.json") });
  });
});

describe("backprop report", () => {
  it("gives the same curves from a JSON and a CSV history of one seeded run, the CSV's against steps", async () => {
    const dir = scratch();
    for (const format of ["json", "csv"]) {
      expect((await cli(...RUN, "--history", join(dir, `h.${format}`), "--quiet")).code).toBe(0);
      expect((await cli("report", "--history", join(dir, `h.${format}`), "--out", join(dir, `${format}.html`))).code).toBe(0);
    }
    const json = page(join(dir, "json.html"));
    const csv = page(join(dir, "csv.html"));
    // the CSV holds no activation histograms
    expect(csv.charts.map((c) => c.id)).toEqual(json.charts.map((c) => c.id).filter((id) => !id.startsWith("activations-")));
    expect(json.charts.filter((c) => c.id.startsWith("activations-"))).toHaveLength(3);
    for (const { id } of csv.charts.filter((c) => c.kind !== "parallel")) {
      const a = series(json.charts, id);
      const b = series(csv.charts, id);
      expect(b.map((s) => s.name)).toEqual(a.map((s) => s.name));
      b.forEach((s, k) => {
        expect(ys(s), `${id} ${s.name}`).toEqual(ys(a[k]));
        // the rule of thumb's line runs from 0 to the last step: its ends are the same in both
        if (s.name.startsWith("1e-3")) return;
        expect(xs(s)).toEqual(xs(a[k]).map((x) => Math.round((x as number) * STEPS_PER_EPOCH)));
      });
    }
    expect(csv.data.axis).toEqual({ unit: "step", stepsPerEpoch: null });
    expect(csv.data.missing.join(" ")).toMatch(/CSV file, which holds no record of the run.*no activation histograms/);
    expect(readFileSync(join(dir, "csv.html"), "utf8")).toContain("The history has no record of the run");
  }, 60_000);

  it("charts a regression's MAE and MSE, not accuracy (--dataset penguins)", async () => {
    const dir = scratch();
    const { code, stdout } = await cli("train", "--dataset", "penguins", "--epochs", "4", "--report", join(dir, "r.html"), "--json");
    expect(code).toBe(0);
    const { history } = JSON.parse(stdout);
    const { charts, data } = page(join(dir, "r.html"));
    expect(charts.map((c) => c.id).filter((id) => id.startsWith("metric-"))).toEqual(["metric-mae", "metric-mse"]);
    expect(series(charts, "metric-mae").map((s) => [s.name, ys(s)])).toEqual([
      ["train MAE", history.trainMae],
      ["test MAE", history.testMae],
    ]);
    expect(series(charts, "metric-mse").map((s) => [s.name, ys(s)])).toEqual([
      ["train MSE", history.trainMse],
      ["test MSE", history.testMse],
    ]);
    const parallel = charts.find((c) => c.id === "evaluations") as PageChart;
    expect((parallel.option.parallelAxis as { name: string }[]).map((a) => a.name)).toEqual(["epoch", "mean loss", "train MAE", "train MSE", "test MAE", "test MSE"]);
    // 267 training rows in batches of 100: 3 steps an epoch
    expect(data.axis).toEqual({ unit: "epoch", stepsPerEpoch: 3 });
    expect(JSON.stringify(charts.find((c) => c.id === "metric-mae")?.option.title)).toContain("in the units of Body Mass (g); lower is better");
  }, 60_000);

  it("shows a regression's figures as train prints them on its final line, 6-digit MSEs too (--dataset penguins)", async () => {
    const dir = scratch();
    const report = join(dir, "r.html");
    const { code, stdout } = await cli("train", "--dataset", "penguins", "--epochs", "4", "--report", report, "--quiet");
    expect(code).toBe(0);
    // "final: train MAE 697.33, train MSE 669430, ... after 12 steps in 0.0 s; report written to ..."
    const printed = Object.fromEntries(
      (/^final: (.*) after /.exec(stdout)?.[1] ?? "").split(", ").map((part) => {
        const at = part.lastIndexOf(" ");
        return [part.slice(0, at), part.slice(at + 1)];
      }),
    );
    expect(Object.keys(printed)).toEqual(["train MAE", "train MSE", "test MAE", "test MSE"]);
    // the case the page got wrong: an MSE of 6 digits, which 3 or 4 significant digits would round
    expect(printed["test MSE"]).toMatch(/^[1-9]\d{5}$/);
    expect(printed["test MSE"]).not.toMatch(/000$/);
    const html = readFileSync(report, "utf8");
    const boxes = Object.fromEntries([...html.matchAll(/<div class="stat"><b>([^<]*)<\/b><span>([^<]*)<\/span><\/div>/g)].map((m) => [m[2], m[1]]));
    const table = /<table id="evaluations-table">.*?<\/table>/s.exec(html)?.[0] ?? "";
    const header = [...table.matchAll(/<th>([^<]*)<\/th>/g)].map((m) => m[1]);
    const last = [...([...table.matchAll(/<tr>(.*?)<\/tr>/g)].at(-1)?.[1] ?? "").matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    for (const [label, value] of Object.entries(printed)) {
      expect(boxes[label], `summary ${label}`).toBe(value);
      expect(last[header.indexOf(label)], `table ${label}`).toBe(value);
    }
  }, 60_000);

  it("writes each chart as a PNG of twice its size that is not blank (--png)", async () => {
    const dir = scratch();
    const pngs = join(dir, "png");
    mkdirSync(pngs);
    expect((await cli(...RUN, "--history", join(dir, "h.json"), "--quiet")).code).toBe(0);
    const { code, stdout } = await cli("report", "--history", join(dir, "h.json"), "--out", join(dir, "r.html"), "--png", pngs);
    expect(code).toBe(0);
    const { charts } = page(join(dir, "r.html"));
    expect(readdirSync(pngs).sort()).toEqual(charts.map((c) => `${c.id}.png`).sort());
    expect(stdout.trimEnd().split("\n").slice(1)).toEqual(charts.map((c) => join(pngs, `${c.id}.png`)));
    for (const chart of charts) {
      const bytes = readFileSync(join(pngs, `${chart.id}.png`));
      const png = PNG.sync.read(bytes);
      expect([png.width, png.height], chart.id).toEqual([2 * chart.width, 2 * chart.height]);
      expect(inkShare(bytes), chart.id).toBeGreaterThan(0.01);
      expect(colourCount(bytes), chart.id).toBeGreaterThan(8);
    }
  }, 60_000);

  it("refuses a missing or broken history, an --out that is not .html and a --png folder that does not exist", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "bad.json"), "{ not json");
    writeFileSync(join(dir, "empty.json"), JSON.stringify({ loss: [1, 2], evalIterations: [3] }));
    const out = join(dir, "r.html");
    await expectRefused(["report", "--out", out], /^backprop report: --history is required: the \.json or \.csv file that backprop train --history wrote$/);
    await expectRefused(["report", "--history", join(dir, "h.json")], /^backprop report: --out is required: the \.html file to write$/);
    await expectRefused(["report", "--history", join(dir, "nope.json"), "--out", out], /^backprop report: --history cannot read .*nope\.json, expected a history file as backprop train --history writes, got: ENOENT/);
    await expectRefused(["report", "--history", join(dir, "bad.json"), "--out", out], /^backprop report: --history .*bad\.json is not JSON, expected \{ loss, evalIterations, \.\.\. \}/);
    await expectRefused(["report", "--history", join(dir, "empty.json"), "--out", out], /^backprop report: --history .*empty\.json: evalIterations must be increasing step numbers in \[1, 2\]/);
    await expectRefused(["report", "--history", join(dir, "h.txt"), "--out", out], /^backprop report: --history .*h\.txt is not a history file, expected a \.json or \.csv file/);
    await expectRefused(["report", "--history", join(dir, "bad.json"), "--out", join(dir, "r.png")], /^backprop report: --out must name an \.html file, got '.*r\.png'$/);
    await expectRefused(["report", "--history", join(dir, "bad.json"), "--out", join(dir, "no", "r.html")], /^backprop report: --out .*: folder .*no does not exist$/);
    await expectRefused(["report", "--history", join(dir, "bad.json"), "--out", out, "--png", join(dir, "pngs")], /^backprop report: --png .*pngs: folder .*pngs does not exist, expected an existing folder for the PNGs$/);
    await expectRefused(["report", "--history", join(dir, "bad.json"), "--out", out, "--png", join(dir, "bad.json")], /^backprop report: --png .*bad\.json is a file, expected a folder for the PNGs$/);
    // a folder below a file: ENOTDIR, said in one line
    await expectRefused(["report", "--history", join(dir, "bad.json"), "--out", out, "--png", join(dir, "bad.json", "sub")], /^backprop report: --png .*bad\.json\/sub: folder .*bad\.json\/sub does not exist \(.*bad\.json is a file\), expected an existing folder for the PNGs$/);
    await expectRefused(["report", "--history", out, "--out", out], /^backprop report: --out and --history are both .*r\.html; give them different paths$/);
    expect(existsSync(out)).toBe(false);
  });

  it("prints its help", async () => {
    const { code, stdout } = await cli("report", "--help");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: backprop report --history FILE --out FILE\.html \[--png DIR\]\n/);
    expect((await cli("--help")).stdout).toContain("  report       draw a run's report");
  });
});

describe("train --report and --report-png", () => {
  it("refuses a report path that is not .html, that another output has, or a PNG folder that does not exist, before training", async () => {
    const dir = scratch();
    const quick = ["train", "--iters", "3", "--hidden", "4"];
    await expectRefused([...quick, "--report", join(dir, "r.htm")], /^backprop train: --report must name an \.html file, got '.*r\.htm'$/);
    await expectRefused([...quick, "--report", join(dir, "no", "r.html")], /^backprop train: --report .*: folder .*no does not exist$/);
    await expectRefused([...quick, "--report-png", join(dir, "none")], /^backprop train: --report-png .*none: folder .*none does not exist, expected an existing folder for the PNGs$/);
    writeFileSync(join(dir, "afile"), "x");
    await expectRefused([...quick, "--report-png", join(dir, "afile", "sub", "deeper")], /^backprop train: --report-png .*afile\/sub\/deeper: folder .*afile\/sub\/deeper does not exist \(.*\/afile is a file\), expected an existing folder for the PNGs$/);
    await expectRefused([...quick, "--save", join(dir, "m.html"), "--report", join(dir, "m.html")], /^backprop train: --save and --report are both .*m\.html; give them different paths$/);
    expect(readdirSync(dir)).toEqual(["afile"]);
  });

  it("names the report on the final line, and writes the PNGs with --report-png alone", async () => {
    const dir = scratch();
    const report = join(dir, "r.html");
    const line = await cli("train", "--iters", "6", "--eval-every", "3", "--hidden", "4", "--report", report, "--quiet");
    expect(line.stdout).toMatch(new RegExp(`^final: train acc 0\\.\\d{4}, test acc 0\\.\\d{4} after 6 steps in \\d+\\.\\d s; report written to ${report.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n$`));
    mkdirSync(join(dir, "png"));
    expect((await cli("train", "--iters", "6", "--eval-every", "3", "--hidden", "4", "--report-png", join(dir, "png"), "--quiet")).code).toBe(0);
    expect(readdirSync(join(dir, "png")).sort()).toEqual(page(report).charts.map((c) => `${c.id}.png`).sort());
  }, 60_000);

  it("writes the report of the run so far when it is interrupted", async () => {
    const dir = scratch();
    const report = join(dir, "r.html");
    const save = join(dir, "m.bp");
    const stop = new AbortController();
    const { code, stderr } = await cliWith({ signal: stop.signal, onStdout: (t) => t.startsWith("epoch") && stop.abort() }, ...RUN, "--save", save, "--report", report);
    expect(code).toBe(130);
    expect(stderr).toBe(`backprop train: interrupted after step 40 of 160; checkpoint written to ${save}.ckpt; the report of the run so far is in ${report}\nresume with: pnpm train --resume ${save}.ckpt --save ${save}\n`);
    const { data, charts } = page(report);
    expect(data.history.loss).toHaveLength(40);
    expect(data.run?.final).toBeUndefined();
    expect(data.run?.iterations).toBe(40);
    expect(ys(series(charts, "metric-acc")[0])).toHaveLength(1);
    expect(readFileSync(report, "utf8")).toContain("<th>final</th><td>none: the run stopped at step 40 of 160 (interrupted or failed)</td>");
  }, 60_000);

  it("draws the charts of a run interrupted between evaluations over one x axis, to its last step", async () => {
    const dir = scratch();
    const report = join(dir, "r.html");
    const stop = new AbortController();
    // the trainer takes a step per turn of the event loop: a few turns after the first evaluation is between two
    let asked = false;
    const later = (turns: number): void => void (turns === 0 ? stop.abort() : setImmediate(() => later(turns - 1)));
    const onStdout = (t: string): void => {
      if (t.startsWith("epoch") && !asked) later(5);
      asked ||= t.startsWith("epoch");
    };
    // --save: an interrupted run writes a checkpoint, here in the scratch folder
    expect((await cliWith({ signal: stop.signal, onStdout }, ...RUN, "--save", join(dir, "m.bp"), "--report", report)).code).toBe(130);
    const { data, charts } = page(report);
    const steps = data.history.loss.length;
    expect(data.history.evalIterations).toEqual([40]);
    expect(data.layers?.evalIterations).toEqual([40]);
    expect(steps).toBeGreaterThan(40);
    const lines = charts.filter((c) => c.kind !== "parallel" && !c.id.startsWith("activations-"));
    expect(lines.map((c) => c.id)).toEqual(["loss", "metric-acc", "param-norm", "grad-norm", "update-ratio"]);
    const maxima = new Set(lines.map((c) => (c.option.xAxis as { max: number }).max));
    expect(maxima.size).toBe(1);
    // that one axis reaches the last step, past the evaluation at epoch 0.5
    expect([...maxima][0]).toBeGreaterThanOrEqual(steps / STEPS_PER_EPOCH);
  }, 60_000);

  it("writes the report of the run until then when training fails, the same figures as the history", async () => {
    const dir = scratch();
    const report = join(dir, "r.html");
    const history = join(dir, "h.json");
    const { code, stderr } = await cli("train", "--lr", "1e6", "--iters", "40", "--eval-every", "1", "--eval-samples", "100", "--hidden", "10", "--history", history, "--report", report, "--quiet");
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^backprop train: the weights' norm grew .*; the report of the run until then is in ${report.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n$`));
    const { data } = page(report);
    const file = readHistory(history);
    expect(data.history).toEqual(file.history);
    expect(data.layers).toEqual(file.layers);
    expect(data.history.loss.length).toBeGreaterThan(0);
    expect(data.history.loss.length).toBeLessThan(40);
    expect(data.run?.final).toBeUndefined();
  }, 60_000);

  it("keeps the model and the history when the report cannot be written, and says so", async () => {
    const dir = scratch();
    const save = join(dir, "m.bp");
    const history = join(dir, "h.json");
    const report = join(dir, "r.html");
    // the report's path becomes a folder while training: only the report's write fails
    const { code, stderr } = await cliWith({ onStdout: (t) => t.startsWith("epoch ") && !existsSync(report) && mkdirSync(report) }, "train", "--iters", "20", "--eval-every", "10", "--hidden", "4", "--save", save, "--history", history, "--report", report);
    expect(code).toBe(2);
    expect(stderr).toBe(`backprop train: training finished and the model is saved to ${save} and the history to ${history}, but cannot write the report: cannot write ${report}: ${report} is a directory\n`);
    expect(loadModel(save).net.params.W1.shape).toEqual([784, 4]);
    expect(readHistory(history).history.loss).toHaveLength(20);
  }, 60_000);
});
