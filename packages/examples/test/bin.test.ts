import { spawn, spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, tempDir, weightBytes } from "./helpers.js";

// the real process: the bundle that `pnpm train` runs, with real signals
const root = fileURLToPath(new URL("../../../", import.meta.url));
const bundle = join(root, "packages/examples/bundle/cli.js");
const dir = tempDir();

beforeAll(() => {
  const build = spawnSync("node", ["scripts/build.mjs"], { cwd: root, encoding: "utf8" });
  expect(build.status, build.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the bundle, sends `signal` once its stdout shows the first evaluation, and resolves with what it did. */
function runUntilSignal(args: string[], signal: NodeJS.Signals): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("node", [bundle, ...args], { cwd: root });
    let stdout = "";
    let stderr = "";
    let sent = false;
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (!sent && /^epoch /m.test(stdout)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the backprop command", () => {
  const args = ["train", "--iters", "800", "--eval-every", "100", "--eval-samples", "50", "--hidden", "8"];
  // every kind of state a run keeps: Adam's moments, BatchNorm's running statistics, Dropout's generator
  const deep = ["train", "--iters", "600", "--eval-every", "100", "--eval-samples", "50", "--hidden", "16,8", "--optimizer", "adam", "--batch-norm", "--dropout", "0.2"];

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`on ${signal} finishes the step, writes a checkpoint, exits 130, and resumes to the uninterrupted weights`, async () => {
      const save = join(dir, `${signal}.bp`);
      const stopped = await runUntilSignal([...args, "--save", save], signal);
      expect(stopped.code).toBe(130);
      const step = Number(/interrupted after step (\d+) of 800/.exec(stopped.stderr)?.[1]);
      expect(step).toBeGreaterThanOrEqual(100);
      expect(step).toBeLessThan(800);
      expect(stopped.stderr).toContain(`checkpoint written to ${save}.ckpt\nresume with: pnpm train --resume ${save}.ckpt --save ${save}\n`);
      expect(existsSync(save)).toBe(false);

      const resumed = await cli("train", "--resume", `${save}.ckpt`, "--save", save, "--quiet");
      expect(resumed.code).toBe(0);
      const whole = join(dir, `${signal}-whole.bp`);
      await cli(...args, "--save", whole, "--quiet");
      expect(weightBytes(save)).toEqual(weightBytes(whole));
    });
  }

  it("on SIGINT, an Adam + BatchNorm + Dropout run resumes to a model file whose weights are byte-identical to an uninterrupted run's", async () => {
    const save = join(dir, "deep.bp");
    const stopped = await runUntilSignal([...deep, "--save", save], "SIGINT");
    expect(stopped.code).toBe(130);
    const step = Number(/interrupted after step (\d+) of 600/.exec(stopped.stderr)?.[1]);
    expect(step).toBeGreaterThanOrEqual(100);
    expect(step).toBeLessThan(600);
    expect((await cli("train", "--resume", `${save}.ckpt`, "--save", save, "--quiet")).code).toBe(0);
    const whole = join(dir, "deep-whole.bp");
    await cli(...deep, "--save", whole, "--quiet");
    const [a, b] = [weightBytes(whole), weightBytes(save)];
    expect(Object.keys(a)).toEqual(["W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2", "W3", "b3"]);
    expect(b).toEqual(a);
  });

  it("exits quietly when its reader closes the pipe early", () => {
    const result = spawnSync("sh", ["-c", `node ${bundle} train --help | head -1`], { encoding: "utf8" });
    expect(result.stdout).toBe("Usage: backprop train [flags]\n");
    expect(result.stderr).toBe("");
  });
});
