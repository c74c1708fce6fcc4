import { describe, expect, it } from "vitest";
import { Random, Tensor, gemmKernel, tensor, zeros, type DType } from "../../src/index.js";
import { matmul } from "../../src/linalg.js";
import type { GemmKernel } from "../../src/kernels/kernel.js";
import { ndOf } from "../../src/tensor.js";

const KERNELS: GemmKernel[] = ["ts", "wasm"];
const AWKWARD_SIZES = [1, 3, 7, 17, 63, 65];
const LAYOUTS = ["plain", "transposed", "row slice", "column slice"] as const;
type Layout = (typeof LAYOUTS)[number];
// Higham's bound on a float32 sum of K products: |error| <= K * 2^-24 * sum |a b|
const FLOAT32_UNIT_ROUNDOFF = 2 ** -24;

/** Plain nested arrays of uniform values in [-1, 1), rounded to float32 when asked, independent of Tensor. */
function randomMatrix(rng: Random, rows: number, cols: number, dtype: DType): number[][] {
  const round = dtype === "float32" ? Math.fround : (v: number) => v;
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => round(2 * rng.random() - 1)));
}

const SPARSITIES = ["entries", "rows", "blocks"] as const;
type Sparsity = (typeof SPARSITIES)[number];

/**
 * randomMatrix with about 80% of its values zero, half of those -0: single entries, whole rows (a black image in
 * x), or 4x4 blocks (black patches, so MR-row tiles of A are all zero at many steps, in x and in x^T).
 */
function sparseMatrix(rng: Random, rows: number, cols: number, dtype: DType, sparsity: Sparsity): number[][] {
  const m = randomMatrix(rng, rows, cols, dtype);
  const rowZero = m.map(() => rng.random() < 0.8);
  const blockZero = Array.from({ length: Math.ceil(rows / 4) }, () => Array.from({ length: Math.ceil(cols / 4) }, () => rng.random() < 0.8));
  return m.map((row, i) =>
    row.map((v, k) => {
      const zero = { entries: rng.random() < 0.8, rows: rowZero[i], blocks: blockZero[i >> 2][k >> 2] }[sparsity];
      return zero ? (rng.random() < 0.5 ? -0 : 0) : v;
    }),
  );
}

function transposed(m: number[][]): number[][] {
  return m[0].map((_, j) => m.map((row) => row[j]));
}

/** A plain loop in float64: each C[i, j] summed over k in order from 0. */
function naive64(a: number[][], b: number[][]): number[][] {
  return a.map((row) =>
    b[0].map((_, j) => {
      let s = 0;
      for (let k = 0; k < b.length; k++) s += row[k] * b[k][j];
      return s;
    }),
  );
}

/** The same loop in float32 arithmetic: every product and every partial sum rounded to float32. */
function naive32(a: number[][], b: number[][]): number[][] {
  return a.map((row) =>
    b[0].map((_, j) => {
      let s = 0;
      for (let k = 0; k < b.length; k++) s = Math.fround(s + Math.fround(row[k] * b[k][j]));
      return s;
    }),
  );
}

/** sum over k of |a[i, k] b[k, j]|, the scale of C[i, j]'s rounding error. */
function absProducts(a: number[][], b: number[][]): number[][] {
  return naive64(
    a.map((row) => row.map(Math.abs)),
    b.map((row) => row.map(Math.abs)),
  );
}

/**
 * A tensor holding m through a view: transposed, a slice of rows between filler rows (offset > 0), or the first
 * columns of wider rows (the view spans far more of its buffer than it holds, so wasm-gemm gathers it).
 */
function laidOut(m: number[][], layout: Layout, dtype: DType): Tensor {
  const filler = (length: number) => Array.from({ length }, () => 99);
  switch (layout) {
    case "plain":
      return tensor(m, { dtype });
    case "transposed":
      return tensor(transposed(m), { dtype }).T;
    case "row slice":
      return tensor([filler(m[0].length), ...m, filler(m[0].length)], { dtype }).slice(1, 1 + m.length);
    case "column slice":
      return new Tensor(ndOf(tensor(m.map((row) => [...row, ...filler(3 * row.length)]), { dtype })).hi(m.length, m[0].length));
  }
}

function expectBits(actual: Tensor, expected: number[][], dtype: DType): void {
  expect(actual.shape).toEqual([expected.length, expected[0].length]);
  expect(actual.dtype).toBe(dtype);
  expect(actual.toArray()).toEqual(expected);
}

describe.each(KERNELS)("gemm kernel %s against a naive loop", (kernel) => {
  const rng = new Random(7);
  const cases = Array.from({ length: 24 }, () => {
    const [M, K, N] = [0, 0, 0].map(() => AWKWARD_SIZES[rng.int(AWKWARD_SIZES.length)]);
    return { M, K, N, layoutA: LAYOUTS[rng.int(LAYOUTS.length)], layoutB: LAYOUTS[rng.int(LAYOUTS.length)] };
  });

  it.each(cases)("float64 ($M, $K)·($K, $N), A $layoutA, B $layoutB: the plain loop's bits", ({ M, K, N, layoutA, layoutB }) => {
    const r = new Random(M * 10000 + K * 100 + N);
    const a = randomMatrix(r, M, K, "float64");
    const b = randomMatrix(r, K, N, "float64");
    expectBits(matmul(laidOut(a, layoutA, "float64"), laidOut(b, layoutB, "float64"), kernel), naive64(a, b), "float64");
  });

  it.each(cases)("float32 ($M, $K)·($K, $N), A $layoutA, B $layoutB", ({ M, K, N, layoutA, layoutB }) => {
    const r = new Random(M * 10000 + K * 100 + N);
    const a = randomMatrix(r, M, K, "float32");
    const b = randomMatrix(r, K, N, "float32");
    const c = matmul(laidOut(a, layoutA, "float32"), laidOut(b, layoutB, "float32"), kernel);
    // ts sums in float64 and rounds once; wasm sums in float32 SIMD lanes
    const expected = kernel === "ts" ? naive64(a, b).map((row) => row.map(Math.fround)) : naive32(a, b);
    expectBits(c, expected, "float32");

    const exact = naive64(a, b);
    const scale = absProducts(a, b);
    const got = c.toArray() as number[][];
    exact.forEach((row, i) =>
      row.forEach((v, j) => expect(Math.abs(got[i][j] - v)).toBeLessThanOrEqual(K * FLOAT32_UNIT_ROUNDOFF * scale[i][j])),
    );
  });

  it.each([
    ["x·W1", 100, 784, 50, "plain", "plain"],
    ["x^T·dout", 784, 100, 50, "transposed", "plain"],
    ["dout·W1^T", 100, 50, 784, "plain", "transposed"],
  ] as const)("the two-layer net's %s (%i, %i)·(%i, %i) in float64 and float32", (_, M, K, N, layoutA, layoutB) => {
    const r = new Random(3);
    const a64 = randomMatrix(r, M, K, "float64");
    const b64 = randomMatrix(r, K, N, "float64");
    expectBits(matmul(laidOut(a64, layoutA, "float64"), laidOut(b64, layoutB, "float64"), kernel), naive64(a64, b64), "float64");
    const a32 = a64.map((row) => row.map(Math.fround));
    const b32 = b64.map((row) => row.map(Math.fround));
    const expected = kernel === "ts" ? naive64(a32, b32).map((row) => row.map(Math.fround)) : naive32(a32, b32);
    expectBits(matmul(laidOut(a32, layoutA, "float32"), laidOut(b32, layoutB, "float32"), kernel), expected, "float32");
  });

  it("float32 · float64 is summed in float64, as the plain loop over the float32 values", () => {
    const r = new Random(11);
    const a = randomMatrix(r, 17, 63, "float32");
    const b = randomMatrix(r, 63, 7, "float64");
    expectBits(matmul(tensor(a, { dtype: "float32" }), tensor(b), kernel), naive64(a, b), "float64");
  });

  it("K = 0 gives zeros", () => {
    expectBits(
      matmul(zeros([2, 0]), zeros([0, 3]), kernel),
      [
        [0, 0, 0],
        [0, 0, 0],
      ],
      "float64",
    );
  });

  it("propagates NaN and Infinity as IEEE arithmetic does (0 * Infinity is NaN), in its own row and column only", () => {
    const a = [
      [1, Infinity, 0, 2, 1],
      [0, 1, 0, 0, 0],
      [1, 1, NaN, 1, 1],
      [-Infinity, 0, 0, 1, 2],
      [1, 2, 3, 4, 5],
    ];
    const b = [
      [1, 0, 2, 1, 0, 3],
      [1, 0, 1, 2, 1, 1],
      [0, 1, 2, 0, 1, 1],
      [1, 0, 1, Infinity, 1, 1],
      [1, 1, 1, 1, -1, 1],
    ];
    const want = naive64(a, b);
    expect(want[0][1]).toBeNaN();
    expect(want[1][1]).toBe(0);
    expect(want[0][0]).toBe(Infinity);
    for (const dtype of ["float64", "float32"] as const) {
      expectBits(matmul(tensor(a, { dtype }), tensor(b, { dtype }), kernel), want, dtype);
      expectBits(matmul(laidOut(a, "transposed", dtype), laidOut(b, "transposed", dtype), kernel), want, dtype);
    }
  });

  const sparseCases = [
    ...SPARSITIES.map((sparsity) => ({ M: 100, K: 784, N: 50, layoutA: "plain" as Layout, sparsity })),
    ...SPARSITIES.map((sparsity) => ({ M: 784, K: 100, N: 50, layoutA: "transposed" as Layout, sparsity })),
    ...Array.from({ length: 12 }, (_, n) => ({
      M: AWKWARD_SIZES[n % AWKWARD_SIZES.length],
      K: [300, 65, 17, 513][n % 4],
      N: AWKWARD_SIZES[(n * 5 + 1) % AWKWARD_SIZES.length],
      layoutA: LAYOUTS[n % LAYOUTS.length],
      sparsity: SPARSITIES[n % SPARSITIES.length],
    })),
  ];

  it.each(sparseCases)("A ($M, $K) $layoutA with 80% zeros in $sparsity · finite B ($K, $N): the plain loop's bits", ({ M, K, N, layoutA, sparsity }) => {
    const r = new Random(M * 10000 + K * 100 + N);
    for (const dtype of ["float64", "float32"] as const) {
      const a = sparseMatrix(r, M, K, dtype, sparsity);
      const b = randomMatrix(r, K, N, dtype);
      const expected = dtype === "float64" ? naive64(a, b) : kernel === "ts" ? naive64(a, b).map((row) => row.map(Math.fround)) : naive32(a, b);
      expectBits(matmul(laidOut(a, layoutA, dtype), laidOut(b, "plain", dtype), kernel), expected, dtype);
    }
  });

  it.each([
    [100, 784, 50, "plain"],
    [784, 100, 50, "transposed"],
    [17, 300, 7, "column slice"],
  ] as const)("A (%i, %i) mostly zero · B (K, %i) holding NaN and ±Infinity where A is zero, A %s: NaN as the plain loop", (M, K, N, layoutA) => {
    const r = new Random(17);
    const a = sparseMatrix(r, M, K, "float64", "blocks");
    const b = randomMatrix(r, K, N, "float64");
    // steps where all of A is zero, so that only 0 · b brings these values into C
    for (const k of [1, 2, K - 2]) a.forEach((row) => (row[k] = 0));
    b[1][0] = NaN;
    b[2][N - 1] = Infinity;
    b[K - 2][N >> 1] = -Infinity;
    const want = naive64(a, b);
    expect(want.every((row) => Number.isNaN(row[0]) && Number.isNaN(row[N - 1]) && Number.isNaN(row[N >> 1]))).toBe(true);
    for (const dtype of ["float64", "float32"] as const) {
      const got = matmul(laidOut(a, layoutA, dtype), tensor(b, { dtype }), kernel).toArray() as number[][];
      expect(got.map((row) => row.map(Number.isNaN))).toEqual(want.map((row) => row.map(Number.isNaN)));
    }
    expectBits(matmul(laidOut(a, layoutA, "float64"), tensor(b), kernel), want, "float64");
  });

  it("an all-zero A (+0 and -0) gives +0 everywhere, as the plain loop's sums from +0", () => {
    const r = new Random(19);
    for (const [M, K, N] of [
      [100, 784, 50],
      [7, 65, 17],
    ]) {
      const a = Array.from({ length: M }, (_, i) => Array.from({ length: K }, (_, k) => ((i + k) % 3 === 0 ? 0 : -0)));
      const b = randomMatrix(r, K, N, "float64");
      const want = naive64(a, b);
      expect(want.flat().every((v) => Object.is(v, 0))).toBe(true);
      for (const dtype of ["float64", "float32"] as const) {
        expectBits(matmul(tensor(a, { dtype }), tensor(b, { dtype }), kernel), want, dtype);
        expectBits(matmul(laidOut(a, "transposed", dtype), tensor(b, { dtype }), kernel), want, dtype);
      }
    }
  });

  it("gives the same bits on every call, before and after larger products", () => {
    const r = new Random(5);
    for (const dtype of ["float64", "float32"] as const) {
      const a = tensor(randomMatrix(r, 63, 65, dtype), { dtype });
      const b = tensor(randomMatrix(r, 65, 17, dtype), { dtype }).T.copy().T;
      const first = ndOf(matmul(a, b, kernel)).data;
      const big = tensor(randomMatrix(r, 200, 300, dtype), { dtype });
      matmul(big, big.T, kernel);
      expect(ndOf(matmul(a, b, kernel)).data).toEqual(first);
      expect(ndOf(matmul(a, b, kernel)).data).toEqual(first);
    }
  });
});

describe("gemmKernel", () => {
  it("is wasm in this repository, since install compiles dist/gemm.wasm (unless BACKPROP_KERNEL=ts)", () => {
    expect(gemmKernel()).toBe(process.env.BACKPROP_KERNEL === "ts" ? "ts" : "wasm");
  });

  it("is the kernel dot uses: a float32 product shows wasm's float32 sums", () => {
    const r = new Random(13);
    const a = randomMatrix(r, 63, 65, "float32");
    const b = randomMatrix(r, 65, 17, "float32");
    const expected = gemmKernel() === "wasm" ? naive32(a, b) : naive64(a, b).map((row) => row.map(Math.fround));
    expect(naive32(a, b)).not.toEqual(naive64(a, b).map((row) => row.map(Math.fround)));
    expectBits(tensor(a, { dtype: "float32" }).dot(tensor(b, { dtype: "float32" })), expected, "float32");
  });
});
