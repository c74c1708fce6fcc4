// C = A·B with WebAssembly SIMD, compiled by packages/core/scripts/build-wasm.mjs (its bytes embedded in src/kernels/gemm-bytes.ts) and called by
// src/kernels/wasm-gemm.ts. Every C[i, j] is summed over k in order from 0, one multiply and one add per step (no
// fused multiply-add), so float64 results equal a plain loop's bit for bit, and float32 ones a plain float32 loop's.
//
// A tile skips the steps k where its MR values of A are all zero (MNIST images are mostly black pixels), but only
// when B's panel is all finite. Then each skipped product is 0 · b = ±0, and adding ±0 to a sum s leaves s unchanged
// unless s is -0; a sum that starts at +0 is never -0 (+0 + -0 = +0, and x + y with x, y nonzero is nonzero or +0),
// so skipping keeps every bit. A NaN or infinity in the panel must reach C through 0 · b = NaN, so it skips nothing.
// An A whose first tile is dense over the first KC steps is taken as dense: it skips nothing and saves the scans.

// Each (MR, NR) tile of C is summed in 4x2 v128 accumulators: with the operands they fit the 16 SIMD registers of
// x64, and more accumulators spill and run at half speed.
const MR: i32 = 4;
const VECTOR_BYTES: i32 = 16;
// A (KC, MR) slice of an A panel and a (KC, NR) slice of a B panel stay in L1 while a tile is summed;
// MC rows of A (MC * KC values) stay in L2 while every B panel passes by.
const KC: i32 = 256;
const MC: i32 = 64;
// a tile that would skip fewer than kc / DENSE_SHARE of its steps runs the plain loop, which needs no step list
const DENSE_SHARE: i32 = 8;

/** Start of the memory the caller may use. */
export function heapBase(): usize {
  return __heap_base;
}

/** Bytes of scratch memory that matmulF64 needs for (M, K)·(K, N). */
export function workBytesF64(M: i32, N: i32, K: i32): usize {
  return workBytes<f64>(M, N, K);
}

/** Bytes of scratch memory that matmulF32 needs for (M, K)·(K, N). */
export function workBytesF32(M: i32, N: i32, K: i32): usize {
  return workBytes<f32>(M, N, K);
}

/**
 * C (M, N) = A (M, K) · B (K, N) in float64. A[i, k] is the f64 at a + 8 (i aRow + k aCol), B[k, j] the one at
 * b + 8 (k bRow + j bCol): strides in elements, of any sign, so the caller passes transposed views as they are. C is written
 * row-major at c. `work` (16-byte aligned) holds workBytesF64(M, N, K) bytes of scratch.
 */
export function matmulF64(M: i32, N: i32, K: i32, a: usize, aRow: i32, aCol: i32, b: usize, bRow: i32, bCol: i32, c: usize, work: usize): void {
  matmul<f64>(M, N, K, a, aRow, aCol, b, bRow, bCol, c, work);
}

/** matmulF64 for float32: the same layout with 4-byte elements and workBytesF32. */
export function matmulF32(M: i32, N: i32, K: i32, a: usize, aRow: i32, aCol: i32, b: usize, bRow: i32, bCol: i32, c: usize, work: usize): void {
  matmul<f32>(M, N, K, a, aRow, aCol, b, bRow, bCol, c, work);
}

/** Columns of C per tile: two v128 of T. */
@inline function nr<T>(): i32 {
  return (2 * VECTOR_BYTES) / sizeof<T>();
}

/** M and N rounded up to whole tiles. */
@inline function padded(n: i32, tile: i32): i32 {
  return ((n + tile - 1) / tile) * tile;
}

/** Blocks of KC steps in K. */
@inline function blocks(K: i32): i32 {
  return (K + KC - 1) / KC;
}

/**
 * A's panels (Mp, K), then B's (K, Np), then C padded to (Mp, Np), each a multiple of 16 bytes; then as i32 the
 * steps of each A panel where A is not all zero (K per panel), their count per panel and K block, and a finite flag
 * per B panel.
 */
@inline function workBytes<T>(M: i32, N: i32, K: i32): usize {
  const Mp = padded(M, MR);
  const Np = padded(N, nr<T>());
  const aPanels = Mp / MR;
  return <usize>(Mp * K + K * Np + Mp * Np) * sizeof<T>() + <usize>(aPanels * K + aPanels * blocks(K) + Np / nr<T>()) * 4;
}

/** Packs A and B into `work`, multiplies them into C padded to whole tiles there, and copies C's (M, N) out to c. */
@inline function matmul<T>(M: i32, N: i32, K: i32, a: usize, aRow: i32, aCol: i32, b: usize, bRow: i32, bCol: i32, c: usize, work: usize): void {
  const size = <usize>sizeof<T>();
  const NR = nr<T>();
  const Mp = padded(M, MR);
  const Np = padded(N, NR);
  const aPanels = work;
  const bPanels = aPanels + <usize>(Mp * K) * size;
  const cPadded = bPanels + <usize>(K * Np) * size;
  const aSteps = cPadded + <usize>(Mp * Np) * size;
  const aCounts = aSteps + <usize>((Mp / MR) * K) * 4;
  const bFinite = aCounts + <usize>((Mp / MR) * blocks(K)) * 4;
  pack<T>(a, M, K, aRow, aCol, MR, aPanels);
  pack<T>(b, N, K, bCol, bRow, NR, bPanels);
  // A whose first MR rows are dense over the first KC steps is taken as dense and skips nothing, which saves the
  // scans of A and B below
  const sparse = Mp > 0 && listSteps<T>(min(KC, K), aPanels, aSteps) <= denseSteps(min(KC, K));
  if (sparse) {
    nonzeroSteps<T>(Mp, K, aPanels, aSteps, aCounts);
    finitePanels<T>(Np, K, bPanels, bFinite);
  }
  gemm<T>(Mp, Np, K, aPanels, bPanels, cPadded, sparse, aSteps, aCounts, bFinite);
  const rowBytes = <usize>N * size;
  for (let i = 0; i < M; i++) memory.copy(c + <usize>i * rowBytes, cPadded + <usize>(i * Np) * size, rowBytes);
}

/**
 * Copies X (rows, K), X[r, k] at x + size (r rStride + k kStride), into panels of `width` rows at dst: panel p
 * holds rows p width.. as (K, width), k-major, at dst + size p width K. The last panel is padded with zero rows.
 */
@inline function pack<T>(x: usize, rows: i32, K: i32, rStride: i32, kStride: i32, width: i32, dst: usize): void {
  const size = <usize>sizeof<T>();
  for (let r0 = 0; r0 < rows; r0 += width) {
    const w = min(width, rows - r0);
    let d = dst + <usize>(r0 * K) * size;
    for (let k = 0; k < K; k++) {
      // negative strides wrap around in 32-bit arithmetic and land on the right address
      const s = x + <usize>(r0 * rStride + k * kStride) * size;
      for (let r = 0; r < w; r++) store<T>(d + <usize>r * size, load<T>(s + <usize>(r * rStride) * size));
      for (let r = w; r < width; r++) store<T>(d + <usize>r * size, <T>0);
      d += <usize>width * size;
    }
  }
}

/**
 * Lists, for each A panel (K, MR) and block of KC steps, the steps k (from the block's start) where the panel's MR
 * values are not all ±0: panel p's block from k0 lists them at steps + 4 (p K + k0), their count at
 * counts + 4 (p blocks(K) + k0 / KC).
 */
@inline function nonzeroSteps<T>(M: i32, K: i32, a: usize, steps: usize, counts: usize): void {
  const size = <usize>sizeof<T>();
  for (let p = 0; p < M / MR; p++) {
    for (let k0 = 0; k0 < K; k0 += KC) {
      const n = listSteps<T>(min(KC, K - k0), a + <usize>((p * K + k0) * MR) * size, steps + <usize>(p * K + k0) * 4);
      store<i32>(counts + <usize>(p * blocks(K) + k0 / KC) * 4, n);
    }
  }
}

/** Lists at `steps` the k < kc where the MR values at a + size MR k are not all ±0, and returns their count. */
@inline function listSteps<T>(kc: i32, a: usize, steps: usize): i32 {
  // clears the sign bit, so -0 counts as zero
  const magnitude = sizeof<T>() == 8 ? i64x2.splat(0x7fffffffffffffff) : i32x4.splat(0x7fffffff);
  let n = 0;
  for (let k = 0; k < kc; k++) {
    // MR values of T: one v128 in float32, two in float64
    let v = v128.load(a);
    if (sizeof<T>() == 8) v = v128.or(v, v128.load(a, 16));
    // written at every step and kept only when nonzero, so that no branch depends on the data
    store<i32>(steps + <usize>n * 4, k);
    n += i32(v128.any_true(v128.and(v, magnitude)));
    a += <usize>MR * sizeof<T>();
  }
  return n;
}

/** The most steps of kc that a tile may run and still skip enough of them to beat the plain loop. */
@inline function denseSteps(kc: i32): i32 {
  return kc - kc / DENSE_SHARE;
}

/** Sets the i32 at flags + 4 q to 1 when B panel q (K, NR) is all finite, else 0: b - b is 0 only for finite b. */
@inline function finitePanels<T>(N: i32, K: i32, b: usize, flags: usize): void {
  const NR = nr<T>();
  for (let q = 0; q < N / NR; q++) {
    let x = b + <usize>(q * K) * 2 * VECTOR_BYTES;
    let sum = v128.splat<T>(0);
    for (let k = 0; k < K; k++) {
      const b0 = v128.load(x), b1 = v128.load(x, 16);
      sum = v128.add<T>(sum, v128.add<T>(v128.sub<T>(b0, b0), v128.sub<T>(b1, b1)));
      x += 2 * VECTOR_BYTES;
    }
    store<i32>(flags + <usize>q * 4, i32(!v128.any_true(v128.ne<T>(sum, sum))));
  }
}

/**
 * C (M, N) = A (M, K) · B (K, N) on packed panels: A in panels of MR rows, (K, MR) each, B in panels of NR columns,
 * (K, NR) each, as `pack` writes them; C row-major with M a multiple of MR and N of NR. A tile runs only A's
 * nonzero steps (nonzeroSteps) when its B panel is finite (finitePanels) and that skips enough of them.
 */
@inline function gemm<T>(M: i32, N: i32, K: i32, a: usize, b: usize, c: usize, sparse: bool, steps: usize, counts: usize, finite: usize): void {
  const size = <usize>sizeof<T>();
  const NR = nr<T>();
  const ldc = <usize>N * size;
  memory.fill(c, 0, <usize>M * ldc);
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    for (let i0 = 0; i0 < M; i0 += MC) {
      const i1 = min(i0 + MC, M);
      for (let j = 0; j < N; j += NR) {
        const bPanel = b + <usize>(j * K + k0 * NR) * size;
        const bFinite = sparse && load<i32>(finite + <usize>(j / NR) * 4) != 0;
        for (let i = i0; i < i1; i += MR) {
          const aPanel = a + <usize>(i * K + k0 * MR) * size;
          const cTile = c + <usize>i * ldc + <usize>j * size;
          const n = bFinite ? load<i32>(counts + <usize>((i / MR) * blocks(K) + k0 / KC) * 4) : kc;
          if (bFinite && n <= denseSteps(kc)) {
            if (n > 0) sparseTile<T>(n, steps + <usize>((i / MR) * K + k0) * 4, aPanel, bPanel, cTile, ldc);
          } else {
            tile<T>(kc, aPanel, bPanel, cTile, ldc);
          }
        }
      }
    }
  }
}

/**
 * C[0..MR, 0..NR] += A slice (kc, MR) · B slice (kc, NR), where C's rows are ldc bytes apart: each step over k
 * multiplies MR values of A, each splat to a v128, by NR values of B in two v128.
 */
@inline function tile<T>(kc: i32, a: usize, b: usize, c: usize, ldc: usize): void {
  const size = sizeof<T>();
  let c00 = v128.load(c), c01 = v128.load(c, 16);
  let c10 = v128.load(c + ldc), c11 = v128.load(c + ldc, 16);
  let c20 = v128.load(c + 2 * ldc), c21 = v128.load(c + 2 * ldc, 16);
  let c30 = v128.load(c + 3 * ldc), c31 = v128.load(c + 3 * ldc, 16);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    // load_splat rather than splat(load): V8 emits one instruction for it, and the kernel runs a fifth faster
    const a0 = v128.load_splat<T>(a);
    c00 = v128.add<T>(c00, v128.mul<T>(a0, b0));
    c01 = v128.add<T>(c01, v128.mul<T>(a0, b1));
    const a1 = v128.load_splat<T>(a, size);
    c10 = v128.add<T>(c10, v128.mul<T>(a1, b0));
    c11 = v128.add<T>(c11, v128.mul<T>(a1, b1));
    const a2 = v128.load_splat<T>(a, 2 * size);
    c20 = v128.add<T>(c20, v128.mul<T>(a2, b0));
    c21 = v128.add<T>(c21, v128.mul<T>(a2, b1));
    const a3 = v128.load_splat<T>(a, 3 * size);
    c30 = v128.add<T>(c30, v128.mul<T>(a3, b0));
    c31 = v128.add<T>(c31, v128.mul<T>(a3, b1));
    a += MR * size;
    b += 2 * VECTOR_BYTES;
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

/** tile over the n steps k listed as i32 at `steps` only: the other steps' MR values of A are all zero. */
@inline function sparseTile<T>(n: i32, steps: usize, a: usize, b: usize, c: usize, ldc: usize): void {
  const size = sizeof<T>();
  let c00 = v128.load(c), c01 = v128.load(c, 16);
  let c10 = v128.load(c + ldc), c11 = v128.load(c + ldc, 16);
  let c20 = v128.load(c + 2 * ldc), c21 = v128.load(c + 2 * ldc, 16);
  let c30 = v128.load(c + 3 * ldc), c31 = v128.load(c + 3 * ldc, 16);
  for (let s = 0; s < n; s++) {
    const k = <usize>load<i32>(steps + <usize>s * 4);
    const ak = a + k * <usize>MR * size;
    const bk = b + k * <usize>(2 * VECTOR_BYTES);
    const b0 = v128.load(bk), b1 = v128.load(bk, 16);
    const a0 = v128.load_splat<T>(ak);
    c00 = v128.add<T>(c00, v128.mul<T>(a0, b0));
    c01 = v128.add<T>(c01, v128.mul<T>(a0, b1));
    const a1 = v128.load_splat<T>(ak, size);
    c10 = v128.add<T>(c10, v128.mul<T>(a1, b0));
    c11 = v128.add<T>(c11, v128.mul<T>(a1, b1));
    const a2 = v128.load_splat<T>(ak, 2 * size);
    c20 = v128.add<T>(c20, v128.mul<T>(a2, b0));
    c21 = v128.add<T>(c21, v128.mul<T>(a2, b1));
    const a3 = v128.load_splat<T>(ak, 3 * size);
    c30 = v128.add<T>(c30, v128.mul<T>(a3, b0));
    c31 = v128.add<T>(c31, v128.mul<T>(a3, b1));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}
