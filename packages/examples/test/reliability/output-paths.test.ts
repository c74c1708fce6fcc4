// Group 2 of the reliability issue: a final write that fails must not lose the run. Every output path is checked
// before training; a model that still cannot be written leaves the finished checkpoint and says how to retry.
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, cliWith, useScratch, weightBytes, expectRefused } from "../helpers.js";

const { scratch } = useScratch();
const QUICK = ["train", "--iters", "3", "--hidden", "4"];

const refused = (args: string[], message: RegExp): Promise<void> => expectRefused([...QUICK, ...args], message);

describe("output paths are checked before training", () => {
  it("--save into /proc, onto a folder, or ''", async () => {
    const dir = scratch();
    await refused(["--save", "/proc/y.bp"], /^backprop train: --save \/proc\/y\.bp: cannot write in folder \/proc \(E[A-Z]+\)$/);
    await refused(["--save", dir], /^backprop train: --save .* is a folder, expected a file name$/);
    await refused(["--save", ""], /^backprop train: --save needs a file name, got ''$/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("--history into /proc or onto a folder", async () => {
    const dir = scratch();
    await refused(["--history", "/proc/h.csv"], /^backprop train: --history \/proc\/h\.csv: cannot write in folder \/proc/);
    mkdirSync(join(dir, "h.csv"));
    await refused(["--history", join(dir, "h.csv")], /^backprop train: --history .*h\.csv is a folder, expected a file name$/);
  });

  it("a folder that is a file, a folder that does not exist, and one path given to two outputs", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "file"), "x");
    await refused(["--save", join(dir, "file", "x.bp")], /^backprop train: --save .*file\/x\.bp: .*file is a file, not a folder$/);
    await refused(["--save", join(dir, "no", "x.bp")], /^backprop train: --save .*: folder .*no does not exist$/);
    // a file where a folder of the path should be: stat fails with ENOTDIR, said as the file that stands in the way
    await refused(["--save", join(dir, "file", "sub", "x.bp")], /^backprop train: --save .*file\/sub\/x\.bp: folder .*file\/sub does not exist \(.*\/file is a file\)$/);
    await refused(["--save", join(dir, "m.json"), "--history", join(dir, "m.json")], /^backprop train: --save and --history are both .*m\.json; give them different paths$/);
  });

  it("a folder without write permission (as a user other than root)", async (context) => {
    if (process.getuid?.() === 0) context.skip();
    const dir = scratch();
    chmodSync(dir, 0o500);
    await refused(["--save", join(dir, "m.bp")], /cannot write in folder .* \(EACCES\)$/);
    chmodSync(dir, 0o700);
  });

  it("the history is written after the model, and the probe files are gone", async () => {
    const dir = scratch();
    const save = join(dir, "m.bp");
    const { code } = await cli(...QUICK, "--save", save, "--history", join(dir, "h.json"), "--quiet");
    expect(code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["h.json", "m.bp"]);
  });
});

describe("a model that cannot be written when training ends", () => {
  it("leaves the finished run in its checkpoint and says how to save it elsewhere", async () => {
    const dir = scratch();
    const save = join(dir, "m.bp");
    // the target becomes a folder while training: only the model's write fails, not its checkpoint's
    const { code, stderr } = await cliWith({ onStdout: (t) => t.startsWith("epoch ") && !existsSync(save) && mkdirSync(save) }, "train", "--iters", "20", "--eval-every", "10", "--hidden", "4", "--save", save);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `backprop train: training finished, but cannot write the model: cannot write ${save}: ${save} is a directory; the finished run is in the checkpoint ${save}.ckpt; write the model elsewhere with: pnpm train --resume ${save}.ckpt --save OTHER_PATH\n`,
    );
    const other = join(dir, "other.bp");
    const retry = await cli("train", "--resume", `${save}.ckpt`, "--save", other, "--json");
    expect(retry.code).toBe(0);
    // nothing left to train: the retry only saves, the run's 20 steps and their history
    expect(JSON.parse(retry.stdout).history.loss).toHaveLength(20);
    const whole = join(dir, "whole.bp");
    await cli("train", "--iters", "20", "--eval-every", "10", "--hidden", "4", "--save", whole, "--quiet");
    expect(weightBytes(other)).toEqual(weightBytes(whole));
  });
});

describe("a run resumed after its last checkpoint", () => {
  it("leaves no PATH.ckpt beside the saved model", async () => {
    const dir = scratch();
    const save = join(dir, "m.bp");
    const stop = new AbortController();
    // interrupted at its first evaluation, step 3 of 6: the checkpoint is m.bp.ckpt
    await cliWith({ signal: stop.signal, onStdout: (t) => t.startsWith("epoch") && stop.abort() }, "train", "--iters", "6", "--eval-every", "3", "--hidden", "4", "--save", save);
    expect(existsSync(`${save}.ckpt`)).toBe(true);
    expect((await cli("train", "--resume", `${save}.ckpt`, "--save", save, "--quiet")).code).toBe(0);
    expect(readdirSync(dir)).toEqual(["m.bp"]);
  });
});
