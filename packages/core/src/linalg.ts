import { ShapeError, formatShape } from "./errors.js";
import { gemmKernel, type GemmKernel } from "./kernels/kernel.js";
import { gemmTs } from "./kernels/ts-gemm.js";
import { gemmWasm } from "./kernels/wasm-gemm.js";
import { Tensor, allocate, ndOf } from "./tensor.js";

/**
 * C (M, N) = A (M, K) · B (K, N) by `kernel` (default: gemmKernel()). A and B are read through their strides, so
 * transposed views cost no transpose; C is a fresh row-major buffer. Each C[i, j] is summed over k in order from 0,
 * so float64 results equal a plain loop's bit for bit with either kernel.
 */
export function matmul(a: Tensor, b: Tensor, kernel: GemmKernel = gemmKernel()): Tensor {
  const [M, K] = a.shape;
  const N = b.shape[1];
  const out = allocate(a.dtype === "float64" || b.dtype === "float64" ? "float64" : "float32", M * N, "dot", [M, N]);
  const A = ndOf(a);
  const B = ndOf(b);
  const gemm = kernel === "wasm" ? gemmWasm : gemmTs;
  gemm(M, N, K, A.data, A.offset, A.stride[0], A.stride[1], B.data, B.offset, B.stride[0], B.stride[1], out);
  return Tensor.fromData(out, [M, N]);
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
  const c = matmul(a.ndim === 1 ? a.reshape(1, k1) : a, b.ndim === 1 ? b.reshape(k2, 1) : b);
  if (a.ndim === 2 && b.ndim === 2) return c;
  if (a.ndim === 2) return c.reshape(a.shape[0]);
  if (b.ndim === 2) return c.reshape(b.shape[1]);
  return c.reshape();
}
