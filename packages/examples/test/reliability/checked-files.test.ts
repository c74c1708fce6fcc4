// Groups 3 and 4 of the reliability issue: a doctored checkpoint or model file is one line and exit 2, never a
// silent run or a plausible accuracy.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, cliWith, useScratch, writeIdxFolder, expectRefused } from "../helpers.js";

const { scratch } = useScratch();
let dir: string;
let checkpoint: string;
let model: string;

beforeAll(async () => {
  dir = scratch();
  checkpoint = join(dir, "run.bp.ckpt");
  model = join(dir, "m.bp");
  const stop = new AbortController();
  await cliWith({ signal: stop.signal, onStdout: (t) => t.startsWith("epoch") && stop.abort() }, "train", "--iters", "40", "--eval-every", "10", "--eval-samples", "20", "--hidden", "6", "--save", join(dir, "run.bp"));
  await cli("train", "--iters", "5", "--hidden", "6", "--save", model, "--quiet");
});

/** A copy of `path` whose header `edit` changed, its checksum made to fit: only the checks behind it can tell. */
function doctored(path: string, edit: (header: Record<string, any>) => void, name = "bad.ckpt"): string {
  const bytes = readFileSync(path);
  const length = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.toString("utf8", 16, 16 + length));
  edit(header);
  let text = JSON.stringify(header);
  text += " ".repeat((8 - ((16 + Buffer.byteLength(text)) % 8)) % 8);
  const preamble = Buffer.from(bytes.subarray(0, 16));
  preamble.writeUInt32LE(Buffer.byteLength(text), 8);
  preamble.writeUInt32LE(crc32(Buffer.from(text)), 12);
  const out = join(dir, name);
  writeFileSync(out, Buffer.concat([preamble, Buffer.from(text), bytes.subarray(16 + length)]));
  return out;
}

const refused = expectRefused;

describe("--resume checks the checkpoint", () => {
  const cases: Array<[string, (h: Record<string, any>) => void, RegExp]> = [
    ["a negative learning rate", (h) => (h.checkpoint.optimizer.spec.lr = -0.1), /^loadCheckpoint: bad\.ckpt has an optimizer that cannot be built: SGD: lr must be a positive number, got -0\.1$/],
    ["a string learning rate", (h) => (h.checkpoint.optimizer.spec.lr = "0.1"), /got "0\.1"$/],
    ["a null step count", (h) => (h.checkpoint.trainer.state.iteration = null), /^loadCheckpoint: bad\.ckpt has trainer state iteration null, expected a non-negative integer$/],
    ["a step past the end", (h) => (h.checkpoint.trainer.state.iteration = 41), /^backprop train: .*bad\.ckpt cannot be resumed on this data: Trainer\.restore: iteration must be an integer in \[0, 40\], got 41$/],
    ["a cursor past the epoch", (h) => (h.checkpoint.trainer.state.cursor = 9000), /Trainer\.restore: cursor must be an integer in \[0, 8000\], got 9000$/],
    ["a null generator state", (h) => (h.checkpoint.trainer.state.rng = null), /^loadCheckpoint: bad\.ckpt has trainer state rng null, expected the batch generator's state/],
    ["a garbage generator state", (h) => (h.checkpoint.trainer.state.rng = { prng: "x" }), /has trainer state rng \{"prng":"x"\}/],
    ["an unknown dtype", (h) => (h.arrays.find((a: { name: string }) => a.name === "trainer/order").dtype = "float16"), /unknown dtype "float16", expected float64, float32 or int32\)$/],
    ["no history", (h) => delete h.checkpoint.trainer.state.history, /^loadCheckpoint: bad\.ckpt has a trainer state without history$/],
    ["a step count of 1e308", (h) => (h.checkpoint.trainer.config.iters = 1e308), /^loadCheckpoint: bad\.ckpt has trainer config iters 1e\+308, expected an integer from 1 to 2147483648$/],
  ];
  for (const [what, edit, message] of cases) {
    it(what, async () => {
      await refused(["train", "--resume", doctored(checkpoint, edit)], message);
    });
  }

  it("an entry of the batch order out of range, or negative", async () => {
    // the order is stored as float64: rewrite its first entry in place
    const bytes = Buffer.from(readFileSync(checkpoint));
    const length = bytes.readUInt32LE(8);
    const header = JSON.parse(bytes.toString("utf8", 16, 16 + length));
    const entry = header.arrays.find((a: { name: string }) => a.name === "trainer/order");
    for (const value of [8000, -1]) {
      const copy = Buffer.from(bytes);
      copy.writeDoubleLE(value, 16 + length + entry.offset);
      // a careful forger fixes the array's checksum too
      const fixed = doctored(checkpoint, (h) => (h.arrays.find((a: { name: string }) => a.name === "trainer/order").crc32 = crc32(copy.subarray(16 + length + entry.offset, 16 + length + entry.offset + entry.byteLength))), "order.ckpt");
      const out = Buffer.from(readFileSync(fixed));
      out.writeDoubleLE(value, out.length - bytes.length + 16 + length + entry.offset);
      writeFileSync(fixed, out);
      await refused(["train", "--resume", fixed], /^backprop train: .*order\.ckpt cannot be resumed on this data: Trainer\.restore: order\[0\] = -?\d+ is not a sample index in \[0, 8000\)$/);
    }
  });

  it("another folder of images resumes only with the same image size and classes, and says so", async () => {
    const small = writeIdxFolder({ train: 100, test: 20 });
    await refused(["train", "--resume", checkpoint, "--data", small], /order covers 8000 samples|cannot be resumed/);
    const other = doctored(checkpoint, (h) => (h.data = { source: "idx", dir: "/nowhere" }), "idx.ckpt");
    const big = writeIdxFolder({ train: 8000, test: 20 });
    const { code, stderr } = await cli("train", "--resume", other, "--data", big, "--quiet");
    expect(code).toBe(0);
    expect(stderr).toBe(`backprop train: resuming on ${big} instead of the recorded /nowhere: its images have the same size and classes\n`);
  });
});

describe("model files are checked", () => {
  function withArray(name: string, change: (bytes: Buffer, at: number) => void, fixChecksum: boolean): string {
    const bytes = Buffer.from(readFileSync(model));
    const length = bytes.readUInt32LE(8);
    const header = JSON.parse(bytes.toString("utf8", 16, 16 + length));
    const entry = header.arrays.find((a: { name: string }) => a.name === name);
    const start = 16 + length + entry.offset;
    change(bytes, start);
    const path = join(dir, `${name}.bp`);
    writeFileSync(path, bytes);
    if (!fixChecksum) return path;
    return doctored(path, (h) => (h.arrays.find((a: { name: string }) => a.name === name).crc32 = crc32(bytes.subarray(start, start + entry.byteLength))), `${name}-fixed.bp`);
  }

  it("one flipped bit in a weight", async () => {
    await refused(["evaluate", "--model", withArray("W1", (b, at) => (b[at + 100] ^= 1), false)], /^loadModel: W1\.bp is corrupt: array W1's checksum is 0x[0-9a-f]{8}, expected 0x[0-9a-f]{8} \(the file changed after it was written\)$/);
  });

  it("a NaN in b1, even with a checksum made to fit", async () => {
    await refused(["evaluate", "--model", withArray("b1", (b, at) => b.writeDoubleLE(Number.NaN, at), true)], /^loadModel: b1-fixed\.bp has b1 with a non-finite value \(NaN at index 0\)$/);
  });

  it("a changed offset, two arrays overlapping, a name twice, a header changed", async () => {
    await refused(["evaluate", "--model", doctored(model, (h) => (h.arrays[1].offset += 8), "offset.bp")], /^loadModel: offset\.bp is corrupt: arrays b1 and W2 overlap/);
    await refused(["evaluate", "--model", doctored(model, (h) => (h.arrays[3].name = "b1"), "twice.bp")], /^loadModel: twice\.bp has two arrays named b1$/);
    const bytes = Buffer.from(readFileSync(model));
    bytes[30] ^= 4;
    writeFileSync(join(dir, "header.bp"), bytes);
    await refused(["evaluate", "--model", join(dir, "header.bp")], /^loadModel: header\.bp has a corrupt header: its checksum is 0x[0-9a-f]{8}, expected 0x[0-9a-f]{8}/);
  });
});
