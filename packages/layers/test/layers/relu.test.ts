import { describe, expect, test } from "vitest";
import { Random, randn, tensor, zeros, type Tensor } from "@backprop/core";
import { Relu, checkLayer } from "../../src/index.js";
import { valuesOf } from "../helpers.js";

// Away from 0, Relu is linear, so the central difference has no truncation error; what is left is rounding,
// about 1e-16 * |loss| / h ~ 1e-11 here. 1e-8 leaves room and still catches a wrong mask, whose error is of the
// order of dout itself.
const GRAD_TOLERANCE = 1e-8;

// At the kink x = 0 the central difference averages the two slopes; moving every sample at least KINK_MARGIN
// (much more than h = 1e-4) away from 0 keeps x +- h on one side of it.
const KINK_MARGIN = 0.01;

/** Random normal samples pushed away from 0: x >= 0 moves up by KINK_MARGIN, x < 0 down. */
function awayFromKink(shape: number[], rng: Random): Tensor {
  const x = randn(shape, rng);
  return x.add(x.ge(0).mul(2).sub(1).mul(KINK_MARGIN));
}

describe("Relu", () => {
  test("forward zeroes the negative inputs (the book's example)", () => {
    const out = new Relu().forward(tensor([[1.0, -0.5], [-2.0, 3.0]]));
    expect(out.shape).toEqual([2, 2]);
    expect(out.toArray()).toEqual([[1, 0], [0, 3]]);
  });

  test("forward maps -Infinity to 0 and keeps Infinity", () => {
    const out = new Relu().forward(tensor([-Infinity, -2, 0, 3, Infinity]));
    expect(out.toArray()).toEqual([0, 0, 0, 3, Infinity]);
  });

  test("backward passes dout where x > 0 and blocks it where x <= 0, as the book's mask", () => {
    const layer = new Relu();
    layer.forward(tensor([[1.0, -0.5, 0], [-2.0, 3.0, 1e-300]]));
    const dx = layer.backward(tensor([[1, 2, 3], [4, 5, 6]]));
    expect(dx.shape).toEqual([2, 3]);
    expect(dx.toArray()).toEqual([[1, 0, 0], [0, 5, 6]]);
  });

  describe("backward matches the numerical gradient on random input", () => {
    const rng = new Random("relu");
    const shapes = [
      [1 + rng.int(6), 1 + rng.int(6)],
      [2 + rng.int(3), 1 + rng.int(4), 1 + rng.int(5)],
      [1 + rng.int(8)],
    ];
    test.each(shapes.map((s) => [s.join("x"), s] as const))("shape %s", (_, shape) => {
      const x = awayFromKink(shape, rng);
      const diff = checkLayer(new Relu(), x, rng);
      expect(Object.keys(diff)).toEqual(["x"]);
      expect(diff.x.maxAbsDiff).toBeLessThan(GRAD_TOLERANCE);
    });
  });

  test("the checker fails a Relu whose backward passes dout unmasked", () => {
    class UnmaskedRelu extends Relu {
      override backward(dout: Tensor): Tensor {
        super.backward(dout);
        return dout.copy();
      }
    }
    const rng = new Random("relu-wrong");
    const x = awayFromKink([4, 5], rng);
    expect(valuesOf(x).some((v) => v < 0)).toBe(true);
    const diff = checkLayer(new UnmaskedRelu(), x, rng);
    expect(diff.x.maxAbsDiff).toBeGreaterThan(GRAD_TOLERANCE);
    // the error is dout itself where x < 0, of order 1 for a standard normal dout
    expect(diff.x.maxAbsDiff).toBeGreaterThan(0.1);
  });

  test("backward leaves dout unchanged", () => {
    const rng = new Random(9);
    const layer = new Relu();
    layer.forward(randn([3, 4], rng));
    const dout = randn([3, 4], rng);
    const before = valuesOf(dout);
    layer.backward(dout);
    expect(dout.shape).toEqual([3, 4]);
    expect(valuesOf(dout)).toEqual(before);
  });

  test("forward leaves x unchanged", () => {
    const x = tensor([[1, -2], [-3, 4]]);
    new Relu().forward(x);
    expect(x.toArray()).toEqual([[1, -2], [-3, 4]]);
  });

  test("backward before forward throws", () => {
    expect(() => new Relu().backward(zeros([2]))).toThrow(/^Relu\.backward: called before forward$/);
  });

  test("backward refuses a dout of another shape than the forward output", () => {
    const layer = new Relu();
    layer.forward(zeros([2, 2]));
    expect(() => layer.backward(zeros([2, 3]))).toThrow(/^Relu\.backward: dout must be \(2, 2\) to match the forward output, got \(2, 3\)$/);
    expect(() => layer.backward(zeros([4]))).toThrow(/^Relu\.backward: dout must be \(2, 2\) to match the forward output, got \(4,\)$/);
  });

  test("toString", () => {
    expect(String(new Relu())).toBe("Relu");
  });
});
