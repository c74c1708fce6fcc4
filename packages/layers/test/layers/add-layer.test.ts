import { describe, expect, test } from "vitest";
import { Random, Tensor, randn, tensor, zeros } from "@backprop/core";
import { AddLayer, MulLayer, type Value } from "../../src/index.js";
import { checkTwoInputLayer, valuesOf } from "../helpers.js";

// sum((x + y) * R) is linear in x and in y, so the central difference has no truncation error; what is left is
// rounding, about 1e-16 * |loss| / h ~ 1e-11 for losses of order 10. 1e-8 leaves room and still catches any
// wrong gradient, such as a broadcast axis that is not summed back (an error of the order of dout itself).
const GRAD_TOLERANCE = 1e-8;

describe("AddLayer", () => {
  test("buys apples and oranges as the book does: (100 * 2 + 150 * 3) * 1.1", () => {
    const mulAppleLayer = new MulLayer();
    const mulOrangeLayer = new MulLayer();
    const addAppleOrangeLayer = new AddLayer();
    const mulTaxLayer = new MulLayer();

    const applePrice = mulAppleLayer.forward(100, 2);
    const orangePrice = mulOrangeLayer.forward(150, 3);
    const allPrice = addAppleOrangeLayer.forward(applePrice, orangePrice);
    const price = mulTaxLayer.forward(allPrice, 1.1);
    expect(allPrice).toBe(650);
    expect(price).toBe(715.0000000000001);

    const [dAllPrice, dTax] = mulTaxLayer.backward(1);
    const [dApplePrice, dOrangePrice] = addAppleOrangeLayer.backward(dAllPrice);
    const [dOrange, dOrangeNum] = mulOrangeLayer.backward(dOrangePrice);
    const [dApple, dAppleNum] = mulAppleLayer.backward(dApplePrice);
    expect(dApplePrice).toBe(1.1);
    expect(dOrangePrice).toBe(1.1);
    expect(dAppleNum).toBe(110.00000000000001);
    expect(dApple).toBe(2.2);
    expect(dOrange).toBe(3.3000000000000003);
    expect(dOrangeNum).toBe(165);
    expect(dTax).toBe(650);
  });

  test("forward adds tensors element-wise with broadcasting", () => {
    const out = new AddLayer().forward(tensor([[1, 2, 3], [4, 5, 6]]), tensor([[10, 20, 30]]));
    expect(out.shape).toEqual([2, 3]);
    expect(out.toArray()).toEqual([[11, 22, 33], [14, 25, 36]]);
  });

  test("backward passes dout through, summed back over a broadcast axis", () => {
    const layer = new AddLayer();
    layer.forward(tensor([[1, 2, 3], [4, 5, 6]]), tensor([[10, 20, 30]]));
    const [dx, dy] = layer.backward(tensor([[1, 2, 3], [0.5, -2, 4]])) as [Tensor, Tensor];
    expect(dx.shape).toEqual([2, 3]);
    expect(dx.toArray()).toEqual([[1, 2, 3], [0.5, -2, 4]]);
    expect(dy.shape).toEqual([1, 3]);
    expect(dy.toArray()).toEqual([[1.5, 0, 7]]);
  });

  test("backward with a number input gives it the sum of dout", () => {
    const layer = new AddLayer();
    layer.forward(tensor([[1, 2], [3, 4]]), 5);
    const [dx, dy] = layer.backward(tensor([[1, 0.5], [-1, 2]]));
    expect((dx as Tensor).toArray()).toEqual([[1, 0.5], [-1, 2]]);
    expect(dy).toBe(2.5);
  });

  describe("backward matches the numerical gradient on random input", () => {
    const rng = new Random("add-layer");
    const n = 2 + rng.int(4);
    const d = 2 + rng.int(4);
    const cases: [string, () => [Value, Value]][] = [
      ["(N, D) + (N, D)", () => [randn([n, d], rng), randn([n, d], rng)]],
      ["(N, D) + (1, D)", () => [randn([n, d], rng), randn([1, d], rng)]],
      ["(N, D) + (D,)", () => [randn([n, d], rng), randn([d], rng)]],
      ["(N, 1) + (1, D)", () => [randn([n, 1], rng), randn([1, d], rng)]],
      ["(2, N, D) + (N, 1)", () => [randn([2, n, d], rng), randn([n, 1], rng)]],
      ["(N, D) + a number", () => [randn([n, d], rng), rng.normal()]],
      ["a number + (N, D)", () => [rng.normal(), randn([n, d], rng)]],
      ["a number + a number", () => [rng.normal(), rng.normal()]],
    ];
    test.each(cases)("%s", (_, make) => {
      const [x, y] = make();
      const diff = checkTwoInputLayer(new AddLayer(), x, y, rng);
      expect(diff.dx).toBeLessThan(GRAD_TOLERANCE);
      expect(diff.dy).toBeLessThan(GRAD_TOLERANCE);
    });
  });

  test("backward leaves dout unchanged, and its dx is not dout itself", () => {
    const rng = new Random(8);
    const layer = new AddLayer();
    layer.forward(randn([3, 4], rng), randn([3, 4], rng));
    const dout = randn([3, 4], rng);
    const before = valuesOf(dout);
    const [dx] = layer.backward(dout) as [Tensor, Tensor];
    expect(dout.shape).toEqual([3, 4]);
    expect(valuesOf(dout)).toEqual(before);
    dx.set([0, 0], 1234);
    expect(valuesOf(dout)).toEqual(before);
  });

  test("backward before forward throws", () => {
    expect(() => new AddLayer().backward(1)).toThrow(/^AddLayer\.backward: called before forward$/);
  });

  test("backward refuses a dout of another shape than the forward output", () => {
    const layer = new AddLayer();
    layer.forward(zeros([2, 3]), zeros([1, 3]));
    expect(() => layer.backward(zeros([1, 3]))).toThrow(/^AddLayer\.backward: dout must be \(2, 3\) to match the forward output, got \(1, 3\)$/);
  });

  test("backward refuses a number dout after a tensor forward: a number is a 0-d value", () => {
    // summing dout back to y (3,) needs dout's own shape: a number would silently give y the wrong gradient
    const layer = new AddLayer();
    layer.forward(zeros([2, 3]), zeros([3]));
    expect(() => layer.backward(1)).toThrow(/^AddLayer\.backward: dout must be \(2, 3\) to match the forward output, got \(\)$/);
  });

  test("forward refuses shapes that do not broadcast", () => {
    expect(() => new AddLayer().forward(zeros([2, 3]), zeros([2]))).toThrow(/^AddLayer\.forward: cannot broadcast \(2, 3\) with \(2,\)$/);
  });

  test("toString", () => {
    expect(String(new AddLayer())).toBe("AddLayer");
  });
});
