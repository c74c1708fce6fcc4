import onnxProto from "onnx-proto";
import { afterAll, describe, expect, test } from "vitest";
import { Net, ONNX_OPSET, TwoLayerNet, toOnnx } from "../../src/index.js";
import { agreement, cases, measured, ours, predictOnnx, printMeasured, type Case } from "./export-helpers.js";

const { onnx } = onnxProto;
const CASES = cases();
const byName = (name: string): Case => CASES.find((c) => c.name === name) as Case;
afterAll(() => printMeasured("toOnnx in ONNX Runtime 1.30"));

const decode = (bytes: Uint8Array): onnxProto.onnx.ModelProto => onnx.ModelProto.decode(bytes);
const opTypes = (bytes: Uint8Array): string[] => decode(bytes).graph?.node?.map((n) => n.opType as string) ?? [];

describe("toOnnx: predictions in ONNX Runtime agree with ours to float32 precision", () => {
  for (const runtime of ["node", "web"] as const) {
    for (const c of CASES) {
      const d = c.net.params.W1.shape[0];
      test(`${c.name} in onnxruntime-${runtime}`, async () => {
        const result = agreement(await predictOnnx(runtime, toOnnx(c.net, c.options), c.x, d), ours(c.net, c.x, c.options));
        measured.set(`onnxruntime-${runtime} ${c.name}`, result);
        expect(result.passed, `max |diff| ${result.maxAbs}`).toBe(true);
      });

      test(`${c.name} in onnxruntime-${runtime}: the same check refuses an export whose last W's first weight is off by 1e-3`, async () => {
        const W = [...c.net.layers.keys()].filter((name) => name.startsWith("Affine")).length;
        const param = c.net.params[`W${W}`];
        const saved = param.get(0, 0);
        param.set([0, 0], saved + 1e-3);
        const bytes = toOnnx(c.net, c.options);
        param.set([0, 0], saved);
        const { passed } = agreement(await predictOnnx(runtime, bytes, c.x, d), ours(c.net, c.x, c.options));
        expect(passed).toBe(false);
      });
    }
  }

  test("the batch dimension is symbolic: 1 row and 7 rows predict as the first rows of 100", async () => {
    const c = byName("MultiLayerNetExtend");
    const bytes = toOnnx(c.net, c.options);
    const all = await predictOnnx("node", bytes, c.x, 12);
    for (const n of [1, 7]) expect(Array.from(await predictOnnx("node", bytes, c.x.slice(0, 12 * n), 12))).toEqual(Array.from(all.slice(0, 4 * n)));
  });
});

describe("toOnnx: the model", () => {
  test("opset 13, IR version 7; x and y float32 (N, inputs) and (N, outputs), N symbolic", () => {
    const model = decode(toOnnx(byName("TwoLayerNet").net));
    expect(ONNX_OPSET).toBe(13);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([["", 13]]);
    expect(Number(model.irVersion)).toBe(7);
    const shape = (v: onnxProto.onnx.IValueInfoProto): [unknown, unknown, unknown, unknown] => {
      const [n, width] = v.type?.tensorType?.shape?.dim ?? [];
      return [v.name, v.type?.tensorType?.elemType, n?.dimParam, Number(width?.dimValue)];
    };
    expect(model.graph?.input?.map(shape)).toEqual([["x", onnx.TensorProto.DataType.FLOAT, "N", 12]]);
    expect(model.graph?.output?.map(shape)).toEqual([["y", onnx.TensorProto.DataType.FLOAT, "N", 4]]);
    expect(model.graph?.input?.[0].type?.tensorType?.shape?.dim?.[0].dimValue).toBeFalsy();
  });

  test("TwoLayerNet: Gemm, Relu, Gemm, Softmax over axis 1, with float32 initializers W1 b1 W2 b2", () => {
    const bytes = toOnnx(byName("TwoLayerNet").net);
    expect(opTypes(bytes)).toEqual(["Gemm", "Relu", "Gemm", "Softmax"]);
    const graph = decode(bytes).graph as onnxProto.onnx.GraphProto;
    expect(graph.node.map((n) => [n.input, n.output])).toEqual([
      [["x", "W1", "b1"], ["Affine1"]],
      [["Affine1"], ["Relu1"]],
      [["Relu1", "W2", "b2"], ["Affine2"]],
      [["Affine2"], ["y"]],
    ]);
    expect((graph.node[3].attribute ?? []).map((a) => [a.name, Number(a.i)])).toEqual([["axis", 1]]);
    expect(graph.initializer.map((t) => [t.name, t.dataType, (t.dims ?? []).map(Number), t.rawData?.length])).toEqual([
      ["W1", onnx.TensorProto.DataType.FLOAT, [12, 16], 4 * 12 * 16],
      ["b1", onnx.TensorProto.DataType.FLOAT, [16], 4 * 16],
      ["W2", onnx.TensorProto.DataType.FLOAT, [16, 4], 4 * 16 * 4],
      ["b2", onnx.TensorProto.DataType.FLOAT, [4], 4 * 4],
    ]);
  });

  test("MultiLayerNetExtend: Gemm, BatchNormalization (epsilon 1e-6 as float32), Tanh per hidden layer, no Dropout, Softmax", () => {
    const { net } = byName("MultiLayerNetExtend");
    const bytes = toOnnx(net);
    expect(opTypes(bytes)).toEqual(["Gemm", "BatchNormalization", "Tanh", "Gemm", "BatchNormalization", "Tanh", "Gemm", "Softmax"]);
    const graph = decode(bytes).graph as onnxProto.onnx.GraphProto;
    expect(graph.node[1].input).toEqual(["Affine1", "gamma1", "beta1", "runningMean1", "runningVar1"]);
    expect((graph.node[1].attribute ?? []).map((a) => [a.name, a.f])).toEqual([["epsilon", Math.fround(1e-6)]]);
    expect(graph.initializer.every((t) => t.dataType === onnx.TensorProto.DataType.FLOAT)).toBe(true);
    // W2 holds the net's W2 times the 1 - 0.3 of Dropout1, rounded to float32 once
    const W2 = graph.initializer.find((t) => t.name === "W2") as onnxProto.onnx.TensorProto;
    const stored = new Float32Array(Uint8Array.from(W2.rawData).buffer);
    expect(Array.from(stored)).toEqual(Array.from(net.params.W2.contiguousData(), (w) => Math.fround(w * 0.7)));
    expect(decode(bytes).docString).toMatch(/Dropout1 is left out, its factor 0\.7 folded into Affine2's weights; Dropout2 is left out, its factor 0\.7 folded into Affine3's weights$/);
  });

  test("regression: Sub and Div of the inputs' z-score, Gemm, Sigmoid, Gemm, Mul and Add of the target's scale; the names in the metadata", () => {
    const c = byName("regression");
    const bytes = toOnnx(c.net, c.options);
    expect(opTypes(bytes)).toEqual(["Sub", "Div", "Gemm", "Sigmoid", "Gemm", "Mul", "Add"]);
    const model = decode(bytes);
    const initializer = (name: string): number[] => {
      const t = model.graph?.initializer?.find((i) => i.name === name) as onnxProto.onnx.TensorProto;
      return Array.from(new Float32Array(Uint8Array.from(t.rawData).buffer));
    };
    expect(initializer("input_mean")).toEqual([181.5, 43.9, 17.2, 0, 1].map(Math.fround));
    expect(initializer("input_std")).toEqual([14.1, 5.5, 2.0, 1, 0.5].map(Math.fround));
    expect(initializer("output_std")).toEqual([Math.fround(805.2)]);
    expect(initializer("output_mean")).toEqual([Math.fround(4207.1)]);
    expect(model.metadataProps.map((p) => [p.key, JSON.parse(p.value ?? "")])).toEqual([
      ["inputs", ["a", "b", "c", "d", "e"]],
      ["outputs", ["mass"]],
    ]);
  });

  test("without its Dropout's factor the same layers disagree with ours: the fold is what makes leaving it out right", async () => {
    const c = byName("MultiLayerNetExtend");
    const withoutDropout = new Net([...c.net.layers].filter(([name]) => !name.startsWith("Dropout")), c.net.lastLayer);
    const { passed } = agreement(await predictOnnx("node", toOnnx(withoutDropout), c.x, 12), ours(c.net, c.x, c.options));
    expect(passed).toBe(false);
  });

  test("a float32 net gives the bytes of its float64 twin: every number is rounded to float32 once", () => {
    const { net } = byName("TwoLayerNet");
    const twin = new TwoLayerNet(12, 16, 4, { dtype: "float32" });
    for (const [name, p] of Object.entries(twin.params)) p.assign(net.params[name].astype("float32"));
    expect(toOnnx(twin)).toEqual(toOnnx(net));
  });
  test("a layer named as the graph's input is an ExportError, not a file ONNX Runtime refuses", () => {
    const { net } = byName("TwoLayerNet");
    const renamed = new Net([...net.layers].map(([name, layer]) => [name === "Relu1" ? "x" : name, layer] as const), net.lastLayer);
    expect(() => toOnnx(renamed)).toThrow(/^toOnnx: the name x is given twice in Net\(.*\), expected each layer and parameter named once \(and none x or y\)$/);
  });
});
