import { describe, expect, test } from "vitest";
import { Random, randn, tensor, zeros, type Tensor } from "@backprop/core";
import { Affine, checkLayer } from "../../src/index.js";
import { expectClose, valuesOf } from "../helpers.js";

// sum((x·W + b) * R) is linear in each of x, W and b, so the central difference has no truncation error; what is
// left is rounding, about 1e-16 * |loss| / h ~ 1e-11 for losses of order 10. 1e-8 leaves room and still catches
// any wrong gradient (a missing transpose or sum is an error of the order of the values).
const GRAD_TOLERANCE = 1e-8;

// x (2, 3), W (3, 2), b (2) and dout (2, 2); the expected values below are x @ W + b, dout @ W.T, x.T @ dout and
// dout.sum(0), computed with NumPy
const x = (): Tensor => tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]]);
const W = (): Tensor => tensor([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]]);
const b = (): Tensor => tensor([0.01, -0.02]);
const dout = (): Tensor => tensor([[1.0, -1.0], [0.5, 2.0]]);

describe("Affine", () => {
  test("forward gives x·W + b", () => {
    const out = new Affine(W(), b()).forward(x());
    expect(out.shape).toEqual([2, 2]);
    expectClose(out, [[-0.79, 2.38], [-0.94, 1.58]], 1e-15);
  });

  test("backward gives dx = dout·W^T and keeps dW = x^T·dout, db = sum of dout over the batch", () => {
    const layer = new Affine(W(), b());
    layer.forward(x());
    const dx = layer.backward(dout());
    expect(dx.shape).toEqual([2, 3]);
    expectClose(dx, [[0.30000000000000004, -0.10000000000000003, -1.1], [-0.35000000000000003, 0.9500000000000001, 0.95]], 1e-15);
    expect(layer.dW?.shape).toEqual([3, 2]);
    expectClose(layer.dW as Tensor, [[0.5, -3], [2.25, -1], [4, 1]], 1e-15);
    expect(layer.db?.shape).toEqual([2]);
    expectClose(layer.db as Tensor, [1.5, 1], 1e-15);
    expect(layer.grads().W).toBe(layer.dW);
    expect(layer.grads().b).toBe(layer.db);
  });

  test("forward flattens an input of more dimensions, and backward gives dx in that shape", () => {
    // x (2, 1, 2, 2) is read as (2, 4): rows [1, 2, 3, 4] and [0, -1, 0.5, 2]
    const layer = new Affine(tensor([[1], [10], [100], [1000]]), tensor([0.5]));
    const out = layer.forward(tensor([[[[1, 2], [3, 4]]], [[[0, -1], [0.5, 2]]]]));
    expect(out.shape).toEqual([2, 1]);
    expect(out.toArray()).toEqual([[4321.5], [2040.5]]);
    const dx = layer.backward(tensor([[1], [2]]));
    expect(dx.shape).toEqual([2, 1, 2, 2]);
    expect(dx.toArray()).toEqual([[[[1, 10], [100, 1000]]], [[[2, 20], [200, 2000]]]]);
    expect(layer.dW?.toArray()).toEqual([[1], [0], [4], [8]]);
  });

  describe("backward matches the numerical gradient on random input, for x, W and b", () => {
    const rng = new Random("affine");
    const n = 1 + rng.int(5);
    const d = 1 + rng.int(6);
    const m = 1 + rng.int(6);
    const cases: [string, number[], number][] = [
      [`x (${n}, ${d})`, [n, d], d],
      [`x (${n}, 1, 4, 4) flattened`, [n, 1, 4, 4], 16],
      ["x (1, 1)", [1, 1], 1],
    ];
    test.each(cases)("%s", (_, shape, inputSize) => {
      const layer = new Affine(randn([inputSize, m], rng), randn([m], rng));
      const diff = checkLayer(layer, randn(shape, rng), rng);
      expect(Object.keys(diff)).toEqual(["x", "W", "b"]);
      expect(diff.x.maxAbsDiff).toBeLessThan(GRAD_TOLERANCE);
      expect(diff.W.maxAbsDiff).toBeLessThan(GRAD_TOLERANCE);
      expect(diff.b.maxAbsDiff).toBeLessThan(GRAD_TOLERANCE);
    });
  });

  test("the checker fails an Affine whose dW misses the transpose of x", () => {
    class WrongAffine extends Affine {
      private input?: Tensor;
      override forward(x: Tensor): Tensor {
        this.input = x;
        return super.forward(x);
      }
      override backward(dout: Tensor): Tensor {
        const dx = super.backward(dout);
        // x^T·dout is (D, M); with N = D = M, x·dout has the same shape and the wrong values
        this.dW = (this.input as Tensor).dot(dout);
        return dx;
      }
    }
    const rng = new Random("affine-wrong");
    const diff = checkLayer(new WrongAffine(randn([3, 3], rng), randn([3], rng)), randn([3, 3], rng), rng);
    expect(diff.x.maxAbsDiff).toBeLessThan(GRAD_TOLERANCE);
    expect(diff.b.maxAbsDiff).toBeLessThan(GRAD_TOLERANCE);
    expect(diff.W.maxAbsDiff).toBeGreaterThan(GRAD_TOLERANCE);
    expect(diff.W.maxAbsDiff).toBeGreaterThan(0.1);
  });

  test("params() are the very tensors given to the constructor", () => {
    const w = W();
    const bias = b();
    const layer = new Affine(w, bias);
    expect(layer.params().W).toBe(w);
    expect(layer.params().b).toBe(bias);
    expect(layer.W).toBe(w);
  });

  test("backward leaves dout unchanged", () => {
    const rng = new Random(11);
    const layer = new Affine(randn([4, 3], rng), randn([3], rng));
    layer.forward(randn([5, 4], rng));
    const d = randn([5, 3], rng);
    const before = valuesOf(d);
    layer.backward(d);
    expect(d.shape).toEqual([5, 3]);
    expect(valuesOf(d)).toEqual(before);
  });

  test("grads() before any backward throws", () => {
    expect(() => new Affine(W(), b()).grads()).toThrow(/^Affine\.grads: no gradients before the first backward$/);
  });

  test("backward before forward throws", () => {
    expect(() => new Affine(W(), b()).backward(dout())).toThrow(/^Affine\.backward: called before forward$/);
  });

  test("forward refuses an x that does not match W", () => {
    const layer = new Affine(zeros([784, 50]), zeros([50]));
    expect(() => layer.forward(zeros([100, 785]))).toThrow(/^Affine\.forward: x must be \(N, 784\) to match W \(784, 50\), got \(100, 785\)$/);
    expect(() => layer.forward(zeros([784]))).toThrow(/^Affine\.forward: x must be \(N, 784\) to match W \(784, 50\), got \(784,\)$/);
    expect(() => layer.forward(zeros([2, 1, 28, 27]))).toThrow(/^Affine\.forward: x must be \(N, 784\) to match W \(784, 50\), got \(2, 1, 28, 27\)$/);
  });

  test("backward refuses a dout of another shape than the forward output", () => {
    const layer = new Affine(zeros([784, 50]), zeros([50]));
    layer.forward(zeros([100, 784]));
    expect(() => layer.backward(zeros([100, 49]))).toThrow(/^Affine\.backward: dout must be \(100, 50\) to match the forward output, got \(100, 49\)$/);
    expect(() => layer.backward(zeros([50]))).toThrow(/^Affine\.backward: dout must be \(100, 50\) to match the forward output, got \(50,\)$/);
  });

  test("the constructor refuses W and b that do not fit", () => {
    expect(() => new Affine(zeros([784, 50]), zeros([49]))).toThrow(/^Affine: W must be \(D, M\) and b \(M\), got W \(784, 50\) and b \(49,\)$/);
    expect(() => new Affine(zeros([784, 50]), zeros([1, 50]))).toThrow(/^Affine: W must be \(D, M\) and b \(M\), got W \(784, 50\) and b \(1, 50\)$/);
    expect(() => new Affine(zeros([784]), zeros([784]))).toThrow(/^Affine: W must be \(D, M\) and b \(M\), got W \(784,\) and b \(784,\)$/);
  });

  test("toString", () => {
    expect(String(new Affine(zeros([784, 50]), zeros([50])))).toBe("Affine(784 -> 50)");
  });
});

describe("Affine on an empty batch", () => {
  test("maps (0, D) to (0, M) and names the right shape when D is wrong", () => {
    const layer = new Affine(zeros([4, 3]), zeros([3]));
    expect(layer.forward(zeros([0, 4])).shape).toEqual([0, 3]);
    expect(() => layer.forward(zeros([0, 5]))).toThrow(/^Affine\.forward: x must be \(N, 4\) to match W \(4, 3\), got \(0, 5\)$/);
  });
});

describe("Affine.backwardParams", () => {
  test("keeps the same dW and db as backward, without computing dx", () => {
    const rng = new Random(5);
    const W = randn([4, 3], rng);
    const b = randn([3], rng);
    const x = randn([2, 4], rng);
    const dout = randn([2, 3], rng);
    const full = new Affine(W, b);
    full.forward(x);
    full.backward(dout);
    const params = new Affine(W, b);
    params.forward(x);
    expect(params.backwardParams(dout)).toBeUndefined();
    expect(valuesOf(params.dW as Tensor)).toEqual(valuesOf(full.dW as Tensor));
    expect(valuesOf(params.db as Tensor)).toEqual(valuesOf(full.db as Tensor));
    expect(() => new Affine(W, b).backwardParams(dout)).toThrow(/^Affine\.backward: called before forward$/);
  });
});
