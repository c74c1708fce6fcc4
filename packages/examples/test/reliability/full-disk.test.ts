// Group 1 of the reliability issue: on a full disk a model or checkpoint is written whole or not at all, the
// previous good checkpoint stays as it was, and the run says what failed. On a real tmpfs of 600 KB where the
// machine lets the tests mount one (as root); writeFileAtomic's own tests simulate short writes everywhere.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, tempDir } from "../helpers.js";

const mountPoint = join(tempDir(), "full");
let mounted = false;

beforeAll(() => {
  mkdirSync(mountPoint);
  mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=600k", "tmpfs", mountPoint]).status === 0;
});
afterAll(() => {
  if (mounted) spawnSync("umount", [mountPoint]);
});

/** Leaves `free` bytes (about) on the tmpfs. */
function fill(free: number): void {
  rmSync(join(mountPoint, "filler"), { force: true });
  const df = spawnSync("df", ["-B1", "--output=avail", mountPoint], { encoding: "utf8" });
  const available = Number(df.stdout.trim().split("\n").at(-1));
  writeFileSync(join(mountPoint, "filler"), Buffer.alloc(Math.max(0, available - free)));
}

describe("a full disk", () => {
  it("refuses to save a truncated model: exit 2, one line, no file and no temporary file left", async (context) => {
    if (!mounted) context.skip();
    // the default TwoLayerNet(784, 50, 10) is 318,944 bytes as a model and more as a checkpoint
    fill(200_000);
    const save = join(mountPoint, "y.bp");
    const { code, stdout, stderr } = await cli("train", "--epochs", "1", "--save", save, "--quiet");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^backprop train: training finished, but cannot write the model: .*y\.bp.*(ENOSPC|no space).*; nor the finished checkpoint: .*; no checkpoint was written\n$/);
    expect(readdirSync(mountPoint).sort()).toEqual(["filler"]);
  });

  it("keeps the last good checkpoint byte for byte when the next one does not fit", async (context) => {
    if (!mounted) context.skip();
    rmSync(join(mountPoint, "filler"), { force: true });
    const scratch = tempDir();
    const save = join(scratch, "run.bp");
    // a good checkpoint, made where there is room, then copied onto the tmpfs as the run's own
    const stop = new AbortController();
    const { cliWith } = await import("../helpers.js");
    await cliWith({ signal: stop.signal, onStdout: (t) => t.startsWith("epoch") && stop.abort() }, "train", "--epochs", "3", "--save", save);
    const target = join(mountPoint, "run.bp");
    copyFileSync(`${save}.ckpt`, `${target}.ckpt`);
    const good = readFileSync(`${target}.ckpt`);
    fill(100_000);
    const { code, stderr } = await cli("train", "--epochs", "3", "--save", target, "--quiet");
    expect(code).toBe(2);
    expect(stderr).toMatch(/^backprop train: stopped at step 80: cannot write the checkpoint: .*(ENOSPC|no space).*; no checkpoint was written\n$/);
    expect(readFileSync(`${target}.ckpt`).equals(good)).toBe(true);
    expect(readdirSync(mountPoint).sort()).toEqual(["filler", "run.bp.ckpt"]);
    rmSync(scratch, { recursive: true, force: true });
  });
});
