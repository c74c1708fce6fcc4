import { extname, resolve } from "node:path";
import { DataError } from "@backprop/datasets";
import { writeFileAtomic } from "@backprop/layers/node";
import { UsageError, parseFlags } from "./args.js";
import { readHistory, type HistoryFile } from "./history-file.js";
import type { Output } from "./output.js";
import { checkFolder, checkOutput } from "./output-paths.js";
import { writeChartPngs } from "./visual/png.js";
import { LOSS_SMOOTHING, UPDATE_RATIO_RULE } from "./visual/report-charts.js";
import { reportPage, type ReportSource } from "./visual/report-page.js";

const CMD = "backprop report";

const SPEC = {
  history: { type: "string" },
  out: { type: "string" },
  png: { type: "string" },
  help: { type: "boolean" },
} as const;

/** What a report shows, as both helps say it. */
const REPORT_CONTENTS = `  - the loss of every step, and its exponential moving average with beta ${LOSS_SMOOTHING}: s1 = L1,
    st = beta * s(t-1) + (1 - beta) * Lt
  - train and test accuracy (a regression: MAE and MSE) at each evaluation, against the epoch
  - each parameter's norm |W|, gradient norm |dW| and update ratio |W new - W| / |W| at each evaluation, on log
    axes (weights and biases as separate lines), with ${UPDATE_RATIO_RULE}, a rule of thumb for the ratio
  - each layer's activation histogram at the first and the last evaluation (the book's section 6.2)
  - the evaluations as a parallel-coordinates plot (epoch, mean loss, each metric; drag along an axis to keep the
    lines that cross it there) and as a table
  - the run: net, architecture, optimizer, data, seed, steps, time and final figures
`;

export const REPORT_HELP = `Usage: backprop report --history FILE --out FILE.html [--png DIR]

Draws the report of a training run as one self-contained HTML page (every script, style and number inline: it opens
from disk, with no network) from the history file that backprop train --history wrote, .json or .csv:
${REPORT_CONTENTS}A CSV history holds neither the run's record nor the activation histograms, and no steps per epoch (its x axes
count steps); the page says what is missing. backprop train --report FILE.html writes the same page at the end of a
run, and of the run so far when it is interrupted or fails.

Flags:
  --history FILE        the history file (.json or .csv, as train --history writes it)
  --out FILE.html       where to write the page
  --png DIR             also write each chart as DIR/<chart id>.png (loss.png, metric-acc.png, update-ratio.png,
                        ...), at twice its size, for a README, an issue or a slide; DIR must exist
  --help                this text

Exit codes: 0 written; 2 bad flags, a history file that is missing or does not fit, or a file that cannot be written.
`;

/** Throws a UsageError naming the flag unless `out` is an .html file that can be written and `png` a folder that takes files. */
export function checkReportPaths(command: string, flags: { out?: string; outFlag: string; png?: string; pngFlag: string }): void {
  const { out, png } = flags;
  if (out !== undefined) {
    if (extname(out).toLowerCase() !== ".html") throw new UsageError(`${command}: --${flags.outFlag} must name an .html file, got '${out}'`);
    checkOutput(flags.outFlag, out, command);
  }
  if (png !== undefined) checkFolder(command, flags.pngFlag, png);
}

/** Writes the report page of `file` to `out` (when given) and each chart to png/<id>.png (when given); returns the paths. */
export async function writeReport(file: HistoryFile, source: ReportSource, out: string | undefined, png: string | undefined): Promise<{ page?: { path: string; bytes: number }; pngs: string[] }> {
  const { html, charts } = reportPage(file, { source });
  const result: { page?: { path: string; bytes: number }; pngs: string[] } = { pngs: [] };
  if (out !== undefined) {
    writeFileAtomic(out, [html]);
    result.page = { path: out, bytes: Buffer.byteLength(html) };
  }
  if (png !== undefined) result.pngs = await writeChartPngs(charts, png);
  return result;
}

export async function reportCommand(argv: string[], out: Output): Promise<number> {
  const { values: v } = parseFlags(CMD, argv, SPEC);
  if (v.help) {
    out.stdout(REPORT_HELP);
    return 0;
  }
  const historyPath = v.history as string | undefined;
  const outPath = v.out as string | undefined;
  const pngDir = v.png as string | undefined;
  if (historyPath === undefined) throw new UsageError(`${CMD}: --history is required: the .json or .csv file that backprop train --history wrote`);
  if (outPath === undefined) throw new UsageError(`${CMD}: --out is required: the .html file to write`);
  checkReportPaths(CMD, { out: outPath, outFlag: "out", png: pngDir, pngFlag: "png" });
  if (resolve(outPath) === resolve(historyPath)) throw new UsageError(`${CMD}: --out and --history are both ${outPath}; give them different paths`);
  let file: HistoryFile;
  try {
    file = readHistory(historyPath);
  } catch (error) {
    if (error instanceof DataError) throw new DataError(`${CMD}: --history ${(error as Error).message.replace(/^readHistory: /, "")}`);
    throw error;
  }
  const format = extname(historyPath).toLowerCase() === ".csv" ? "csv" : "json";
  const written = await writeReport(file, { format, file: historyPath }, outPath, pngDir);
  const size = written.page ? `${(written.page.bytes / 1e6).toFixed(2)} MB` : "";
  out.stdout(`report written to ${outPath} (${size})\n`);
  for (const path of written.pngs) out.stdout(`${path}\n`);
  return 0;
}
