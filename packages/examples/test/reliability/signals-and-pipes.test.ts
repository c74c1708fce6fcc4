// Groups 6, 8 and 9 of the reliability issue, on the real process: signals, pipes, and checkpoints of runs
// without --save that must not overwrite each other.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const bundle = join(root, "packages/examples/bundle/cli.js");

beforeAll(() => {
  const build = spawnSync("node", ["scripts/build.mjs"], { cwd: root, encoding: "utf8" });
  expect(build.status, build.stderr).toBe(0);
});

type Ended = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number };

/**
 * Runs the bundle in `cwd`; once `when(stdout)` holds, or `when` milliseconds after the start, sends `signals` one
 * after another, `gap` ms apart.
 */
function run(args: string[], cwd: string, when: ((stdout: string) => boolean) | number, signals: NodeJS.Signals[], gap = 100): Promise<Ended> {
  return new Promise((resolve) => {
    const child = spawn("node", [bundle, ...args], { cwd });
    let stdout = "";
    let stderr = "";
    let sent = false;
    let lastSignal = 0;
    const fire = (): void => {
      if (sent) return;
      sent = true;
      signals.forEach((signal, k) =>
        setTimeout(() => {
          lastSignal = performance.now();
          child.kill(signal);
        }, k * gap),
      );
    };
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (typeof when === "function" && when(stdout)) fire();
    });
    child.stderr.on("data", (chunk) => (stderr += chunk));
    // long enough for the bundle to load and the command to be at work
    if (typeof when === "number") setTimeout(fire, when);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - lastSignal }));
  });
}

describe("runs without --save", () => {
  it("checkpoint under names of their own: a second interrupted run does not overwrite the first's", async () => {
    const cwd = tempDir();
    const args = ["train", "--iters", "400", "--eval-every", "50", "--eval-samples", "20", "--hidden", "6"];
    const atEpoch = (out: string): boolean => /^epoch /m.test(out);
    const first = await run(args, cwd, atEpoch, ["SIGINT"]);
    expect(first.code).toBe(130);
    expect(first.stderr).toContain("checkpoint written to backprop-checkpoint.ckpt\n");
    const second = await run([...args, "--seed", "1"], cwd, atEpoch, ["SIGINT"]);
    expect(second.code).toBe(130);
    expect(second.stderr).toContain("checkpoint written to backprop-checkpoint-2.ckpt\nresume with: pnpm train --resume backprop-checkpoint-2.ckpt\n");
    expect(readdirSync(cwd).sort()).toEqual(["backprop-checkpoint-2.ckpt", "backprop-checkpoint.ckpt"]);
  });
});

describe("signals", () => {
  it("a second SIGINT during a long evaluation ends the process within a second", async () => {
    const cwd = tempDir();
    // evaluations of all 10,000 digits every step keep the process busy between its turns of the event loop
    const result = await run(["train", "--iters", "100000", "--eval-every", "1", "--hidden", "300"], cwd, (out) => /^epoch /m.test(out), ["SIGINT", "SIGINT"], 50);
    expect(result.ms).toBeLessThan(1000);
    expect(result.code === 130 || result.signal === "SIGINT").toBe(true);
  });

  for (const command of [["gradcheck", "--samples", "50"], ["evaluate", "--model", "MODEL"], ["bench", "--quick"], ["demo", "optimizer-compare-mnist"]]) {
    it(`${command[0]} ends at the first SIGINT`, async () => {
      const cwd = tempDir();
      let args = command;
      if (command[1] === "--model") {
        const model = join(cwd, "m.bp");
        // wide enough that testing 2,000 digits takes well over the 700 ms before the signal (about 1.8 s)
        expect(spawnSync("node", [bundle, "train", "--iters", "1", "--hidden", "4000", "--save", model]).status).toBe(0);
        args = ["evaluate", "--model", model];
      }
      const result = await run(args, cwd, 700, ["SIGINT"]);
      expect(result.ms).toBeLessThan(1000);
      expect(result.signal === "SIGINT" || result.code === 130).toBe(true);
    });
  }
});

describe("pipes", () => {
  it("a reader that closes early stops a run after its step, and the run still checkpoints", () => {
    const cwd = tempDir();
    const save = join(cwd, "m.bp");
    const result = spawnSync("sh", ["-c", `node ${bundle} train --iters 300 --eval-every 50 --hidden 10 --save ${save} | head -1`], { cwd, encoding: "utf8" });
    expect(result.stdout).toMatch(/^TwoLayerNet\(784 -> 10 -> 10, relu\) on /);
    expect(result.stderr).toMatch(/^backprop train: interrupted after step \d+ of 300; checkpoint written to .*m\.bp\.ckpt\n/);
    expect(existsSync(`${save}.ckpt`)).toBe(true);
  });

  it("stdout on a full device is one line and exit 2, after the run saved what it must", () => {
    const cwd = tempDir();
    const save = join(cwd, "m.bp");
    const result = spawnSync("sh", ["-c", `node ${bundle} train --iters 20 --hidden 4 --save ${save} > /dev/full`], { cwd, encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr.trimEnd().split("\n").at(-1)).toMatch(/^backprop: cannot write to stdout: ENOSPC: no space left on device/);
    expect(existsSync(save) || existsSync(`${save}.ckpt`)).toBe(true);
  });
});
