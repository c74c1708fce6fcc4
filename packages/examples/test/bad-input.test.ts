import { crc32 } from "node:zlib";
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { cli, idx, tempDir, writeIdxFolder } from "./helpers.js";

// Every mistake in a data folder or a model file gives one line on stderr, no stack trace, and exit code 2.
const dirs: string[] = [];
const folder = (options: Parameters<typeof writeIdxFolder>[0] = {}): string => {
  const dir = writeIdxFolder(options);
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function expectBadInput(argv: string[], message: RegExp): Promise<void> {
  const { code, stdout, stderr } = await cli(...argv);
  expect(stdout).toBe("");
  expect(stderr).toMatch(message);
  expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(code).toBe(2);
}

describe("bad data folders", () => {
  it("a folder that does not exist", async () => {
    await expectBadInput(["train", "--data", "/no/such/folder"], /^loadMnist: data folder \/no\/such\/folder does not exist, expected a folder with train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte \(each raw or \.gz\)\n$/);
  });

  it("a folder missing one file names both paths it looked for", async () => {
    const dir = folder();
    rmSync(join(dir, "t10k-labels-idx1-ubyte.gz"));
    const at = join(dir, "t10k-labels-idx1-ubyte");
    await expectBadInput(["train", "--data", dir], new RegExp(`^loadMnist: data folder ${dir} has no t10k-labels-idx1-ubyte, expected ${at} or ${at}\\.gz\\n$`));
  });

  it("a truncated raw file and a truncated gzip file", async () => {
    const raw = folder({ gzip: false });
    const images = join(raw, "train-images-idx3-ubyte");
    writeFileSync(images, readFileSync(images).subarray(0, 16 + 784 * 10 + 5));
    await expectBadInput(["train", "--data", raw], /^loadMnist: train-images-idx3-ubyte is truncated: its header promises 200 images of 28x28 \(156800 bytes of pixels\), got 7845\n$/);
    const gz = folder();
    const packed = join(gz, "train-labels-idx1-ubyte.gz");
    writeFileSync(packed, readFileSync(packed).subarray(0, 30));
    await expectBadInput(["train", "--data", gz], /^loadMnist: train-labels-idx1-ubyte\.gz is not a valid gzip file: .+\n$/);
  });

  it("a wrong magic number: labels where images belong", async () => {
    const dir = folder({ files: { "train-images-idx3-ubyte": idx([200], new Uint8Array(200)) } });
    await expectBadInput(["train", "--data", dir], /^loadMnist: train-images-idx3-ubyte\.gz is an IDX label file \(magic 0x00000801\), expected an image file \(magic 0x00000803\)\n$/);
  });

  it("not an IDX file at all", async () => {
    const dir = folder({ files: { "t10k-images-idx3-ubyte": Buffer.from("hello, this is text") } });
    await expectBadInput(["train", "--data", dir], /^loadMnist: t10k-images-idx3-ubyte\.gz is not an IDX file of unsigned bytes \(magic 0x68656c6c, expected 0x000008 and the number of dimensions\)\n$/);
  });

  it("images and labels that disagree in count", async () => {
    const dir = folder({ files: { "train-labels-idx1-ubyte": idx([199], new Uint8Array(199)) } });
    await expectBadInput(["train", "--data", dir], /^loadMnist: train-labels-idx1-ubyte\.gz does not match train-images-idx3-ubyte\.gz, expected 200 labels \(one per image\), got 199\n$/);
  });

  it("a label out of range", async () => {
    const labels = new Uint8Array(50).fill(3);
    labels[17] = 12;
    const dir = folder({ files: { "t10k-labels-idx1-ubyte": idx([50], labels) } });
    await expectBadInput(["train", "--data", dir], /^loadMnist: t10k-labels-idx1-ubyte\.gz label 17 is out of range, expected a class in \[0, 10\), got 12\n$/);
  });

  it("a batch larger than the data", async () => {
    await expectBadInput(["train", "--data", folder(), "--batch-size", "201"], /^backprop train: --batch-size must be at most the 200 training samples, got 201\n$/);
  });

  it("evaluate with a bad --data folder", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const model = join(dir, "m.bp");
    await cli("train", "--iters", "1", "--hidden", "3", "--save", model, "--quiet");
    await expectBadInput(["evaluate", "--model", model, "--data", "/no/such/folder"], /^loadMnist: data folder \/no\/such\/folder does not exist, expected a folder with train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte \(each raw or \.gz\)\n$/);
  });
});

describe("bad model files", () => {
  const dir = tempDir();
  dirs.push(dir);
  const model = join(dir, "model.bp");

  it("a missing model", async () => {
    await expectBadInput(["evaluate", "--model", join(dir, "none.bp")], new RegExp(`^loadModel: ${join(dir, "none.bp")} does not exist\\n$`));
  });

  it("no --model at all", async () => {
    await expectBadInput(["evaluate"], /^backprop evaluate: --model PATH is required\n$/);
  });

  it("a corrupt file: not ours, truncated, a broken header", async () => {
    await cli("train", "--iters", "2", "--hidden", "3", "--save", model, "--quiet");
    const good = readFileSync(model);
    const bad = join(dir, "bad.bp");
    writeFileSync(bad, gzipSync(good));
    await expectBadInput(["evaluate", "--model", bad], /^loadModel: bad\.bp is not a backprop model file \(it does not start with "BACKPROP"\)\n$/);
    writeFileSync(bad, good.subarray(0, good.length - 8));
    await expectBadInput(["evaluate", "--model", bad], new RegExp(`^loadModel: bad\\.bp has ${good.length - 8} bytes, expected ${good.length} from its header \\(truncated or padded\\)\\n$`));
    const broken = Buffer.from(good);
    broken.write("}", 12);
    writeFileSync(bad, broken);
    await expectBadInput(["evaluate", "--model", bad], /^loadModel: bad\.bp has a corrupt header: .+\n$/);
  });

  it("a model whose weights do not match its architecture", async () => {
    const good = readFileSync(model);
    // version 3: magic, header length, the header's CRC-32, then the header at byte 16
    const headerLength = good.readUInt32LE(8);
    const header = good.toString("utf8", 16, 16 + headerLength);
    // claim 4 hidden units where the weights hold 3; same length, so only the check can notice
    const lying = header.replace('"outputSize":3', '"outputSize":4').replace('"inputSize":3', '"inputSize":4');
    expect(lying).not.toBe(header);
    const bad = join(dir, "lying.bp");
    // a header whose checksum is made to fit, as a careful forger would: the shape check must still catch it
    const preamble = Buffer.from(good.subarray(0, 16));
    preamble.writeUInt32LE(crc32(Buffer.from(lying)), 12);
    writeFileSync(bad, Buffer.concat([preamble, Buffer.from(lying), good.subarray(16 + headerLength)]));
    await expectBadInput(["evaluate", "--model", bad], /^loadModel: lying\.bp has W1 of shape \(784, 3\), expected \(784, 4\) for TwoLayerNet\(784 -> 4 -> 10, relu\)\n$/);
  });

  it("a model for other data", async () => {
    const small = folder({ files: { "t10k-images-idx3-ubyte": idx([50, 20, 20], new Uint8Array(50 * 400)), "train-images-idx3-ubyte": idx([200, 20, 20], new Uint8Array(200 * 400)) } });
    await expectBadInput(["evaluate", "--model", model, "--data", small], /^backprop evaluate: the model takes 784 inputs and 10 classes, but the test images are 20x20 = 400 pixels in 10 classes\n$/);
  });

  it("resuming from a model instead of a checkpoint, or from a corrupt one", async () => {
    await expectBadInput(["train", "--resume", model], /^loadCheckpoint: model\.bp is a model file, expected a checkpoint file\n$/);
    const copy = join(dir, "copy.ckpt");
    copyFileSync(model, copy);
    writeFileSync(copy, readFileSync(copy).subarray(0, 20));
    await expectBadInput(["train", "--resume", copy], /^loadCheckpoint: copy\.ckpt is truncated: its header needs \d+ bytes, got 4\n$/);
  });
});
