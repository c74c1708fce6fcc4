import { ShapeError, formatShape } from "./errors";
import { contiguous } from "./indexing";
import { Tensor, allocate, type Data } from "./tensor";

/**
 * C (M, N) = A (M, K) · B (K, N), with A and B read through their strides, so transposed views cost nothing.
 * C is a fresh row-major buffer.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const [M, K] = a.shape;
  const N = b.shape[1];
  const out = allocate(a.dtype === "float64" || b.dtype === "float64" ? "float64" : "float32", M * N);
  const [as0, as1] = a.nd.stride;
  const [bs0, bs1] = b.nd.stride;
  if (bs1 === 1) {
    gemmRows(M, N, K, a.nd.data, a.nd.offset, as0, as1, b.nd.data, b.nd.offset, bs0, out);
  } else if (as1 === 1 && bs0 === 1) {
    gemmDots(M, N, K, a.nd.data, a.nd.offset, as0, b.nd.data, b.nd.offset, bs1, out);
  } else {
    const c = contiguous(b);
    gemmRows(M, N, K, a.nd.data, a.nd.offset, as0, as1, c.nd.data, c.nd.offset, N, out);
  }
  return Tensor.fromData(out, [M, N]);
}

// B's rows are contiguous: C[i, :] += A[i, k] * B[k, :], the inner loop runs along both rows
function gemmRows(M: number, N: number, K: number, A: Data, ao: number, as0: number, as1: number, B: Data, bo: number, bs0: number, C: Data): void {
  for (let i = 0; i < M; i++) {
    const ci = i * N;
    for (let k = 0; k < K; k++) {
      const aik = A[ao + i * as0 + k * as1];
      const bk = bo + k * bs0;
      for (let j = 0; j < N; j++) C[ci + j] += aik * B[bk + j];
    }
  }
}

// A's rows and B's columns are contiguous (B is a transposed view): C[i, j] = A[i, :] · B[:, j]
function gemmDots(M: number, N: number, K: number, A: Data, ao: number, as0: number, B: Data, bo: number, bs1: number, C: Data): void {
  for (let i = 0; i < M; i++) {
    const ai = ao + i * as0;
    for (let j = 0; j < N; j++) {
      const bj = bo + j * bs1;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[ai + k] * B[bj + k];
      C[i * N + j] = s;
    }
  }
}

/** NumPy's dot for 1-D and 2-D: (K)·(K) -> (), (M, K)·(K) -> (M), (K)·(K, N) -> (N), (M, K)·(K, N) -> (M, N). */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim < 1 || a.ndim > 2 || b.ndim < 1 || b.ndim > 2) {
    throw new ShapeError(`dot: supports 1-D and 2-D tensors, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const k1 = a.shape[a.ndim - 1];
  const k2 = b.shape[0];
  if (k1 !== k2) {
    throw new ShapeError(`dot: cannot multiply ${formatShape(a.shape)} by ${formatShape(b.shape)}: inner dimensions ${k1} and ${k2} differ`);
  }
  const a2 = a.ndim === 1 ? a.reshape(1, k1) : a;
  const b2 = b.ndim === 1 ? b.reshape(k2, 1) : b;
  const c = matmul(a2, b2);
  if (a.ndim === 2 && b.ndim === 2) return c;
  if (a.ndim === 2) return c.reshape(a.shape[0]);
  if (b.ndim === 2) return c.reshape(b.shape[1]);
  return c.reshape();
}
