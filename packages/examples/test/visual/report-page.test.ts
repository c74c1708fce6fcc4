import { BINS, type LayerHistory, type TrainingHistory } from "@backprop/layers";
import { describe, expect, it } from "vitest";
import { readPageData } from "../../src/visual/page.js";
import { reportCharts } from "../../src/visual/report-charts.js";
import { reportPage, type ReportData } from "../../src/visual/report-page.js";

const HISTORY: TrainingHistory = { loss: [2, 1, 4, 3], evalIterations: [2, 4], trainAcc: [0.5, 0.75], testAcc: [0.25, 0.5] };
const histogram = { min: 0, max: 1, mean: 0.5, std: 0.25, counts: [2, ...new Array<number>(BINS - 1).fill(0)], nonFinite: 0 };
const LAYERS: LayerHistory = {
  evalIterations: [2, 4],
  params: { W1: { norm: [1, 2], gradNorm: [0.1, 0.2], updateRatio: [0.01, 0.001] } },
  activations: { Affine1: [histogram, histogram] },
  probeSamples: 2,
};
const RUN = {
  net: "TwoLayerNet(1 -> 2 -> 2, relu)",
  config: { trainSize: 4, batchSize: 2, iters: 4, seed: 7, sampling: "shuffle", optimizer: { type: "Momentum", lr: 0.01, momentum: 0.9 }, data: { source: "embedded", splitSeed: 0 }, testSize: 2 },
  final: { trainAcc: 0.75, testAcc: 0.5 },
  elapsedMs: 1500,
  iterations: 4,
};
const data = (html: string): ReportData => readPageData(html).data as ReportData;
/** The cells of the evaluations table's last row, as text. */
const lastTableRow = (html: string): string[] => {
  const table = /<table id="evaluations-table">.*?<\/table>/s.exec(html)?.[0] ?? "";
  const row = [...table.matchAll(/<tr>(.*?)<\/tr>/g)].at(-1)?.[1] ?? "";
  return [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
};

describe("reportPage", () => {
  it("holds the history file's parts as data and the charts of reportCharts", () => {
    const { html, charts } = reportPage({ history: HISTORY, layers: LAYERS, run: RUN }, { source: { format: "json", file: "h.json" } });
    const page = readPageData(html);
    expect(page.charts).toEqual(reportCharts({ history: HISTORY, layers: LAYERS, run: RUN }));
    expect(charts).toEqual(page.charts);
    const d = page.data as ReportData;
    expect(d.history).toEqual(HISTORY);
    expect(d.layers).toEqual(LAYERS);
    expect(d.run).toEqual(RUN);
    expect(d.axis).toEqual({ unit: "epoch", stepsPerEpoch: 2 });
    expect(d.smoothing).toEqual({ method: "exponential moving average", factor: 0.9 });
    expect(d.evaluations.map((r) => r.loss)).toEqual([1.5, 3.5]);
    expect(d.missing).toEqual([]);
    // every chart has its place in the body, and the parallel plot its line of kept lines
    for (const chart of charts) expect(html).toContain(`id="${chart.id}"`);
    expect(html).toContain('data-selection-of="evaluations"');
  });

  it("says what the run was: net, optimizer with its settings, seed, steps, time and final figures", () => {
    const { html } = reportPage({ history: HISTORY, layers: LAYERS, run: RUN }, { source: { format: "json", file: "h.json" } });
    expect(html).toContain("<title>Training report: TwoLayerNet(1 -&gt; 2 -&gt; 2, relu)</title>");
    for (const row of ["<th>optimizer</th><td>Momentum(lr 0.01, momentum 0.9)</td>", "<th>seed</th><td>7</td>", "<th>steps</th><td>4 of 4 (2 epochs of 2 steps), shuffled epochs</td>", "<th>training time</th><td>1.50 s (3 steps/s)</td>", "<th>final</th><td>train acc 0.7500, test acc 0.5000</td>"]) {
      expect(html).toContain(row);
    }
  });

  it("says that a run stopped early has no final figures", () => {
    const { final, ...stopped } = RUN;
    expect(final).toBeDefined();
    const { html } = reportPage({ history: HISTORY, layers: LAYERS, run: { ...stopped, config: { ...stopped.config, iters: 10 } } }, { source: { format: "run" } });
    expect(html).toContain("<th>final</th><td>none: the run stopped at step 4 of 10 (interrupted or failed)</td>");
    expect(html).toContain("(the run stopped before its last step)");
  });

  it("says what a CSV history lacks: the run's record and the activation histograms", () => {
    const { html } = reportPage({ history: HISTORY, layers: { ...LAYERS, activations: {}, probeSamples: 0 } }, { source: { format: "csv", file: "h.csv" } });
    const { missing, run, axis } = data(html);
    expect(run).toBeNull();
    expect(axis.unit).toBe("step");
    expect(missing).toEqual([
      "This history is a CSV file, which holds no record of the run: no net, settings, data, seed, time or final figures, and no steps per epoch (the x axes count steps). backprop train --history FILE.json writes one.",
      "This history is a CSV file, which holds no activation histograms; a .json history does.",
    ]);
    expect(html).not.toContain("<h2>Activations</h2>");
    expect(html).toContain("<h2>Parameters and gradients</h2>");
  });

  it("leaves the layer sections out of a history without layer statistics, and says so", () => {
    const { html } = reportPage({ history: HISTORY, run: RUN }, { source: { format: "json", file: "old.json" } });
    expect(data(html).missing).toEqual([expect.stringMatching(/^This history holds no per-layer statistics/)]);
    expect(html).not.toContain("<h2>Parameters and gradients</h2>");
    expect(readPageData(html).charts.map((c) => c.id)).toEqual(["loss", "metric-acc", "evaluations"]);
  });

  it("draws a run stopped before its first evaluation: the loss so far, no metric, no layer figures", () => {
    const empty = { evalIterations: [], params: { W1: { norm: [], gradNorm: [], updateRatio: [] } }, activations: { Affine1: [] }, probeSamples: 2 };
    const { html } = reportPage({ history: { loss: [2, 1], evalIterations: [], trainAcc: [], testAcc: [] }, layers: empty, run: { ...RUN, final: undefined, iterations: 2 } }, { source: { format: "run" } });
    const { charts } = readPageData(html);
    expect(charts.map((c) => c.id)).toEqual(["loss", "metric-acc", "evaluations"]);
    expect((charts[1].option.series as { data: unknown[] }[]).map((s) => s.data)).toEqual([[], []]);
    expect(data(html).evaluations).toEqual([]);
  });

  it("shows the metrics as train prints them: accuracy to 4 decimals, errors to 5 significant digits, not rounded further", () => {
    const regression: TrainingHistory = { loss: [4e5, 3e5], evalIterations: [1, 2], trainMae: [700.123, 612.347], trainMse: [6e5, 394108], testMae: [650.5, 586.691], testMse: [5e5, 511917] };
    const { html } = reportPage({ history: regression }, { source: { format: "json", file: "h.json" } });
    const boxes = Object.fromEntries([...html.matchAll(/<div class="stat"><b>([^<]*)<\/b><span>([^<]*)<\/span><\/div>/g)].map((m) => [m[2], m[1]]));
    expect(boxes).toMatchObject({ "train MAE": "612.35", "train MSE": "394110", "test MAE": "586.69", "test MSE": "511920" });
    expect(lastTableRow(html)).toEqual(["2", "300000", "612.35", "394110", "586.69", "511920"]);
    const accuracy = reportPage({ history: { ...HISTORY, trainAcc: [0.5, 0.93771], testAcc: [0.25, 0.9] } }, { source: { format: "csv", file: "h.csv" } }).html;
    expect(lastTableRow(accuracy)).toEqual(["4", "3.5", "0.9377", "0.9000"]);
  });

  it("escapes the recorded text it shows", () => {
    const { html } = reportPage({ history: HISTORY, run: { ...RUN, net: "<img src=x onerror=alert(1)>" } }, { source: { format: "json", file: "<b>.json" } });
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<b>.json");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(data(html).run?.net).toBe("<img src=x onerror=alert(1)>");
  });
});
