// One self-contained HTML file per picture: every script, style and datum inline, so that it opens from disk with
// no network. The data sits in a JSON script element, which a test (or a user) reads back with readPageData.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { PageChart } from "./charts.js";
import { FONT, escapeXml } from "./svg.js";

/** The id of the JSON script element that holds a page's charts and data. */
export const DATA_ID = "backprop-data";

export interface PageContent {
  title: string;
  /** The page's markup, in order; place each chart with chartSlot(chart). */
  body: string;
  /** The charts the body places; their options are drawn by ECharts in the page. */
  charts?: PageChart[];
  /** What the page shows, as JSON, for its script and for anyone reading the file. */
  data?: unknown;
  /** A script of the page's own, run after the charts are drawn (it finds them in window.backprop.charts). */
  script?: string;
  style?: string;
}

const STYLE = `
body { font-family: ${FONT}; margin: 24px auto; max-width: 1180px; padding: 0 16px; color: #111827; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 28px; border-bottom: 1px solid #e5e7eb; padding-bottom: 4px; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #e5e7eb; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f9fafb; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.chart { display: inline-block; margin: 4px; vertical-align: top; }
.note { color: #6b7280; font-size: 13px; }
.selection { font-size: 13px; color: #1d4ed8; }
`;

// draws each chart, counts the lines a parallel plot's brushed axes keep, and leaves everything on window.backprop
const BOOT = `(function () {
  var page = JSON.parse(document.getElementById(${JSON.stringify(DATA_ID)}).textContent);
  var charts = {};
  page.charts.forEach(function (c) {
    var chart = echarts.init(document.getElementById(c.id), null, { renderer: "svg", width: c.width, height: c.height });
    chart.setOption(c.option);
    charts[c.id] = chart;
    if (c.kind !== "parallel") return;
    var total = c.option.series[0].data.length;
    var announce = function (indices) {
      document.querySelectorAll('[data-selection-of="' + c.id + '"]').forEach(function (out) {
        out.textContent = indices.length === total ? "all " + total + " lines shown; drag along an axis to filter" : indices.length + " of " + total + " lines kept by the brushed axes";
      });
      document.dispatchEvent(new CustomEvent("backprop:selection", { detail: { chart: c.id, indices: indices } }));
    };
    var all = []; for (var i = 0; i < total; i++) all.push(i);
    chart.on("axisareaselected", function () {
      var model = chart.getModel();
      var brushed = c.option.parallelAxis.some(function (a, k) { return (model.getComponent("parallelAxis", k).activeIntervals || []).length > 0; });
      announce(brushed ? model.getSeries()[0].getRawIndicesByActiveState("active") : all);
    });
    announce(all);
  });
  window.backprop = { data: page.data, charts: charts };
})();`;

/** The page as one HTML document; ECharts is inlined when it has charts. */
export function htmlPage(content: PageContent): string {
  const charts = content.charts ?? [];
  const json = JSON.stringify({ charts, data: content.data ?? null }).replace(/</g, "\\u003c");
  const library = charts.length > 0 ? `<script>${echartsSource()}</script>\n` : "";
  const scripts = charts.length > 0 ? `<script>${BOOT}</script>\n` : "";
  const own = content.script !== undefined ? `<script>${content.script.replace(/<\/script/gi, "<\\/script")}</script>\n` : "";
  return (
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escapeXml(content.title)}</title>\n` +
    `<style>${STYLE}${content.style ?? ""}</style>\n</head>\n<body>\n${content.body}\n` +
    `<script type="application/json" id="${DATA_ID}">${json}</script>\n${library}${scripts}${own}</body>\n</html>\n`
  );
}

/** Where a chart goes in a page's body: a box of its size, with its title above it. */
export function chartSlot(chart: PageChart): string {
  return `<div class="chart" id="${escapeXml(chart.id)}" style="width:${chart.width}px;height:${chart.height}px" title="${escapeXml(chart.title)}"></div>`;
}

/** A parallel plot's line "N of M lines kept": the page fills it in, and again whenever an axis is brushed. */
export function selectionSlot(chart: PageChart): string {
  return `<p class="selection" data-selection-of="${escapeXml(chart.id)}"></p>`;
}

/** The charts and data a page of htmlPage holds; `where` names the file in errors. */
export function readPageData(html: string, where = "page"): { charts: PageChart[]; data: unknown } {
  const match = new RegExp(`<script type="application/json" id="${DATA_ID}">([\\s\\S]*?)</script>`).exec(html);
  if (!match) throw new Error(`readPageData: ${where} has no <script id="${DATA_ID}">, expected a page that backprop wrote`);
  return JSON.parse(match[1]) as { charts: PageChart[]; data: unknown };
}

/** A table of rows of cells (markup), numbers right-aligned. */
export function htmlTable(header: string[], rows: (string | number)[][], attrs = ""): string {
  const cell = (v: string | number): string => (typeof v === "number" ? `<td class="num">${escapeXml(String(v))}</td>` : `<td>${v}</td>`);
  return `<table${attrs}><thead><tr>${header.map((h) => `<th>${escapeXml(h)}</th>`).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join("")}</tr>`).join("")}</tbody></table>`;
}

let cached: string | undefined;

/** ECharts' minified browser build (Apache-2.0), read from its package, once. */
function echartsSource(): string {
  cached ??= readFileSync(createRequire(import.meta.url).resolve("echarts/dist/echarts.min.js"), "utf8");
  return cached;
}
