import { extname } from "node:path";
import type { Tensor } from "@backprop/core";
import { checkSchema, inputNames, type TableSchema } from "@backprop/datasets";
import { loadIdxTestSet } from "@backprop/datasets/node";
import { traceNet, type BatchSource, type Net, type NetTrace } from "@backprop/layers";
import { loadModel, writeFileAtomic } from "@backprop/layers/node";
import { UsageError, nonNegativeInt, parseFlags, positiveInt, type FlagValues } from "./args.js";
import { dataSource, loadData, loadRunData, type ImageSource } from "./data.js";
import { checkNetFits, netSizes, recordedData } from "./evaluate-command.js";
import { NET_FLAGS, buildNet, checkNetSize, netFlagsHelp, parseNetFlags } from "./net-flags.js";
import type { Output } from "./output.js";
import { readRowsToEvaluate } from "./table-rows.js";
import { PENGUINS_DATASET, reloadTableSource, type TableSource } from "./table-data.js";
import { DATASETS, dataSourceOfFlags } from "./data-flags.js";
import { checkOutput } from "./output-paths.js";
import { netGraphSvg } from "./visual/net-graph.js";
import { MAX_UNITS, neuronGraphSvg, tooWide } from "./visual/neuron-graph.js";
import { htmlPage } from "./visual/page.js";
import { svgToPng } from "./visual/png.js";
import { escapeXml } from "./visual/svg.js";
import { subsetTest } from "./train-subset.js";
import { HEATMAP_COLS, HEATMAP_ROWS, MAX_NUMBERS } from "./visual/trace-blocks.js";

const CMD = "backprop graph";

/** How many test samples the batch holds unless --samples says otherwise. */
export const GRAPH_SAMPLES = 3;

/** A fresh net's table flags, which a model has of its own (--skip-lines, which reads --data rows, is for both). */
const FRESH_TABLE_FLAGS = ["target", "features", "task", "categorical"] as const;

const SPEC = {
  ...NET_FLAGS,
  model: { type: "string" },
  seed: { type: "string" },
  dataset: { type: "string" },
  data: { type: "string" },
  target: { type: "string" },
  features: { type: "string" },
  task: { type: "string" },
  categorical: { type: "string" },
  "skip-lines": { type: "string" },
  samples: { type: "string" },
  neurons: { type: "boolean" },
  out: { type: "string" },
  help: { type: "boolean" },
} as const;

export const GRAPH_HELP = `Usage: backprop graph --out FILE.svg|FILE.html|FILE.png [--model PATH | net flags] [data flags] [--samples N] [--neurons]

Draws the net as a computational graph, from one forward and backward pass (a training step, as Net.gradient and
gradcheck compute it: Dropout drops, BatchNorm uses the batch's statistics) on a batch of the FIRST N samples of the
TEST set: a node per layer of the net, in order, with its op and shapes, then the loss node with the loss; on each
edge the forward value above (dark) and the backward gradient dL/d(value) below (orange); each parameter's value
and gradient (weight decay included) under its layer. A tensor of up to ${MAX_NUMBERS} elements shows its numbers (4
significant digits; the SVG's tooltips hold the exact values); a larger one its shape, mean, std, min and max with
a heat-map or a histogram (parameters). A heat-map has a row per sample and a column per value of a sample, at most
${HEATMAP_ROWS} rows and ${HEATMAP_COLS} columns: beyond that each cell is the mean of a block of samples and values.

--neurons draws the first sample's path unit by unit instead: a column of units per Affine, each with Z (the
Affine's output) and O (the activation's) forward and delta = dL/dZ and dL/dO backward, the weights as lines
(green > 0, pink < 0, width by |w|); for nets of at most ${MAX_UNITS} units per layer, the input included.

The net:
  --model PATH          a model written by 'train --save' (or a checkpoint), on the test set of the data it was
                        trained on, as recorded in it (as evaluate does); or, without --model, a fresh net:
${netFlagsHelp(50)}  --seed N              seed of the fresh net's initial weights and dropout masks (default 0)

Data (the test set; the embedded MNIST digits' 2,000 test digits by default):
  --dataset NAME        a fresh net on ${DATASETS.join(" or ")} (the embedded penguins: "Body Mass (g)", its test split)
  --data PATH           a folder of IDX files (their t10k test files); or a table (CSV or JSON): for a fresh net
                        split as train splits it (test fraction 0.2, split seed 0) and encoded as training
                        encodes it; for a table model, every row of the file under the model's columns
  --target COLUMN       a fresh net's table column to predict (penguins: "Body Mass (g)")
  --features A,B,...    a fresh net's columns to learn from (default: every other column), as train reads them
  --task TASK           regression or classification (default: from the target column, as train's)
  --categorical A,...   columns read as categories (one-hot) although their values are numbers
  --skip-lines N        lines before the CSV header (default 0)
  --samples N           the batch: the first N test samples (default ${GRAPH_SAMPLES})

Output:
  --out PATH            FILE.svg: the picture; FILE.html: a page with the picture inline and the trace's numbers as
                        JSON (<script id="backprop-data">: every layer's x, out, dout, dx, parameters and gradients);
                        FILE.png: the picture as a PNG at twice its size, for a slide or an issue
  --neurons             the unit-by-unit view of the first sample
  --help                this text

Exit codes: 0 written; 2 bad flags (no --out, an --out that is not .svg, .html or .png, --model with net flags,
--samples above the test set's size, a net too wide for --neurons), or a bad model or data file.
`;

/** What the picture is drawn from: the net, the batch, and how to name them. */
interface Drawn {
  net: Net;
  x: Tensor;
  t: Tensor;
  /** "the first 3 test digits (embedded MNIST)" */
  batch: string;
  from: string;
  inputNames?: string[];
  outputNames?: string[];
  /** The samples' size as images, for the data node's pictures. */
  image?: { rows: number; cols: number };
}

export async function graphCommand(argv: string[], out: Output): Promise<number> {
  const { values: v } = parseFlags(CMD, argv, SPEC);
  if (v.help) {
    out.stdout(GRAPH_HELP);
    return 0;
  }
  const outPath = v.out;
  if (typeof outPath !== "string") throw new UsageError(`${CMD}: --out PATH is required, expected a .svg, .html or .png file`);
  const format = extname(outPath).toLowerCase();
  if (format !== ".svg" && format !== ".html" && format !== ".png") throw new UsageError(`${CMD}: --out must name a .svg, .html or .png file, got '${outPath}'`);
  checkOutput("out", outPath, CMD);
  const samples = positiveInt(CMD, "samples", v.samples, GRAPH_SAMPLES);

  const drawn = typeof v.model === "string" ? fromModel(v, v.model, samples) : freshNet(v, samples);
  const trace = traceNet(drawn.net, drawn.x, drawn.t);
  const neurons = v.neurons === true;
  const svg = neurons ? neuronSvg(trace, drawn) : netGraphSvg(trace, { batch: drawn.batch, image: drawn.image });
  const title = `${drawn.net}: ${neurons ? "one sample's units" : "forward values and backward gradients"}`;
  const contents = format === ".svg" ? svg : format === ".png" ? await svgToPng(svg) : page(title, svg, trace, drawn, neurons);
  writeFileAtomic(outPath, [contents]);
  out.stdout(`wrote ${outPath}: ${neurons ? "the units of the first sample" : "the graph"} of ${drawn.net}${drawn.from} on ${drawn.batch}, loss ${trace.loss.loss.toPrecision(5)}\n`);
  return 0;
}

function neuronSvg(trace: NetTrace, drawn: Drawn): string {
  const wide = tooWide(trace);
  if (wide) {
    const what = wide.layer === "x" ? "the input x" : wide.layer;
    throw new UsageError(`${CMD}: --neurons draws at most ${MAX_UNITS} units per layer, but ${what} has ${wide.width}; draw the whole net without --neurons`);
  }
  try {
    return neuronGraphSvg(trace, { batch: drawn.batch, inputNames: drawn.inputNames, outputNames: drawn.outputNames });
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(`${CMD}: --neurons: ${error.message.replace(/^neuronGraphSvg: /, "")}`);
    throw error;
  }
}

/** A model on its recorded test set (or --data), as evaluate reads it. */
function fromModel(v: FlagValues, model: string, samples: number): Drawn {
  const clash = [...Object.keys(NET_FLAGS), "seed", "dataset", ...FRESH_TABLE_FLAGS].find((flag) => v[flag] !== undefined);
  if (clash) throw new UsageError(`${CMD}: --${clash} cannot be combined with --model: the model has its own net and data`);
  const { net, header } = loadModel(model);
  const recorded = recordedData(header);
  const path = v.data as string | undefined;
  const from = ` from ${model}`;
  if (recorded?.source === "table") {
    const schema = checkSchema(recorded.schema, `${CMD}: ${model}`);
    checkNetFits(net, schema, model);
    const skipLines = nonNegativeInt(CMD, "skip-lines", v["skip-lines"], 0);
    const { test, name } = path !== undefined ? readRowsToEvaluate(CMD, path, schema, skipLines) : { test: reloadTableSource(recorded, CMD).test, name: tableName(recorded) };
    return { net, ...firstSamples(test, samples, net), batch: `the first ${samples} test rows of ${name}`, from, ...tableNames(schema) };
  }
  if (v["skip-lines"] !== undefined) throw new UsageError(`${CMD}: --skip-lines is for a table, and ${model} was trained on images`);
  const data = path !== undefined ? dataSource(path) : ((recorded as ImageSource | undefined) ?? dataSource(undefined));
  // a model of some classes only (--train-subset) is tested on those
  const test = data.source === "idx" ? (data.subset ? subsetTest(loadIdxTestSet(data.dir), data.subset) : loadIdxTestSet(data.dir)) : loadData(data).test;
  const [inputs, outputs] = netSizes(net);
  if (test.imageSize !== inputs || test.classes !== outputs) {
    throw new UsageError(`${CMD}: the model takes ${inputs} inputs and ${outputs} classes, but the test images are ${test.rows}x${test.cols} = ${test.imageSize} pixels in ${test.classes} classes`);
  }
  return { net, ...firstSamples(test, samples, net), batch: imagesName(data, samples), from, image: { rows: test.rows, cols: test.cols } };
}

/** A fresh net of the architecture flags, from --seed, on the data flags' test set. */
function freshNet(v: FlagValues, samples: number): Drawn {
  const choice = parseNetFlags(CMD, v, 50);
  const seed = nonNegativeInt(CMD, "seed", v.seed, 0);
  const source = dataSourceOfFlags(CMD, v);
  const data = loadRunData(source);
  checkNetSize(CMD, choice, data.inputSize, data.outputSize, "float64");
  const net = buildNet(choice, data.inputSize, data.outputSize, seed, "float64", data.lastLayer());
  const from = `, seed ${seed},`;
  if (data.table) {
    return { net, ...firstSamples(data.test, samples, net), batch: `the first ${samples} test rows of ${tableName(source as TableSource)}`, from, ...tableNames(data.table.schema) };
  }
  const { rows, cols } = data.mnist!.test;
  return { net, ...firstSamples(data.test, samples, net), batch: imagesName(source as ImageSource, samples), from, image: { rows, cols } };
}

function firstSamples(test: BatchSource, samples: number, net: Net): { x: Tensor; t: Tensor } {
  if (samples > test.length) throw new UsageError(`${CMD}: --samples must be at most the ${test.length} test samples, got ${samples}`);
  return test.slice(0, samples, net.dtype);
}

function imagesName(data: ImageSource, samples: number): string {
  return data.source === "idx" ? `the first ${samples} test images of ${data.dir}` : `the first ${samples} test digits (embedded MNIST)`;
}

function tableName(source: TableSource): string {
  return source.file === PENGUINS_DATASET ? "penguins (embedded)" : source.testFile ?? source.file;
}

/** A table's inputs by column (one per category), and its classes or its target. */
function tableNames(schema: TableSchema): { inputNames: string[]; outputNames: string[] } {
  const { target } = schema;
  return { inputNames: inputNames(schema), outputNames: target.task === "classification" ? [...target.classes] : [`${target.name} (standardized)`] };
}

/** The page: a heading, how to read the picture, the SVG inline, and the trace's numbers as its data. */
function page(title: string, svg: string, trace: NetTrace, drawn: Drawn, neurons: boolean): string {
  const how = neurons
    ? "Each unit shows its forward values (Z, O) and its backward gradients (δ = dL/dZ, dL/dO); the lines are the weights. Hover over a unit or a line for the exact numbers."
    : "Forward values run left to right above the edges, backward gradients right to left below them; each layer's parameters and their gradients hang under it. Hover over a number or a summary for the exact values.";
  const body = `<h1>${escapeXml(title)}</h1>\n<p class="note">One training step of ${escapeXml(String(drawn.net))} on ${escapeXml(drawn.batch)}. ${how} The page's data (script#backprop-data) holds every number of the pass.</p>\n<div class="graph">${svg}</div>`;
  return htmlPage({ title, body, data: { net: trace.net, batch: drawn.batch, view: neurons ? "neurons" : "graph", trace: traceData(trace) }, style: ".graph { overflow-x: auto; } body { max-width: none; }" });
}

/** A tensor as JSON: its shape and its elements in row-major order. */
function tensorData(t: Tensor): { shape: number[]; data: number[] } {
  return { shape: [...t.shape], data: t.flatten().toArray() as number[] };
}

/** The trace as JSON, every tensor whole. */
export function traceData(trace: NetTrace): unknown {
  return {
    net: trace.net,
    layers: trace.layers.map((l) => ({
      name: l.name,
      type: l.type,
      x: tensorData(l.x),
      out: tensorData(l.out),
      dout: tensorData(l.dout),
      dx: tensorData(l.dx),
      params: l.params.map((p) => ({ name: p.name, key: p.key, decayed: p.decayed, value: tensorData(p.value), grad: tensorData(p.grad) })),
    })),
    loss: {
      type: trace.loss.type,
      loss: trace.loss.loss,
      dataLoss: trace.loss.dataLoss,
      weightDecay: trace.loss.weightDecay,
      y: tensorData(trace.loss.y),
      t: tensorData(trace.loss.t),
      dy: tensorData(trace.loss.dy),
      ...(trace.loss.out ? { out: tensorData(trace.loss.out) } : {}),
    },
  };
}
