import { describe, expect, test } from "vitest";
import { Random, randn, tensor, zeros, type Tensor } from "@backprop/core";
import { Sigmoid, checkLayer } from "../../src/index.js";
import { expectClose, valuesOf } from "../helpers.js";

// The central difference with h = 1e-4 has truncation error h^2 / 6 * |sigmoid'''| <= 1e-8 / 6 * 0.125 ~ 2e-10
// per unit of dout, plus rounding of about 1e-16 * |loss| / h ~ 1e-11. 1e-8 is well above both and far below
// the error of a wrong backward, which is of the order of dout * sigmoid' ~ 0.1.
const GRAD_TOLERANCE = 1e-8;

describe("Sigmoid", () => {
  test("forward gives 1 / (1 + exp(-x)) (values from NumPy)", () => {
    const out = new Sigmoid().forward(tensor([[-1, 0], [1, 2]]));
    expect(out.shape).toEqual([2, 2]);
    expectClose(out, [[0.2689414213699951, 0.5], [0.7310585786300049, 0.8807970779778823]], 1e-15);
  });

  test("forward saturates to exactly 0 and 1 without NaN on huge inputs", () => {
    const out = new Sigmoid().forward(tensor([-800, -40, 40, 800]));
    const [a, b, c, d] = valuesOf(out);
    expect(a).toBe(0);
    expect(b).toBeGreaterThan(0);
    expect(b).toBeLessThan(1e-17);
    expect(c).toBe(1);
    expect(d).toBe(1);
  });

  test("backward gives dout * (1 - y) * y (values from NumPy)", () => {
    const layer = new Sigmoid();
    layer.forward(tensor([[-1, 0], [1, 2]]));
    const dx = layer.backward(tensor([[1, 2], [-1, 0.5]]));
    expect(dx.shape).toEqual([2, 2]);
    expectClose(dx, [[0.19661193324148185, 0.5], [-0.19661193324148185, 0.05249679270175331]], 1e-15);
  });

  describe("backward matches the numerical gradient on random input", () => {
    const rng = new Random("sigmoid");
    const shapes = [
      [1 + rng.int(6), 1 + rng.int(6)],
      [2 + rng.int(3), 1 + rng.int(4), 1 + rng.int(5)],
      [1 + rng.int(8)],
    ];
    test.each(shapes.map((s) => [s.join("x"), s] as const))("shape %s", (_, shape) => {
      // scaled by 3 to reach into both tails, where sigmoid' is small
      const x = randn(shape, rng).mul(3);
      const diff = checkLayer(new Sigmoid(), x, rng);
      expect(Object.keys(diff)).toEqual(["x"]);
      expect(diff.x.maxAbsDiff).toBeLessThan(GRAD_TOLERANCE);
    });
  });

  test("the checker fails a Sigmoid whose backward forgets the (1 - y) factor", () => {
    // returns dout * y instead of dout * (1 - y) * y
    class WrongSigmoid extends Sigmoid {
      private y?: Tensor;
      override forward(x: Tensor): Tensor {
        this.y = super.forward(x);
        return this.y;
      }
      override backward(dout: Tensor): Tensor {
        super.backward(dout);
        return dout.mul(this.y as Tensor);
      }
    }
    const rng = new Random("sigmoid-wrong");
    const diff = checkLayer(new WrongSigmoid(), randn([4, 5], rng), rng);
    expect(diff.x.maxAbsDiff).toBeGreaterThan(GRAD_TOLERANCE);
    expect(diff.x.maxAbsDiff).toBeGreaterThan(0.1);
  });

  test("backward leaves dout unchanged", () => {
    const rng = new Random(10);
    const layer = new Sigmoid();
    layer.forward(randn([3, 4], rng));
    const dout = randn([3, 4], rng);
    const before = valuesOf(dout);
    layer.backward(dout);
    expect(dout.shape).toEqual([3, 4]);
    expect(valuesOf(dout)).toEqual(before);
  });

  test("backward before forward throws", () => {
    expect(() => new Sigmoid().backward(zeros([2]))).toThrow(/^Sigmoid\.backward: called before forward$/);
  });

  test("backward refuses a dout of another shape than the forward output", () => {
    const layer = new Sigmoid();
    layer.forward(zeros([3, 2]));
    expect(() => layer.backward(zeros([2, 3]))).toThrow(/^Sigmoid\.backward: dout must be \(3, 2\) to match the forward output, got \(2, 3\)$/);
  });

  test("toString", () => {
    expect(String(new Sigmoid())).toBe("Sigmoid");
  });
});
