import { mkdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { checkSchema, inputNames, inputScale, type TableSchema } from "@backprop/datasets";
import { type Dropout, ExportError, ONNX_OPSET, SoftmaxWithLoss, inferenceGraph, toOnnx, toTfjs, type ExportOptions, type ModelHeader, type Net } from "@backprop/layers";
import { FileWriteError, loadModel, writeFileAtomic } from "@backprop/layers/node";
import { UsageError, parseFlags } from "./args.js";
import { checkNetFits, netSizes, recordedData } from "./evaluate-command.js";
import type { Output } from "./output.js";
import { checkOutput } from "./output-paths.js";

const CMD = "backprop export";

/** The formats --format names. */
export const EXPORT_FORMATS = ["tfjs", "onnx"] as const;

/** The sidecar of a TF.js export, beside model.json. */
const TRANSFORM_FILE = "transform.json";

export const EXPORT_HELP = `Usage: backprop export --model PATH --format tfjs|onnx --out PATH

Writes a trained model in a format that another runtime loads for inference: TensorFlow.js, or ONNX (ONNX
Runtime in Node, a browser, Python, ...). The export predicts what 'predict' and 'evaluate' do, to float32
precision: Dropout is left out (the book's Dropout scales by 1 - ratio at inference: that factor is folded into
the next layer's weights), BatchNormalization uses the running mean and variance, a classifier ends in softmax
(one probability per class), a regression model in its output.

A model trained on a table takes a row as the file holds it: each numeric column in its own units and one 0/1
input per category, in the order the command prints. Its z-score of the inputs, and a regression's un-scaling of
the target (y = y' * std + mean), go with the export:
  onnx   in the graph: Sub and Div before the first layer, Mul and Add after the last
  tfjs   in transform.json beside model.json (a layers model cannot hold them): x' = (x - mean) / std per
         input before model.predict, y = y' * std + mean after; with the inputs' and outputs' names
A model trained on images takes the pixels as training saw them: p / 255, flattened row by row.

Flags:
  --model PATH      the model file (written by 'train --save'), or a checkpoint
  --format NAME     tfjs: a TensorFlow.js layers model, model.json and weights.bin (float32, little-endian);
                    onnx: one ONNX file (opset 13, float32, any batch size)
  --out PATH        tfjs: the folder to write into (made if it does not exist); onnx: the file
  --help            this text

Exit codes: 0 written; 2 bad flags, a model file that cannot be read, a net the format cannot express, or a file
that cannot be written.
`;

export function exportCommand(argv: string[], out: Output): number {
  const { values: v } = parseFlags(CMD, argv, { model: { type: "string" }, format: { type: "string" }, out: { type: "string" }, help: { type: "boolean" } });
  if (v.help) {
    out.stdout(EXPORT_HELP);
    return 0;
  }
  if (typeof v.model !== "string") throw new UsageError(`${CMD}: --model PATH is required`);
  const format = v.format;
  if (typeof format !== "string") throw new UsageError(`${CMD}: --format is required, expected ${EXPORT_FORMATS.join(" or ")}`);
  if (format !== "tfjs" && format !== "onnx") throw new UsageError(`${CMD}: --format must be ${EXPORT_FORMATS.join(" or ")}, got '${format}'`);
  const outPath = v.out;
  if (typeof outPath !== "string") throw new UsageError(`${CMD}: --out PATH is required, expected ${format === "tfjs" ? "a folder" : "a file"}`);
  if (format === "onnx") checkOutput("out", outPath, CMD);
  else checkFolder(outPath);

  const { net, header } = loadModel(v.model);
  const options = exportOptions(net, header, v.model);
  let files: [string, Uint8Array][];
  try {
    if (format === "onnx") files = [[outPath, toOnnx(net, options)]];
    else {
      // weights first and model.json last, so that a model.json never names weights that are not there yet
      const { "model.json": model, ...rest } = toTfjs(net, options);
      files = [...Object.entries(rest), ["model.json", model] as const].map(([name, bytes]) => [join(outPath, name), bytes as Uint8Array]);
    }
  } catch (error) {
    if (error instanceof ExportError) throw new UsageError(`${CMD}: ${v.model}: ${error.message.replace(/^to(Tfjs|Onnx): /, "")}`);
    throw error;
  }

  if (format === "tfjs" && !statSync(outPath, { throwIfNoEntry: false })) mkdirSync(outPath);
  writeAll(files);
  // a transform.json of an earlier export would be applied to a model that has none
  const stale = join(outPath, TRANSFORM_FILE);
  const removed = format === "tfjs" && !files.some(([path]) => path === stale) && statSync(stale, { throwIfNoEntry: false })?.isFile();
  if (removed) rmSync(stale);

  const name = format === "onnx" ? `ONNX (opset ${ONNX_OPSET})` : "a TensorFlow.js layers model";
  const width = Math.max(...files.map(([path]) => path.length));
  out.stdout(`exported ${net} from ${v.model} as ${name}:\n`);
  for (const [path, bytes] of files) out.stdout(`  ${path.padEnd(width)}  ${bytes.length} bytes\n`);
  if (removed) out.stdout(`  ${stale}  removed: it was an earlier export's, and this model has no transform\n`);
  for (const line of describeExport(net, header, options, format)) out.stdout(`${line}\n`);
  return 0;
}

/** What a model file's table adds to its export (see tableOptions); an image model adds nothing. */
export function exportOptions(net: Net, header: ModelHeader, model: string): ExportOptions {
  const recorded = recordedData(header);
  if (recorded?.source !== "table") return {};
  const schema = checkSchema(recorded.schema, `${CMD}: ${model}`);
  checkNetFits(net, schema, model);
  return tableOptions(schema);
}

/**
 * A table's transform as plain numbers: per input the z-score encodeRows applies (inputScale), a regression
 * target's mean and std, and the inputs' and outputs' names.
 */
function tableOptions(schema: TableSchema): ExportOptions {
  const { target } = schema;
  const output = target.task === "regression" ? { output: { mean: target.mean, std: target.std } } : {};
  return { transform: { input: inputScale(schema), ...output }, inputNames: inputNames(schema), outputNames: target.task === "regression" ? [target.name] : [...target.classes] };
}

/** The folder of a tfjs export: one that exists, or a new one in a folder that does; not a file. */
function checkFolder(path: string): void {
  if (path.trim() === "") throw new UsageError(`${CMD}: --out needs a folder name, got ''`);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) throw new UsageError(`${CMD}: --out ${path} is a file, expected a folder for --format tfjs`);
  const parent = dirname(resolve(path));
  if (!stat && !statSync(parent, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`${CMD}: --out ${path}: folder ${parent} does not exist`);
}

/** Writes each file atomically, in order; a failure after the first names the files already written. */
function writeAll(files: [string, Uint8Array][]): void {
  const written: string[] = [];
  for (const [path, bytes] of files) {
    try {
      writeFileAtomic(path, [bytes]);
    } catch (error) {
      if (!(error instanceof FileWriteError) || written.length === 0) throw error;
      throw new FileWriteError(`${error.message}; ${written.join(", ")} written already: export again`, { cause: error });
    }
    written.push(path);
  }
}

/** What the export takes and gives, and what it left out: the lines after the files. */
function describeExport(net: Net, header: ModelHeader, options: ExportOptions, format: "tfjs" | "onnx"): string[] {
  const [inputs, outputs] = netSizes(net);
  const { transform, inputNames: ins, outputNames: outs } = options;
  const classifier = net.lastLayer instanceof SoftmaxWithLoss;
  const image = recordedData(header)?.source !== "table";
  const x = image ? "the pixels / 255, row by row" : `${ins?.join(", ")}, in the file's units`;
  const y = classifier ? `the probabilities of ${outs ? outs.join(", ") : `the ${outputs} classes`}` : `${outs?.join(", ") ?? "the outputs"}${transform?.output ? ", in its units" : ""}`;
  const where = (ops: string, what: string, when: string): string => (format === "onnx" ? `: the ${what} is in the graph (${ops})` : `: apply ${TRANSFORM_FILE}'s ${what} ${when} model.predict`);
  const lines = [
    `x (N, ${inputs}): ${x}${transform?.input ? where("Sub, Div", "z-score", "before") : ""}`,
    `y (N, ${outputs}): ${y}${transform?.output ? where("Mul, Add", "un-scaling", "after") : ""}`,
  ];
  // the graph both formats were written from says which Affine took each Dropout's factor
  for (const { dropout, into, factor } of inferenceGraph(net, CMD).folded) {
    lines.push(`${dropout} left out: its factor 1 - ${(net.layers.get(dropout) as Dropout).ratio} = ${factor} is folded into ${into}'s weights`);
  }
  return lines;
}
