import type { Data } from "../tensor.js";

/**
 * C = A·B on raw strided buffers, in 4x4 tiles of C held in registers: each step over k loads 4 values of A and
 * 4 of B for 16 multiply-adds. Every C[i, j] is summed over k in order from 0, so the bits equal a plain loop's.
 */
export function gemmTs(M: number, N: number, K: number, A: Data, ao: number, as0: number, as1: number, B: Data, bo: number, bs0: number, bs1: number, C: Data): void {
  const M4 = M - (M % 4);
  const N4 = N - (N % 4);
  for (let i = 0; i < M4; i += 4) {
    const a0 = ao + i * as0;
    const a1 = a0 + as0;
    const a2 = a1 + as0;
    const a3 = a2 + as0;
    for (let j = 0; j < N4; j += 4) {
      const b0 = bo + j * bs1;
      const b1 = b0 + bs1;
      const b2 = b1 + bs1;
      const b3 = b2 + bs1;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let k = 0; k < K; k++) {
        const ka = k * as1;
        const kb = k * bs0;
        const x0 = A[a0 + ka], x1 = A[a1 + ka], x2 = A[a2 + ka], x3 = A[a3 + ka];
        const y0 = B[b0 + kb], y1 = B[b1 + kb], y2 = B[b2 + kb], y3 = B[b3 + kb];
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      const r0 = i * N + j;
      const r1 = r0 + N;
      const r2 = r1 + N;
      const r3 = r2 + N;
      C[r0] = c00; C[r0 + 1] = c01; C[r0 + 2] = c02; C[r0 + 3] = c03;
      C[r1] = c10; C[r1 + 1] = c11; C[r1 + 2] = c12; C[r1 + 3] = c13;
      C[r2] = c20; C[r2 + 1] = c21; C[r2 + 2] = c22; C[r2 + 3] = c23;
      C[r3] = c30; C[r3 + 1] = c31; C[r3 + 2] = c32; C[r3 + 3] = c33;
    }
  }
  // rows M4.. in 1x4 tiles
  for (let i = M4; i < M; i++) {
    const a0 = ao + i * as0;
    for (let j = 0; j < N4; j += 4) {
      const b0 = bo + j * bs1;
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let k = 0; k < K; k++) {
        const x = A[a0 + k * as1];
        const kb = b0 + k * bs0;
        c0 += x * B[kb]; c1 += x * B[kb + bs1]; c2 += x * B[kb + 2 * bs1]; c3 += x * B[kb + 3 * bs1];
      }
      const r = i * N + j;
      C[r] = c0; C[r + 1] = c1; C[r + 2] = c2; C[r + 3] = c3;
    }
  }
  // the last N - N4 columns of every row, one element at a time
  for (let i = 0; i < M; i++) {
    for (let j = N4; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[ao + i * as0 + k * as1] * B[bo + k * bs0 + j * bs1];
      C[i * N + j] = s;
    }
  }
}
