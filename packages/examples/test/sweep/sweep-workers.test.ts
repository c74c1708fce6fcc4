import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { SweepSettings } from "../../src/sweep/sweep-settings.js";
import { drawTrial } from "../../src/sweep/trials.js";
import { WorkerRunner, runTrials } from "../../src/sweep/worker-pool.js";
import { cli, tempDir } from "../helpers.js";

// the parallel path: the bundle that `pnpm build` writes, whose cli.js starts bundle/sweep-worker.js in worker threads
const root = fileURLToPath(new URL("../../../../", import.meta.url));
const bundle = join(root, "packages/examples/bundle/cli.js");

beforeAll(() => {
  const build = spawnSync("node", ["scripts/build.mjs"], { cwd: root, encoding: "utf8" });
  expect(build.status, build.stderr).toBe(0);
});

const TINY = ["sweep", "--trials", "6", "--lr", "1e-3..1e-1:log", "--weight-decay", "1e-8..1e-4:log", "--hidden", "10,20,10x2", "--optimizer", "sgd,adam", "--epochs", "2", "--train-samples", "200"];
// long enough (about half a second a trial) that a signal after the first finished trial finds others under way
const LONGER = ["sweep", "--trials", "6", "--lr", "1e-3..1e-1:log", "--hidden", "50,100", "--optimizer", "sgd,adam", "--epochs", "4", "--train-samples", "2000"];

/** The bundle in a process of its own; sends `signal` once stderr shows the first finished trial. */
function bundled(args: string[], signal?: NodeJS.Signals): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("node", [bundle, ...args], { cwd: root });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      if (signal && /^\[1\/6\] trial/m.test(stderr)) {
        child.kill(signal);
        signal = undefined;
      }
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const read = (dir: string, file: string): string => readFileSync(join(dir, file), "utf8");
/** trials.jsonl's lines without their time, by trial number. */
const results = (dir: string): string[] =>
  read(dir, "trials.jsonl")
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as { trial: number; ms?: number })
    .sort((a, b) => a.trial - b.trial)
    .map(({ ms: _, ...rest }) => JSON.stringify(rest));

/** The settings of a one-trial sweep run here (sweep.json's), and the line trials.jsonl holds for its trial 1. */
async function oneTrialSweep(): Promise<{ settings: SweepSettings; line: { validation: number; train: number } }> {
  const dir = tempDir();
  expect((await cli("sweep", "--trials", "1", "--hidden", "10", "--epochs", "1", "--train-samples", "200", "--workers", "1", "--out", dir)).code).toBe(0);
  return { settings: JSON.parse(read(dir, "sweep.json")).settings, line: JSON.parse(read(dir, "trials.jsonl")) };
}

const workerScript = pathToFileURL(join(root, "packages/examples/bundle/sweep-worker.js"));

describe("WorkerRunner: a worker thread that ends without the sweep stopping it (the bundle's worker script)", () => {
  it("fails the next trial handed to it, naming that trial; a sweep on it fails the same way, never as an interrupt", async () => {
    const { settings, line } = await oneTrialSweep();
    const [t1, t2, t3] = [1, 2, 3].map((k) => drawTrial(settings.space, settings.seed, k));
    const runner = new WorkerRunner(settings, "backprop sweep", workerScript);
    // the thread trains trial 1 as this process did
    const first = await runner.run(t1);
    expect([first?.trial, first?.validation, first?.train]).toEqual([1, line.validation, line.train]);
    // then ends between trials, as a crash or a kill would end it (terminate gives exit code 1)
    await runner.worker.terminate();
    await expect(runner.run(t2)).rejects.toThrow(/^backprop sweep: a worker thread exited with code 1 before trial 2, without being stopped$/);
    await expect(runTrials([t2, t3], [runner], () => undefined)).rejects.toThrow(/^backprop sweep: a worker thread exited with code 1 before trial 2, without being stopped$/);
  });

  it("one that throws while it starts (its data gone) fails the first trial with the thread's error", async () => {
    const { settings } = await oneTrialSweep();
    const gone = join(tempDir(), "gone");
    const runner = new WorkerRunner({ ...settings, data: { source: "idx", dir: gone } }, "backprop sweep", workerScript);
    // (events.once would reject on the thread's "error" event, which comes first)
    await new Promise((resolve) => runner.worker.once("exit", resolve));
    const t1 = drawTrial(settings.space, settings.seed, 1);
    await expect(runner.run(t1)).rejects.toThrow(new RegExp(`^backprop sweep: a worker thread exited with code 1 \\(.*${gone}.*\\) before trial 1, without being stopped$`));
  });
});

describe("backprop sweep in worker threads (the bundle)", () => {
  it("2 workers give the very trials and results of 1 (in the bundle, and in this process from the sources)", async () => {
    const [two, one, here] = [tempDir(), tempDir(), tempDir()];
    const parallel = await bundled([...TINY, "--workers", "2", "--out", two]);
    expect(parallel.code, parallel.stderr).toBe(0);
    expect(parallel.stdout).toContain(`2 trials at once, each in a worker thread; results in ${two}\n`);
    expect(parallel.stderr.match(/^\[\d\/6\] trial \d:/gm)).toHaveLength(6);
    const serial = await bundled([...TINY, "--workers", "1", "--out", one]);
    expect(serial.code).toBe(0);
    expect(serial.stdout).toContain("1 trial at a time, in this process");
    expect((await cli(...TINY, "--workers", "1", "--out", here)).code).toBe(0);
    expect(read(two, "trials.csv")).toBe(read(one, "trials.csv"));
    expect(read(two, "trials.csv")).toBe(read(here, "trials.csv"));
    expect(results(two)).toEqual(results(one));
    expect(read(two, "trials.csv").trimEnd().split("\n")).toHaveLength(7);
  });

  it("on SIGINT stops the workers, keeps every finished trial, exits 130; the same command continues with the others only", async () => {
    const [stopped, whole] = [tempDir(), tempDir()];
    const first = await bundled([...LONGER, "--workers", "2", "--out", stopped], "SIGINT");
    expect(first.code, first.stderr).toBe(130);
    const k = Number(/interrupted: (\d) of 6 trials done/.exec(first.stderr)?.[1]);
    expect(k).toBeGreaterThanOrEqual(1);
    expect(k).toBeLessThan(6);
    expect(first.stderr).toContain(`; continue with the same command: backprop sweep ${[...LONGER.slice(1), "--workers", "2", "--out", stopped].join(" ")}\n`);
    const kept = read(stopped, "trials.jsonl");
    expect(kept.trimEnd().split("\n")).toHaveLength(k);
    expect(read(stopped, "trials.csv").trimEnd().split("\n")).toHaveLength(k + 1);

    const resumed = await bundled([...LONGER, "--workers", "2", "--out", stopped]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr.match(/^\[\d\/6\] trial \d:/gm)).toHaveLength(6 - k);
    expect(read(stopped, "trials.jsonl").startsWith(kept)).toBe(true);

    expect((await bundled([...LONGER, "--workers", "2", "--out", whole])).code).toBe(0);
    expect(read(stopped, "trials.csv")).toBe(read(whole, "trials.csv"));
  });
});
