import { describe, expect, it } from "vitest";
import {
  Random,
  ShapeError,
  abs,
  add,
  arange,
  div,
  eq,
  exp,
  ge,
  gt,
  le,
  log,
  lt,
  maximum,
  minimum,
  mul,
  ne,
  neg,
  pow,
  randn,
  sqrt,
  sub,
  tensor,
  zeros,
} from "../src/index.js";
import { ndOf } from "../src/tensor.js";

const a = () =>
  tensor([
    [1, -2, 3],
    [4, 5, -6],
  ]);
const b = () =>
  tensor([
    [2, 4, -1],
    [0.5, 5, 3],
  ]);

function expectClose(actual: number[], expected: number[], digits = 12): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], digits));
}

describe("add / sub / mul / div (tensor with tensor)", () => {
  it("add", () => {
    const y = a().add(b());
    expect(y.shape).toEqual([2, 3]);
    expect(y.toArray()).toEqual([
      [3, 2, 2],
      [4.5, 10, -3],
    ]);
  });

  it("sub", () => {
    expect(a().sub(b()).toArray()).toEqual([
      [-1, -6, 4],
      [3.5, 0, -9],
    ]);
  });

  it("mul", () => {
    expect(a().mul(b()).toArray()).toEqual([
      [2, -8, -3],
      [2, 25, -18],
    ]);
  });

  it("div", () => {
    expect(a().div(b()).toArray()).toEqual([
      [0.5, -0.5, -3],
      [8, 1, -2],
    ]);
  });

  it("div by zero gives infinities and NaN", () => {
    expect(tensor([1, -1, 0]).div(zeros([3])).toArray()).toEqual([Infinity, -Infinity, NaN]);
  });

  it("functional forms match the methods", () => {
    expect(add(a(), b()).toArray()).toEqual(a().add(b()).toArray());
    expect(sub(a(), b()).get(1, 0)).toBe(3.5);
    expect(mul(a(), b()).get(1, 2)).toBe(-18);
    expect(div(a(), b()).get(0, 2)).toBe(-3);
  });

  it("leave the operands unchanged and return a new buffer", () => {
    const x = a();
    const y = b();
    const z = x.add(y);
    expect(ndOf(z).data).not.toBe(ndOf(x).data);
    expect(x.toArray()).toEqual([
      [1, -2, 3],
      [4, 5, -6],
    ]);
    expect(y.get(1, 0)).toBe(0.5);
  });

  it("read transposed operands through their strides", () => {
    const x = arange(6).reshape(2, 3);
    const y = tensor([
      [10, 40],
      [20, 50],
      [30, 60],
    ]);
    const z = x.T.add(y);
    expect(z.shape).toEqual([3, 2]);
    expect(z.toArray()).toEqual([
      [10, 43],
      [21, 54],
      [32, 65],
    ]);
  });
});

describe("with a number", () => {
  const x = () => tensor([0.25, 0.5, 2]);

  it("tensor op number", () => {
    expect(x().add(1).toArray()).toEqual([1.25, 1.5, 3]);
    expect(x().sub(1).toArray()).toEqual([-0.75, -0.5, 1]);
    expect(x().mul(4).toArray()).toEqual([1, 2, 8]);
    expect(x().div(2).toArray()).toEqual([0.125, 0.25, 1]);
  });

  it("number op tensor keeps the operand order", () => {
    const y = sub(1, x());
    expect(y.shape).toEqual([3]);
    expect(y.toArray()).toEqual([0.75, 0.5, -1]);
    expect(div(1, x()).toArray()).toEqual([4, 2, 0.5]);
    expect(add(1, x()).toArray()).toEqual([1.25, 1.5, 3]);
    expect(mul(-2, x()).toArray()).toEqual([-0.5, -1, -4]);
  });

  it("number op 2-D tensor keeps the shape", () => {
    const y = sub(10, a());
    expect(y.shape).toEqual([2, 3]);
    expect(y.toArray()).toEqual([
      [9, 12, 7],
      [6, 5, 16],
    ]);
  });

  it("works on a transposed view", () => {
    expect(arange(6).reshape(2, 3).T.mul(2).toArray()).toEqual([
      [0, 6],
      [2, 8],
      [4, 10],
    ]);
    expect(sub(1, arange(4).reshape(2, 2).T).toArray()).toEqual([
      [1, -1],
      [0, -2],
    ]);
  });

  it("throws TypeError for two numbers", () => {
    expect(() => add(1, 2)).toThrow(TypeError);
    expect(() => add(1, 2)).toThrow(/^add: needs at least one tensor, got two numbers$/);
  });
});

describe("pow", () => {
  it("tensor to a number", () => {
    expect(a().pow(2).toArray()).toEqual([
      [1, 4, 9],
      [16, 25, 36],
    ]);
    expect(tensor([4, 9]).pow(0.5).toArray()).toEqual([2, 3]);
  });

  it("tensor to a tensor", () => {
    const base = tensor([
      [3, 2, 5],
      [4, 7, 2],
    ]);
    const e = tensor([
      [2, 3, 0],
      [0.5, 1, -1],
    ]);
    expect(base.pow(e).toArray()).toEqual([
      [9, 8, 1],
      [2, 7, 0.5],
    ]);
  });

  it("number to a tensor", () => {
    expect(pow(2, tensor([0, 1, 3, -1])).toArray()).toEqual([1, 2, 8, 0.5]);
  });
});

describe("maximum / minimum", () => {
  it("tensor with tensor", () => {
    expect(maximum(a(), b()).toArray()).toEqual([
      [2, 4, 3],
      [4, 5, 3],
    ]);
    expect(a().minimum(b()).toArray()).toEqual([
      [1, -2, -1],
      [0.5, 5, -6],
    ]);
  });

  it("with a number on either side (ReLU is maximum(0, x))", () => {
    const x = tensor([-1, 0, 2.5]);
    expect(maximum(0, x).toArray()).toEqual([0, 0, 2.5]);
    expect(x.maximum(0).toArray()).toEqual([0, 0, 2.5]);
    expect(minimum(x, 1).toArray()).toEqual([-1, 0, 1]);
    expect(minimum(1, x).toArray()).toEqual([-1, 0, 1]);
  });
});

describe("neg / exp / log / sqrt / abs", () => {
  it("neg", () => {
    const y = neg(a());
    expect(y.shape).toEqual([2, 3]);
    expect(y.toArray()).toEqual([
      [-1, 2, -3],
      [-4, -5, 6],
    ]);
    expect(a().neg().get(1, 2)).toBe(6);
  });

  it("exp", () => {
    const y = exp(tensor([0, 1, -1]));
    expect(y.shape).toEqual([3]);
    expectClose(y.toArray() as number[], [1, 2.718281828459045, 0.36787944117144233]);
    expect(tensor([0]).exp().item()).toBe(1);
  });

  it("log, with log(0) = -Infinity and log(-1) = NaN", () => {
    expectClose(log(tensor([1, Math.E * Math.E, 0.5])).toArray() as number[], [0, 2, -0.6931471805599453]);
    expect(tensor([0, -1]).log().toArray()).toEqual([-Infinity, NaN]);
  });

  it("sqrt", () => {
    expectClose(sqrt(tensor([4, 2, 0])).toArray() as number[], [2, 1.4142135623730951, 0]);
    expect(tensor([-1]).sqrt().toArray()).toEqual([NaN]);
  });

  it("tanh, odd and bounded by 1, through a transposed view", () => {
    // tanh(0.5) = (e - 1) / (e + 1) with e = exp(1), tanh(-2) = -(e^4 - 1) / (e^4 + 1)
    const e = Math.E;
    const y = tensor([[0.5, -2], [0, 40]]).T.tanh();
    expect(y.shape).toEqual([2, 2]);
    expectClose((y.toArray() as number[][]).flat(), [(e - 1) / (e + 1), 0, -(e ** 4 - 1) / (e ** 4 + 1), 1]);
    expect(tensor([-Infinity, NaN]).tanh().toArray()).toEqual([-1, NaN]);
    expect(tensor([0.25], { dtype: "float32" }).tanh().dtype).toBe("float32");
  });

  it("abs", () => {
    expect(abs(a()).toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it("read a transposed view and leave it unchanged", () => {
    const x = a();
    expect(x.T.abs().toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(x.get(0, 1)).toBe(-2);
  });

  it("work on a 0-d tensor", () => {
    const y = neg(tensor(3));
    expect(y.shape).toEqual([]);
    expect(y.item()).toBe(-3);
  });
});

describe("comparisons", () => {
  const x = () => tensor([1, 2, 3]);
  const y = () => tensor([3, 2, 1]);

  it("give 1 where true and 0 where false", () => {
    expect(gt(x(), y()).toArray()).toEqual([0, 0, 1]);
    expect(ge(x(), y()).toArray()).toEqual([0, 1, 1]);
    expect(lt(x(), y()).toArray()).toEqual([1, 0, 0]);
    expect(le(x(), y()).toArray()).toEqual([1, 1, 0]);
    expect(eq(x(), y()).toArray()).toEqual([0, 1, 0]);
    expect(ne(x(), y()).toArray()).toEqual([1, 0, 1]);
  });

  it("compare with a number", () => {
    expect(x().gt(2).toArray()).toEqual([0, 0, 1]);
    expect(x().ge(2).toArray()).toEqual([0, 1, 1]);
    expect(x().lt(2).toArray()).toEqual([1, 0, 0]);
    expect(x().le(2).toArray()).toEqual([1, 1, 0]);
    expect(x().eq(2).toArray()).toEqual([0, 1, 0]);
    expect(x().ne(2).toArray()).toEqual([1, 0, 1]);
  });

  it("keep the order with a number on the left", () => {
    expect(gt(2, x()).toArray()).toEqual([1, 0, 0]);
    expect(le(2, x()).toArray()).toEqual([0, 1, 1]);
  });

  it("build a ReLU mask (x > 0) over a matrix", () => {
    const mask = a().gt(0);
    expect(mask.shape).toEqual([2, 3]);
    expect(mask.toArray()).toEqual([
      [1, 0, 1],
      [1, 1, 0],
    ]);
  });

  it("broadcast", () => {
    expect(a().ge(tensor([1, 5, 3])).toArray()).toEqual([
      [1, 0, 1],
      [1, 1, 0],
    ]);
  });

  it("are false for NaN except ne", () => {
    const n = tensor([NaN]);
    expect(n.gt(0).item()).toBe(0);
    expect(n.le(0).item()).toBe(0);
    expect(n.eq(n).item()).toBe(0);
    expect(n.ne(n).item()).toBe(1);
  });
});

describe("dtype of results", () => {
  const f32 = () => tensor([1, 2], { dtype: "float32" });

  it("float32 with a number stays float32, rounded", () => {
    const y = f32().add(0.1);
    expect(y.dtype).toBe("float32");
    expect(y.toArray()).toEqual([1.100000023841858, 2.0999999046325684]);
    expect(sub(1, f32()).dtype).toBe("float32");
  });

  it("float32 with float32 stays float32", () => {
    expect(f32().mul(f32()).dtype).toBe("float32");
    expect(f32().gt(f32()).dtype).toBe("float32");
  });

  it("float32 with float64 gives float64", () => {
    const y = f32().add(tensor([0.1, 0.1]));
    expect(y.dtype).toBe("float64");
    expect(y.toArray()).toEqual([1.1, 2.1]);
    expect(tensor([1, 2]).add(f32()).dtype).toBe("float64");
  });

  it("unary ops keep the dtype", () => {
    expect(f32().exp().dtype).toBe("float32");
    expect(f32().neg().dtype).toBe("float32");
  });
});

describe("in-place ops", () => {
  it("isub with a view of its own buffer reads the values from before the update, as NumPy", () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    x.isub(x.T);
    // [[1-1, 2-3], [3-2, 4-4]]
    expect(x.toArray()).toEqual([
      [0, -1],
      [1, 0],
    ]);
  });

  it("isub subtracts a same-shape tensor and returns this", () => {
    const x = a();
    const data = ndOf(x).data;
    const r = x.isub(b());
    expect(r).toBe(x);
    expect(ndOf(x).data).toBe(data);
    expect(x.toArray()).toEqual([
      [-1, -6, 4],
      [3.5, 0, -9],
    ]);
  });

  it("iadd / imul / idiv / assign with a number", () => {
    const x = tensor([1, 2, 4]);
    expect(x.iadd(1)).toBe(x);
    expect(x.toArray()).toEqual([2, 3, 5]);
    expect(x.imul(2)).toBe(x);
    expect(x.toArray()).toEqual([4, 6, 10]);
    expect(x.idiv(4)).toBe(x);
    expect(x.toArray()).toEqual([1, 1.5, 2.5]);
    expect(x.isub(0.5)).toBe(x);
    expect(x.toArray()).toEqual([0.5, 1, 2]);
    expect(x.assign(7)).toBe(x);
    expect(x.toArray()).toEqual([7, 7, 7]);
  });

  it("broadcast a row into this shape", () => {
    const x = a();
    x.iadd(tensor([10, 20, 30]));
    expect(x.shape).toEqual([2, 3]);
    expect(x.toArray()).toEqual([
      [11, 18, 33],
      [14, 25, 24],
    ]);
  });

  it("broadcast a column into this shape", () => {
    const x = a();
    x.imul(tensor([[2], [-1]]));
    expect(x.toArray()).toEqual([
      [2, -4, 6],
      [-4, -5, 6],
    ]);
    const y = a();
    y.idiv(tensor([[1], [2]]));
    expect(y.toArray()).toEqual([
      [1, -2, 3],
      [2, 2.5, -3],
    ]);
  });

  it("broadcast a 0-d tensor", () => {
    const x = tensor([1, 2]);
    x.isub(tensor(1));
    expect(x.toArray()).toEqual([0, 1]);
  });

  it("assign copies a tensor into this, broadcasting", () => {
    const x = zeros([2, 3]);
    const r = x.assign(tensor([1, 2, 3]));
    expect(r).toBe(x);
    expect(x.toArray()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    x.assign(b());
    expect(x.toArray()).toEqual([
      [2, 4, -1],
      [0.5, 5, 3],
    ]);
  });

  it("read other through its strides", () => {
    const x = zeros([3, 2]);
    x.assign(arange(6).reshape(2, 3).T);
    expect(Array.from(ndOf(x).data)).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it("write through a view into its base", () => {
    const base = arange(6).reshape(2, 3);
    base.T.iadd(tensor([10, 20]));
    expect(base.toArray()).toEqual([
      [10, 11, 12],
      [23, 24, 25],
    ]);
    base.slice(1).assign(0);
    expect(base.toArray()).toEqual([
      [10, 11, 12],
      [0, 0, 0],
    ]);
  });

  it("leave other unchanged", () => {
    const x = a();
    const y = b();
    x.iadd(y);
    expect(y.toArray()).toEqual([
      [2, 4, -1],
      [0.5, 5, 3],
    ]);
  });

  it("throw ShapeError when other would broadcast this to a bigger shape", () => {
    const x = tensor([1, 2, 3]);
    expect(() => x.isub(a())).toThrow(ShapeError);
    expect(() => x.isub(a())).toThrow(/^isub: cannot broadcast \(2, 3\) into \(3,\) in place$/);
    expect(() => zeros([2, 1]).iadd(zeros([2, 3]))).toThrow(/^iadd: cannot broadcast \(2, 3\) into \(2, 1\) in place$/);
    expect(() => zeros([3]).assign(zeros([1, 3]))).toThrow(/^assign: cannot broadcast \(1, 3\) into \(3,\) in place$/);
    expect(x.toArray()).toEqual([1, 2, 3]);
  });

  it("throw ShapeError when the shapes cannot broadcast at all", () => {
    const x = a();
    expect(() => x.imul(zeros([3, 3]))).toThrow(ShapeError);
    expect(() => x.imul(zeros([3, 3]))).toThrow(/^imul: cannot broadcast \(2, 3\) with \(3, 3\)$/);
    expect(() => x.idiv(zeros([2]))).toThrow(/^idiv: cannot broadcast \(2, 3\) with \(2,\)$/);
    expect(x.get(0, 0)).toBe(1);
  });
});

describe("isubScaled", () => {
  it("subtracts scale * other in place and returns this", () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const data = ndOf(x).data;
    const r = x.isubScaled(
      tensor([
        [10, 20],
        [30, 40],
      ]),
      0.5,
    );
    expect(r).toBe(x);
    expect(ndOf(x).data).toBe(data);
    expect(x.toArray()).toEqual([
      [-4, -8],
      [-12, -16],
    ]);
  });

  it("gives in float64 the very bits of isub(other.mul(scale))", () => {
    const rng = new Random(3);
    const W = randn([7, 5], rng);
    const dW = randn([7, 5], rng);
    const expected = W.copy().isub(dW.mul(0.1));
    expect(Array.from(ndOf(W.isubScaled(dW, 0.1)).data)).toEqual(Array.from(ndOf(expected).data));
  });

  it("gives the same bits for a non-contiguous operand as for a contiguous one, in every dtype pairing", () => {
    // (a - scale * b) in float64, stored in x's dtype: a view must not round scale * b to float32 first
    const values = [
      [0.1, 0.2, 0.7],
      [0.3, 0.7, 1e-3],
    ];
    for (const xType of ["float64", "float32"] as const) {
      for (const oType of ["float64", "float32"] as const) {
        const contiguous = tensor(values, { dtype: xType }).isubScaled(tensor(values, { dtype: oType }), 0.3);
        const view = tensor(values, { dtype: xType }).isubScaled(tensor(values, { dtype: oType }).T.copy().T, 0.3);
        const intoView = tensor(values, { dtype: xType }).T.copy().T.isubScaled(tensor(values, { dtype: oType }), 0.3);
        const b = tensor(values, { dtype: oType }).toArray() as number[][];
        const expected = (tensor(values, { dtype: xType }).toArray() as number[][]).map((row, i) => row.map((v, j) => v - 0.3 * b[i][j]));
        const stored = tensor(expected, { dtype: xType }).toArray();
        expect(contiguous.toArray(), `${xType} -= ${oType}`).toEqual(stored);
        expect(view.toArray(), `${xType} -= ${oType} view`).toEqual(stored);
        expect(intoView.toArray(), `${xType} view -= ${oType}`).toEqual(stored);
      }
    }
  });

  it("falls back to isub for broadcast, non-contiguous and aliased operands", () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    x.isubScaled(tensor([1, 2]), 2);
    expect(x.toArray()).toEqual([
      [-1, -2],
      [1, 0],
    ]);
    x.isubScaled(x.T, 1);
    // [[-1 - -1, -2 - 1], [1 - -2, 0 - 0]]
    expect(x.toArray()).toEqual([
      [0, -3],
      [3, 0],
    ]);
    expect(() => x.isubScaled(tensor([1, 2, 3]), 1)).toThrow(/^isub: cannot broadcast \(2, 2\) with \(3,\)$/);
  });
});
