// The training report: one self-contained HTML page of a run's charts and of what the run was, drawn from the
// history file (or, for train --report, from the very objects the history file is written from).
import { isRecord, type HistoryFile } from "../history-file.js";
import { formatMetric, formatMetrics, metricKeys } from "../metric-format.js";
import type { PageChart } from "./charts.js";
import { chartSlot, htmlPage, htmlTable, selectionSlot } from "./page.js";
import { LOSS_SMOOTHING, UPDATE_RATIO_RULE, evaluationRows, formatNumber, metricLabel, reportAxis, reportCharts, smoothLoss, type EvaluationRow, type ReportAxis } from "./report-charts.js";
import { escapeXml } from "./svg.js";

/** Where a report's numbers come from: a history file (.json or .csv), or the run itself (train --report). */
export interface ReportSource {
  format: "json" | "csv" | "run";
  /** The history file's path as given, when there is one. */
  file?: string;
}

/** What a report page holds as data (readPageData(html).data), beside its charts. */
export interface ReportData {
  source: ReportSource;
  /** The x axis of every chart but the histograms: epochs when the steps per epoch are known, else steps. */
  axis: ReportAxis;
  smoothing: { method: "exponential moving average"; factor: number };
  updateRatioRule: number;
  /** The history file's parts as readHistory gives them; null where the file has none. */
  history: HistoryFile["history"];
  layers: HistoryFile["layers"] | null;
  run: HistoryFile["run"] | null;
  /** One row per evaluation: what the parallel plot and the evaluations table show. */
  evaluations: EvaluationRow[];
  /** What the report cannot show, and why, one sentence each. */
  missing: string[];
}

export interface ReportOptions {
  source: ReportSource;
}

// filters the evaluations table to the rows the parallel plot's brushed axes keep
const SCRIPT = `document.addEventListener("backprop:selection", function (e) {
  if (e.detail.chart !== "evaluations") return;
  var kept = {}; e.detail.indices.forEach(function (i) { kept[i] = true; });
  document.querySelectorAll("#evaluations-table tbody tr").forEach(function (tr, i) { tr.style.display = kept[i] ? "" : "none"; });
});`;

const STYLE = `
body { max-width: 1180px; }
header p { margin: 4px 0; }
.summary { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0 4px; }
.stat { border: 1px solid #e5e7eb; border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.stat b { display: block; font-size: 20px; font-variant-numeric: tabular-nums; }
.stat span { color: #6b7280; font-size: 12px; }
.chart { border: 1px solid #e5e7eb; border-radius: 6px; }
section > p { max-width: 900px; font-size: 14px; line-height: 1.45; }
.missing { background: #fffbeb; border: 1px solid #fde68a; border-radius: 6px; padding: 8px 12px; font-size: 13px; }
details { margin: 8px 0; font-size: 13px; }
.scroll { max-height: 420px; overflow-y: auto; display: inline-block; }
table.run th { width: 140px; }
code { background: #f3f4f6; padding: 0 3px; border-radius: 3px; }
#evaluations-table td { text-align: right; font-variant-numeric: tabular-nums; }
`;

/** The report page of a history file, and its charts (for PNGs). */
export function reportPage(file: HistoryFile, options: ReportOptions): { html: string; charts: PageChart[] } {
  const factor = LOSS_SMOOTHING;
  const charts = reportCharts(file);
  const byId = new Map(charts.map((c) => [c.id, c]));
  const { history, layers, run } = file;
  const axis = reportAxis(run);
  const evaluations = evaluationRows(history, axis);
  const missing = missingParts(file, options.source);
  const slot = (id: string): string => (byId.has(id) ? chartSlot(byId.get(id) as PageChart) : "");
  const metricSlots = charts.filter((c) => c.id.startsWith("metric-")).map(chartSlot).join("");
  const activationSlots = charts.filter((c) => c.id.startsWith("activations-")).map(chartSlot).join("");
  const evaluationsChart = byId.get("evaluations") as PageChart;
  const keys = metricKeys(history);
  const regression = keys.some((key) => metricLabel(key).metric !== "Acc");
  const colourKey = keys.find((key) => key.startsWith("test")) ?? keys[0];

  const sections = [
    section(
      "Loss",
      `<p>The loss of every mini-batch step is noisy: each step sees another batch. The thick line is its exponential moving average with β = ${factor}, which follows the trend about ${Math.round(1 / (1 - factor))} steps behind.</p>${slot("loss")}`,
    ),
    section(
      regression ? "Errors" : "Accuracy",
      `<p>${regression ? "The mean absolute and the mean squared error" : "The accuracy"} on the training and the test set at each evaluation. A test curve that falls behind the training curve while the training curve still improves is overfitting (the book's section 6.4).</p>${metricSlots}`,
    ),
  ];
  if (byId.has("param-norm")) {
    sections.push(
      section(
        "Parameters and gradients",
        `<p>For each parameter (W1, b1, ... as the net names them) at each evaluation: its norm ‖W‖, the norm of the gradient ‖dW‖ backpropagation gave it, and the update ratio ‖ΔW‖/‖W‖ of the step. All on log scales, so that a factor of ten is the same height everywhere. Gradients that shrink by orders of magnitude from the last layer to the first are vanishing; norms that grow step after step are exploding. The dashed line at ${UPDATE_RATIO_RULE} is a rule of thumb, not a law.</p>${slot("param-norm")}${slot("grad-norm")}${slot("update-ratio")}`,
      ),
    );
  }
  if (activationSlots !== "") {
    sections.push(
      section(
        "Activations",
        `<p>Histograms of each layer's outputs at the first and the last evaluation, on the first ${layers?.probeSamples} training samples (forward in inference mode), as the book's section 6.2 draws them to judge the initial weights: outputs piled at the ends of a sigmoid give vanishing gradients, outputs all alike mean the units do the same work.</p>${activationSlots}`,
      ),
    );
  }
  sections.push(
    section(
      "Evaluations",
      `<p>One line per evaluation across an axis per figure, coloured by ${escapeXml(metricLabel(colourKey).label)}${metricLabel(colourKey).lowerIsBetter ? " (darkest: lowest)" : " (darkest: highest)"}. Drag along an axis to keep the lines that cross it there; the table below keeps the same rows. The mean loss is that of the steps since the previous evaluation.</p>${chartSlot(evaluationsChart)}${selectionSlot(evaluationsChart)}${evaluationsTable(evaluations, history, axis)}`,
    ),
  );
  sections.push(section("The run", runTable(file, options.source, axis)));

  const title = typeof run?.net === "string" ? `Training report: ${run.net}` : `Training report${options.source.file !== undefined ? ` of ${options.source.file}` : ""}`;
  const body =
    `<header><h1>${escapeXml(title)}</h1>${headline(file, options.source)}${summary(file, evaluations, factor)}</header>\n` +
    (missing.length > 0 ? `<p class="missing">${missing.map(escapeXml).join("<br>")}</p>\n` : "") +
    sections.join("\n");
  const data: ReportData = {
    source: options.source,
    axis,
    smoothing: { method: "exponential moving average", factor },
    updateRatioRule: UPDATE_RATIO_RULE,
    history,
    layers: layers ?? null,
    run: run ?? null,
    evaluations,
    missing,
  };
  return { html: htmlPage({ title, body, charts, data, script: SCRIPT, style: STYLE }), charts };
}

function section(title: string, content: string): string {
  return `<section><h2>${escapeXml(title)}</h2>${content}</section>`;
}

/** What the history cannot give the report, one sentence each. */
function missingParts(file: HistoryFile, source: ReportSource): string[] {
  const missing: string[] = [];
  if (file.run === undefined) {
    const why = source.format === "csv" ? "This history is a CSV file, which holds no record of the run" : "This history holds no record of the run";
    missing.push(`${why}: no net, settings, data, seed, time or final figures, and no steps per epoch (the x axes count steps). backprop train --history FILE.json writes one.`);
  }
  if (file.layers === undefined) missing.push("This history holds no per-layer statistics (a history written before train recorded them): no parameter norms, gradient norms, update ratios or activation histograms.");
  else if (Object.keys(file.layers.activations).length === 0) missing.push(`This history${source.format === "csv" ? " is a CSV file, which" : ""} holds no activation histograms; a .json history does.`);
  if (file.layers !== undefined && file.layers.evalIterations.length < file.history.evalIterations.length && file.layers.evalIterations.length > 0) {
    missing.push(`The per-layer statistics start at step ${file.layers.evalIterations[0]}: the run was resumed from a checkpoint written before train recorded them.`);
  }
  return missing;
}

/** The line under the title: the optimizer, the data and where the numbers come from. */
function headline(file: HistoryFile, source: ReportSource): string {
  const config = file.run?.config as Record<string, unknown> | undefined;
  const parts: string[] = [];
  if (config?.optimizer !== undefined) parts.push(describeOptimizer(config.optimizer));
  if (config !== undefined) parts.push(describeData(config));
  const from = source.format === "run" ? "drawn from the run itself (backprop train --report)" : `drawn from ${source.file !== undefined ? `<code>${escapeXml(source.file)}</code>` : "a history file"}`;
  return `<p class="note">${parts.map(escapeXml).join(" · ")}${parts.length > 0 ? "<br>" : ""}${from}</p>`;
}

/** The final figures and the run's size, as boxes under the title. */
function summary(file: HistoryFile, evaluations: EvaluationRow[], factor: number): string {
  const { history, run } = file;
  const last = evaluations.at(-1);
  const boxes: [string, string][] = [];
  if (last) {
    for (const key of metricKeys(history)) boxes.push([metricLabel(key).label, formatMetric(key, last.values[key])]);
  }
  const smoothed = smoothLoss(history.loss, factor).at(-1);
  if (smoothed !== undefined) boxes.push([`smoothed loss, step ${history.loss.length}`, formatNumber(smoothed)]);
  boxes.push(["steps", String(history.loss.length)]);
  if (typeof run?.elapsedMs === "number") boxes.push(["training time", `${(run.elapsedMs / 1000).toFixed(1)} s`]);
  const at = last ? `<p class="note">Figures of the last evaluation, step ${last.step}${run !== undefined && run.final === undefined ? " (the run stopped before its last step)" : ""}.</p>` : "";
  return `<div class="summary">${boxes.map(([label, value]) => `<div class="stat"><b>${escapeXml(value)}</b><span>${escapeXml(label)}</span></div>`).join("")}</div>${at}`;
}

/** Every evaluation as a row: step, axis, mean loss, each metric as train prints it. */
function evaluationsTable(rows: EvaluationRow[], history: HistoryFile["history"], axis: ReportAxis): string {
  const keys = metricKeys(history);
  const header = ["step", ...(axis.unit === "epoch" ? ["epoch"] : []), "mean loss", ...keys.map((key) => metricLabel(key).label)];
  const cells = rows.map((r) => [r.step, ...(axis.unit === "epoch" ? [Number(r.x.toFixed(4))] : []), Number(r.loss.toPrecision(5)), ...keys.map((key) => escapeXml(formatMetric(key, r.values[key])))]);
  return `<details open><summary>The evaluations as a table (${rows.length} rows)</summary><div class="scroll">${htmlTable(header, cells, ' id="evaluations-table"')}</div></details>`;
}

/** The run's record as a table: what was trained on what, how, and what came of it; then every recorded setting. */
function runTable(file: HistoryFile, source: ReportSource, axis: ReportAxis): string {
  const { run, history, layers } = file;
  const sourceRow: [string, string] = ["numbers from", source.format === "run" ? "the run itself (backprop train --report)" : `${source.file ?? "a history file"} (${source.format.toUpperCase()})`];
  const evaluations = `${history.evalIterations.length}, at steps ${describeSteps(history.evalIterations)}`;
  if (run === undefined) {
    const rows: [string, string][] = [sourceRow, ["steps", String(history.loss.length)], ["evaluations", evaluations]];
    return `<p class="missing">The history has no record of the run: the net, its architecture, the optimizer, the data, the seed, the time and the final figures are unknown. ${source.format === "csv" ? "A CSV history never holds them; " : ""}<code>backprop train --history FILE.json</code> writes them.</p>${kvTable(rows)}`;
  }
  const config = (run.config ?? {}) as Record<string, unknown>;
  const architecture = (config.architecture ?? {}) as Record<string, unknown>;
  const iterations = typeof run.iterations === "number" ? run.iterations : history.loss.length;
  const rows: [string, string][] = [
    ["net", String(run.net ?? "unknown")],
    ["architecture", describeArchitecture(architecture)],
    ["optimizer", config.optimizer !== undefined ? describeOptimizer(config.optimizer) : "unknown"],
    ["data", describeData(config)],
    ["task", String(config.task ?? "unknown")],
    ["batch size", String(config.batchSize ?? "unknown")],
    ["steps", `${iterations} of ${config.iters ?? "?"}${axis.stepsPerEpoch !== null ? ` (${formatNumber(iterations / axis.stepsPerEpoch)} epochs of ${axis.stepsPerEpoch} steps)` : ""}, ${config.sampling === "replace" ? "batches drawn with replacement" : config.sampling === "shuffle" ? "shuffled epochs" : "sampling unknown"}`],
    ["evaluations", `${evaluations}; ${config.evalSamples === null ? "all samples" : config.evalSamples !== undefined ? `the first ${config.evalSamples} samples of each set (the last evaluation all)` : "samples unknown"}`],
    ["seed", String(config.seed ?? "unknown")],
    ["dtype", String(config.dtype ?? "unknown")],
    ["training time", typeof run.elapsedMs === "number" ? `${(run.elapsedMs / 1000).toFixed(2)} s (${Math.round(iterations / (run.elapsedMs / 1000))} steps/s)` : "unknown"],
    ["final", isRecord(run.final) ? formatMetrics(run.final as Record<string, number>, ", ") : `none: the run stopped at step ${iterations} of ${config.iters ?? "?"} (interrupted or failed)`],
    ["activation probe", layers !== undefined && layers.probeSamples > 0 ? `the first ${layers.probeSamples} training samples` : "none"],
    sourceRow,
  ];
  const settings = flatten(config).map(([key, value]) => [escapeXml(key), `<code>${escapeXml(value)}</code>`]);
  return `${kvTable(rows)}<details><summary>Every recorded setting (${settings.length})</summary>${htmlTable(["setting", "value"], settings)}</details>`;
}

/** Rows of a name and its value (text), as a table without a header. */
function kvTable(rows: [string, string][]): string {
  return `<table class="run"><tbody>${rows.map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(v)}</td></tr>`).join("")}</tbody></table>`;
}

/** "20, 40, ..., 160" for a long list. */
function describeSteps(steps: number[]): string {
  return steps.length <= 6 ? steps.join(", ") : `${steps.slice(0, 3).join(", ")}, ..., ${steps.slice(-2).join(", ")}`;
}

/** { type: "SGD", lr: 0.1 } -> "SGD(lr 0.1)". */
function describeOptimizer(spec: unknown): string {
  if (!isRecord(spec)) return String(spec);
  const { type, ...settings } = spec;
  return `${String(type)}(${Object.entries(settings).map(([k, v]) => `${k} ${String(v)}`).join(", ")})`;
}

function describeArchitecture(a: Record<string, unknown>): string {
  if (Object.keys(a).length === 0) return "unknown";
  const parts = [
    Array.isArray(a.sizes) ? `sizes ${a.sizes.join(" -> ")}` : undefined,
    a.activation !== undefined ? `activation ${a.activation}` : undefined,
    a.weightInitStd !== undefined ? `initial weights ${a.weightInitStd}` : undefined,
    a.weightDecayLambda !== undefined ? `weight decay ${a.weightDecayLambda}` : undefined,
    a.batchNorm !== undefined ? `batch norm ${a.batchNorm ? "yes" : "no"}` : undefined,
    a.dropout !== undefined ? `dropout ${a.dropout ?? "none"}` : undefined,
  ].filter((p) => p !== undefined);
  return `${String(a.name ?? "")}: ${parts.join(", ")}`;
}

/** The data as the run record names it: the embedded digits, an IDX folder, or a table with its target. */
function describeData(config: Record<string, unknown>): string {
  const data = (config.data ?? {}) as Record<string, unknown>;
  const sizes = typeof config.trainSize === "number" ? `${config.trainSize} train / ${config.testSize} test` : "";
  if (data.source === "embedded") return `MNIST, ${sizes} digits (embedded, split seed ${data.splitSeed})`;
  if (data.source === "idx") return `${sizes} images from ${data.dir}`;
  if (data.source === "table") {
    const file = data.file === "penguins" ? "the embedded penguins table" : String(data.file);
    const split = data.testFile !== undefined ? `test rows from ${data.testFile}` : `test fraction ${data.testFraction}, split seed ${data.splitSeed}`;
    return `${file}, target ${data.target}: ${sizes} rows (${split})`;
  }
  return "unknown";
}

/** Nested settings as [path, JSON value] rows: architecture.sizes -> "[784,50,10]". */
function flatten(value: Record<string, unknown>, prefix = ""): [string, string][] {
  return Object.entries(value).flatMap(([key, v]): [string, string][] => {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (isRecord(v) && path !== "data.schema") return flatten(v, path);
    const text = JSON.stringify(v) ?? "undefined";
    return [[path, text.length > 240 ? `${text.slice(0, 237)}...` : text]];
  });
}
