import { describe, expect, it } from "vitest";
import { Random, ShapeError, Tensor, arange, dot, tensor, zeros } from "../src/index.js";
import { matmul } from "../src/linalg.js";
import { ndOf } from "../src/tensor.js";

const A = () =>
  tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);

/** Plain nested arrays of uniform values in [-1, 1), independent of Tensor. */
function randomMatrix(rng: Random, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => 2 * rng.random() - 1));
}

function naiveMatmul(a: number[][], b: number[][]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < a.length; i++) {
    out.push([]);
    for (let j = 0; j < b[0].length; j++) {
      let s = 0;
      for (let k = 0; k < b.length; k++) s += a[i][k] * b[k][j];
      out[i].push(s);
    }
  }
  return out;
}

function transposed(a: number[][]): number[][] {
  return a[0].map((_, j) => a.map((row) => row[j]));
}

function expectMatrixClose(actual: Tensor, expected: number[][]): void {
  expect(actual.shape).toEqual([expected.length, expected[0].length]);
  const got = actual.toArray() as number[][];
  expected.forEach((row, i) => row.forEach((v, j) => expect(got[i][j]).toBeCloseTo(v, 12)));
}

describe("dot: shapes", () => {
  it("1-D . 1-D gives a 0-d inner product", () => {
    const y = dot(tensor([1, 2, 3]), tensor([4, 5, 6]));
    expect(y.shape).toEqual([]);
    expect(y.item()).toBe(32);
  });

  it("2-D . 1-D gives a vector", () => {
    const y = A().dot(tensor([1, 0, -1]));
    expect(y.shape).toEqual([2]);
    expect(y.toArray()).toEqual([-2, -2]);
  });

  it("1-D . 2-D gives a vector", () => {
    const y = tensor([1, 2]).dot(A());
    expect(y.shape).toEqual([3]);
    expect(y.toArray()).toEqual([9, 12, 15]);
  });

  it("2-D . 2-D gives a matrix", () => {
    const y = A().dot(
      tensor([
        [7, 8],
        [9, 10],
        [11, 12],
      ]),
    );
    expect(y.shape).toEqual([2, 2]);
    expect(y.toArray()).toEqual([
      [58, 64],
      [139, 154],
    ]);
  });

  it("(M, 1) . (1, N) is an outer product", () => {
    const y = tensor([[1], [2]]).dot(tensor([[3, 4, 5]]));
    expect(y.shape).toEqual([2, 3]);
    expect(y.toArray()).toEqual([
      [3, 4, 5],
      [6, 8, 10],
    ]);
  });

  it("K = 0 gives zeros", () => {
    const y = zeros([2, 0]).dot(zeros([0, 3]));
    expect(y.shape).toEqual([2, 3]);
    expect(y.toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });
});

describe("dot: views", () => {
  const x = () =>
    tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  const dout = () =>
    tensor([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);

  it("x.T.dot(dout): transposed left operand (Affine dW)", () => {
    const y = x().T.dot(dout());
    expect(y.shape).toEqual([2, 2]);
    expect(y.toArray()).toEqual([
      [6, 8],
      [8, 10],
    ]);
  });

  it("dout.dot(W.T): transposed right operand (Affine dx)", () => {
    const W = x(); // (3, 2), so W.T is (2, 3)
    const y = dout().dot(W.T);
    expect(y.shape).toEqual([3, 3]);
    expect(y.toArray()).toEqual([
      [1, 3, 5],
      [2, 4, 6],
      [3, 7, 11],
    ]);
  });

  it("both operands transposed", () => {
    const c = tensor([
      [1, 1],
      [0, 2],
    ]);
    const y = A().T.dot(c.T);
    expect(y.shape).toEqual([3, 2]);
    expect(y.toArray()).toEqual([
      [5, 8],
      [7, 10],
      [9, 12],
    ]);
  });

  it("1-D with a transposed matrix on either side", () => {
    expect(tensor([1, 2, 3]).dot(A().T).toArray()).toEqual([14, 32]);
    expect(A().T.dot(tensor([1, -1])).toArray()).toEqual([-3, -3, -3]);
  });

  it("row slices (offset views) on either side", () => {
    const s = arange(12).reshape(4, 3).slice(1, 3); // [[3, 4, 5], [6, 7, 8]]
    expect(s.dot(tensor([[1], [0], [2]])).toArray()).toEqual([[13], [22]]);
    expect(tensor([[1, 1]]).dot(s).toArray()).toEqual([[9, 11, 13]]);
    expect(s.dot(s.T).toArray()).toEqual([
      [50, 86],
      [86, 149],
    ]);
  });

  it("does not modify or alias the operands", () => {
    const a = x();
    const b = dout();
    const y = a.T.dot(b);
    expect(ndOf(y).data).not.toBe(ndOf(a).data);
    expect(a.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(b.get(2, 0)).toBe(1);
  });
});

describe("dot: against a naive triple loop", () => {
  const rng = new Random(2024);
  const a = randomMatrix(rng, 7, 13);
  const b = randomMatrix(rng, 13, 5);
  const expected = naiveMatmul(a, b);

  it("(7, 13) . (13, 5)", () => {
    expectMatrixClose(tensor(a).dot(tensor(b)), expected);
  });

  it("(13, 7).T . (13, 5)", () => {
    expectMatrixClose(tensor(transposed(a)).T.dot(tensor(b)), expected);
  });

  it("(7, 13) . (5, 13).T", () => {
    expectMatrixClose(tensor(a).dot(tensor(transposed(b)).T), expected);
  });

  it("(13, 7).T . (5, 13).T", () => {
    expectMatrixClose(tensor(transposed(a)).T.dot(tensor(transposed(b)).T), expected);
  });

  it("a right operand with a column step (every other column)", () => {
    // (13, 10) whose even columns are b: strides [10, 2]
    const wide = tensor(b.map((row) => row.flatMap((v) => [v, 99])));
    const stepped = new Tensor(ndOf(wide).step(1, 2));
    expect(stepped.shape).toEqual([13, 5]);
    expectMatrixClose(tensor(a).dot(stepped), expected);
  });

  it("a left operand with reversed rows", () => {
    const reversed = new Tensor(ndOf(tensor([...a].reverse())).step(-1, 1));
    expectMatrixClose(reversed.dot(tensor(b)), expected);
  });

  it("sums over k in order, so the bits equal the naive loop's", () => {
    expect(tensor(a).dot(tensor(b)).toArray()).toEqual(expected);
    expect(tensor(transposed(a)).T.dot(tensor(transposed(b)).T).toArray()).toEqual(expected);
  });

  it.each([
    [1, 1, 1],
    [3, 2, 3],
    [4, 5, 4],
    [8, 3, 8],
    [5, 6, 9],
    [9, 1, 6],
  ])("M %i, K %i, N %i, plain and transposed", (M, K, N) => {
    const r = new Random(M * 100 + K * 10 + N);
    const x = randomMatrix(r, M, K);
    const y = randomMatrix(r, K, N);
    const want = naiveMatmul(x, y);
    expect(tensor(x).dot(tensor(y)).toArray()).toEqual(want);
    expect(tensor(transposed(x)).T.dot(tensor(y)).toArray()).toEqual(want);
    expect(tensor(x).dot(tensor(transposed(y)).T).toArray()).toEqual(want);
  });

  it("matrix . vector against a naive sum", () => {
    const v = b.map((row) => row[0]);
    const y = tensor(a).dot(tensor(v));
    expect(y.shape).toEqual([7]);
    (y.toArray() as number[]).forEach((got, i) => expect(got).toBeCloseTo(expected[i][0], 12));
  });
});

describe("dot: dtype", () => {
  const f32 = (v: number[][]) => tensor(v, { dtype: "float32" });

  it("float32 . float32 gives float32", () => {
    const y = f32([
      [1.5, 2],
      [3, 0.25],
    ]).dot(f32([[2], [4]]));
    expect(y.dtype).toBe("float32");
    expect(y.shape).toEqual([2, 1]);
    expect(y.toArray()).toEqual([[11], [7]]);
  });

  it("float32 1-D . 1-D gives a float32 0-d tensor", () => {
    const y = tensor([1, 2], { dtype: "float32" }).dot(tensor([3, 4], { dtype: "float32" }));
    expect(y.dtype).toBe("float32");
    expect(y.item()).toBe(11);
  });

  it("float32 . float64 gives float64", () => {
    expect(f32([[1, 2]]).dot(tensor([[1], [1]])).dtype).toBe("float64");
    expect(tensor([[1, 2]]).dot(f32([[1], [1]]).T.T).dtype).toBe("float64");
  });
});

describe("matmul", () => {
  it("multiplies (M, K) by (K, N) into a fresh row-major buffer", () => {
    const y = matmul(A(), A().T);
    expect(y.shape).toEqual([2, 2]);
    expect(y.isContiguous).toBe(true);
    expect(Array.from(ndOf(y).data)).toEqual([14, 32, 32, 77]);
  });
});

describe("dot: errors", () => {
  it("throws ShapeError when the inner dimensions differ", () => {
    expect(() => dot(zeros([2, 3]), zeros([4, 5]))).toThrow(ShapeError);
    expect(() => zeros([2, 3]).dot(zeros([4, 5]))).toThrow(/^dot: cannot multiply \(2, 3\) by \(4, 5\): inner dimensions 3 and 4 differ$/);
    expect(() => zeros([3]).dot(zeros([4]))).toThrow(/^dot: cannot multiply \(3,\) by \(4,\): inner dimensions 3 and 4 differ$/);
    expect(() => zeros([2, 3]).dot(zeros([2]))).toThrow(/^dot: cannot multiply \(2, 3\) by \(2,\): inner dimensions 3 and 2 differ$/);
    expect(() => zeros([3]).dot(zeros([2, 3]))).toThrow(/^dot: cannot multiply \(3,\) by \(2, 3\): inner dimensions 3 and 2 differ$/);
  });

  it("throws ShapeError for 3-D or 0-d operands", () => {
    expect(() => zeros([2, 2, 2]).dot(zeros([2]))).toThrow(ShapeError);
    expect(() => zeros([2, 2, 2]).dot(zeros([2]))).toThrow(/^dot: supports 1-D and 2-D tensors, got \(2, 2, 2\) and \(2,\)$/);
    expect(() => zeros([2, 3]).dot(zeros([3, 2, 1]))).toThrow(/^dot: supports 1-D and 2-D tensors, got \(2, 3\) and \(3, 2, 1\)$/);
    expect(() => tensor(2).dot(zeros([3]))).toThrow(/^dot: supports 1-D and 2-D tensors, got \(\) and \(3,\)$/);
  });
});
