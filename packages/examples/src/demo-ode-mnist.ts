import { Adam, GradientFlow, MIN_IMPROVEMENT, MultiLayerNet, SGD, Trainer, type Optimizer } from "@backprop/layers";
import { UsageError, nonNegativeInt, positiveInt } from "./args.js";
import type { Demo } from "./demo-command.js";
import { formatAccuracy, formatTable } from "./demo-table.js";
import { dataSource, loadRunData, type RunData } from "./data.js";
import type { Output } from "./output.js";

const CMD = "backprop demo ode-mnist";

/** The article's setup: digits 0 to 4, 100 of each to train and the next 100 of each to validate. */
const DIGITS = [0, 1, 2, 3, 4];
const PER_CLASS = 100;
/** Its stop: no 5% fall of the validation loss in 50 iterations: epochs for a mini-batch method (as Keras's EarlyStopping counts), accepted steps for a flow. */
const PATIENCE = 50;
/** 784-50-5 with a smooth activation (a gradient flow needs a smooth loss), the book's init std 0.01. */
const HIDDEN = 50;
const ACTIVATION = "sigmoid";
const INIT_STD = 0.01;
const BATCH = 100;

/** A method of the race: its optimizer, and the most steps it may take before the plateau rule stops it. */
const METHODS: Record<string, { label: string; optimizer: () => Optimizer; maxSteps: number }> = {
  sgd: { label: "SGD (lr 0.1, batch 100)", optimizer: () => new SGD(0.1), maxSteps: 50000 },
  adam: { label: "Adam (lr 0.001, batch 100)", optimizer: () => new Adam(0.001), maxSteps: 50000 },
  rk45: { label: "RK45 (rtol 1e-3, atol 1e-6)", optimizer: () => new GradientFlow({ method: "rk45" }), maxSteps: 5000 },
  bdf: { label: "BDF (rtol 1e-3, atol 1e-6)", optimizer: () => new GradientFlow({ method: "bdf" }), maxSteps: 5000 },
};

/** One method's run, as the table shows it. */
export interface OdeMnistRow {
  method: string;
  label: string;
  steps: number;
  /** Full-batch gradients: a mini-batch of 100 of the 500 samples counts 0.2; a flow's count includes every Jacobian column and Hessian-vector product. */
  gradients: number;
  /** Milliseconds of training, evaluations left out (they are the same forward passes for every method). */
  trainMs: number;
  /** Of them, the milliseconds spent on evaluations, every step. */
  evaluationMs: number;
  valAcc: number;
  testAcc: number;
  stop: string;
}

/** Each method from the same initial weights, evaluated every epoch or every flow step, stopped by the plateau rule (or its most steps). */
export async function odeMnist(methods: string[], perClass: number, seed: number, onRow?: (row: OdeMnistRow) => void): Promise<{ data: RunData; rows: OdeMnistRow[] }> {
  const data = loadRunData({ ...dataSource(undefined), subset: { digits: DIGITS, perClass, validation: perClass } });
  const rows: OdeMnistRow[] = [];
  for (const method of methods) {
    const { label, optimizer: make, maxSteps } = METHODS[method];
    const optimizer = make();
    const net = new MultiLayerNet(data.inputSize, [HIDDEN], data.outputSize, { activation: ACTIVATION, weightInitStd: INIT_STD, seed });
    const flow = optimizer instanceof GradientFlow;
    const batchSize = flow ? data.train.length : Math.min(BATCH, data.train.length);
    const trainer = new Trainer(net, optimizer, data.train, data.test, {
      batchSize,
      iters: maxSteps,
      evalEvery: flow ? 1 : Math.ceil(data.train.length / batchSize),
      seed,
      validation: data.validation,
      patience: PATIENCE,
      minImprovement: MIN_IMPROVEMENT,
      metrics: data.metrics,
    });
    await trainer.run();
    const last = (key: string): number => trainer.history[key].at(-1) as number;
    const gradients = trainer.flowHistory ? (trainer.flowHistory.evaluations.at(-1) ?? 0) : (trainer.iteration * batchSize) / data.train.length;
    const row: OdeMnistRow = {
      method,
      label,
      steps: trainer.iteration,
      gradients,
      trainMs: trainer.elapsedMs - trainer.evaluationMs,
      evaluationMs: trainer.evaluationMs,
      valAcc: last("valAcc"),
      testAcc: last("testAcc"),
      stop: trainer.stopReason === "plateau" ? "plateau" : trainer.stopReason ?? `${maxSteps} steps`,
    };
    rows.push(row);
    onRow?.(row);
  }
  return { data, rows };
}

/** The table: one row per method, its time against SGD's when SGD ran. */
export function odeMnistTable(rows: OdeMnistRow[]): string {
  const sgd = rows.find((r) => r.method === "sgd");
  const header = ["method", "steps", "gradients", "train s", "x SGD", "val acc", "test acc", "stopped by"];
  const body = rows.map((r) => [
    r.label,
    String(r.steps),
    Number.isInteger(r.gradients) ? String(r.gradients) : r.gradients.toFixed(1),
    (r.trainMs / 1000).toFixed(2),
    sgd ? (r.trainMs / sgd.trainMs).toFixed(1) : "-",
    formatAccuracy(r.valAcc),
    formatAccuracy(r.testAcc),
    r.stop,
  ]);
  return formatTable([header, ...body]);
}

function parseMethods(raw: unknown): string[] {
  const names = Object.keys(METHODS);
  if (raw === undefined) return names;
  const list = String(raw).split(",").map((s) => s.trim().toLowerCase());
  const bad = list.find((name) => !names.includes(name));
  if (bad !== undefined) throw new UsageError(`${CMD}: --methods must list names of ${names.join(", ")}, got '${bad}' in '${raw}'`);
  const twice = list.find((name, k) => list.indexOf(name) !== k);
  if (twice !== undefined) throw new UsageError(`${CMD}: --methods must name each method once, got '${twice}' twice`);
  return list;
}

export const odeMnistDemo: Demo = {
  name: "ode-mnist",
  summary: "the ODE article's experiment: digits 0-4, 100 per class, a 784-50-5 sigmoid net by SGD, Adam, RK45 and BDF, each stopped by the plateau rule",
  flags: { methods: { type: "string" }, "per-class": { type: "string" }, seed: { type: "string" }, json: { type: "boolean" } },
  flagsHelp: `  --methods LIST        comma-separated from ${Object.keys(METHODS).join(", ")} (default all four)
  --per-class N         training images per digit, and as many more for validation (default ${PER_CLASS})
  --seed N              seed of the initial weights (the same for every method) and of the batches (default 0)
  --json                the rows as JSON, one object per method
Each method starts from the same weights and is evaluated after every epoch (SGD, Adam) or accepted step (RK45, BDF);
it stops when ${PATIENCE} evaluations in a row bring no 5% fall of the validation loss. "gradients" counts full-batch gradients: a mini-batch of 100 of the
500 training images counts 0.2, and a flow's count includes every Jacobian column and Hessian-vector product.
"train s" leaves out the evaluations, the same forward passes for every method; "x SGD" is that time over SGD's.
`,
  async run(values, out: Output) {
    const methods = parseMethods(values.methods);
    const perClass = positiveInt(CMD, "per-class", values["per-class"], PER_CLASS);
    const seed = nonNegativeInt(CMD, "seed", values.seed, 0);
    if (!values.json) out.stdout(`MultiLayerNet(784 -> ${HIDDEN} -> 5, ${ACTIVATION}), init std ${INIT_STD}, seed ${seed}, on digits 0-4 of the embedded MNIST: ${perClass} per class to train, ${perClass} more to validate; plateau rule: ${PATIENCE} evaluations (epochs, or flow steps) without a 5% fall of the validation loss\n`);
    const { data, rows } = await odeMnist(methods, perClass, seed, (row) => {
      if (!values.json) out.stderr(`${row.label}: ${row.steps} steps in ${(row.trainMs / 1000).toFixed(1)} s\n`);
    });
    if (values.json) {
      out.stdout(`${JSON.stringify({ train: data.train.length, validation: data.validation?.length, test: data.test.length, rows })}\n`);
      return 0;
    }
    out.stdout(`${data.train.length} train / ${data.validation?.length} validation / ${data.test.length} test images\n${odeMnistTable(rows)}`);
    return 0;
  },
};
