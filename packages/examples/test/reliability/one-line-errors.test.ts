// Groups 7, 8 and 12 of the reliability issue: what gave a stack trace, silent nonsense or a misleading message
// now gives one line that names the problem, and a non-zero exit.
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, idx, useScratch, writeIdxFolder } from "../helpers.js";

const { scratch, adopt } = useScratch();
const root = fileURLToPath(new URL("../../../../", import.meta.url));
const bundle = join(root, "packages/examples/bundle/cli.js");

beforeAll(() => {
  const build = spawnSync("node", ["scripts/build.mjs"], { cwd: root, encoding: "utf8" });
  expect(build.status, build.stderr).toBe(0);
});

/** The bundle in a process of its own, with `env` added: the kernel is chosen once a process. */
function bundled(args: string[], env: Record<string, string> = {}, script = bundle): { status: number | null; stderr: string } {
  const result = spawnSync("node", [script, ...args], { cwd: scratch(), env: { ...process.env, ...env }, encoding: "utf8" });
  return { status: result.status, stderr: result.stderr };
}

describe("stack traces that are one line now", () => {
  it("BACKPROP_KERNEL=bogus", () => {
    const bogus = bundled(["train", "--iters", "1", "--hidden", "4"], { BACKPROP_KERNEL: "bogus" });
    expect(bogus.status).toBe(2);
    expect(bogus.stderr).toBe('BACKPROP_KERNEL must be "ts", "wasm" or unset, got "bogus"\n');
    expect(bundled(["train", "--iters", "1", "--hidden", "4", "--quiet"], { BACKPROP_KERNEL: "ts" }).status).toBe(0);
  });

  it("a copy of the bundle moved away from node_modules still runs the WebAssembly kernel, whose bytes it holds", () => {
    const moved = join(scratch(), "cli.js");
    copyFileSync(bundle, moved);
    // the embedded penguins table: no file beside the bundle is read
    const args = ["train", "--dataset", "penguins", "--epochs", "1", "--quiet"];
    // BACKPROP_KERNEL=wasm would exit 2 with the reason if the kernel could not load
    expect(bundled(args, { BACKPROP_KERNEL: "wasm" }, moved)).toEqual({ status: 0, stderr: "" });
    // unset, it takes the same kernel without announcing a fallback
    expect(bundled(args, { BACKPROP_KERNEL: "" }, moved)).toEqual({ status: 0, stderr: "" });
  });

  it("an IDX set with zero rows", async () => {
    const dir = adopt(writeIdxFolder({ files: { "t10k-images-idx3-ubyte": idx([0, 28, 28], []), "t10k-labels-idx1-ubyte": idx([0], []) } }));
    const { code, stderr } = await cli("train", "--data", dir, "--iters", "1");
    expect(code).toBe(2);
    expect(stderr).toBe("loadMnist: t10k-images-idx3-ubyte.gz has no images, expected at least one\n");
  });
});

describe("silent nonsense that stops now", () => {
  it("--lr 1e6: the weights explode while the loss stays finite; exit 1 naming the step and the cause", async () => {
    const { code, stderr } = await cli("train", "--lr", "1e6", "--epochs", "1");
    expect(code).toBe(1);
    expect(stderr).toMatch(/^backprop train: the weights' norm grew from [\d.]+ to [\d.e+]+ by iteration \d+; training stopped there, try a learning rate smaller than 1000000\n$/);
  });

  it("--weight-init-std 1e300 is blamed on the initial scale, not the learning rate", async () => {
    const { code, stderr } = await cli("train", "--weight-init-std", "1e300", "--iters", "5");
    expect(code).toBe(1);
    expect(stderr).toBe("backprop train: the loss became NaN at iteration 1, before any update: the initial weights are too large (weight init std 1e+300?)\n");
  });
});

describe("messages that say what is wrong", () => {
  it("evaluate reads only the test files: a broken training file it never reads does not stop it", async () => {
    const dir = adopt(writeIdxFolder({ train: 20, test: 30 }));
    const model = join(scratch(), "m.bp");
    expect((await cli("train", "--data", dir, "--iters", "1", "--batch-size", "10", "--hidden", "4", "--save", model, "--quiet")).code).toBe(0);
    writeFileSync(join(dir, "train-images-idx3-ubyte.gz"), "not gzip at all");
    const { code, stdout } = await cli("evaluate", "--model", model, "--json");
    expect(code).toBe(0);
    expect(JSON.parse(stdout).testSize).toBe(30);
  });

  it("a gzip file with trailing junk", async () => {
    const dir = adopt(writeIdxFolder());
    const path = join(dir, "t10k-labels-idx1-ubyte.gz");
    writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.from("junk!")]));
    const { code, stderr } = await cli("train", "--data", dir, "--iters", "1");
    expect(code).toBe(2);
    expect(stderr).toBe("loadMnist: t10k-labels-idx1-ubyte.gz is a gzip file with 5 bytes of trailing junk after its compressed data\n");
  });
});
