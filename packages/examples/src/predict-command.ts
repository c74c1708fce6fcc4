import { Tensor } from "@backprop/core";
import { checkSchema, encodeRows, inputSize, unscale } from "@backprop/datasets";
import { readTable } from "@backprop/datasets/node";
import { softmax } from "@backprop/layers";
import { loadModel, writeFileAtomic } from "@backprop/layers/node";
import { UsageError, nonNegativeInt, parseFlags } from "./args.js";
import { checkNetFits, recordedData } from "./evaluate-command.js";
import type { Output } from "./output.js";
import { checkOutput } from "./output-paths.js";

const CMD = "backprop predict";

export const PREDICT_HELP = `Usage: backprop predict --model PATH --data FILE [flags]

Predicts the target of every row of a CSV or JSON file with a model trained on a table, applying the model's
own standardization and categories. Writes CSV: one line per input row, in order, with the row's line in the
file (its record number for JSON), the prediction in the target's units (regression), or the predicted class
and its probability (classification), and an error column. A row that cannot be used (a missing value, a
number that is not one, a category the model never saw) gets no prediction and its reason there, and is listed
on stderr by its line; the target column need not be in the file.

Flags:
  --model PATH      the model file (written by 'train --save' on a table)
  --data FILE       the rows to predict: a CSV file with a header row, or a JSON array of objects
  --out FILE        write the predictions there, whole or not at all (default: stdout)
  --skip-lines N    lines before the CSV header (default 0)
  --help            this text

Exit codes: 0 every row predicted; 1 some rows could not be predicted (the rest are written); 2 bad flags, or a
model or file that cannot be used (nothing written).
`;

export function predictCommand(argv: string[], out: Output): number {
  const { values: v } = parseFlags(CMD, argv, { model: { type: "string" }, data: { type: "string" }, out: { type: "string" }, "skip-lines": { type: "string" }, help: { type: "boolean" } });
  if (v.help) {
    out.stdout(PREDICT_HELP);
    return 0;
  }
  if (typeof v.model !== "string") throw new UsageError(`${CMD}: --model PATH is required`);
  if (typeof v.data !== "string") throw new UsageError(`${CMD}: --data FILE is required`);
  const outPath = v.out as string | undefined;
  if (outPath !== undefined) checkOutput("out", outPath, CMD);
  const skipLines = nonNegativeInt(CMD, "skip-lines", v["skip-lines"], 0);
  const { net, header } = loadModel(v.model);
  const recorded = recordedData(header);
  if (recorded?.source !== "table") throw new UsageError(`${CMD}: ${v.model} was not trained on a table; predict reads rows of a CSV or JSON file`);
  const schema = checkSchema(recorded.schema, `${CMD}: ${v.model}`);
  checkNetFits(net, schema, v.model);
  const raw = readTable(v.data, { skipLines });
  const { x, rows, problems } = encodeRows(raw, schema, { target: "ignore" });
  const { target } = schema;

  // one forward pass of every usable row, in inference mode, in the net's dtype
  const predicted = rows.length > 0 ? net.predict(Tensor.fromData(x, [rows.length, inputSize(schema)]).astype(net.dtype), false) : undefined;
  const cells = new Map<number, string[]>();
  if (predicted && target.task === "regression") {
    const y = predicted.contiguousData();
    rows.forEach((row, i) => cells.set(row, [String(unscale(schema, y[i]))]));
  } else if (predicted && target.task === "classification") {
    // the class of the highest score, and its softmax probability
    const best = predicted.argmax(1).contiguousData();
    const p = softmax(predicted).contiguousData();
    const width = predicted.shape[1];
    rows.forEach((row, i) => cells.set(row, [target.classes[best[i]], String(p[i * width + best[i]])]));
  }
  const errors = new Map(problems.map((problem) => [problem.row, problem.message]));
  const columns = target.task === "regression" ? [raw.unit, target.name, "error"] : [raw.unit, target.name, "probability", "error"];
  const empty = columns.slice(1, -1).map(() => "");
  const lines = raw.rows.map((_, row) => [String(raw.lines[row]), ...(cells.get(row) ?? empty), errors.get(row) ?? ""].map(csvField).join(","));
  const csv = `${columns.map(csvField).join(",")}\n${lines.map((line) => `${line}\n`).join("")}`;
  if (outPath !== undefined) {
    writeFileAtomic(outPath, [csv]);
    out.stdout(`predicted ${rows.length} of ${raw.rows.length} rows of ${raw.name} with ${v.model}: "${target.name}" written to ${outPath}\n`);
  } else {
    out.stdout(csv);
  }
  if (problems.length === 0) return 0;
  out.stderr(`${CMD}: ${problems.length} of ${raw.rows.length} rows could not be predicted:\n${problems.map((problem) => `  ${problem.message}\n`).join("")}`);
  return 1;
}

/** A CSV cell, quoted when it holds a comma, a quote or a line break (RFC 4180). */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
