import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it, vi } from "vitest";
import { cli } from "./helpers.js";

// the shape of the output only: timings are never asserted, so these runs are tiny (a hundredth of the repetitions)
const QUICK = ["bench", "--quick", "--rounds", "1", "--reps-scale", "0.01"];

const ROWS = [
  "matmul x W (100x784)(784x50), GFLOP/s",
  "matmul x^T dout (784x100)(100x50), GFLOP/s",
  "matmul dout W^T (100x50)(50x784), GFLOP/s",
  "matmul (512x512)(512x512), GFLOP/s",
  "training step float64, ms",
  "training step float32, ms",
  "training step MultiLayerNet(784 -> 50 -> 10) float64, ms",
  "training step 784-100-100-100-10 Adam float64, ms",
  "inference, 10,000 digits, samples/s",
  "gradient check (3 samples, 784-50-10), s",
  "book run (10,000 steps, full MNIST, 17 evals), s",
  "book run peak memory, MB",
  "backprop --help (node start-up), ms",
];

// the rows that NumPy runs too, and so have a ratio whenever NumPy is there
const WITH_NUMPY = ROWS.slice(0, 9);
const MULTI_LAYER = "training step MultiLayerNet(784 -> 50 -> 10) float64, ms";
const DEEP = "training step 784-100-100-100-10 Adam float64, ms";

const hasNumpy = spawnSync("python3", ["-c", "import numpy"]).status === 0;

interface Row {
  name: string;
  unit: string;
  runs: string;
  ours: { median: number; min: number; max: number; mean: number; n: number } | null;
  numpy: { median: number; min: number; max: number; mean: number; n: number } | null;
  ratio: number | null;
  target: string | null;
  met: boolean | null;
  judged?: string;
  note?: string;
}

async function benchJson(): Promise<{ machine: Record<string, unknown>; numpyReference: { available: boolean; reason?: string }; rows: Row[] }> {
  const { code, stdout } = await cli(...QUICK, "--json");
  expect(code).toBe(0);
  expect(stdout.trim().split("\n")).toHaveLength(1);
  return JSON.parse(stdout);
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("backprop bench", () => {
  it("lists its flags in --help", async () => {
    const { code, stdout } = await cli("bench", "--help");
    expect(code).toBe(0);
    const listed = [...stdout.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1]);
    expect(listed).toEqual(["--data", "--rounds", "--quick", "--no-book", "--reps-scale", "--json", "--help"]);
  });

  it("prints a table with every row, skipping the long ones under --quick", async () => {
    const { code, stdout } = await cli(...QUICK);
    expect(code).toBe(0);
    // the kernel and why: "GEMM kernel wasm (BACKPROP_KERNEL unset: the embedded WebAssembly SIMD kernel compiled)"
    expect(stdout).toMatch(/^backprop bench: node .*, GEMM kernel (wasm|ts) \(BACKPROP_KERNEL[^\n]*\); /m);
    const lines = stdout.split("\n");
    const header = lines.findIndex((l) => l.startsWith("row "));
    expect(lines[header]).toMatch(/^row +runs +ours: median \(min-max\) +NumPy: median \(min-max\) +ours\/NumPy +target +met\?$/);
    const names = lines.slice(header + 2, header + 2 + ROWS.length).map((l) => l.split(/ {2,}/)[0]);
    expect(names).toEqual(ROWS);
    for (const name of ROWS.slice(9, 12)) expect(lines.find((l) => l.startsWith(name))).toContain("skipped (--quick)");
    const step = lines.find((l) => l.startsWith("training step float64")) as string;
    expect(step).toContain("<= 2.0x NumPy");
    if (hasNumpy) expect(step).toMatch(/ \d+\.\d\dx /);
    // judged on our medians alone: TwoLayerNet's ours beside MultiLayerNet's
    expect(lines.find((l) => l.startsWith(MULTI_LAYER))).toMatch(/ <= 1\.1x TwoLayerNet's ours +(yes|NO) \(\d+\.\d\dx\)$/);
    const deep = lines.find((l) => l.startsWith(DEEP)) as string;
    expect(deep).toMatch(/ \d+ x \d+ +\d[\d.]* \([\d.]+-[\d.]+\) /);
    if (hasNumpy) expect(deep).toMatch(/ \d+\.\d\dx$/);
  });

  it.runIf(hasNumpy)("gives one JSON object with a ratio for each row NumPy runs", async () => {
    const result = await benchJson();
    expect(Object.keys(result.machine)).toEqual(["cpus", "cpuModel", "node", "numpy", "kernel", "kernelReason"]);
    expect(result.machine.numpy).toMatch(/^\d+\.\d+/);
    expect(["wasm", "ts"]).toContain(result.machine.kernel);
    expect(result.machine.kernelReason).toMatch(/^BACKPROP_KERNEL/);
    expect(result.numpyReference.available).toBe(true);
    expect(result.rows.map((r) => r.name)).toEqual(ROWS);
    for (const row of result.rows.filter((r) => WITH_NUMPY.includes(r.name))) {
      expect(row.runs).toMatch(/^\d+ x \d+$/);
      for (const s of [row.ours, row.numpy]) {
        expect(Object.keys(s ?? {})).toEqual(["median", "min", "max", "mean", "n"]);
        expect(s!.min).toBeLessThanOrEqual(s!.median);
        expect(s!.median).toBeLessThanOrEqual(s!.max);
      }
      expect(row.ratio).toBeCloseTo(row.ours!.median / row.numpy!.median, 10);
    }
    const step32 = result.rows.find((r) => r.name === "training step float32, ms") as Row;
    expect(step32.target).toBe("<= 1.0x NumPy float64");
    expect(typeof step32.met).toBe("boolean");
    const multiLayer = result.rows.find((r) => r.name === MULTI_LAYER) as Row;
    const twoLayer = result.rows.find((r) => r.name === "training step float64, ms") as Row;
    expect(multiLayer.target).toBe("<= 1.1x TwoLayerNet's ours");
    expect(multiLayer.judged).toBe(`${(multiLayer.ours!.median / twoLayer.ours!.median).toFixed(2)}x`);
    expect(multiLayer.met).toBe(multiLayer.ours!.median / twoLayer.ours!.median <= 1.1);
    expect((result.rows.find((r) => r.name === DEEP) as Row).target).toBeNull();
  });

  it("without python3 or numpy says so and reports our figures alone", async () => {
    vi.stubEnv("BACKPROP_PYTHON", "/nonexistent/python3");
    const table = await cli(...QUICK);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NumPy reference: python3 with numpy not found \(.*\/nonexistent\/python3.*\); our figures only$/m);

    const result = await benchJson();
    expect(result.machine.numpy).toBeNull();
    expect(result.numpyReference.available).toBe(false);
    expect(result.rows.map((r) => r.name)).toEqual(ROWS);
    for (const row of result.rows) {
      expect(row.numpy).toBeNull();
      expect(row.ratio).toBeNull();
    }
    for (const row of result.rows.filter((r) => WITH_NUMPY.includes(r.name))) expect(row.ours!.median).toBeGreaterThan(0);
    // its target compares two of our own figures, so it is judged without NumPy too
    expect(typeof (result.rows.find((r) => r.name === MULTI_LAYER) as Row).met).toBe("boolean");
  });

  it("rejects bad flags with exit code 2", async () => {
    const rounds = await cli("bench", "--rounds", "0");
    expect(rounds.code).toBe(2);
    expect(rounds.stderr).toBe("backprop bench: --rounds must be a positive integer, got '0'\n");
    const data = await cli("bench", "--data", "/nonexistent/mnist");
    expect(data.code).toBe(2);
    expect(data.stderr).toBe("backprop bench: --data /nonexistent/mnist: folder /nonexistent/mnist does not exist\n");
  });
});
