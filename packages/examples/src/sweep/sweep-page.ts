// sweep.html: HiPlot's view of a sweep, one line per finished trial across its settings and metrics, coloured by the
// validation metric; brushing the axes keeps some lines, and the table of the best trials shows the best of those.
import type { PageChart } from "../visual/charts.js";
import { chartSlot, htmlPage, htmlTable, selectionSlot } from "../visual/page.js";
import { parallelChart, type ParallelAxis } from "../visual/parallel-chart.js";
import { escapeXml } from "../visual/svg.js";
import { hiddenLabel, varies } from "./search-space.js";
import type { SweepMetric, SweepRecord } from "./sweep-files.js";
import { describeSettings, type TrialResult } from "./trials.js";

/** The chart's id in the page. */
export const CHART_ID = "trials";

/** How many trials the best-trials table shows (the book shows its best 20). */
export const BEST_SHOWN = 20;

/** The columns of the best-trials table, after its rank. */
export const BEST_COLUMNS = (m: SweepMetric): string[] => ["trial", `val ${m.label}`, `train ${m.label}`, "lr", "weight decay", "hidden", "optimizer", "batch", "loss"];

/** What the page's script reads for each line of the chart, in the chart's order. */
export interface PageTrial {
  trial: number;
  validation: number;
  /** The best-trials table's cells, after the rank. */
  cells: string[];
}

export interface SweepPageContent {
  record: SweepRecord;
  results: readonly TrialResult[];
  /** "400 train + 100 validation samples of the first 500 of 8000 train / 2000 test digits (embedded)". */
  data: string;
}

/** A metric as a line reads it: accuracy 0.9412, an error to 5 significant digits. */
export function formatMetric(metric: SweepMetric, x: number): string {
  return metric.name === "acc" ? x.toFixed(4) : String(Number(x.toPrecision(5)));
}

/** The best first: by the validation metric (its direction), then by trial number. */
export function byValidation(metric: SweepMetric): (a: { validation: number; trial: number }, b: { validation: number; trial: number }) => number {
  return (a, b) => (metric.lowerIsBetter ? a.validation - b.validation : b.validation - a.validation) || a.trial - b.trial;
}

/** The parallel chart of the finished trials that did not diverge, in trial order (row i is ok[i]). */
export function sweepChart(record: SweepRecord, ok: readonly TrialResult[]): PageChart {
  const { metric, settings } = record;
  const category = (name: string, values: string[]): ParallelAxis => ({ name, type: "category", categories: values });
  const positive = ok.every((r) => r.weightDecay > 0);
  const batch = varies(settings.space.batchSize);
  const axes: ParallelAxis[] = [
    { name: "lr", type: "log" },
    { name: "weight decay", type: positive ? "log" : "value" },
    category("hidden", settings.space.hidden.map(hiddenLabel)),
    category("optimizer", settings.space.optimizer),
    ...(batch ? [{ name: "batch", type: "value" } as const] : []),
    { name: `train ${metric.label}`, type: "value" },
    { name: `val ${metric.label}`, type: "value" },
  ];
  const rows = ok.map((r) => [r.lr, r.weightDecay, hiddenLabel(r.hidden), r.optimizer, ...(batch ? [r.batchSize] : []), r.train as number, r.validation as number]);
  const title = `${ok.length} trials, coloured by validation ${metric.label} (${metric.lowerIsBetter ? "lower" : "higher"} is better)`;
  return parallelChart({ id: CHART_ID, title, axes, rows, colorBy: axes.length - 1, lowerIsBetter: metric.lowerIsBetter });
}

/** The sweep as one self-contained page. */
export function sweepPage({ record, results, data }: SweepPageContent): string {
  const { metric, settings } = record;
  const sorted = [...results].sort((a, b) => a.trial - b.trial);
  const ok = sorted.filter((r) => r.status === "ok");
  const diverged = sorted.filter((r) => r.status === "diverged");
  const chart = sweepChart(record, ok);
  const trials: PageTrial[] = ok.map((r) => ({ trial: r.trial, validation: r.validation as number, cells: trialCells(metric, r) }));
  const best = [...trials].sort(byValidation(metric))[0];
  const bestText = best ? `; the best: trial ${best.trial}, validation ${metric.label} ${best.cells[1]} (${describeSettings(ok.find((r) => r.trial === best.trial) as TrialResult)})` : "";
  const done = `${results.length} of ${settings.trials} trials done${diverged.length ? ` (${diverged.length} diverged)` : ""}${bestText}.`;
  const divergedPart =
    diverged.length === 0
      ? ""
      : `<h2>Diverged (not drawn: no metric)</h2>${htmlTable(
          ["trial", "lr", "weight decay", "hidden", "optimizer", "batch", "steps", "why"],
          diverged.map((r) => [r.trial, r.lr.toExponential(3), r.weightDecay.toExponential(3), hiddenLabel(r.hidden), r.optimizer, r.batchSize, r.steps, escapeXml(r.error ?? "")]),
        )}`;
  const body =
    `<h1>backprop sweep: ${settings.trials} trials</h1>\n` +
    `<p><code>${escapeXml(record.command)}</code></p>\n` +
    `<p>${escapeXml(done)}</p>\n` +
    `<p class="note">Each trial trains on ${escapeXml(data)} for ${settings.epochs} epochs and is ranked by its validation ${escapeXml(metric.label)}; the test set is not read.</p>\n` +
    `${chartSlot(chart)}\n${selectionSlot(chart)}\n` +
    `<h2>Best trials</h2>\n<p id="best-caption"></p>\n` +
    htmlTable(["rank", ...BEST_COLUMNS(metric)], [], ' id="best-trials"') +
    `\n${divergedPart}`;
  return htmlPage({
    title: `backprop sweep: ${settings.trials} trials`,
    body,
    charts: [chart],
    data: { metric, best: BEST_SHOWN, trials, flags: record.flags },
    script: BEST_TABLE_SCRIPT,
  });
}

/** A trial's cells in the best-trials table (after the rank). */
function trialCells(metric: SweepMetric, r: TrialResult): string[] {
  return [
    String(r.trial),
    formatMetric(metric, r.validation as number),
    formatMetric(metric, r.train as number),
    r.lr.toExponential(3),
    r.weightDecay === 0 ? "0" : r.weightDecay.toExponential(3),
    hiddenLabel(r.hidden),
    r.optimizer,
    String(r.batchSize),
    (r.loss as number).toFixed(4),
  ];
}

// the best trials of the lines the brushed axes keep: at load all of them, then at every "backprop:selection"
const BEST_TABLE_SCRIPT = `(function () {
  var d = window.backprop.data;
  var body = document.querySelector("#best-trials tbody");
  var caption = document.getElementById("best-caption");
  var by = d.metric.lowerIsBetter ? "lower" : "higher";
  function render(indices) {
    var kept = indices.map(function (i) { return d.trials[i]; });
    kept.sort(function (a, b) { return (d.metric.lowerIsBetter ? a.validation - b.validation : b.validation - a.validation) || a.trial - b.trial; });
    var best = kept.slice(0, d.best);
    var of = indices.length === d.trials.length ? "the " + d.trials.length + " trials" : "the " + kept.length + " trials the brushed axes keep";
    caption.textContent = d.trials.length === 0 ? "No trial has finished without diverging yet." : kept.length === 0 ? "No trial is kept by the brushed axes." : "The best " + best.length + " of " + of + ", by validation " + d.metric.label + " (" + by + " is better).";
    body.textContent = "";
    best.forEach(function (t, k) {
      var row = document.createElement("tr");
      [String(k + 1)].concat(t.cells).forEach(function (text, c) {
        var cell = document.createElement("td");
        if (c !== 6 && c !== 7) cell.className = "num";
        cell.textContent = text;
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
  }
  document.addEventListener("backprop:selection", function (e) { if (e.detail.chart === ${JSON.stringify(CHART_ID)}) render(e.detail.indices); });
  render(d.trials.map(function (_, i) { return i; }));
})();`;
