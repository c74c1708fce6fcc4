import { describe, expect, test } from "vitest";
import { Random, randn, tensor, zeros, type Tensor } from "@backprop/core";
import { Tanh, checkLayer, type Layer } from "../../src/index.js";
import { expectClose, valuesOf } from "../helpers.js";

// The central difference with h = 1e-4 has truncation error h^2 / 6 * |tanh'''| <= 1e-8 / 6 * 2 ~ 3.3e-9 per unit of
// dout (|tanh'''| is largest, 2, at 0), so at most ~1.5e-8 for the |dout| < 4.5 of a standard normal dout of a few
// dozen elements, plus rounding of about 1e-16 * |loss| / h ~ 1e-11. 1e-7 is above both and far below the error of
// a backward without the square, which is dout * |out - out^2| ~ 0.1 to 1.
const GRAD_TOLERANCE = 1e-7;

// x (2, 3) and dout (2, 3); tanh(x) and dout * (1 - tanh(x)**2) below were computed with NumPy
const x = (): Tensor => tensor([[-2.0, -0.5, 0.0], [0.5, 1.0, 3.0]]);
const dout = (): Tensor => tensor([[1.0, 2.0, -1.0], [0.5, -3.0, 4.0]]);
const OUT = [[-0.9640275800758169, -0.46211715726000974, 0.0], [0.46211715726000974, 0.7615941559557649, 0.9950547536867305]];
const DX = [[0.07065082485316443, 1.5728954659318548, -1.0], [0.3932238664829637, -1.2599230248420783, 0.039464148661760845]];

/** Returns dout * (1 - out) instead of dout * (1 - out^2): the square forgotten. */
class UnsquaredTanh extends Tanh {
  private y?: Tensor;
  override forward(x: Tensor): Tensor {
    this.y = super.forward(x);
    return this.y;
  }
  override backward(dout: Tensor): Tensor {
    super.backward(dout);
    return dout.mul((this.y as Tensor).neg().add(1));
  }
}

describe("Tanh", () => {
  test("forward gives tanh(x) (values from NumPy)", () => {
    const out = new Tanh().forward(x());
    expect(out.shape).toEqual([2, 3]);
    expectClose(out, OUT, 1e-15);
  });

  test("forward is odd, and saturates to exactly -1 and 1 without NaN on huge inputs", () => {
    const out = valuesOf(new Tanh().forward(tensor([-800, -20, -0.5, 0.5, 20, 800])));
    expect(out[0]).toBe(-1);
    expect(out[1]).toBe(-1);
    expect(out[2]).toBe(-out[3]);
    expect(out[4]).toBe(1);
    expect(out[5]).toBe(1);
  });

  test("backward gives dout * (1 - tanh(x)^2) (values from NumPy)", () => {
    const layer = new Tanh();
    layer.forward(x());
    const dx = layer.backward(dout());
    expect(dx.shape).toEqual([2, 3]);
    expectClose(dx, DX, 1e-15);
  });

  describe("backward matches the numerical gradient on random input", () => {
    const rng = new Random("tanh");
    const shapes = [
      [1 + rng.int(6), 1 + rng.int(6)],
      [2 + rng.int(3), 1 + rng.int(4), 1 + rng.int(5)],
      [1 + rng.int(8)],
    ];
    test.each(shapes.map((s) => [s.join("x"), s] as const))("shape %s", (_, shape) => {
      // scaled by 2 to reach into both tails, where tanh' is small
      const input = randn(shape, rng).mul(2);
      const diff = checkLayer(new Tanh(), input, rng);
      expect(Object.keys(diff)).toEqual(["x"]);
      expect(diff.x.maxAbsDiff).toBeLessThan(GRAD_TOLERANCE);
    });
  });

  test("the checker fails a Tanh whose backward forgets the square", () => {
    const rng = new Random("tanh-wrong");
    const diff = checkLayer(new UnsquaredTanh(), randn([4, 5], rng), rng);
    expect(diff.x.maxAbsDiff).toBeGreaterThan(GRAD_TOLERANCE);
    expect(diff.x.maxAbsDiff).toBeGreaterThan(0.1);
  });

  test("backward leaves dout unchanged", () => {
    const rng = new Random(12);
    const layer = new Tanh();
    layer.forward(randn([3, 4], rng));
    const d = randn([3, 4], rng);
    const before = valuesOf(d);
    layer.backward(d);
    expect(d.shape).toEqual([3, 4]);
    expect(valuesOf(d)).toEqual(before);
  });

  test("forward ignores the train flag", () => {
    // through the Layer interface, as a net calls it
    const layer: Layer = new Tanh();
    expect(valuesOf(layer.forward(x(), false))).toEqual(valuesOf(layer.forward(x(), true)));
  });

  test("backward before forward throws", () => {
    expect(() => new Tanh().backward(zeros([2]))).toThrow(/^Tanh\.backward: called before forward$/);
  });

  test("backward refuses a dout of another shape than the forward output", () => {
    const layer = new Tanh();
    layer.forward(zeros([3, 2]));
    expect(() => layer.backward(zeros([2, 3]))).toThrow(/^Tanh\.backward: dout must be \(3, 2\) to match the forward output, got \(2, 3\)$/);
    expect(() => layer.backward(zeros([6]))).toThrow(/^Tanh\.backward: dout must be \(3, 2\) to match the forward output, got \(6,\)$/);
  });

  test("toString and tag", () => {
    expect(String(new Tanh())).toBe("Tanh");
    expect(new Tanh().tag).toBe("tanh");
  });
});
