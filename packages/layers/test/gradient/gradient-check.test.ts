import { describe, expect, test } from "vitest";
import { Random, Tensor, randn, tensor, zeros } from "@backprop/core";
import { NUMERICAL_H, checkLayer, compareGradients, gradientCheck, numericalGradient, gradientsAgree, checkLoss, SoftmaxWithLoss, type GradientDiff, type Differentiable, type Layer, type LayerSpec } from "../../src/index.js";
import { expectClose, valuesOf } from "../helpers.js";

// The test functions below are polynomials of degree <= 2 in each element, for which the central difference
// has no truncation error; rounding leaves about 1e-16 * |f| / h ~ 1e-11. 1e-8 leaves room.
const GRAD_TOLERANCE = 1e-8;

/** The bit patterns of x's elements, to tell a value restored exactly from one merely close. */
function bitsOf(x: Tensor): bigint[] {
  return Array.from(new BigUint64Array(Float64Array.from(valuesOf(x)).buffer));
}

describe("numericalGradient", () => {
  test("of sum(x^2) at [3, 4] is [6, 8] (the book prints 6.00000000000378, 7.999999999999119)", () => {
    const grad = numericalGradient((x) => x.mul(x).sum(), tensor([3, 4]));
    expect(grad.shape).toEqual([2]);
    expectClose(grad, [6, 8], 1e-9);
  });

  test("of x0^2 + x1^2 at [0, 2] is [0, 4] and at [3, 0] is [6, 0], as in the book", () => {
    const f = (x: Tensor): number => x.get(0) ** 2 + x.get(1) ** 2;
    expectClose(numericalGradient(f, tensor([0, 2])), [0, 4], 1e-9);
    expectClose(numericalGradient(f, tensor([3, 0])), [6, 0], 1e-9);
  });

  test("uses h: for x^3 the central difference is exactly 3x^2 + h^2", () => {
    // ((1 + h)^3 - (1 - h)^3) / 2h = 3 + h^2
    expectClose(numericalGradient((x) => x.get(0) ** 3, tensor([1]), 1e-2), [3.0001], 1e-12);
    expectClose(numericalGradient((x) => x.get(0) ** 3, tensor([1])), [3 + NUMERICAL_H ** 2], 1e-10);
    expect(NUMERICAL_H).toBe(1e-4);
  });

  test("perturbs one element at a time by +h then -h", () => {
    const x = tensor([[1, 2], [3, 4]]);
    const seen: number[][] = [];
    numericalGradient((v) => {
      seen.push(valuesOf(v));
      return 0;
    }, x);
    const h = NUMERICAL_H;
    expect(seen).toEqual([
      [1 + h, 2, 3, 4],
      [1 - h, 2, 3, 4],
      [1, 2 + h, 3, 4],
      [1, 2 - h, 3, 4],
      [1, 2, 3 + h, 4],
      [1, 2, 3 - h, 4],
      [1, 2, 3, 4 + h],
      [1, 2, 3, 4 - h],
    ]);
  });

  test("restores x bit for bit, even where adding and subtracting h would not", () => {
    // in floating point 1e-5 + 1e-4 - 1e-4 !== 1e-5 and 3.3 + 1e-4 - 2e-4 + 1e-4 !== 3.3
    expect(1e-5 + NUMERICAL_H - NUMERICAL_H).not.toBe(1e-5);
    expect(3.3 + NUMERICAL_H - 2 * NUMERICAL_H + NUMERICAL_H).not.toBe(3.3);
    const x = tensor([[0.1, 1 / 3, -2.7], [1e-5, 3.3, -0]]);
    const before = bitsOf(x);
    numericalGradient((v) => v.mul(v).sum(), x);
    expect(bitsOf(x)).toEqual(before);
  });

  test("works on a transposed view: the gradient follows the view's own order", () => {
    const base = tensor([[1, 2], [3, 4], [5, 6]]);
    const x = base.T; // (2, 3), not contiguous
    const c = tensor([[1, -2, 3], [0.5, 4, -1]]);
    const grad = numericalGradient((v) => v.mul(c).sum(), x);
    expect(grad.shape).toEqual([2, 3]);
    expectClose(grad, [[1, -2, 3], [0.5, 4, -1]], GRAD_TOLERANCE);
    expect(base.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
  });

  test("keeps x's shape", () => {
    const rng = new Random(1);
    const grad = numericalGradient((v) => v.sum(), randn([2, 3, 4], rng));
    expect(grad.shape).toEqual([2, 3, 4]);
    expectClose(grad, new Array(24).fill(1), GRAD_TOLERANCE);
  });
});

describe("compareGradients", () => {
  test("gives the mean and max absolute difference and the max relative error", () => {
    // |diff| = [0.5, 0, 0, 1]; relative: 0.5 / 1.5, 0 / 2, both zero -> 0, 1 / 4
    const diff = compareGradients(tensor([[1, -2], [0, 4]]), tensor([[1.5, -2], [0, 3]]));
    expect(diff.meanAbsDiff).toBe(0.375);
    expect(diff.maxAbsDiff).toBe(1);
    expect(diff.maxRelError).toBeCloseTo(1 / 3, 15);
  });

  test("counts an element where both are 0 as relative error 0, and one where only one is 0 as 1", () => {
    expect(compareGradients(zeros([3]), zeros([3]))).toEqual({ meanAbsDiff: 0, maxAbsDiff: 0, maxRelError: 0 });
    expect(compareGradients(tensor([0, 0]), tensor([0, 1e-3])).maxRelError).toBe(1);
  });

  test("lets NaN through to maxAbsDiff, wherever it stands", () => {
    for (const [a, n] of [
      [[10, NaN], [0, 1]],
      [[NaN, 10], [1, 0]],
      [[1, 2], [1, NaN]],
    ]) {
      const diff = compareGradients(tensor(a), tensor(n));
      expect(diff.maxAbsDiff).toBeNaN();
      expect(diff.meanAbsDiff).toBeNaN();
      expect(diff.maxRelError).toBeNaN();
    }
  });

  test("compares element by element in row-major order, whatever the layout", () => {
    const a = tensor([[1, 2], [3, 4]]);
    expect(compareGradients(a.T.T, a).maxAbsDiff).toBe(0);
    expect(compareGradients(a.T, tensor([[1, 3], [2, 4]])).maxAbsDiff).toBe(0);
  });

  test("refuses gradients of different sizes", () => {
    expect(() => compareGradients(zeros([3]), zeros([2, 2]))).toThrow(/^compareGradients: sizes differ, 3 and 4$/);
  });
});

/** loss = sum(w^2 * x), whose gradient is 2 w x; `scale` 1 gives that, any other a wrong backprop. */
function quadratic(w: Tensor, scale = 1): Differentiable {
  return {
    params: { w },
    loss: (x) => w.mul(w).mul(x).sum(),
    gradient: (x) => ({ w: w.mul(x).mul(2 * scale) }),
  };
}

describe("gradientCheck", () => {
  test("passes a correct gradient, per parameter name", () => {
    const result = gradientCheck(quadratic(tensor([1, -2, 0.5])), tensor([3, 1, -4]), tensor([0]));
    expect(Object.keys(result)).toEqual(["w"]);
    expect(result.w.maxAbsDiff).toBeLessThan(GRAD_TOLERANCE);
  });

  test("fails a wrong gradient", () => {
    // a gradient of w x instead of 2 w x is off by |w x| = [3, 2, 2]
    const result = gradientCheck(quadratic(tensor([1, -2, 0.5]), 0.5), tensor([3, 1, -4]), tensor([0]));
    expect(result.w.maxAbsDiff).toBeCloseTo(3, 6);
    expect(result.w.meanAbsDiff).toBeCloseTo(7 / 3, 6);
  });

  test("refuses float32 parameters, whose rounding would swamp a step of 1e-4", () => {
    const net = quadratic(tensor([1, 2], { dtype: "float32" }));
    expect(() => gradientCheck(net, tensor([1, 1]), tensor([0]))).toThrow(/^gradientCheck: w is float32, expected float64$/);
  });
});

/** out = x * s for a parameter s (D,) broadcast over the rows of x (N, D); `wrongDs` forgets to sum ds over the rows. */
class Scale implements Layer {
  ds?: Tensor;
  private x?: Tensor;

  constructor(
    readonly s: Tensor,
    private readonly wrongDs = false,
  ) {}

  forward(x: Tensor): Tensor {
    this.x = x;
    return x.mul(this.s);
  }

  backward(dout: Tensor): Tensor {
    const x = this.x as Tensor;
    this.ds = this.wrongDs ? dout.mul(x).slice(0, 1).reshape(-1) : dout.mul(x).sum(0);
    return dout.mul(this.s);
  }

  params(): Record<string, Tensor> {
    return { s: this.s };
  }

  grads(): Record<string, Tensor> {
    return { s: this.ds as Tensor };
  }

  spec(): LayerSpec {
    return { type: "Scale" };
  }
}

describe("checkLayer", () => {
  test("checks dx and the gradient of every parameter", () => {
    const rng = new Random("check-layer");
    const result = checkLayer(new Scale(randn([4], rng)), randn([3, 4], rng), rng);
    expect(Object.keys(result)).toEqual(["x", "s"]);
    expect(result.x.maxAbsDiff).toBeLessThan(GRAD_TOLERANCE);
    expect(result.s.maxAbsDiff).toBeLessThan(GRAD_TOLERANCE);
  });

  test("fails a wrong parameter gradient while dx passes", () => {
    const rng = new Random("check-layer-wrong");
    const result = checkLayer(new Scale(randn([4], rng), true), randn([3, 4], rng), rng);
    expect(result.x.maxAbsDiff).toBeLessThan(GRAD_TOLERANCE);
    expect(result.s.maxAbsDiff).toBeGreaterThan(GRAD_TOLERANCE);
    expect(result.s.maxAbsDiff).toBeGreaterThan(0.01);
  });

  test("leaves x and the parameters as they were, bit for bit", () => {
    const rng = new Random("check-layer-restore");
    const layer = new Scale(randn([4], rng));
    const x = randn([3, 4], rng);
    const xBits = bitsOf(x);
    const sBits = bitsOf(layer.s);
    checkLayer(layer, x, rng);
    expect(bitsOf(x)).toEqual(xBits);
    expect(bitsOf(layer.s)).toEqual(sBits);
  });
});

describe("checkLayer dtype", () => {
  test("refuses float32, since central differences need float64", () => {
    const layer: Layer = { forward: (x) => x, backward: (dout) => dout, spec: () => ({ type: "Identity" }) };
    expect(() => checkLayer(layer, zeros([2], { dtype: "float32" }), new Random(0))).toThrow(/^checkLayer: x is float32, expected float64$/);
  });
});

describe("gradientsAgree", () => {
  const diff = (meanAbsDiff: number): GradientDiff => ({ meanAbsDiff, maxAbsDiff: meanAbsDiff, maxRelError: 0 });

  test("passes when every parameter is within the tolerance, and fails when only one of several is not", () => {
    expect(gradientsAgree({ W1: diff(1e-9), b1: diff(1e-7), W2: diff(1e-6) }, 1e-6)).toBe(true);
    expect(gradientsAgree({ W1: diff(1e-9), b1: diff(2e-6), W2: diff(1e-9) }, 1e-6)).toBe(false);
    expect(gradientsAgree({ W1: diff(1e-9), b1: diff(1e-9), W2: diff(1e-9), b2: diff(1e-3) }, 1e-6)).toBe(false);
  });

  test("fails a NaN difference, which no comparison with > would catch", () => {
    expect(gradientsAgree({ W1: diff(NaN), b1: diff(0) }, 1e-6)).toBe(false);
  });
});

describe("checkLoss", () => {
  test("passes SoftmaxWithLoss, and fails a loss whose backward forgets the 1 / N", () => {
    const rng = new Random("check-loss");
    const y = randn([4, 3], rng);
    const t = tensor([0, 2, 1, 2]);
    // the 1e-7 inside the log is seen by the numerical gradient only: ~1e-7 / (N y_t), y_t >= 0.05 here
    expect(checkLoss(new SoftmaxWithLoss(), y, t).maxAbsDiff).toBeLessThan(1e-5);
    const wrong = new SoftmaxWithLoss();
    const backward = wrong.backward.bind(wrong);
    wrong.backward = (dout = 1) => backward(dout).mul(4);
    expect(checkLoss(wrong, y, t).maxAbsDiff).toBeGreaterThan(0.01);
  });
});
