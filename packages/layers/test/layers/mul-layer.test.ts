import { describe, expect, test } from "vitest";
import { Random, Tensor, randn, tensor, zeros } from "@backprop/core";
import { MulLayer, type Value } from "../../src/index.js";
import { checkTwoInputLayer, expectClose, valuesOf } from "../helpers.js";

// sum(x * y * R) is linear in x and in y, so the central difference has no truncation error; what is left is
// rounding, about 1e-16 * |loss| / h ~ 1e-11 for losses of order 10. 1e-8 leaves room and still catches any
// wrong gradient, whose error is of the order of the values themselves.
const GRAD_TOLERANCE = 1e-8;

describe("MulLayer", () => {
  test("buys apples as the book does: 100 * 2 apples * 1.1 tax", () => {
    const mulAppleLayer = new MulLayer();
    const mulTaxLayer = new MulLayer();
    const applePrice = mulAppleLayer.forward(100, 2);
    const price = mulTaxLayer.forward(applePrice, 1.1);
    expect(price).toBe(220.00000000000003);

    const [dApplePrice, dTax] = mulTaxLayer.backward(1);
    const [dApple, dAppleNum] = mulAppleLayer.backward(dApplePrice);
    expect(dApplePrice).toBe(1.1);
    expect(dTax).toBe(200);
    expect(dApple).toBe(2.2);
    expect(dAppleNum).toBe(110.00000000000001);
  });

  test("forward multiplies tensors element-wise with broadcasting", () => {
    const out = new MulLayer().forward(tensor([[1, 2, 3], [4, 5, 6]]), tensor([10, 0.5, -1]));
    expect(out.shape).toEqual([2, 3]);
    expect(out.toArray()).toEqual([[10, 1, -3], [40, 2.5, -6]]);
  });

  test("backward on tensors gives [dout * y, dout * x], summed back over a broadcast axis", () => {
    const layer = new MulLayer();
    layer.forward(tensor([[1, 2, 3], [4, 5, 6]]), tensor([10, 0.5, -1]));
    const [dx, dy] = layer.backward(tensor([[1, 1, 1], [2, 0, -1]])) as [Tensor, Tensor];
    expect(dx.shape).toEqual([2, 3]);
    expect(dx.toArray()).toEqual([[10, 0.5, -1], [20, 0, 1]]);
    expect(dy.shape).toEqual([3]);
    // column sums of dout * x: 1*1 + 2*4, 1*2 + 0*5, 1*3 + (-1)*6
    expect(dy.toArray()).toEqual([9, 2, -3]);
  });

  describe("backward matches the numerical gradient on random input", () => {
    const rng = new Random("mul-layer");
    const n = 2 + rng.int(4);
    const d = 2 + rng.int(4);
    const cases: [string, () => [Value, Value]][] = [
      ["(N, D) * (N, D)", () => [randn([n, d], rng), randn([n, d], rng)]],
      ["(N, D) * (D,)", () => [randn([n, d], rng), randn([d], rng)]],
      ["(D,) * (N, D)", () => [randn([d], rng), randn([n, d], rng)]],
      ["(N, D) * (1, D)", () => [randn([n, d], rng), randn([1, d], rng)]],
      ["(N, 1) * (1, D)", () => [randn([n, 1], rng), randn([1, d], rng)]],
      ["(2, N, D) * (N, 1)", () => [randn([2, n, d], rng), randn([n, 1], rng)]],
      ["(N, D) * a number", () => [randn([n, d], rng), rng.normal()]],
      ["a number * (N, D)", () => [rng.normal(), randn([n, d], rng)]],
      ["a number * a number", () => [rng.normal(), rng.normal()]],
    ];
    test.each(cases)("%s", (_, make) => {
      const [x, y] = make();
      const diff = checkTwoInputLayer(new MulLayer(), x, y, rng);
      expect(diff.dx).toBeLessThan(GRAD_TOLERANCE);
      expect(diff.dy).toBeLessThan(GRAD_TOLERANCE);
    });
  });

  test("backward with a number input returns a number: the sum of dout * the other input", () => {
    const layer = new MulLayer();
    layer.forward(tensor([[1, 2], [3, 4]]), 3);
    const [dx, dy] = layer.backward(tensor([[1, 0], [-1, 2]]));
    expect((dx as Tensor).toArray()).toEqual([[3, 0], [-3, 6]]);
    expect(dy).toBe(1 * 1 + 0 * 2 - 1 * 3 + 2 * 4);
  });

  test("backward leaves dout unchanged", () => {
    const rng = new Random(7);
    const layer = new MulLayer();
    layer.forward(randn([3, 4], rng), randn([4], rng));
    const dout = randn([3, 4], rng);
    const before = valuesOf(dout);
    layer.backward(dout);
    expect(dout.shape).toEqual([3, 4]);
    expect(valuesOf(dout)).toEqual(before);
  });

  test("backward before forward throws", () => {
    expect(() => new MulLayer().backward(1)).toThrow(/^MulLayer\.backward: called before forward$/);
  });

  test("backward refuses a dout of another shape than the forward output", () => {
    const layer = new MulLayer();
    layer.forward(zeros([2, 3]), zeros([3]));
    expect(() => layer.backward(zeros([3, 2]))).toThrow(/^MulLayer\.backward: dout must be \(2, 3\) to match the forward output, got \(3, 2\)$/);
    expect(() => layer.backward(zeros([3]))).toThrow(/^MulLayer\.backward: dout must be \(2, 3\) to match the forward output, got \(3,\)$/);
  });

  test("backward refuses a number dout after a tensor forward: a number is a 0-d value", () => {
    const layer = new MulLayer();
    layer.forward(zeros([2, 3]), zeros([3]));
    expect(() => layer.backward(1)).toThrow(/^MulLayer\.backward: dout must be \(2, 3\) to match the forward output, got \(\)$/);
  });

  test("forward refuses shapes that do not broadcast", () => {
    expect(() => new MulLayer().forward(zeros([2, 3]), zeros([4]))).toThrow(/^MulLayer\.forward: cannot broadcast \(2, 3\) with \(4,\)$/);
  });

  test("toString", () => {
    expect(String(new MulLayer())).toBe("MulLayer");
  });

  test("works on float32 tensors too", () => {
    const layer = new MulLayer();
    const out = layer.forward(tensor([1.5, -2], { dtype: "float32" }), tensor([2, 0.25], { dtype: "float32" }));
    expect(out.dtype).toBe("float32");
    expectClose(out, [3, -0.5], 0);
  });
});
