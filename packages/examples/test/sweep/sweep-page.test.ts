import { describe, expect, it } from "vitest";
import { parseHiddenChoice, parseNumberParam } from "../../src/sweep/search-space.js";
import { sweepRecord, type SweepMetric } from "../../src/sweep/sweep-files.js";
import { sweepPage } from "../../src/sweep/sweep-page.js";
import type { SweepSettings } from "../../src/sweep/sweep-settings.js";
import type { TrialResult } from "../../src/sweep/trials.js";
import { chartSvg } from "../../src/visual/charts.js";
import { readPageData } from "../../src/visual/page.js";

const CMD = "backprop sweep";
const settings = (batch = "100"): SweepSettings => ({
  trials: 4,
  space: {
    lr: parseNumberParam(CMD, "lr", "1e-4..1e-1:log", "positive"),
    weightDecay: parseNumberParam(CMD, "weight-decay", "0,1e-6", "non-negative"),
    hidden: parseHiddenChoice(CMD, "hidden", "50,100x3"),
    optimizer: ["sgd", "adam"],
    batchSize: parseNumberParam(CMD, "batch-size", batch, "integer"),
  },
  net: { activation: "relu", weightInitStd: "he", dropout: null, batchNorm: false },
  epochs: 2,
  sampling: "shuffle",
  seed: 0,
  trainSamples: 500,
  validationFraction: 0.2,
  data: { source: "embedded", splitSeed: 0 },
});
const ACC: SweepMetric = { name: "acc", label: "acc", lowerIsBetter: false };
const trial = (trial: number, lr: number, weightDecay: number, hidden: number[], optimizer: string, validation: number | null, batchSize = 100): TrialResult => ({
  trial,
  lr,
  weightDecay,
  hidden,
  optimizer,
  batchSize,
  seed: trial,
  status: validation === null ? "diverged" : "ok",
  train: validation === null ? null : validation + 0.01,
  validation,
  loss: validation === null ? null : 1 - validation,
  steps: 8,
  ms: 10,
  ...(validation === null ? { error: "the loss became NaN at iteration 3; training stopped there" } : {}),
});
const RESULTS = [trial(3, 1e-2, 1e-6, [100, 100, 100], "adam", 0.9), trial(1, 1e-3, 0, [50], "sgd", 0.5), trial(4, 5e-2, 1e-6, [50], "sgd", null), trial(2, 1e-4, 1e-6, [50], "adam", 0.25)];

describe("sweepPage", () => {
  it("draws a line per trial that did not diverge, by trial number, across lr, weight decay, hidden, optimizer, train and val", () => {
    const html = sweepPage({ record: sweepRecord(settings(), "backprop sweep --trials 4", ACC), results: RESULTS, data: "400 train + 100 validation samples" });
    const { charts, data } = readPageData(html) as { charts: { option: { parallelAxis: { name: string; type: string; data?: string[] }[]; series: { data: unknown[][] }[]; visualMap: { dimension: number } } }[]; data: { trials: { trial: number; cells: string[] }[] } };
    const { option } = charts[0];
    expect(option.parallelAxis.map((a) => [a.name, a.type])).toEqual([["lr", "log"], ["weight decay", "value"], ["hidden", "category"], ["optimizer", "category"], ["train acc", "value"], ["val acc", "value"]]);
    expect(option.parallelAxis[2].data).toEqual(["50", "100x3"]);
    expect(option.series[0].data).toEqual([
      [1e-3, 0, "50", "sgd", 0.51, 0.5],
      [1e-4, 1e-6, "50", "adam", 0.26, 0.25],
      [1e-2, 1e-6, "100x3", "adam", 0.91, 0.9],
    ]);
    expect(option.visualMap.dimension).toBe(5);
    expect(data.trials.map((t) => t.cells)).toEqual([
      ["1", "0.5000", "0.5100", "1.000e-3", "0", "50", "sgd", "100", "0.5000"],
      ["2", "0.2500", "0.2600", "1.000e-4", "1.000e-6", "50", "adam", "100", "0.7500"],
      ["3", "0.9000", "0.9100", "1.000e-2", "1.000e-6", "100x3", "adam", "100", "0.1000"],
    ]);
    // the diverged trial is listed, with why, and the summary names the best
    expect(html).toContain("<h2>Diverged (not drawn: no metric)</h2>");
    expect(html).toContain("<td>the loss became NaN at iteration 3; training stopped there</td>");
    expect(html).toContain("4 of 4 trials done (1 diverged); the best: trial 3, validation acc 0.9000 (lr 1.00e-2  weight decay 1.00e-6  hidden 100x3  adam  batch 100).");
    // the chart drawn as ECharts draws it: one polyline per line
    expect([...chartSvg(charts[0] as never).matchAll(/<polyline /g)]).toHaveLength(3);
  });

  it("draws weight decay on a log axis when no trial has 0, and a batch axis when the batch size is searched", () => {
    const results = [trial(1, 1e-3, 1e-6, [50], "sgd", 0.5, 32), trial(2, 1e-4, 1e-5, [50], "adam", 0.25, 64)];
    const html = sweepPage({ record: sweepRecord(settings("32,64"), "c", ACC), results, data: "d" });
    const option = (readPageData(html).charts[0].option as { parallelAxis: { name: string; type: string }[]; series: { data: unknown[][] }[] });
    expect(option.parallelAxis.map((a) => `${a.name}:${a.type}`)).toEqual(["lr:log", "weight decay:log", "hidden:category", "optimizer:category", "batch:value", "train acc:value", "val acc:value"]);
    expect(option.series[0].data[1]).toEqual([1e-4, 1e-5, "50", "adam", 64, 0.26, 0.25]);
  });

  it("colours a regression's MAE with the lowest darkest and ranks it lowest first", () => {
    const MAE: SweepMetric = { name: "mae", label: "MAE", lowerIsBetter: true };
    const results = [trial(1, 1e-3, 1e-6, [50], "sgd", 300.123456), trial(2, 1e-4, 1e-6, [50], "adam", 280.5)];
    const html = sweepPage({ record: sweepRecord(settings(), "c", MAE), results, data: "d" });
    const { visualMap } = readPageData(html).charts[0].option as { visualMap: { inRange: { color: string[] } } };
    expect(visualMap.inRange.color[0]).toBe("#7f1d1d");
    expect(html).toContain("the best: trial 2, validation MAE 280.5 (");
    expect(html).toContain('"cells":["1","300.12","300.13"');
  });
});
