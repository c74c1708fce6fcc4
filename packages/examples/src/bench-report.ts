/** The median, min and max of a row's repetitions, in the row's unit. */
export interface Stats {
  median: number;
  min: number;
  max: number;
  /** Unlike the median, it carries the occasional slow repetition (a garbage collection) at its share. */
  mean: number;
  /** How many repetitions the figures summarize. */
  n: number;
}

/** One line of the benchmark's table; `ratio` is ours.median / numpy.median, in the row's unit. */
export interface BenchRow {
  name: string;
  unit: string;
  /** "7 x 200" (rounds x repetitions, after warm-up) or "once". */
  runs: string;
  ours: Stats | null;
  numpy: Stats | null;
  ratio: number | null;
  target: string | null;
  met: boolean | null;
  /** The figure the target is judged on when it is not the ratio, such as "62% of 512^3". */
  judged?: string;
  /** Why a figure is missing, such as "skipped (--quick)". */
  note?: string;
}

export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const mean = sorted.reduce((sum, v) => sum + v, 0) / sorted.length;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], mean, n: sorted.length };
}

/** 3 significant digits, thousands grouped from 1,000 up: 0.812, 6.18, 41.3, 207, 43,500. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return Math.round(Number(v.toPrecision(3))).toLocaleString("en-US");
  if (Math.abs(v) >= 100) return v.toFixed(0);
  return v.toPrecision(3);
}

function formatStats(s: Stats | null, note: string | undefined): string {
  if (s === null) return note ?? "-";
  if (s.n === 1) return formatNumber(s.median);
  return `${formatNumber(s.median)} (${formatNumber(s.min)}-${formatNumber(s.max)})`;
}

function formatMet(row: BenchRow): string {
  if (row.met === null) return row.target === null ? "" : "-";
  return `${row.met ? "yes" : "NO"}${row.judged ? ` (${row.judged})` : ""}`;
}

/** The rows as a plain-text table: row, ours and NumPy as median (min-max), ours/NumPy, target, met. */
export function formatTable(rows: BenchRow[]): string {
  const header = ["row", "runs", "ours: median (min-max)", "NumPy: median (min-max)", "ours/NumPy", "target", "met?"];
  const cells = rows.map((r) => [
    r.name,
    r.runs,
    formatStats(r.ours, r.note),
    formatStats(r.numpy, r.ours === null ? "" : undefined),
    r.ratio === null ? "-" : `${r.ratio.toFixed(2)}x`,
    r.target ?? "",
    formatMet(r),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (row: string[]): string => row.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n") + "\n";
}
