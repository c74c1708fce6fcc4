import { describe, expect, test } from "vitest";
import { Random, ShapeError, randn, tensor, zeros, type Tensor } from "@backprop/core";
import { IdentityWithLoss, LOSSES, checkLoss } from "../../src/index.js";
import { valuesOf } from "../helpers.js";

// The loss is quadratic in y, so the central difference has no truncation error (the third derivative is 0); what
// is left is rounding, about 1e-16 * |loss| / h ~ 1e-11. 1e-8 leaves room and still catches a backward without the
// 1/N, which is wrong by (1 - 1/N) * |y - t|, of order 1.
const GRAD_TOLERANCE = 1e-8;

// By hand: y - t = [[1, 0], [-2, 3]], whose squares sum to 1 + 0 + 4 + 9 = 14, so loss = 14 / (2 * 2) = 3.5 and
// dy = (y - t) / 2 = [[0.5, 0], [-1, 1.5]]
const y = (): Tensor => tensor([[1, 2], [3, 4]]);
const t = (): Tensor => tensor([[0, 2], [5, 1]]);

/** Returns (y - t) * dout, forgetting that the loss is a mean over the batch. */
class SumIdentityWithLoss extends IdentityWithLoss {
  private target?: Tensor;
  override forward(y: Tensor, t: Tensor): number {
    this.target = t;
    return super.forward(y, t);
  }
  override backward(dout = 1): Tensor {
    super.backward(dout);
    return (this.y as Tensor).sub(this.target as Tensor).mul(dout);
  }
}

describe("IdentityWithLoss", () => {
  test("forward gives 1/(2N) times the sum of squared differences, and keeps the loss and y (by hand)", () => {
    const loss = new IdentityWithLoss();
    const input = y();
    expect(loss.forward(input, t())).toBe(3.5);
    expect(loss.loss).toBe(3.5);
    expect(loss.y).toBe(input);
  });

  test("the mean is over the N samples, not over the N * M elements", () => {
    // (1 + 4 + 9) / (2 * 3) = 7/3 for three samples of one output; (1 + 4 + 9) / (2 * 1) = 7 for one sample of three
    expect(new IdentityWithLoss().forward(tensor([[1], [2], [3]]), zeros([3, 1]))).toBeCloseTo(7 / 3, 15);
    expect(new IdentityWithLoss().forward(tensor([[1, 2, 3]]), zeros([1, 3]))).toBe(7);
  });

  test("a perfect prediction gives 0", () => {
    expect(new IdentityWithLoss().forward(y(), y())).toBe(0);
  });

  test("backward gives (y - t) / N (by hand)", () => {
    const loss = new IdentityWithLoss();
    loss.forward(y(), t());
    const dy = loss.backward();
    expect(dy.shape).toEqual([2, 2]);
    expect(dy.toArray()).toEqual([[0.5, 0], [-1, 1.5]]);
  });

  test("backward scales by dout", () => {
    const loss = new IdentityWithLoss();
    loss.forward(y(), t());
    expect(loss.backward(2).toArray()).toEqual([[1, 0], [-2, 3]]);
    expect(loss.backward(-0.5).toArray()).toEqual([[-0.25, -0], [0.5, -0.75]]);
  });

  test("backward leaves y and t unchanged and gives the same dy twice", () => {
    const loss = new IdentityWithLoss();
    const input = y();
    const target = t();
    loss.forward(input, target);
    const first = valuesOf(loss.backward(3));
    expect(valuesOf(loss.backward(3))).toEqual(first);
    expect(input.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(target.toArray()).toEqual([[0, 2], [5, 1]]);
  });

  describe("backward matches the numerical gradient on random input", () => {
    const rng = new Random("identity-with-loss");
    const cases: [string, number[]][] = [
      ["(5, 3)", [5, 3]],
      ["(1, 4)", [1, 4]],
      ["(8, 1)", [8, 1]],
    ];
    test.each(cases)("%s", (_, shape) => {
      const diff = checkLoss(new IdentityWithLoss(), randn(shape, rng), randn(shape, rng));
      expect(diff.maxAbsDiff).toBeLessThan(GRAD_TOLERANCE);
    });
  });

  test("the checker fails a backward without the 1/N, on a batch of more than one", () => {
    const rng = new Random("identity-with-loss-wrong");
    const diff = checkLoss(new SumIdentityWithLoss(), randn([4, 3], rng), randn([4, 3], rng));
    expect(diff.maxAbsDiff).toBeGreaterThan(GRAD_TOLERANCE);
    expect(diff.maxAbsDiff).toBeGreaterThan(0.1);
    // on one sample 1/N is 1, and the same wrong backward cannot be told apart
    expect(checkLoss(new SumIdentityWithLoss(), randn([1, 3], rng), randn([1, 3], rng)).maxAbsDiff).toBeLessThan(GRAD_TOLERANCE);
  });

  test("backward before forward throws", () => {
    expect(() => new IdentityWithLoss().backward()).toThrow(/^IdentityWithLoss\.backward: called before forward$/);
  });

  test("backward refuses a dout that is not a finite number", () => {
    const loss = new IdentityWithLoss();
    loss.forward(y(), t());
    expect(() => loss.backward(NaN)).toThrow(/^IdentityWithLoss\.backward: dout must be a finite number, got NaN$/);
    expect(() => loss.backward(Infinity)).toThrow(/^IdentityWithLoss\.backward: dout must be a finite number, got Infinity$/);
  });

  test("forward refuses y that is not (N, M) and t of another shape than y", () => {
    const loss = new IdentityWithLoss();
    expect(() => loss.forward(zeros([3]), zeros([3]))).toThrow(/^IdentityWithLoss\.forward: y must be \(N, M\), got \(3,\)$/);
    expect(() => loss.forward(zeros([2, 2]), zeros([2]))).toThrow(/^IdentityWithLoss\.forward: t must be \(2, 2\) to match y, got \(2,\)$/);
    expect(() => loss.forward(zeros([2, 2]), zeros([2, 3]))).toThrow(/^IdentityWithLoss\.forward: t must be \(2, 2\) to match y, got \(2, 3\)$/);
    expect(() => loss.forward(zeros([2, 2]), zeros([4, 1]))).toThrow(/^IdentityWithLoss\.forward: t must be \(2, 2\) to match y, got \(4, 1\)$/);
  });

  test("forward refuses a batch of no rows, whose mean loss would be NaN", () => {
    const loss = new IdentityWithLoss();
    expect(() => loss.forward(zeros([0, 3]), zeros([0, 3]))).toThrow(/^IdentityWithLoss\.forward: y must have at least one row, got \(0, 3\)$/);
    expect(() => loss.forward(zeros([0, 3]), zeros([0, 3]))).toThrow(ShapeError);
    expect(loss.loss).toBeUndefined();
  });

  test("toString, spec, and the registry builds it from its spec", () => {
    const loss = new IdentityWithLoss();
    expect(String(loss)).toBe("IdentityWithLoss");
    expect(loss.spec()).toEqual({ type: "IdentityWithLoss" });
    const built = LOSSES.fromSpec(JSON.parse(JSON.stringify(loss.spec())), undefined);
    expect(built).toBeInstanceOf(IdentityWithLoss);
    expect(built.forward(y(), t())).toBe(3.5);
  });
});
