import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect } from "vitest";
import { gzipSync } from "node:zlib";
import { loadModel } from "@backprop/layers/node";
import { run, type Output } from "../src/index.js";

/** Runs the CLI in-process and returns its exit code and everything it wrote. */
export async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return cliWith({}, ...argv);
}

/** As cli(), with extra Output fields (a signal) and a hook that sees each piece of stdout as it is written. */
export async function cliWith(extra: Partial<Output> & { onStdout?(text: string): void }, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, {
    ...extra,
    stdout: (t) => {
      stdout += t;
      extra.onStdout?.(t);
    },
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

// every folder made here is removed after the tests of the file that made it, also when they fail
const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A new temporary folder, removed after the calling test file's tests. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "backprop-examples-"));
  made.push(dir);
  return dir;
}

/**
 * Temporary folders for the calling test file, removed after its tests: `scratch()` makes one, `adopt(dir)` takes
 * one made elsewhere (such as writeIdxFolder's). Call at the top of the file.
 */
export function useScratch(): { scratch: () => string; adopt: (dir: string) => string } {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const adopt = (dir: string): string => {
    dirs.push(dir);
    return dir;
  };
  return { scratch: () => adopt(tempDir()), adopt };
}

/** IDX bytes: magic (0, 0, 8, ndims), the dims as big-endian u32, then the bytes. */
export function idx(dims: number[], bytes: ArrayLike<number>): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt8(8, 2);
  head.writeUInt8(dims.length, 3);
  dims.forEach((n, k) => head.writeUInt32BE(n, 4 + 4 * k));
  return Buffer.concat([head, Buffer.from(Uint8Array.from(bytes))]);
}

/**
 * A folder of the four MNIST files holding a small separable set: class c's images are bright in row block c.
 * Returns the folder; `files` may replace any file's bytes (by its name without .gz) to make it broken.
 */
export function writeIdxFolder(options: { train?: number; test?: number; gzip?: boolean; files?: Record<string, Buffer> } = {}): string {
  const { train = 200, test = 50, gzip = true, files = {} } = options;
  const dir = tempDir();
  mkdirSync(dir, { recursive: true });
  const make = (n: number, offset: number): { images: Buffer; labels: Buffer } => {
    const pixels = new Uint8Array(n * 784);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const label = (i + offset) % 10;
      labels[i] = label;
      // rows 2c+4 and 2c+5 bright, plus a little texture that differs per image
      for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) pixels[i * 784 + r * 28 + c] = r === 2 * label + 4 || r === 2 * label + 5 ? 200 + ((i + c) % 50) : (i * 7 + c) % 30;
    }
    return { images: idx([n, 28, 28], pixels), labels: idx([n], labels) };
  };
  const a = make(train, 0);
  const b = make(test, 3);
  const contents: Record<string, Buffer> = {
    "train-images-idx3-ubyte": a.images,
    "train-labels-idx1-ubyte": a.labels,
    "t10k-images-idx3-ubyte": b.images,
    "t10k-labels-idx1-ubyte": b.labels,
    ...files,
  };
  for (const [name, bytes] of Object.entries(contents)) {
    writeFileSync(join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  }
  return dir;
}

/** The bytes of every parameter of the model (or checkpoint) at `path`, by name: to compare two runs bit for bit. */
export function weightBytes(path: string): Record<string, Buffer> {
  const { net } = loadModel(path);
  return Object.fromEntries(Object.entries(net.params).map(([name, p]) => [name, Buffer.from(p.astype("float64").contiguousData().buffer)]));
}

/** Runs the CLI and expects what bad input gives: exit 2, nothing on stdout, one line on stderr matching `message`. */
export async function expectRefused(args: string[], message: RegExp): Promise<void> {
  const { code, stdout, stderr } = await cli(...args);
  expect(stdout).toBe("");
  expect(stderr.trimEnd()).toMatch(message);
  expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(code).toBe(2);
}

/** The first ```js block after `heading` in the repository's README.md. */
export function readmeSnippet(heading: string): string {
  const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
  const at = readme.indexOf(heading);
  expect(at, `README.md has "${heading}"`).toBeGreaterThan(-1);
  const block = /```js\n([\s\S]*?)```/.exec(readme.slice(at));
  expect(block, `a js block after "${heading}"`).not.toBeNull();
  return block![1];
}

/**
 * A short run of the README's penguins recipe saved as dir/mass.bp, exported in `format` to dir/`out` as the README
 * exports it; returns what `predict` gives for the README snippets' row, a male Adelie, in grams.
 */
export async function penguinsExport(dir: string, format: "onnx" | "tfjs", out: string): Promise<number> {
  const model = join(dir, "mass.bp");
  expect((await cli("train", "--dataset", "penguins", "--hidden", "16", "--optimizer", "rmsprop", "--lr", "0.001", "--batch-size", "16", "--epochs", "3", "--save", model)).code).toBe(0);
  expect((await cli("export", "--model", model, "--format", format, "--out", join(dir, out))).code).toBe(0);
  writeFileSync(join(dir, "row.csv"), "Species,Island,Beak Length (mm),Beak Depth (mm),Flipper Length (mm),Sex\nAdelie,Torgersen,39.1,18.7,181,MALE\n");
  const predicted = await cli("predict", "--model", model, "--data", join(dir, "row.csv"));
  expect(predicted.stdout).toMatch(/^line,Body Mass \(g\),error\n2,\d+\.\d+,\n$/);
  return Number(predicted.stdout.split("\n")[1].split(",")[1]);
}
