import { BINS, type ActivationHistogram, type LayerHistory, type TrainingHistory } from "@backprop/layers";
import { describe, expect, it } from "vitest";
import type { HistoryFile } from "../../src/history-file.js";
import { chartSvg, type PageChart } from "../../src/visual/charts.js";
import { LOSS_SMOOTHING, evaluationRows, formatNumber, reportAxis, reportCharts, roundExtent, smoothLoss } from "../../src/visual/report-charts.js";

type Series = { name: string; data: (number | null)[][]; step?: string };
const series = (chart: PageChart): Series[] => chart.option.series as Series[];
const byId = (charts: PageChart[], id: string): PageChart => {
  const chart = charts.find((c) => c.id === id);
  expect(chart, `chart ${id}`).toBeDefined();
  return chart as PageChart;
};
const ys = (s: Series): (number | null)[] => s.data.map((p) => p[1]);
const xs = (s: Series): (number | null)[] => s.data.map((p) => p[0]);

/** 30 counts: `values` in the first bins, zeros after. */
const counts = (...values: number[]): number[] => [...values, ...new Array<number>(BINS - values.length).fill(0)];
const hist = (min: number, max: number, c: number[]): ActivationHistogram => ({ min, max, mean: 0, std: 1, counts: c, nonFinite: 0 });
/** counts(...values) with `last` in the last bin. */
const withLast = (c: number[], last: number): number[] => [...c.slice(0, -1), last];

// 4 steps of 2 samples from 4 training samples: 2 steps an epoch, evaluated at steps 2 and 4
const HISTORY: TrainingHistory = { loss: [2, 1, 4, 3], evalIterations: [2, 4], trainAcc: [0.5, 0.75], testAcc: [0.25, 0.5] };
const LAYERS: LayerHistory = {
  evalIterations: [2, 4],
  params: {
    W1: { norm: [1, 2], gradNorm: [0.1, 0], updateRatio: [null, 0.001] },
    b1: { norm: [0.5, 0.25], gradNorm: [0.01, 0.02], updateRatio: [0.1, 0.2] },
  },
  activations: { Affine1: [hist(-1, 2, withLast(counts(1, 0, 2), 1)), hist(0, 3, counts(2, 2))] },
  probeSamples: 2,
};
const RUN = { net: "TwoLayerNet(1 -> 2 -> 2, relu)", config: { trainSize: 4, batchSize: 2, iters: 4 } };
const FILE: HistoryFile = { history: HISTORY, layers: LAYERS, run: RUN };

describe("smoothLoss", () => {
  it("is the exponential moving average from the first loss: β 0.5 and the default 0.9, by hand", () => {
    // s = 2; 0.5*2 + 0.5*1 = 1.5; 0.5*1.5 + 0.5*4 = 2.75; 0.5*2.75 + 0.5*3 = 2.875
    expect(smoothLoss([2, 1, 4, 3], 0.5)).toEqual([2, 1.5, 2.75, 2.875]);
    // s = 2; 1.8 + 0.1 = 1.9; 1.71 + 0.4 = 2.11; 1.899 + 0.3 = 2.199
    const smoothed = smoothLoss([2, 1, 4, 3]);
    [2, 1.9, 2.11, 2.199].forEach((s, t) => expect(smoothed[t]).toBeCloseTo(s, 12));
    expect(LOSS_SMOOTHING).toBe(0.9);
    expect(smoothLoss([2, 1, 4, 3], 0)).toEqual([2, 1, 4, 3]);
  });

  it("refuses a factor outside [0, 1)", () => {
    expect(() => smoothLoss([1], 1)).toThrow("smoothLoss: factor must be in [0, 1), got 1");
  });
});

describe("the report's axis and evaluations", () => {
  it("counts epochs of ceil(trainSize / batchSize) steps when the run says, else steps", () => {
    expect(reportAxis({ config: { trainSize: 8000, batchSize: 100 } })).toEqual({ unit: "epoch", stepsPerEpoch: 80 });
    // 275 rows in batches of 100: the last batch of an epoch is smaller, 3 steps
    expect(reportAxis({ config: { trainSize: 275, batchSize: 100 } })).toEqual({ unit: "epoch", stepsPerEpoch: 3 });
    expect(reportAxis(undefined)).toEqual({ unit: "step", stepsPerEpoch: null });
    // a gradient flow takes the whole batch at each of its steps: steps, not epochs of one step
    expect(reportAxis({ config: { trainSize: 500, batchSize: 500, optimizer: { type: "GradientFlow" } } })).toEqual({ unit: "step", stepsPerEpoch: null });
  });

  it("gives each evaluation the mean loss of the steps since the previous one", () => {
    expect(evaluationRows(HISTORY, reportAxis(RUN))).toEqual([
      { step: 2, x: 1, loss: 1.5, values: { trainAcc: 0.5, testAcc: 0.25 } },
      { step: 4, x: 2, loss: 3.5, values: { trainAcc: 0.75, testAcc: 0.5 } },
    ]);
  });
});

describe("reportCharts", () => {
  const charts = reportCharts(FILE);

  it("has the loss, the metric, three parameter charts, a histogram per layer and the parallel plot, in that order", () => {
    expect(charts.map((c) => c.id)).toEqual(["loss", "metric-acc", "param-norm", "grad-norm", "update-ratio", "activations-Affine1", "evaluations"]);
    expect(new Set(charts.map((c) => c.id)).size).toBe(charts.length);
  });

  it("draws the loss of every step against the epoch, and its moving average", () => {
    const [raw, smoothed] = series(byId(charts, "loss"));
    expect(raw.data).toEqual([
      [0.5, 2],
      [1, 1],
      [1.5, 4],
      [2, 3],
    ]);
    ys(smoothed).forEach((s, t) => expect(s).toBeCloseTo([2, 1.9, 2.11, 2.199][t], 12));
    expect(smoothed.name).toBe("smoothed (EMA, β = 0.9)");
    expect(JSON.stringify(byId(charts, "loss").option.title)).toContain("β = 0.9");
  });

  it("draws train and test accuracy at each evaluation", () => {
    const [train, test] = series(byId(charts, "metric-acc"));
    expect([train.name, test.name]).toEqual(["train acc", "test acc"]);
    expect(train.data).toEqual([
      [1, 0.5],
      [2, 0.75],
    ]);
    expect(test.data).toEqual([
      [1, 0.25],
      [2, 0.5],
    ]);
  });

  it("draws one series per parameter on log axes, 0 and null as gaps, and the 1e-3 rule beside the ratios", () => {
    for (const id of ["param-norm", "grad-norm", "update-ratio"]) expect((byId(charts, id).option.yAxis as { type: string }).type).toBe("log");
    expect(series(byId(charts, "param-norm")).map((s) => [s.name, s.data])).toEqual([
      ["W1", [[1, 1], [2, 2]]],
      ["b1", [[1, 0.5], [2, 0.25]]],
    ]);
    expect(ys(series(byId(charts, "grad-norm"))[0])).toEqual([0.1, null]);
    expect(JSON.stringify(byId(charts, "grad-norm").option.title)).toContain("1 value is 0 (no gradient reached the parameter): not drawn");
    const ratios = series(byId(charts, "update-ratio"));
    expect(ratios.map((s) => s.name)).toEqual(["W1", "b1", "1e-3, a rule of thumb"]);
    expect(ys(ratios[0])).toEqual([null, 0.001]);
    expect(ratios[2].data).toEqual([
      [0, 0.001],
      [2, 0.001],
    ]);
    // the axis goes a decade below the rule, so that the rule is not the axis line
    expect((byId(charts, "update-ratio").option.yAxis as { min: number }).min).toBeCloseTo(1e-4, 18);
  });

  it("draws a layer's first and last histograms as step outlines of their counts over their own ranges", () => {
    const [first, last] = series(byId(charts, "activations-Affine1"));
    expect([first.name, last.name]).toEqual(["epoch 1 (first)", "epoch 2 (last)"]);
    expect(first.step).toBe("end");
    // [-1, 2] in 30 bins of 0.1: the outline climbs at -1, runs along each count (the last bin's 1 too) and drops at 2
    const outline = first.data;
    expect(outline).toHaveLength(BINS + 3);
    expect(outline[0]).toEqual([-1, 0]);
    const rounded = (points: (number | null)[][]): (number | null)[][] => points.map(([x, y]) => [Number((x as number).toFixed(12)), y]);
    expect(rounded(outline.slice(1, 4))).toEqual([
      [-1, 1],
      [-0.9, 0],
      [-0.8, 2],
    ]);
    expect(rounded(outline.slice(-4))).toEqual([
      [1.8, 0],
      [1.9, 1],
      [2, 1],
      [2, 0],
    ]);
    expect(ys(last).slice(1, BINS + 1)).toEqual(counts(2, 2));
  });

  it("lays the evaluations across epoch, mean loss and the metrics, coloured by test accuracy", () => {
    const chart = byId(charts, "evaluations");
    expect(chart.kind).toBe("parallel");
    expect((chart.option.parallelAxis as { name: string }[]).map((a) => a.name)).toEqual(["epoch", "mean loss", "train acc", "test acc"]);
    expect((chart.option.series as { data: number[][] }[])[0].data).toEqual([
      [1, 1.5, 0.5, 0.25],
      [2, 3.5, 0.75, 0.5],
    ]);
    expect((chart.option.visualMap as { dimension: number }).dimension).toBe(3);
  });

  it("counts steps on the x axes of a history without its run (a CSV file)", () => {
    const csv = reportCharts({ history: HISTORY, layers: { ...LAYERS, activations: {}, probeSamples: 0 } });
    expect(csv.map((c) => c.id)).toEqual(["loss", "metric-acc", "param-norm", "grad-norm", "update-ratio", "evaluations"]);
    expect(xs(series(byId(csv, "loss"))[0])).toEqual([1, 2, 3, 4]);
    expect(xs(series(byId(csv, "metric-acc"))[0])).toEqual([2, 4]);
    expect((byId(csv, "evaluations").option.parallelAxis as { name: string }[])[0].name).toBe("step");
  });

  it("charts a regression's MAE and MSE instead of accuracy, coloured by test MAE, lowest darkest", () => {
    const history = { loss: [9, 4], evalIterations: [1, 2], trainMae: [3, 2], trainMse: [9, 4], testMae: [4, 3], testMse: [16, 9] } as TrainingHistory;
    const regression = reportCharts({ history, run: { config: { trainSize: 2, batchSize: 2, data: { target: "Body Mass (g)" } } } });
    expect(regression.map((c) => c.id)).toEqual(["loss", "metric-mae", "metric-mse", "evaluations"]);
    expect(series(byId(regression, "metric-mae")).map((s) => [s.name, ys(s)])).toEqual([
      ["train MAE", [3, 2]],
      ["test MAE", [4, 3]],
    ]);
    expect(series(byId(regression, "metric-mse")).map((s) => [s.name, ys(s)])).toEqual([
      ["train MSE", [9, 4]],
      ["test MSE", [16, 9]],
    ]);
    expect(JSON.stringify(byId(regression, "metric-mae").option.title)).toContain("Body Mass (g)");
    const parallel = byId(regression, "evaluations");
    expect((parallel.option.visualMap as { dimension: number }).dimension).toBe(4);
    // the colour scale runs from the lowest value to the highest: a regression's darkest (#7f1d1d) at its lowest
    // error, a classifier's at its highest accuracy
    const colors = (parallel.option.visualMap as { inRange: { color: string[] } }).inRange.color;
    expect(colors[0]).toBe("#7f1d1d");
    expect(colors.at(-1)).not.toBe("#7f1d1d");
    const { inRange } = byId(charts, "evaluations").option.visualMap as { inRange: { color: string[] } };
    expect(inRange.color.at(-1)).toBe("#7f1d1d");
    expect(inRange.color[0]).not.toBe("#7f1d1d");
  });

  it("ends every x axis in steps at the last step of a run stopped between evaluations, the parameters' too", () => {
    // stopped after step 7 of 2-step epochs, evaluated at steps 3 and 6: the axes end at epoch 3.5, rounded up to
    // 4 in intervals of 1 (not at the last evaluation's epoch 3)
    const stopped: HistoryFile = {
      history: { loss: [2, 1, 4, 3, 2, 1, 1], evalIterations: [3, 6], trainAcc: [0.5, 0.75], testAcc: [0.25, 0.5] },
      layers: { ...LAYERS, evalIterations: [3, 6] },
      run: { ...RUN, config: { ...RUN.config, iters: 10 } },
    };
    const lines = reportCharts(stopped).filter((c) => c.kind !== "parallel" && !c.id.startsWith("activations-"));
    expect(lines.map((c) => c.id)).toEqual(["loss", "metric-acc", "param-norm", "grad-norm", "update-ratio"]);
    for (const chart of lines) expect(chart.option.xAxis, chart.id).toMatchObject({ min: 0, max: 4, interval: 1 });
    // the rule of thumb runs to the last step as well
    expect(series(byId(lines, "update-ratio")).at(-1)?.data).toEqual([
      [0, 0.001],
      [3.5, 0.001],
    ]);
  });

  it("renders every chart as SVG, with a line per series of each line chart", () => {
    for (const chart of charts) {
      const svg = chartSvg(chart);
      expect(svg.startsWith("<svg"), chart.id).toBe(true);
      if (chart.kind !== "parallel") expect(svg.match(/<path d="M[^"]*L/g)?.length ?? 0, chart.id).toBeGreaterThanOrEqual(series(chart).length);
    }
  });
});

describe("formatNumber", () => {
  it("gives 4 significant digits, with an exponent outside [1e-3, 1e5)", () => {
    expect(formatNumber(1234.56)).toBe("1235");
    expect(formatNumber(0.0012344)).toBe("0.001234");
    expect(formatNumber(394110)).toBe("3.941e+5");
    expect(formatNumber(-0.00012346)).toBe("-1.235e-4");
    expect(formatNumber(0)).toBe("0");
  });
});

describe("roundExtent", () => {
  it("ends the x axis at a whole number of at most 6 round intervals at or above the last step", () => {
    expect(roundExtent(1600)).toEqual({ max: 1600, interval: 400 });
    expect(roundExtent(20)).toEqual({ max: 20, interval: 4 });
    expect(roundExtent(0.75)).toEqual({ max: 0.8, interval: 0.2 });
    expect(roundExtent(2)).toEqual({ max: 2, interval: 0.4 });
    expect(roundExtent(13.4375)).toEqual({ max: 15, interval: 2.5 });
    expect(roundExtent(7)).toEqual({ max: 8, interval: 2 });
  });
});

describe("a gradient flow's report", () => {
  const flow = {
    t: [0.01, 0.1, 10],
    gradNorm: [1, 0.5, 0.01],
    h: [0.09, 9, 90],
    order: [1, 2, 3],
    evaluations: [7, 12, 15],
    jacobianColumns: [2, 2, 4],
    jacobianProducts: [0, 0, 0],
    rejected: [0, 0, 1],
    jacobians: [1, 1, 2],
    factorizations: [1, 2, 2],
    newtonIterations: [2, 4, 6],
    krylovIterations: [0, 0, 0],
    ms: [1, 2, 3],
  };
  const history: TrainingHistory = { loss: [1.6, 1.2, 0.3], evalIterations: [1, 2, 3], trainAcc: [0.2, 0.5, 0.9], testAcc: [0.2, 0.4, 0.8] };
  const charts = reportCharts({ history, run: { config: { trainSize: 500, batchSize: 500, optimizer: { type: "GradientFlow" } } }, flow });

  it("adds the flow's time and costs after the metrics, each value at its step, a 0 a gap on the log axis", () => {
    expect(charts.map((c) => c.id)).toEqual(["loss", "metric-acc", "flow-time", "flow-cost", "evaluations"]);
    const [t, h, grad] = series(byId(charts, "flow-time"));
    expect(xs(t)).toEqual([1, 2, 3]);
    expect([ys(t), ys(h), ys(grad)]).toEqual([flow.t, flow.h, flow.gradNorm]);
    const cost = series(byId(charts, "flow-cost"));
    expect(cost.map((s) => s.name)).toEqual(["full-batch gradients", "Krylov iterations", "rejected steps", "Jacobians", "LU factorizations"]);
    expect(ys(cost[0])).toEqual([7, 12, 15]);
    expect(ys(cost[1])).toEqual([null, null, null]);
    expect(ys(cost[2])).toEqual([null, null, 1]);
    expect(series(byId(charts, "loss"))[0].name).toBe("the full-batch loss where the step ended");
  });

  it("renders to SVG", () => {
    const svg = chartSvg(byId(charts, "flow-cost"));
    expect(svg).toMatch(/^<svg[^>]*>/);
    expect(svg).toContain("What the solver spent");
  });
});
