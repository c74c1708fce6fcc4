import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as ort from "onnxruntime-node";
import * as ortWeb from "onnxruntime-web";
import { afterAll, describe, expect, it } from "vitest";
import { Random, Tensor, randn, zeros } from "@backprop/core";
import { penguinsTable } from "@backprop/datasets";
import { loadMnist } from "@backprop/datasets/node";
import { Affine, Dropout, IdentityWithLoss, Net, softmax } from "@backprop/layers";
import { loadModel, saveModel } from "@backprop/layers/node";
import { cli, expectRefused, useScratch } from "./helpers.js";

// onnxruntime-node 1.30 on Linux keeps a telemetry id (.ses) and a mat-debug-<pid>.log in TMPDIR and would send
// telemetry over HTTPS: the tests use no network and leave nothing behind. Read when the first session is created.
process.env.ORT_DISABLE_TELEMETRY = "1";

const { scratch } = useScratch();
/** |a - b| <= REL_TOL * max(1, |b|), b ours: float32 precision. */
const REL_TOL = 1e-5;
const ROWS = 100;

/** The largest |a - b| and |a - b| / max(1, |b|) of each comparison, printed at the end. */
const measured = new Map<string, { maxAbs: number; maxRel: number }>();
afterAll(() => {
  const lines = [...measured].map(([key, d]) => `  ${key}: max |a - b| ${d.maxAbs.toExponential(2)}, max |a - b| / max(1, |b|) ${d.maxRel.toExponential(2)}`);
  if (lines.length > 0) console.log(`backprop export, largest |ours - theirs| over ${ROWS} rows:\n${lines.join("\n")}`);
});

/** Records how far `actual` is from `expected` under `key` and expects every element within REL_TOL * max(1, |b|). */
function expectAgreement(key: string, actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  let maxAbs = 0;
  let maxRel = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    maxAbs = Math.max(maxAbs, Number.isNaN(diff) ? Infinity : diff);
    maxRel = Math.max(maxRel, Number.isNaN(diff) ? Infinity : diff / Math.max(1, Math.abs(expected[i])));
  }
  measured.set(key, { maxAbs, maxRel });
  expect(maxRel, `${key}: max |a - b| ${maxAbs}`).toBeLessThanOrEqual(REL_TOL);
}

/** The files a command printed it wrote, as [path, bytes]. */
function writtenFiles(stdout: string): [string, number][] {
  return [...stdout.matchAll(/^ {2}(\S+) +(\d+) bytes$/gm)].map((m) => [m[1], Number(m[2])]);
}

/** A TF.js export in `dir` loaded as the browser would fetch it: model.json, then each manifest path beside it. */
async function loadTfjs(dir: string): Promise<tf.LayersModel> {
  await tf.setBackend("cpu");
  const model = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
  const groups = model.weightsManifest as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  const weightData = new Uint8Array(Buffer.concat(groups.flatMap((g) => g.paths.map((path) => readFileSync(join(dir, path)))))).buffer;
  return tf.loadLayersModel({ load: async () => ({ modelTopology: model.modelTopology, weightSpecs: groups.flatMap((g) => g.weights), weightData }) });
}

async function predictTfjs(dir: string, x: Float32Array, d: number): Promise<Float32Array> {
  const model = await loadTfjs(dir);
  const input = tf.tensor2d(x, [x.length / d, d]);
  const y = model.predict(input) as tf.Tensor;
  const data = (await y.data()) as Float32Array;
  tf.dispose([input, y]);
  return data;
}

async function predictOnnx(runtime: "node" | "web", path: string, x: Float32Array, d: number): Promise<Float32Array> {
  const bytes = readFileSync(path);
  if (runtime === "node") {
    const session = await ort.InferenceSession.create(bytes);
    const { y } = await session.run({ x: new ort.Tensor("float32", x, [x.length / d, d]) });
    await session.release();
    return y.data as Float32Array;
  }
  // both runtimes share one backend registry: the web one is asked for its wasm provider by name
  ortWeb.env.wasm.numThreads = 1;
  const session = await ortWeb.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  const { y } = await session.run({ x: new ortWeb.Tensor("float32", x, [x.length / d, d]) });
  await session.release();
  return y.data as Float32Array;
}

/** Trains with the CLI (quiet) and returns the model's path. */
async function trainModel(dir: string, name: string, ...flags: string[]): Promise<string> {
  const path = join(dir, name);
  const trained = await cli("train", ...flags, "--save", path, "--quiet");
  expect(trained.code, trained.stderr).toBe(0);
  return path;
}

/** Exports with the CLI and expects exit 0 and the files it says it wrote, at the sizes it says. */
async function exportModel(model: string, format: "tfjs" | "onnx", out: string): Promise<string> {
  const { code, stdout, stderr } = await cli("export", "--model", model, "--format", format, "--out", out);
  expect(stderr).toBe("");
  expect(code).toBe(0);
  const files = writtenFiles(stdout);
  expect(files.length).toBeGreaterThan(0);
  for (const [path, size] of files) expect(readFileSync(path).length, path).toBe(size);
  return stdout;
}

describe("backprop export of an image model: TF.js and ONNX Runtime predict the probabilities the model gives", () => {
  const mnist = loadMnist();
  const { x } = mnist.test.slice(0, ROWS);
  const pixels = Float32Array.from(x.contiguousData());
  const recipes: [string, string[]][] = [
    ["TwoLayerNet", ["--iters", "20", "--hidden", "16", "--batch-size", "50"]],
    ["MultiLayerNetExtend", ["--iters", "20", "--hidden", "16,12", "--activation", "tanh", "--batch-norm", "--dropout", "0.2", "--optimizer", "adam", "--lr", "0.01", "--batch-size", "50"]],
  ];
  for (const [name, flags] of recipes) {
    it(`${name}: ${flags.join(" ")}`, async () => {
      const dir = scratch();
      const model = await trainModel(dir, "digits.bp", ...flags);
      const { net } = loadModel(model);
      // the pixels as float32, which the exports read: ours from the very same numbers
      const ours = Float64Array.from(softmax(net.predict(Tensor.fromData(Float64Array.from(pixels), [ROWS, 784]), false)).contiguousData());

      const stdout = await exportModel(model, "tfjs", join(dir, "tfjs"));
      expect(readdirSync(join(dir, "tfjs")).sort()).toEqual(["model.json", "weights.bin"]);
      expect(stdout).toMatch(/^x \(N, 784\): the pixels \/ 255, row by row$/m);
      expect(stdout).toMatch(/^y \(N, 10\): the probabilities of the 10 classes$/m);
      if (name === "MultiLayerNetExtend") expect(stdout).toMatch(/^Dropout1 left out: its factor 1 - 0\.2 = 0\.8 is folded into Affine2's weights$/m);
      expectAgreement(`tfjs ${name} (CLI, MNIST)`, await predictTfjs(join(dir, "tfjs"), pixels, 784), ours);

      await exportModel(model, "onnx", join(dir, "digits.onnx"));
      expectAgreement(`onnxruntime-node ${name} (CLI, MNIST)`, await predictOnnx("node", join(dir, "digits.onnx"), pixels, 784), ours);
      expectAgreement(`onnxruntime-web ${name} (CLI, MNIST)`, await predictOnnx("web", join(dir, "digits.onnx"), pixels, 784), ours);
    });
  }
});

describe("backprop export of a table model: a row as the file holds it, the transform in the export", () => {
  /** The penguins as a JSON file of records, and each record's input by the export's names (`Sex=MALE` is 1 for a male). */
  function penguins(dir: string): { path: string; records: Record<string, unknown>[]; inputsOf(names: string[], rows: number[]): Float32Array } {
    const raw = penguinsTable();
    const records = raw.rows.map((cells) => Object.fromEntries(raw.columns.map((c, j) => [c, cells[j]])));
    const path = join(dir, "penguins.json");
    writeFileSync(path, JSON.stringify(records));
    const inputsOf = (names: string[], rows: number[]): Float32Array =>
      Float32Array.from(
        rows.flatMap((row) =>
          names.map((name) => {
            const [column, category] = name.split("=");
            return category === undefined ? Number(records[row][column]) : Number(records[row][column] === category);
          }),
        ),
      );
    return { path, records, inputsOf };
  }

  /** predict's CSV for `data`: by record number (1-based), the cells after it. */
  async function predicted(model: string, data: string): Promise<Map<number, string[]>> {
    const { stdout } = await cli("predict", "--model", model, "--data", data);
    const rows = stdout.trimEnd().split("\n").slice(1).map((line) => line.split(","));
    return new Map(rows.filter((cells) => cells[1] !== "").map((cells) => [Number(cells[0]), cells.slice(1)]));
  }

  it("regression of body mass: the grams TF.js (with transform.json) and ONNX Runtime give are the grams predict prints", async () => {
    const dir = scratch();
    const model = await trainModel(dir, "mass.bp", "--dataset", "penguins", "--hidden", "16,16", "--batch-norm", "--dropout", "0.1", "--optimizer", "adam", "--lr", "0.01", "--batch-size", "16", "--epochs", "5");
    const data = penguins(dir);
    const grams = await predicted(model, data.path);
    const records = [...grams.keys()].slice(0, ROWS);
    expect(records).toHaveLength(ROWS);
    const expected = records.map((record) => Number(grams.get(record)?.[0]));
    // a prediction in grams, not a z-score
    expect(expected.every((g) => g > 2000 && g < 7000)).toBe(true);

    const tfjsOut = await exportModel(model, "tfjs", join(dir, "tfjs"));
    expect(tfjsOut).toMatch(/^y \(N, 1\): Body Mass \(g\), in its units: apply transform\.json's un-scaling after model\.predict$/m);
    const sidecar = JSON.parse(readFileSync(join(dir, "tfjs", "transform.json"), "utf8"));
    expect(sidecar.inputs).toEqual(["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Sex=FEMALE", "Sex=MALE", "Species=Adelie", "Species=Chinstrap", "Species=Gentoo"]);
    expect(sidecar.outputs).toEqual(["Body Mass (g)"]);
    const x = data.inputsOf(sidecar.inputs, records.map((r) => r - 1));
    const d = sidecar.inputs.length;
    const before = x.map((v, i) => (v - sidecar.input.mean[i % d]) / sidecar.input.std[i % d]);
    const y = await predictTfjs(join(dir, "tfjs"), before, d);
    expectAgreement("tfjs penguins regression (CLI, grams)", Array.from(y, (v) => v * sidecar.output.std + sidecar.output.mean), expected);

    const onnxOut = await exportModel(model, "onnx", join(dir, "mass.onnx"));
    expect(onnxOut).toMatch(/^x \(N, 8\): Beak Length \(mm\), .*, Species=Gentoo, in the file's units: the z-score is in the graph \(Sub, Div\)$/m);
    expectAgreement("onnxruntime-node penguins regression (CLI, grams)", await predictOnnx("node", join(dir, "mass.onnx"), x, d), expected);
    expectAgreement("onnxruntime-web penguins regression (CLI, grams)", await predictOnnx("web", join(dir, "mass.onnx"), x, d), expected);
  });

  it("classification of the species: the class predict prints is the export's most probable, at the probability it prints", async () => {
    const dir = scratch();
    const model = await trainModel(dir, "species.bp", "--dataset", "penguins", "--target", "Species", "--hidden", "8", "--optimizer", "adam", "--lr", "0.01", "--batch-size", "16", "--epochs", "3");
    const data = penguins(dir);
    const classes = await predicted(model, data.path);
    const records = [...classes.keys()].slice(0, ROWS);
    await exportModel(model, "onnx", join(dir, "species.onnx"));
    await exportModel(model, "tfjs", join(dir, "tfjs"));
    const sidecar = JSON.parse(readFileSync(join(dir, "tfjs", "transform.json"), "utf8"));
    expect(sidecar.outputs).toEqual(["Adelie", "Chinstrap", "Gentoo"]);
    expect(sidecar.output).toBeUndefined();
    const d = sidecar.inputs.length;
    const x = data.inputsOf(sidecar.inputs, records.map((r) => r - 1));
    const p = await predictOnnx("node", join(dir, "species.onnx"), x, d);
    const best = records.map((_, i) => [0, 1, 2].reduce((a, c) => (p[3 * i + c] > p[3 * i + a] ? c : a), 0));
    expect(best.map((c) => sidecar.outputs[c])).toEqual(records.map((r) => classes.get(r)?.[0]));
    expectAgreement("onnxruntime-node penguins species (CLI, probability of the class)", best.map((c, i) => p[3 * i + c]), records.map((r) => Number(classes.get(r)?.[1])));
  });

  it("a tfjs export of a model without a transform removes the transform.json an earlier export left in its folder, and says so", async () => {
    const dir = scratch();
    const out = join(dir, "tfjs");
    await exportModel(await trainModel(dir, "mass.bp", "--dataset", "penguins", "--hidden", "4", "--epochs", "1", "--batch-size", "50"), "tfjs", out);
    expect(readdirSync(out).sort()).toEqual(["model.json", "transform.json", "weights.bin"]);
    const stdout = await exportModel(await trainModel(dir, "digits.bp", "--iters", "1", "--hidden", "4"), "tfjs", out);
    expect(readdirSync(out).sort()).toEqual(["model.json", "weights.bin"]);
    expect(stdout).toContain(`  ${join(out, "transform.json")}  removed: it was an earlier export's, and this model has no transform\n`);
  });
});

describe("backprop export refuses bad input with one line, exit 2, and writes nothing", () => {
  it("names its flags in --help, and backprop --help names it", async () => {
    const { code, stdout } = await cli("export", "--help");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: backprop export --model PATH --format tfjs\|onnx --out PATH$/m);
    expect([...stdout.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1])).toEqual(["--model", "--format", "--out", "--help"]);
    expect((await cli("--help")).stdout).toMatch(/^ {2}export {7}write a trained model for TensorFlow\.js/m);
  });

  it("bad flags, before any model is read", async () => {
    const dir = scratch();
    const model = join(dir, "absent.bp");
    const out = join(dir, "m.onnx");
    await expectRefused(["export", "--model", model, "--format", "xml", "--out", out], /^backprop export: --format must be tfjs or onnx, got 'xml'$/);
    await expectRefused(["export", "--model", model, "--out", out], /^backprop export: --format is required, expected tfjs or onnx$/);
    await expectRefused(["export", "--model", model, "--format", "onnx"], /^backprop export: --out PATH is required, expected a file$/);
    await expectRefused(["export", "--model", model, "--format", "tfjs"], /^backprop export: --out PATH is required, expected a folder$/);
    await expectRefused(["export", "--format", "onnx", "--out", out], /^backprop export: --model PATH is required$/);
    await expectRefused(["export", "--model", model, "--format", "onnx", "--out", out, "--opset", "11"], /^backprop export: unknown flag --opset \(see backprop export --help\)$/);
    await expectRefused(["export", "--model", model, "--format", "onnx", "--out", join(dir, "no", "m.onnx")], new RegExp(`^backprop export: --out ${join(dir, "no", "m.onnx")}: folder ${join(dir, "no")} does not exist$`));
    await expectRefused(["export", "--model", model, "--format", "onnx", "--out", dir], new RegExp(`^backprop export: --out ${dir} is a folder, expected a file name$`));
    writeFileSync(join(dir, "file"), "");
    await expectRefused(["export", "--model", model, "--format", "tfjs", "--out", join(dir, "file")], new RegExp(`^backprop export: --out ${join(dir, "file")} is a file, expected a folder for --format tfjs$`));
    await expectRefused(["export", "--model", model, "--format", "tfjs", "--out", join(dir, "no", "tfjs")], new RegExp(`^backprop export: --out ${join(dir, "no", "tfjs")}: folder ${join(dir, "no")} does not exist$`));
    expect(readdirSync(dir)).toEqual(["file"]);
  });

  it("a model that does not exist, and a file that is no model", async () => {
    const dir = scratch();
    await expectRefused(["export", "--model", join(dir, "absent.bp"), "--format", "onnx", "--out", join(dir, "m.onnx")], new RegExp(`^loadModel: ${join(dir, "absent.bp")} does not exist$`));
    writeFileSync(join(dir, "notes.bp"), "these are not weights\n");
    await expectRefused(["export", "--model", join(dir, "notes.bp"), "--format", "tfjs", "--out", join(dir, "tfjs")], /^loadModel: notes\.bp is not a backprop model file \(it does not start with "BACKPROP"\)$/);
    expect(readdirSync(dir)).toEqual(["notes.bp"]);
  });

  it("a net the format cannot express: a Dropout with no Affine after it to take its factor", async () => {
    const dir = scratch();
    const model = join(dir, "odd.bp");
    const net = new Net([["Affine1", new Affine(randn([3, 2], new Random(0)), zeros([2]))], ["Dropout1", new Dropout(0.5, new Random(0))]], new IdentityWithLoss());
    saveModel(net, model);
    for (const [format, out] of [["onnx", "m.onnx"], ["tfjs", "tfjs"]]) {
      await expectRefused(["export", "--model", model, "--format", format, "--out", join(dir, out)], new RegExp(`^backprop export: ${model}: cannot leave out Dropout1, expected an Affine after it to take its factor, got the end of the net$`));
    }
    expect(readdirSync(dir)).toEqual(["odd.bp"]);
  });
});

describe("backprop export into a folder that holds an export already", () => {
  it("writes an onnx file beside a tfjs export's model.json, each export whole", async () => {
    const dir = scratch();
    mkdirSync(join(dir, "out"));
    const model = await trainModel(dir, "d.bp", "--iters", "1", "--hidden", "4");
    await exportModel(model, "tfjs", join(dir, "out"));
    await exportModel(model, "onnx", join(dir, "out", "model.onnx"));
    expect(readdirSync(join(dir, "out")).sort()).toEqual(["model.json", "model.onnx", "weights.bin"]);
  });
});
