// The charts of a training report, every one drawn from the run's history as its history file holds it: the loss of
// every step and its smoothed curve, the metrics at each evaluation, each parameter's norms and update ratio, each
// layer's activations at the first and the last evaluation (as the book's section 6.2 draws them), and the evaluations side by side.
import type { ActivationHistogram, FlowHistory, LayerHistory, ParamHistory, TrainingHistory } from "@backprop/layers";
import type { HistoryFile } from "../history-file.js";
import { metricKeys } from "../metric-format.js";
import type { PageChart } from "./charts.js";
import { parallelChart, type ParallelAxis } from "./parallel-chart.js";
import { COLORS } from "./svg.js";

/** β of the loss's exponential moving average: s_1 = L_1, s_t = β·s_(t-1) + (1 - β)·L_t. */
export const LOSS_SMOOTHING = 0.9;

/** The update ratio ‖ΔW‖/‖W‖ a rule of thumb (CS231n, "ratio of weights:updates") calls healthy: about 1e-3. */
export const UPDATE_RATIO_RULE = 1e-3;

// the charts' widths in pixels: the page's width, or half of it
const FULL = 1120;
const HALF = 552;

/** One colour per layer of parameters (W1 b1 gamma1 beta1 share layer 1's), then again from the start. */
const LAYER_PALETTE = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];

/** How each kind of parameter's line is drawn: weights solid, biases dashed, BatchNorm's gamma and beta dotted. */
const PARAM_LINE: Record<string, "solid" | "dashed" | "dotted"> = { W: "solid", b: "dashed", gamma: "dotted", beta: "dotted" };

/** The series of the train set and of the test set, in every metric chart. */
const SET_COLORS = { train: "#2563eb", val: "#16a34a", test: "#ea580c" } as const;

/** How a metric is named in the report: accuracy, or a regression's errors. */
const METRIC_NAMES: Record<string, { short: string; long: string; lowerIsBetter: boolean }> = {
  Acc: { short: "acc", long: "accuracy", lowerIsBetter: false },
  Mae: { short: "MAE", long: "mean absolute error", lowerIsBetter: true },
  Mse: { short: "MSE", long: "mean squared error", lowerIsBetter: true },
  Loss: { short: "loss", long: "validation loss", lowerIsBetter: true },
};

/** The exponential moving average of the loss: loss (T) -> smoothed (T), s_1 = L_1, s_t = β·s_(t-1) + (1 - β)·L_t. */
export function smoothLoss(loss: readonly number[], factor = LOSS_SMOOTHING): number[] {
  if (!(factor >= 0 && factor < 1)) throw new RangeError(`smoothLoss: factor must be in [0, 1), got ${factor}`);
  const smoothed: number[] = [];
  loss.forEach((value, t) => smoothed.push(t === 0 ? value : factor * smoothed[t - 1] + (1 - factor) * value));
  return smoothed;
}

/** The report's x axis: epochs when the run record gives the steps per epoch, else steps (a CSV history). */
export interface ReportAxis {
  unit: "epoch" | "step";
  stepsPerEpoch: number | null;
}

/**
 * The x axis of a history whose run record is `run`: steps per epoch = ceil(trainSize / batchSize), as the trainer's;
 * a gradient flow's accepted steps, each on the full batch, are counted as steps.
 */
export function reportAxis(run: Record<string, unknown> | undefined): ReportAxis {
  const config = run?.config as Record<string, unknown> | undefined;
  const { trainSize, batchSize, optimizer } = config ?? {};
  const flow = (optimizer as { type?: unknown } | undefined)?.type === "GradientFlow";
  if (!flow && typeof trainSize === "number" && typeof batchSize === "number" && trainSize > 0 && batchSize > 0) {
    return { unit: "epoch", stepsPerEpoch: Math.ceil(trainSize / batchSize) };
  }
  return { unit: "step", stepsPerEpoch: null };
}

/** Where step `step` (counting from 1) sits on the axis. */
function axisValue(axis: ReportAxis, step: number): number {
  return axis.stepsPerEpoch === null ? step : step / axis.stepsPerEpoch;
}

/** One evaluation: its step, its place on the axis, the mean loss of the steps since the previous one, each metric. */
export interface EvaluationRow {
  step: number;
  x: number;
  loss: number;
  values: Record<string, number>;
}

/** The history's evaluations, in order; the loss is the mean since the previous evaluation, as train prints it. */
export function evaluationRows(history: TrainingHistory, axis: ReportAxis): EvaluationRow[] {
  const keys = metricKeys(history);
  return history.evalIterations.map((step, k) => {
    const recent = history.loss.slice(k === 0 ? 0 : history.evalIterations[k - 1], step);
    const loss = recent.reduce((a, b) => a + b, 0) / recent.length;
    return { step, x: axisValue(axis, step), loss, values: Object.fromEntries(keys.map((key) => [key, history[key][k]])) };
  });
}

/** A metric key's parts and names: testAcc -> { set: "test", metric: "Acc", label: "test acc" }. */
export function metricLabel(key: string): { set: string; metric: string; label: string; lowerIsBetter: boolean } {
  const [, set, metric] = /^(train|val|test)(.+)$/.exec(key) ?? ["", "", key];
  const names = METRIC_NAMES[metric];
  return { set, metric, label: `${set} ${names?.short ?? metric}`.trim(), lowerIsBetter: names?.lowerIsBetter ?? false };
}

/**
 * The charts of a report, in the page's order: loss; one per metric (metric-acc, or metric-mae and metric-mse);
 * param-norm, grad-norm, update-ratio (when the history has layer figures); activations-<layer> per layer (when it
 * has histograms); evaluations, the parallel plot.
 */
export function reportCharts(file: HistoryFile): PageChart[] {
  const { history, layers, run, flow } = file;
  const axis = reportAxis(run);
  const charts = [lossChart(history, axis, LOSS_SMOOTHING, flow !== undefined), ...metricCharts(history, axis, run)];
  if (flow && flow.t.length > 0) charts.push(...flowCharts(flow, axis));
  if (layers && Object.keys(layers.params).length > 0 && layers.evalIterations.length > 0) charts.push(...paramCharts(layers, axis, history.loss.length));
  if (layers && layers.evalIterations.length > 0) {
    for (const [name, histograms] of Object.entries(layers.activations)) {
      if (histograms.length > 0) charts.push(activationChart(name, histograms, layers, axis));
    }
  }
  charts.push(evaluationsChart(history, axis));
  return charts;
}

/** The id of a layer's activation chart: activations-Affine1. */
function activationChartId(layer: string): string {
  return `activations-${layer.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

/**
 * The x axis every line chart shares, the same in every chart so that they line up: from 0 to the last step taken,
 * rounded up to a whole number of round intervals (its own label would crowd the last round one).
 */
function xAxis(axis: ReportAxis, lastStep: number): Record<string, unknown> {
  return { type: "value", name: axis.unit, nameLocation: "middle", nameGap: 26, min: 0, ...roundExtent(axisValue(axis, lastStep)), splitLine: { show: false } };
}

/** At most 6 intervals of 1, 2, 2.5, 4 or 5 times a power of ten that reach `x`: 1600 -> 400 up to 1600, 0.75 -> 0.2 up to 0.8. */
export function roundExtent(x: number): { max: number; interval: number } {
  if (!(x > 0)) return { max: 1, interval: 0.2 };
  const power = 10 ** Math.floor(Math.log10(x / 6));
  const round = (v: number): number => Number(v.toPrecision(12));
  const interval = round(power * ([1, 2, 2.5, 4, 5, 10].find((m) => m * power * 6 >= x * (1 - 1e-12)) as number));
  return { max: round(Math.ceil(x / interval - 1e-9) * interval), interval };
}

/** A chart with its title and the subtitle's lines (what it shows, how), the legend below them, and the plot below that. */
function frame(id: string, title: string, subtitle: string[], width: number, height: number, option: Record<string, unknown>): PageChart {
  const legendTop = 30 + 15 * subtitle.length;
  return {
    id,
    title,
    width,
    height,
    option: {
      title: { text: title, subtext: subtitle.join("\n"), left: 10, top: 4, textStyle: { fontSize: 14, fontWeight: "bold", color: "#111827" }, subtextStyle: { fontSize: 11, color: COLORS.muted, lineHeight: 15 } },
      // drawn at once: a report is read, not watched, and its screenshots are of the finished chart
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: legendTop, left: 10, itemWidth: 22, itemHeight: 10, textStyle: { fontSize: 11 } },
      grid: { left: 72, right: 24, top: legendTop + 34, bottom: 44 },
      ...option,
    },
  };
}

/** A y axis named along its side. */
function yAxis(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: "value", name, nameLocation: "middle", nameGap: 50, nameTextStyle: { fontSize: 12, color: "#374151" }, scale: true, ...extra };
}

function lossChart(history: TrainingHistory, axis: ReportAxis, factor: number, flow: boolean): PageChart {
  const { loss } = history;
  const smoothed = smoothLoss(loss, factor);
  const at = (values: number[]): number[][] => values.map((v, i) => [axisValue(axis, i + 1), v]);
  const perEpoch = axis.stepsPerEpoch !== null ? ` (${axis.stepsPerEpoch} steps an epoch)` : "";
  const subtitle = [`the loss of each of the ${loss.length} steps${perEpoch}, and its exponential moving average: s₁ = L₁, sₜ = β·sₜ₋₁ + (1 − β)·Lₜ with β = ${factor}`];
  return frame("loss", "Training loss", subtitle, FULL, 340, {
    xAxis: xAxis(axis, loss.length),
    yAxis: yAxis("loss"),
    series: [
      { name: flow ? "the full-batch loss where the step ended" : "loss of the step's mini-batch", type: "line", data: at(loss), showSymbol: false, lineStyle: { width: 1, color: "#93c5fd" }, itemStyle: { color: "#93c5fd" }, sampling: "lttb" },
      { name: `smoothed (EMA, β = ${factor})`, type: "line", data: at(smoothed), showSymbol: false, lineStyle: { width: 2.5, color: COLORS.param }, itemStyle: { color: COLORS.param } },
    ],
  });
}

/** One chart per metric (accuracy; a regression's MAE and MSE), train and test as two series. */
function metricCharts(history: TrainingHistory, axis: ReportAxis, run: Record<string, unknown> | undefined): PageChart[] {
  const groups = new Map<string, string[]>();
  for (const key of metricKeys(history)) {
    const { metric } = metricLabel(key);
    groups.set(metric, [...(groups.get(metric) ?? []), key]);
  }
  const target = targetName(run);
  const width = groups.size === 1 ? FULL : HALF;
  return [...groups].map(([metric, keys]) => {
    const names = METRIC_NAMES[metric];
    const title = names ? names.long[0].toUpperCase() + names.long.slice(1) : metric;
    const of = metric === "Acc" ? "the share of samples classified correctly" : metric === "Loss" ? "the last layer's mean loss on the validation set, without weight decay; lower is better" : `in the units of ${target ?? "the target"}${metric === "Mse" ? ", squared" : ""}${names?.lowerIsBetter ? "; lower is better" : ""}`;
    const subtitle = [`at each of the ${history.evalIterations.length} evaluations, ${of}`];
    return frame(`metric-${metric.toLowerCase()}`, title, subtitle, width, 320, {
      xAxis: xAxis(axis, history.loss.length),
      yAxis: yAxis(names?.short ?? metric),
      series: keys.map((key) => {
        const { set, label } = metricLabel(key);
        const color = SET_COLORS[set as keyof typeof SET_COLORS] ?? COLORS.forward;
        return { name: label, type: "line", data: history[key].map((v, k) => [axisValue(axis, history.evalIterations[k]), v]), symbolSize: 5, lineStyle: { width: 2, color }, itemStyle: { color } };
      }),
    });
  });
}

/** A table's target column ("Body Mass (g)"), from the run record. */
function targetName(run: Record<string, unknown> | undefined): string | undefined {
  const data = (run?.config as { data?: { target?: unknown } } | undefined)?.data;
  return typeof data?.target === "string" ? data.target : undefined;
}

/** ‖W‖, ‖dW‖ and ‖ΔW‖/‖W‖ of every parameter at every evaluation, on log axes to `lastStep`, as the loss's. */
function paramCharts(layers: LayerHistory, axis: ReportAxis, lastStep: number): PageChart[] {
  const steps = layers.evalIterations;
  const params = Object.entries(layers.params);
  const style = "W solid, b dashed, gamma and beta dotted; one colour per layer";
  const chart = (id: string, title: string, what: string[], field: keyof ParamHistory, width: number, rule = false): PageChart => {
    let dropped = 0;
    let smallest = Infinity;
    const series: Record<string, unknown>[] = params.map(([name, p]) => {
      const data = p[field].map((v, k) => {
        // a log axis has no place for 0 (and null is no ratio): a gap in the line
        if (v === null || v <= 0) dropped++;
        else smallest = Math.min(smallest, v);
        return [axisValue(axis, steps[k]), v !== null && v > 0 ? v : null];
      });
      return { ...paramStyle(name), data };
    });
    const why = { norm: "0", gradNorm: "0 (no gradient reached the parameter)", updateRatio: "0 (the step did not move the parameter) or none (W was 0)" }[field];
    const gaps = dropped > 0 ? [`${dropped} value${dropped === 1 ? " is" : "s are"} ${why}: not drawn, a log axis has no 0`] : [];
    const extra: Record<string, unknown> = {};
    if (rule) {
      series.push({
        name: "1e-3, a rule of thumb",
        type: "line",
        data: [
          [0, UPDATE_RATIO_RULE],
          [axisValue(axis, lastStep), UPDATE_RATIO_RULE],
        ],
        showSymbol: false,
        silent: true,
        lineStyle: { type: "dashed", width: 1.5, color: "#9ca3af" },
        itemStyle: { color: "#9ca3af" },
        tooltip: { show: false },
      });
      // a decade below both the rule and the smallest ratio, so that the rule's line is never the axis itself
      // (its label is left out: ECharts prints that power of ten as 0.00009999999999999999)
      extra.min = 10 ** (Math.ceil(Math.log10(Math.min(smallest, UPDATE_RATIO_RULE))) - 1);
      extra.axisLabel = { showMinLabel: false };
    }
    const name = field === "updateRatio" ? "‖ΔW‖ / ‖W‖" : field === "norm" ? "‖W‖" : "‖dW‖";
    return frame(id, title, [...what, ...gaps], width, 340, {
      xAxis: xAxis(axis, lastStep),
      yAxis: yAxis(`${name} (log scale)`, { type: "log", logBase: 10, scale: false, nameGap: 56, ...extra }),
      series,
    });
  };
  return [
    chart("param-norm", "Parameter norms ‖W‖", ["the L2 norm of each parameter at each evaluation,", "after the step before it", style], "norm", HALF),
    chart("grad-norm", "Gradient norms ‖dW‖", ["the L2 norm of that step's gradient (weight decay included):", "vanishing gradients fall towards 0, exploding ones grow", style], "gradNorm", HALF),
    chart(
      "update-ratio",
      "Update ratio ‖ΔW‖ / ‖W‖",
      [
        `that step's update ΔW = W after − W before, relative to W before; ${style}`,
        "dashed: 1e-3, a rule of thumb (CS231n): far below it a layer learns slowly (the learning rate too low, or its gradients vanishing),",
        "far above it training may be unstable. A rule of thumb, not a law: biases, and nets trained by adaptive optimizers such as Adam, often sit elsewhere.",
      ],
      "updateRatio",
      FULL,
      true,
    ),
  ];
}

/**
 * A gradient flow's two charts, at every accepted step on log axes: how far it got (the flow time t, the next step
 * size h, ‖∇L‖), and what it spent so far (full-batch gradients, Krylov iterations, rejected steps, Jacobians, LU).
 */
function flowCharts(flow: FlowHistory, axis: ReportAxis): PageChart[] {
  const steps = flow.t.length;
  const line = (name: string, values: number[], color: string, type: "solid" | "dashed" | "dotted" = "solid"): Record<string, unknown> => ({
    name,
    type: "line",
    // a log axis has no place for 0: a gap in the line
    data: values.map((v, i) => [axisValue(axis, i + 1), v > 0 ? v : null]),
    showSymbol: false,
    lineStyle: { width: 2, color, type },
    itemStyle: { color },
  });
  const logAxis = (name: string): Record<string, unknown> => yAxis(`${name} (log scale)`, { type: "log", logBase: 10, scale: false, nameGap: 56 });
  return [
    frame("flow-time", "The flow: time, step size and gradient", ["at each accepted step of the solver: its flow time t, the step size h it takes next, and ‖∇L‖ of the full-batch loss", "a stiff solver's h grows by orders of magnitude once the fast modes have died out"], HALF, 340, {
      xAxis: xAxis(axis, steps),
      yAxis: logAxis("t, h, ‖∇L‖"),
      series: [line("flow time t", flow.t, COLORS.param), line("step size h", flow.h, COLORS.forward, "dashed"), line("‖∇L‖", flow.gradNorm, COLORS.backward)],
    }),
    frame("flow-cost", "What the solver spent", ["running totals at each accepted step: full-batch gradients computed (every Jacobian column and", "Hessian-vector product included), GMRES iterations, rejected steps, Jacobians and LU factorizations"], HALF, 340, {
      xAxis: xAxis(axis, steps),
      yAxis: logAxis("count"),
      series: [
        line("full-batch gradients", flow.evaluations, COLORS.param),
        line("Krylov iterations", flow.krylovIterations, COLORS.forward, "dashed"),
        line("rejected steps", flow.rejected, COLORS.backward, "dotted"),
        line("Jacobians", flow.jacobians, "#059669", "dotted"),
        line("LU factorizations", flow.factorizations, "#7c3aed", "dotted"),
      ],
    }),
  ];
}

/** A parameter's series style: its layer's colour, its kind's line (W1: layer 1, solid). */
function paramStyle(name: string): Record<string, unknown> {
  const [, kind, index] = /^([A-Za-z]+?)(\d+)$/.exec(name) ?? ["", name, "1"];
  const color = LAYER_PALETTE[(Number(index) - 1) % LAYER_PALETTE.length];
  return { name, type: "line", symbolSize: 4, connectNulls: false, lineStyle: { width: kind === "W" ? 2 : 1.5, type: PARAM_LINE[kind] ?? "solid", color }, itemStyle: { color } };
}

/** The steps of a histogram's outline: (edge_k, count_k) with a drop to 0 at both ends, drawn as a step line. */
function histogramOutline(h: ActivationHistogram): number[][] {
  const bins = h.counts.length;
  const width = (h.max - h.min) / bins;
  const edge = (k: number): number => (k === bins ? h.max : h.min + k * width);
  return [[h.min, 0], ...h.counts.map((c, k) => [edge(k), c]), [h.max, h.counts[bins - 1]], [h.max, 0]];
}

/** A layer's outputs on the probe batch at the first and the last evaluation, as two histograms over one axis. */
function activationChart(layer: string, histograms: ActivationHistogram[], layers: LayerHistory, axis: ReportAxis): PageChart {
  const steps = layers.evalIterations;
  const ends = [
    { h: histograms[0], k: 0, color: "#6b7280", role: "first" },
    { h: histograms[histograms.length - 1], k: histograms.length - 1, color: "#ea580c", role: "last" },
  ];
  const at = (k: number): string => (axis.unit === "epoch" ? `epoch ${formatNumber(axisValue(axis, steps[k]))}` : `step ${steps[k]}`);
  const values = ends[0].h.counts.reduce((a, b) => a + b, 0) + ends[0].h.nonFinite;
  const describe = ({ h, k, role }: (typeof ends)[number]): string =>
    `${role}, ${at(k)}: mean ${formatNumber(h.mean)}, std ${formatNumber(h.std)}, [${formatNumber(h.min)}, ${formatNumber(h.max)}]${h.nonFinite > 0 ? `, ${h.nonFinite} not finite` : ""}`;
  const subtitle = [`${values} values: ${layers.probeSamples} samples × ${values / layers.probeSamples} outputs`, ...ends.map(describe)];
  const series = ends.map(({ h, k, color, role }) => ({
    name: `${at(k)} (${role})`,
    type: "line",
    step: "end",
    data: histogramOutline(h),
    showSymbol: false,
    lineStyle: { width: 1.5, color },
    itemStyle: { color },
    areaStyle: { color, opacity: 0.18 },
  }));
  const chart = frame(activationChartId(layer), `${layer} outputs`, subtitle, 362, 320, {
    tooltip: { trigger: "item" },
    xAxis: { type: "value", name: "output value", nameLocation: "middle", nameGap: 24, scale: true, axisLabel: { hideOverlap: true, fontSize: 10 }, splitLine: { show: false } },
    yAxis: yAxis("count", { scale: false, nameGap: 44, axisLabel: { fontSize: 10 } }),
    series,
  });
  const option = chart.option as { grid: Record<string, unknown>; legend: Record<string, unknown> };
  option.grid = { ...option.grid, left: 60, right: 14 };
  option.legend = { ...option.legend, itemWidth: 16, itemHeight: 8, textStyle: { fontSize: 10 } };
  return chart;
}

/** The evaluations as a parallel plot: axis, mean loss and every metric, coloured by the test set's first metric. */
function evaluationsChart(history: TrainingHistory, axis: ReportAxis): PageChart {
  const rows = evaluationRows(history, axis);
  const keys = metricKeys(history);
  const axes: ParallelAxis[] = [
    { name: axis.unit, type: "value" },
    { name: "mean loss", type: "value" },
    ...keys.map((key): ParallelAxis => ({ name: metricLabel(key).label, type: "value" })),
  ];
  const testKey = keys.find((key) => key.startsWith("test")) ?? keys[0];
  const chart = parallelChart({
    id: "evaluations",
    title: "Evaluations side by side (drag along an axis to keep the lines that cross it there)",
    axes,
    rows: rows.map((r) => [r.x, r.loss, ...keys.map((key) => r.values[key])]),
    colorBy: 2 + keys.indexOf(testKey),
    lowerIsBetter: metricLabel(testKey).lowerIsBetter,
    width: FULL,
    height: 400,
  });
  // the colour scale's ends as numbers of the metric (accuracies are all within [0, 1]), not rounded to integers
  (chart.option.visualMap as { precision?: number }).precision = 3;
  chart.option.animation = false;
  return chart;
}

/** A number as the report prints it: 4 significant digits, exponent outside [1e-3, 1e5). */
export function formatNumber(x: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  return abs >= 1e-3 && abs < 1e5 ? String(Number(x.toPrecision(4))) : x.toExponential(3);
}
