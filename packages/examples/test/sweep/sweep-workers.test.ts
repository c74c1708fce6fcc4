import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
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
