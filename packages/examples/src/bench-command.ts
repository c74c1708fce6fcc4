import { existsSync, statSync } from "node:fs";
import { cpus } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { kernelInfo } from "@backprop/core";
import { loadMnist } from "@backprop/datasets/node";
import { UsageError, parseFlags, positiveInt, positiveNumber } from "./args.js";
import { NumpySession, runNumpyBook, type NumpyBookRun, type NumpyRequest } from "./bench-numpy.js";
import { formatNumber, formatTable, stats, type BenchRow } from "./bench-report.js";
import { deepStepWork, gradientCheckWork, helpWork, inferenceWork, matmulWork, multiLayerStepWork, runBook, stepWork, timeReps, type BookRun, type MatmulShape } from "./bench-workloads.js";
import type { Output } from "./output.js";

const CMD = "backprop bench";

// src/ and dist/ both sit two folders below the repository's root
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const NUMPY_SCRIPT = resolve(ROOT, "bench/numpy_reference.py");
const CLI_BUNDLE = resolve(ROOT, "packages/examples/dist/cli.js");
const DEFAULT_DATA = resolve(ROOT, "../shared/data/mnist");

/** The targets of the issue, each judged in the table's last column. */
const TARGET = {
  /** A training step's products run at no less than this share of our own 512^3 figure. */
  matmulShareOf512: 0.7,
  stepFloat64: 2.0,
  /** Against NumPy's float64 step. */
  stepFloat32: 1.0,
  /** Against our own TwoLayerNet step: the general net must cost nothing. */
  multiLayerStep: 1.1,
  gradientCheck: 0.5,
  bookRun: 1.5,
  bookPeakMB: 400,
  helpMs: 150,
};

export const BENCH_HELP = `Usage: backprop bench [flags]

Measures this framework and, in the same run, a NumPy reference of the same work (bench/numpy_reference.py,
the book's code, one long-lived python3 process with OPENBLAS_NUM_THREADS=1). Each row warms both up, then
alternates them over several rounds: our repetitions of the row, then NumPy's. Prints per row the median and
min-max over all repetitions, ours / NumPy (of the medians, in the row's unit), the target and whether it is met.

Rows: matmul GFLOP/s on a training step's three products and on 512^3; ms per training step (batch 100 drawn with
replacement): TwoLayerNet(784, 50, 10) with SGD lr 0.1 in float64 and float32, MultiLayerNet(784, [50], 10) with
the same weights and SGD (NumPy column: the book's TwoLayerNet step) and MultiLayerNet(784, [100, 100, 100], 10)
with Adam (ReLU, He init), float64; inference samples/s over the 10,000 embedded digits; seconds
of a gradient check (3 samples, 784-50-10); the book run (10,000 steps on the full MNIST with 17 evaluations,
once, in a child process) in seconds and its peak memory; ms of 'node packages/examples/dist/cli.js --help'.
Without python3 and numpy it says so and reports our figures alone.

Flags:
  --data DIR        the MNIST IDX files for the book run (default ../shared/data/mnist beside the repository;
                    the run is skipped when that folder is missing)
  --rounds N        rounds of each alternating row (default 7 for matmul and step, 5 inference, 3 gradient check)
  --quick           skip the gradient check and the book run
  --no-book         skip the book run
  --reps-scale X    multiply every repetition count by X (default 1; the tests use 0.01)
  --json            print one object: { machine, settings, numpyReference, rows: [{ name, unit, runs, ours:
                    { median, min, max, mean, n }, numpy, ratio, target, met }], book, memory }
  --help            this text
`;

const SPEC = {
  data: { type: "string" },
  rounds: { type: "string" },
  quick: { type: "boolean" },
  "no-book": { type: "boolean" },
  "reps-scale": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
} as const;

interface Settings {
  rounds: number | null;
  repsScale: number;
  quick: boolean;
  book: boolean;
  data: string;
}

/** How a row is repeated: rounds of `reps` after `warmup` repetitions, before any scaling. */
interface Plan {
  rounds: number;
  reps: number;
  warmup: number;
}

const PLANS = {
  matmul: { rounds: 7, reps: 200, warmup: 20 },
  matmul512: { rounds: 7, reps: 20, warmup: 2 },
  step: { rounds: 7, reps: 200, warmup: 50 },
  inference: { rounds: 5, reps: 5, warmup: 1 },
  gradientCheck: { rounds: 3, reps: 1, warmup: 0 },
  help: { rounds: 1, reps: 10, warmup: 1 },
} satisfies Record<string, Plan>;

const MATMULS: Array<{ shape: MatmulShape; name: string }> = [
  { shape: "forward", name: "matmul x W (100x784)(784x50)" },
  { shape: "xT_dout", name: "matmul x^T dout (784x100)(100x50)" },
  { shape: "dout_WT", name: "matmul dout W^T (100x50)(50x784)" },
  { shape: "square512", name: "matmul (512x512)(512x512)" },
];

export async function benchCommand(argv: string[], out: Output): Promise<number> {
  const { values: v } = parseFlags(CMD, argv, SPEC);
  if (v.help) {
    out.stdout(BENCH_HELP);
    return 0;
  }
  const settings: Settings = {
    rounds: v.rounds !== undefined ? positiveInt(CMD, "rounds", v.rounds, 1) : null,
    repsScale: positiveNumber(CMD, "reps-scale", v["reps-scale"], 1),
    quick: v.quick === true,
    book: v.quick !== true && v["no-book"] !== true,
    data: v.data !== undefined ? resolve(v.data as string) : DEFAULT_DATA,
  };
  if (v.data !== undefined && !(existsSync(settings.data) && statSync(settings.data).isDirectory())) {
    throw new UsageError(`${CMD}: --data ${v.data as string}: folder ${settings.data} does not exist`);
  }

  // first, so that a BACKPROP_KERNEL that cannot be honoured stops the run before it starts
  const { kernel, reason: kernelReason } = kernelInfo();
  const started = await NumpySession.start(NUMPY_SCRIPT);
  const numpy = started instanceof NumpySession ? started : null;
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, node: process.version, numpy: numpy?.version ?? null, kernel, kernelReason };
  const numpyMissing = started instanceof NumpySession ? null : `NumPy reference: python3 with numpy not found (${started.reason}); our figures only`;
  if (numpyMissing && v.json) out.stderr(`${numpyMissing}\n`);
  else if (numpyMissing) out.stdout(`${numpyMissing}\n`);

  const bench = new Bench(settings, numpy, (text) => out.stderr(`bench: ${text}\n`));
  let measured: { book: BookRuns | null; numpySessionMB: number | null };
  try {
    measured = await measure(bench, settings, numpy);
  } finally {
    numpy?.close();
  }
  const { book, numpySessionMB } = measured;
  const rows = judge(bench.rows);

  if (v.json) {
    const memory = { phasesMB: bench.phases, numpySessionMB };
    const numpyReference = numpy ? { available: true, script: "bench/numpy_reference.py", openblasThreads: 1 } : { available: false, reason: numpyMissing };
    out.stdout(`${JSON.stringify({ machine, settings, numpyReference, rows, book, memory })}\n`);
    return 0;
  }
  out.stdout(`backprop bench: node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel}), GEMM kernel ${machine.kernel} (${machine.kernelReason}); ${numpy ? `NumPy ${numpy.version}, OPENBLAS_NUM_THREADS=1` : "no NumPy"}\n\n`);
  out.stdout(formatTable(rows));
  out.stdout(
    "\nruns: rounds x repetitions after warm-up; in each round ours ran, then NumPy's on the same work. Figures are medians\n" +
      "(min-max) over all repetitions; ours/NumPy divides the medians, in the row's unit (above 1 is slower for s and ms,\n" +
      "faster for GFLOP/s and samples/s). The book run runs once each, in a process of its own.\n",
  );
  if (book) {
    const accuracy = (r: BookRun | NumpyBookRun): string => `train acc ${r.trainAcc.toFixed(4)}, test acc ${r.testAcc.toFixed(4)} after ${r.evaluations} evaluations`;
    const ours = book.ours ? `${accuracy(book.ours)} (+${(book.ours.wallSeconds - book.ours.seconds).toFixed(1)} s start-up and loading)` : "-";
    const theirs = book.numpy ? `${accuracy(book.numpy)} (+${book.numpy.loadSeconds.toFixed(1)} s loading)` : "-";
    out.stdout(`book run: ours ${ours}; NumPy ${theirs}\n`);
  }
  const phases = Object.entries(bench.phases).map(([phase, mb]) => `${phase} ${formatNumber(mb)} MB`).join(", ");
  const numpyPeak = numpySessionMB === null ? "" : `; NumPy's session ${formatNumber(numpySessionMB)} MB`;
  out.stdout(`peak memory of this process after each phase: ${phases}${numpyPeak}\n`);
  return 0;
}

/** Every row in the table's order; the book run and the NumPy session's peak memory besides. */
async function measure(bench: Bench, settings: Settings, numpy: NumpySession | null): Promise<{ book: BookRuns | null; numpySessionMB: number | null }> {
  const mnist = loadMnist();
  for (const { shape, name } of MATMULS) {
    const { flops, work } = matmulWork(shape);
    await bench.row(name, "GFLOP/s", shape === "square512" ? PLANS.matmul512 : PLANS.matmul, work, { op: "matmul", shape }, (s) => flops / s / 1e9);
  }
  bench.phase("matmul");
  const ms = (s: number): number => s * 1000;
  for (const dtype of ["float64", "float32"] as const) {
    await bench.row(`training step ${dtype}`, "ms", PLANS.step, stepWork(mnist, dtype), { op: "step", dtype }, ms);
  }
  // NumPy's column is its TwoLayerNet step, so that this row's ratio reads beside the float64 row's
  await bench.row("training step MultiLayerNet(784 -> 50 -> 10) float64", "ms", PLANS.step, multiLayerStepWork(mnist), { op: "step", dtype: "float64" }, ms);
  await bench.row("training step 784-100-100-100-10 Adam float64", "ms", PLANS.step, deepStepWork(mnist), { op: "step_deep" }, ms);
  bench.phase("step");
  const inference = inferenceWork(mnist);
  await bench.row("inference, 10,000 digits", "samples/s", PLANS.inference, inference.work, { op: "inference" }, (s) => inference.samples / s);
  bench.phase("inference");
  const gradientCheckName = "gradient check (3 samples, 784-50-10)";
  if (settings.quick) {
    bench.skipped(gradientCheckName, "s", "skipped (--quick)");
  } else {
    await bench.row(gradientCheckName, "s", PLANS.gradientCheck, gradientCheckWork(mnist), { op: "gradcheck" }, (s) => s);
    bench.phase("gradient check");
  }
  const book = await bench.bookRun();
  const help = "backprop --help (node start-up)";
  if (existsSync(CLI_BUNDLE)) await bench.row(help, "ms", PLANS.help, helpWork(CLI_BUNDLE), null, (s) => s * 1000);
  else bench.skipped(help, "ms", "no bundle: run node scripts/build.mjs");
  const memory = numpy ? await numpy.request({ op: "memory" }) : null;
  return { book, numpySessionMB: typeof memory?.peakRssKb === "number" ? memory.peakRssKb / 1024 : null };
}

/** The book run's own figures besides its two rows; null where it failed or was not run. */
interface BookRuns {
  ours: BookRun | null;
  numpy: NumpyBookRun | null;
}

/** Measures rows, ours and NumPy's alternately, and keeps the results in order. */
class Bench {
  readonly rows: BenchRow[] = [];
  /** Peak resident memory of this process after each phase, MB. */
  readonly phases: Record<string, number> = {};

  constructor(
    private readonly settings: Settings,
    private readonly numpy: NumpySession | null,
    private readonly progress: (text: string) => void,
  ) {}

  /**
   * Warms both up, then for each round times our `reps` repetitions of `work` and NumPy's of `request`
   * (null: no NumPy counterpart, and --rounds does not apply). `value` turns a repetition's seconds into the row's unit.
   */
  async row(name: string, unit: string, plan: Plan, work: () => void, request: NumpyRequest | null, value: (seconds: number) => number): Promise<void> {
    const rounds = request ? (this.settings.rounds ?? plan.rounds) : plan.rounds;
    const reps = Math.max(1, Math.round(plan.reps * this.settings.repsScale));
    const warmup = plan.warmup === 0 ? 0 : Math.max(1, Math.round(plan.warmup * this.settings.repsScale));
    this.progress(`${name}, ${rounds} x ${reps}`);
    const numpy = request ? this.numpy : null;
    const ours: number[] = [];
    const theirs: number[] = [];
    let numpyFailed: string | null = null;
    const numpyTime = async (n: number): Promise<number[]> => {
      if (!numpy || !request || numpyFailed !== null || n === 0) return [];
      try {
        return await numpy.time({ ...request, reps: n });
      } catch (error) {
        numpyFailed = (error as Error).message;
        this.progress(`${name}: ${numpyFailed}`);
        return [];
      }
    };
    try {
      timeReps(work, warmup);
      await numpyTime(warmup);
      for (let r = 0; r < rounds; r++) {
        ours.push(...timeReps(work, reps));
        theirs.push(...(await numpyTime(reps)));
      }
    } catch (error) {
      // one row that cannot run (a child process that fails) must not cost the others' minutes
      this.progress(`${name}: ${(error as Error).message}`);
      this.skipped(name, unit, `failed: ${(error as Error).message}`);
      return;
    }
    const numpyValues = numpy && numpyFailed === null ? theirs.map(value) : null;
    this.rows.push(makeRow(name, unit, `${rounds} x ${reps}`, ours.map(value), numpyValues));
  }

  skipped(name: string, unit: string, note: string): void {
    this.rows.push({ ...makeRow(name, unit, "-", null, null), note });
  }

  phase(name: string): void {
    this.phases[name] = process.resourceUsage().maxRSS / 1024;
  }

  /** The book run, once each, ours then NumPy's, each in a process of its own; two rows: seconds and peak memory. */
  async bookRun(): Promise<BookRuns | null> {
    const secondsName = "book run (10,000 steps, full MNIST, 17 evals)";
    const memoryName = "book run peak memory";
    const skip = (note: string): null => {
      this.skipped(secondsName, "s", note);
      this.skipped(memoryName, "MB", note);
      return null;
    };
    if (!this.settings.book) return skip(this.settings.quick ? "skipped (--quick)" : "skipped (--no-book)");
    if (!existsSync(this.settings.data)) return skip(`skipped: no ${this.settings.data} (give --data DIR)`);
    if (!existsSync(CLI_BUNDLE)) return skip("no bundle: run node scripts/build.mjs");
    this.progress(`${secondsName}: ours, then NumPy's, once each`);
    let ours: BookRun | null = null;
    let note: string | undefined;
    try {
      ours = await runBook(CLI_BUNDLE, this.settings.data);
    } catch (error) {
      note = (error as Error).message;
      this.progress(`${secondsName}: ${note}`);
    }
    const answer = this.numpy ? await runNumpyBook(NUMPY_SCRIPT, this.settings.data) : null;
    if (answer && "error" in answer) this.progress(`${secondsName}: NumPy reference ${answer.error}`);
    const numpy = answer && !("error" in answer) ? answer : null;
    const once = (x: number | null): number[] | null => (x === null ? null : [x]);
    const secondsRow = makeRow(secondsName, "s", "once", once(ours && ours.seconds), once(numpy && numpy.seconds));
    const memoryRow = makeRow(memoryName, "MB", "once", once(ours && ours.peakRssKb / 1024), once(numpy && numpy.peakRssKb / 1024));
    this.rows.push(note ? { ...secondsRow, note } : secondsRow, note ? { ...memoryRow, note } : memoryRow);
    return { ours, numpy };
  }
}

function makeRow(name: string, unit: string, runs: string, ours: number[] | null | undefined, numpy: number[] | null | undefined): BenchRow {
  const o = ours && ours.length > 0 ? stats(ours) : null;
  const n = numpy && numpy.length > 0 ? stats(numpy) : null;
  return { name: `${name}, ${unit}`, unit, runs, ours: o, numpy: n, ratio: o && n ? o.median / n.median : null, target: null, met: null };
}

/** Fills in each row's target and whether our median meets it. */
function judge(rows: BenchRow[]): BenchRow[] {
  const find = (prefix: string): BenchRow | undefined => rows.find((r) => r.name.startsWith(prefix));
  const square = find("matmul (512x512)");
  const step64 = find("training step float64");
  return rows.map((row): BenchRow => {
    const ratioTarget = (limit: number): BenchRow => ({ ...row, target: `<= ${limit.toFixed(1)}x NumPy`, met: row.ratio === null ? null : row.ratio <= limit });
    if (row.name.startsWith("matmul") && row !== square) {
      const share = row.ours && square?.ours ? row.ours.median / square.ours.median : null;
      const target = `>= ${TARGET.matmulShareOf512 * 100}% of ours at 512^3`;
      return { ...row, target, met: share === null ? null : share >= TARGET.matmulShareOf512, ...(share === null ? {} : { judged: `${Math.round(share * 100)}%` }) };
    }
    if (row.name.startsWith("training step float64")) return ratioTarget(TARGET.stepFloat64);
    if (row.name.startsWith("training step float32")) {
      const vs64 = row.ours && step64?.numpy ? row.ours.median / step64.numpy.median : null;
      return { ...row, target: `<= ${TARGET.stepFloat32.toFixed(1)}x NumPy float64`, met: vs64 === null ? null : vs64 <= TARGET.stepFloat32, ...(vs64 === null ? {} : { judged: `${vs64.toFixed(2)}x` }) };
    }
    if (row.name.startsWith("training step MultiLayerNet")) {
      const vsTwoLayer = row.ours && step64?.ours ? row.ours.median / step64.ours.median : null;
      const target = `<= ${TARGET.multiLayerStep.toFixed(1)}x TwoLayerNet's ours`;
      return { ...row, target, met: vsTwoLayer === null ? null : vsTwoLayer <= TARGET.multiLayerStep, ...(vsTwoLayer === null ? {} : { judged: `${vsTwoLayer.toFixed(2)}x` }) };
    }
    if (row.name.startsWith("gradient check")) return ratioTarget(TARGET.gradientCheck);
    if (row.name.startsWith("book run peak memory")) {
      return { ...row, target: `<= ${TARGET.bookPeakMB} MB`, met: row.ours === null ? null : row.ours.median <= TARGET.bookPeakMB };
    }
    if (row.name.startsWith("book run")) return ratioTarget(TARGET.bookRun);
    if (row.name.startsWith("backprop --help")) return { ...row, target: `< ${TARGET.helpMs} ms`, met: row.ours === null ? null : row.ours.median < TARGET.helpMs };
    return row;
  });
}
