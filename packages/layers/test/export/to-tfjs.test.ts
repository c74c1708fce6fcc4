import { afterAll, describe, expect, test } from "vitest";
import { Net, toTfjs, type Affine, type BatchNormalization, type TfjsFiles } from "../../src/index.js";
import { agreement, cases, loadTfjs, measured, ours, predictTfjs, printMeasured, withSidecar, type Case } from "./export-helpers.js";

const CASES = cases();
const byName = (name: string): Case => CASES.find((c) => c.name === name) as Case;
afterAll(() => printMeasured("toTfjs in TF.js 4.22 (cpu)"));

/** TF.js's predictions of a case's raw inputs through an export's files, the sidecar applied around model.predict. */
async function predictions(files: TfjsFiles, c: Case): Promise<Float64Array> {
  const d = c.net.params.W1.shape[0];
  const { before, after } = withSidecar(files, c.x);
  return after(await predictTfjs(await loadTfjs(files), before, d));
}

function modelJson(files: TfjsFiles): { format: string; modelTopology: { class_name: string; config: { layers: { class_name: string; config: Record<string, unknown> }[] } }; weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[] } {
  return JSON.parse(new TextDecoder().decode(files["model.json"]));
}

/** A layer of model.json as [class, name, activation or undefined]. */
function layersOf(files: TfjsFiles): [string, unknown, unknown][] {
  return modelJson(files).modelTopology.config.layers.map((l) => [l.class_name, l.config.name, l.config.activation]);
}

describe("toTfjs: predictions in TF.js agree with ours to float32 precision", () => {
  for (const c of CASES) {
    test(`${c.name}, ${c.x.length / c.net.params.W1.shape[0]} rows`, async () => {
      const files = toTfjs(c.net, c.options);
      const result = agreement(await predictions(files, c), ours(c.net, c.x, c.options));
      measured.set(`tfjs ${c.name}`, result);
      expect(result.passed, `max |diff| ${result.maxAbs}`).toBe(true);
    });

    test(`${c.name}: the same check refuses an export whose last kernel's first weight is off by 1e-3`, async () => {
      const files = toTfjs(c.net, c.options);
      const { weights } = modelJson(files).weightsManifest[0];
      const last = weights.map((w) => w.name.endsWith("/kernel")).lastIndexOf(true);
      const offset = 4 * weights.slice(0, last).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
      const bin = files["weights.bin"].slice();
      const view = new DataView(bin.buffer);
      view.setFloat32(offset, view.getFloat32(offset, true) + 1e-3, true);
      const { passed } = agreement(await predictions({ ...files, "weights.bin": bin }, c), ours(c.net, c.x, c.options));
      expect(passed).toBe(false);
    });
  }
});

describe("toTfjs: model.json", () => {
  test("TwoLayerNet: a Sequential of two Dense layers, relu and softmax, the first with batch_input_shape", () => {
    const files = toTfjs(byName("TwoLayerNet").net);
    const model = modelJson(files);
    expect(model.format).toBe("layers-model");
    expect(model.modelTopology.class_name).toBe("Sequential");
    expect(layersOf(files)).toEqual([
      ["Dense", "Affine1", "relu"],
      ["Dense", "Affine2", "softmax"],
    ]);
    expect(model.modelTopology.config.layers[0].config).toMatchObject({ units: 16, use_bias: true, batch_input_shape: [null, 12], dtype: "float32" });
    expect(model.modelTopology.config.layers[1].config.batch_input_shape).toBeUndefined();
    expect(model.weightsManifest).toEqual([
      {
        paths: ["weights.bin"],
        weights: [
          { name: "Affine1/kernel", shape: [12, 16], dtype: "float32" },
          { name: "Affine1/bias", shape: [16], dtype: "float32" },
          { name: "Affine2/kernel", shape: [16, 4], dtype: "float32" },
          { name: "Affine2/bias", shape: [4], dtype: "float32" },
        ],
      },
    ]);
    expect(files["weights.bin"].length).toBe(4 * (12 * 16 + 16 + 16 * 4 + 4));
    expect(files["transform.json"]).toBeUndefined();
  });

  test("MultiLayerNetExtend: Dense, BatchNormalization (eps 1e-6) and tanh per hidden layer, no Dropout, softmax last", () => {
    const files = toTfjs(byName("MultiLayerNetExtend").net);
    expect(layersOf(files)).toEqual([
      ["Dense", "Affine1", "linear"],
      ["BatchNormalization", "BatchNorm1", undefined],
      ["Activation", "Activation_function1", "tanh"],
      ["Dense", "Affine2", "linear"],
      ["BatchNormalization", "BatchNorm2", undefined],
      ["Activation", "Activation_function2", "tanh"],
      ["Dense", "Affine3", "softmax"],
    ]);
    expect(modelJson(files).modelTopology.config.layers[1].config).toMatchObject({ axis: -1, epsilon: 1e-6, center: true, scale: true });
    const names = modelJson(files).weightsManifest[0].weights.map((w) => `${w.name} ${w.shape.join("x")}`);
    const bn = (k: number, n: number): string[] => ["gamma", "beta", "moving_mean", "moving_variance"].map((w) => `BatchNorm${k}/${w} ${n}`);
    expect(names).toEqual(["Affine1/kernel 12x16", "Affine1/bias 16", ...bn(1, 16), "Affine2/kernel 16x10", "Affine2/bias 10", ...bn(2, 10), "Affine3/kernel 10x4", "Affine3/bias 4"]);
  });

  test("weights.bin holds float32 little-endian numbers in manifest order: the running statistics, and the kernels after a Dropout times 1 - 0.3", () => {
    const { net } = byName("MultiLayerNetExtend");
    const bin = toTfjs(net)["weights.bin"];
    const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
    const read = (start: number, n: number): number[] => Array.from({ length: n }, (_, i) => view.getFloat32(4 * (start + i), true));
    const values = (t: { contiguousData(): ArrayLike<number> }, factor = 1): number[] => Array.from(t.contiguousData(), (v) => Math.fround(v * factor));
    const bn1 = net.layers.get("BatchNorm1") as BatchNormalization;
    const W2 = (net.layers.get("Affine2") as Affine).W;
    // Affine1 (192 + 16), then BatchNorm1's gamma, beta, moving mean and variance (16 each)
    expect(read(12 * 16 + 16 + 2 * 16, 16)).toEqual(values(bn1.runningMean));
    expect(read(12 * 16 + 16 + 3 * 16, 16)).toEqual(values(bn1.runningVar));
    expect(read(12 * 16 + 16 + 4 * 16, 16 * 10)).toEqual(values(W2, 1 - 0.3));
    // a few steps of training moved the statistics off their start (zeros)
    expect(values(bn1.runningVar).every((v) => v > 0)).toBe(true);
  });

  test("regression: Dense sigmoid, Dense linear, and transform.json with the z-score, the un-scaling and the names", () => {
    const c = byName("regression");
    const files = toTfjs(c.net, c.options);
    expect(layersOf(files)).toEqual([
      ["Dense", "Affine1", "sigmoid"],
      ["Dense", "Affine2", "linear"],
    ]);
    expect(JSON.parse(new TextDecoder().decode(files["transform.json"]))).toEqual({
      format: "backprop-transform",
      version: 1,
      inputs: ["a", "b", "c", "d", "e"],
      input: { mean: [181.5, 43.9, 17.2, 0, 1], std: [14.1, 5.5, 2.0, 1, 0.5], apply: "before model.predict: x' = (x - mean) / std, per input" },
      outputs: ["mass"],
      output: { mean: 4207.1, std: 805.2, apply: "after model.predict: y = y' * std + mean, on every output" },
    });
  });
});

describe("toTfjs: Dropout left out", () => {
  test("predicts as the book's Dropout does at inference only because its factor is folded: the same layers without it disagree", async () => {
    const c = byName("MultiLayerNetExtend");
    const withoutDropout = new Net([...c.net.layers].filter(([name]) => !name.startsWith("Dropout")), c.net.lastLayer);
    const { passed } = agreement(await predictions(toTfjs(withoutDropout), c), ours(c.net, c.x, c.options));
    expect(passed).toBe(false);
  });

  test("leaves the net as it was: its weights are not scaled, and a second export gives the same bytes", () => {
    const { net } = byName("MultiLayerNetExtend");
    const before = Array.from(net.params.W2.contiguousData());
    const a = toTfjs(net);
    expect(Array.from(net.params.W2.contiguousData())).toEqual(before);
    expect(toTfjs(net)).toEqual(a);
  });
});
