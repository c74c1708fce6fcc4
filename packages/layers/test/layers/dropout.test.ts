import { describe, expect, test } from "vitest";
import { Random, ones, rand, randn, tensor, zeros, type Tensor } from "@backprop/core";
import { Dropout, checkLayer } from "../../src/index.js";
import { valuesOf } from "../helpers.js";

// With one mask throughout, the layer is x * mask, linear in x, so the central difference has no truncation error;
// what is left is rounding, about 1e-16 * |loss| / h ~ 1e-11. 1e-8 leaves room and still catches a backward without
// the mask, whose error is dout itself where an element was dropped, of order 1.
const GRAD_TOLERANCE = 1e-8;

/** A Dropout of `ratio` on its own generator, and `reset`, which puts the generator back where it started. */
function dropoutWithReset(ratio: number, seed: string): { layer: Dropout; reset: () => void } {
  const rng = new Random(seed);
  const start = rng.state();
  return { layer: new Dropout(ratio, rng), reset: () => rng.restore(start) };
}

describe("Dropout", () => {
  test("training forward keeps x where the generator's uniform draw exceeds the ratio, and zeroes it elsewhere", () => {
    const x = tensor([[1, -2, 3, -4, 5], [6, -7, 8, -9, 10]]);
    // the same seed drawn by hand: the draws the layer will see, in row-major order
    const draws = valuesOf(rand([2, 5], new Random("dropout-mask")));
    // x * mask, as the book's NumPy: a dropped negative element is -0
    const expected = valuesOf(x).map((v, i) => v * (draws[i] > 0.4 ? 1 : 0));
    expect(expected.filter((v) => v === 0).length).toBeGreaterThan(0);
    expect(expected.filter((v) => v !== 0).length).toBeGreaterThan(0);
    const out = new Dropout(0.4, new Random("dropout-mask")).forward(x, true);
    expect(out.shape).toEqual([2, 5]);
    expect(valuesOf(out)).toEqual(expected);
  });

  test("train defaults to true, as the book's train_flg", () => {
    const x = randn([3, 4], new Random(1));
    expect(valuesOf(new Dropout(0.5, new Random("d")).forward(x))).toEqual(valuesOf(new Dropout(0.5, new Random("d")).forward(x, true)));
  });

  test("the same generator state gives the same mask, and the next draw another one", () => {
    const rng = new Random("dropout-state");
    const layer = new Dropout(0.5, rng);
    const x = ones([4, 6]);
    const saved = rng.state();
    const first = valuesOf(layer.forward(x, true));
    const second = valuesOf(layer.forward(x, true));
    expect(second).not.toEqual(first);
    rng.restore(saved);
    expect(valuesOf(layer.forward(x, true))).toEqual(first);
    expect(valuesOf(new Dropout(0.5, new Random("dropout-state")).forward(x, true))).toEqual(first);
  });

  test("the kept share is near 1 - ratio on a large input", () => {
    // kept ~ Binomial(n, 1 - ratio): its share has standard deviation sqrt(0.3 * 0.7 / 1e5) ~ 0.00145, so 0.01 is
    // about 7 of them, which a correct layer misses with probability below 1e-11 (and a seeded one never)
    const n = 100_000;
    const out = new Dropout(0.3, new Random("dropout-share")).forward(ones([n]), true);
    const values = valuesOf(out);
    // the book's dropout does not rescale what it keeps: every element is exactly 0 or x
    expect(values.every((v) => v === 0 || v === 1)).toBe(true);
    const kept = values.filter((v) => v === 1).length / n;
    expect(Math.abs(kept - 0.7)).toBeLessThan(0.01);
  });

  test("inference forward gives x * (1 - ratio) and draws nothing from the generator", () => {
    const rng = new Random("dropout-inference");
    const before = JSON.stringify(rng.state());
    const x = tensor([[1, -2, 0.5], [4, 0, -6]]);
    const out = new Dropout(0.2, rng).forward(x, false);
    expect(out.shape).toEqual([2, 3]);
    expect(valuesOf(out)).toEqual([1, -2, 0.5, 4, 0, -6].map((v) => v * (1 - 0.2)));
    expect(JSON.stringify(rng.state())).toBe(before);
  });

  test("ratio 0 keeps everything in training and scales by 1 at inference", () => {
    const x = randn([5, 5], new Random(2));
    const layer = new Dropout(0, new Random("dropout-zero"));
    expect(valuesOf(layer.forward(x, true))).toEqual(valuesOf(x));
    expect(valuesOf(layer.forward(x, false))).toEqual(valuesOf(x));
  });

  test("backward passes dout where the last training forward kept the element, and 0 elsewhere", () => {
    const layer = new Dropout(0.5, new Random("dropout-backward"));
    const out = valuesOf(layer.forward(ones([3, 4]), true));
    const dout = tensor([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]);
    const dx = layer.backward(dout);
    expect(dx.shape).toEqual([3, 4]);
    expect(valuesOf(dx)).toEqual(valuesOf(dout).map((v, i) => v * out[i]));
    // an inference forward in between does not change the mask that backward applies
    layer.forward(ones([3, 4]), false);
    expect(valuesOf(layer.backward(dout))).toEqual(valuesOf(dx));
  });

  describe("backward matches the numerical gradient with one mask throughout", () => {
    const rng = new Random("dropout");
    const cases: [string, number[], number][] = [
      ["(6, 5), ratio 0.5", [6, 5], 0.5],
      ["(2, 3, 4), ratio 0.2", [2, 3, 4], 0.2],
      ["(7), ratio 0.8", [7], 0.8],
    ];
    test.each(cases)("%s", (_, shape, ratio) => {
      const { layer, reset } = dropoutWithReset(ratio, `dropout-${shape.join("x")}`);
      const diff = checkLayer(layer, randn(shape, rng), rng, { reset });
      expect(Object.keys(diff)).toEqual(["x"]);
      expect(diff.x.maxAbsDiff).toBeLessThan(GRAD_TOLERANCE);
    });
  });

  test("without reset the checker sees a new mask at every forward, and fails", () => {
    const rng = new Random("dropout-no-reset");
    const diff = checkLayer(new Dropout(0.5, new Random("dropout-no-reset-mask")), randn([6, 5], rng), rng);
    expect(diff.x.maxAbsDiff).toBeGreaterThan(0.1);
  });

  test("the checker fails a Dropout whose backward forgets the mask", () => {
    class UnmaskedDropout extends Dropout {
      override backward(dout: Tensor): Tensor {
        super.backward(dout);
        return dout.copy();
      }
    }
    const rng = new Random("dropout-wrong");
    const maskRng = new Random("dropout-wrong-mask");
    const start = maskRng.state();
    const layer = new UnmaskedDropout(0.5, maskRng);
    const x = randn([6, 5], rng);
    expect(valuesOf(layer.forward(x, true)).some((v) => v === 0)).toBe(true);
    const diff = checkLayer(layer, x, rng, { reset: () => maskRng.restore(start) });
    expect(diff.x.maxAbsDiff).toBeGreaterThan(GRAD_TOLERANCE);
    expect(diff.x.maxAbsDiff).toBeGreaterThan(0.1);
  });

  test("backward leaves dout unchanged", () => {
    const layer = new Dropout(0.5, new Random(13));
    layer.forward(ones([3, 4]), true);
    const dout = randn([3, 4], new Random(14));
    const before = valuesOf(dout);
    layer.backward(dout);
    expect(valuesOf(dout)).toEqual(before);
  });

  test("backward before a training forward throws", () => {
    expect(() => new Dropout(0.5, new Random(1)).backward(zeros([2]))).toThrow(/^Dropout\.backward: called before forward$/);
    const inferenceOnly = new Dropout(0.5, new Random(1));
    inferenceOnly.forward(ones([2]), false);
    expect(() => inferenceOnly.backward(zeros([2]))).toThrow(/^Dropout\.backward: called before forward$/);
  });

  test("backward refuses a dout of another shape than the forward output", () => {
    const layer = new Dropout(0.5, new Random(1));
    layer.forward(zeros([3, 2]), true);
    expect(() => layer.backward(zeros([2, 3]))).toThrow(/^Dropout\.backward: dout must be \(3, 2\) to match the forward output, got \(2, 3\)$/);
    expect(() => layer.backward(zeros([6]))).toThrow(/^Dropout\.backward: dout must be \(3, 2\) to match the forward output, got \(6,\)$/);
  });

  test("the constructor refuses a ratio outside [0, 1)", () => {
    const rng = new Random(1);
    expect(() => new Dropout(1, rng)).toThrow(/^Dropout: ratio must be a number in \[0, 1\), got 1$/);
    expect(() => new Dropout(1.5, rng)).toThrow(/^Dropout: ratio must be a number in \[0, 1\), got 1\.5$/);
    expect(() => new Dropout(-0.1, rng)).toThrow(/^Dropout: ratio must be a number in \[0, 1\), got -0\.1$/);
    expect(() => new Dropout("0.5" as unknown as number, rng)).toThrow(/^Dropout: ratio must be a number in \[0, 1\), got "0\.5"$/);
    expect(() => new Dropout(1, rng)).toThrow(RangeError);
  });

  test("the constructor's message names a NaN ratio as NaN", () => {
    // checkOption (layers/layer.ts) prints the value with JSON.stringify, which writes NaN and Infinity as null
    expect(() => new Dropout(NaN, new Random(1))).toThrow(/^Dropout: ratio must be a number in \[0, 1\), got NaN$/);
  });

  test("toString, tag and spec", () => {
    const layer = new Dropout(0.2, new Random(1));
    expect(String(layer)).toBe("Dropout(0.2)");
    expect(layer.tag).toBe("dropout 0.2");
    expect(layer.spec()).toEqual({ type: "Dropout", ratio: 0.2 });
    expect(layer.ratio).toBe(0.2);
  });
});
