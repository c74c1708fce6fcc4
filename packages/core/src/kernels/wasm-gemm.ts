import { BackendError } from "../errors.js";
import type { Data } from "../tensor.js";
import { GEMM_WASM_BASE64, GEMM_WASM_MISSING } from "./gemm-bytes.js";

/** What packages/core/assembly/gemm.ts exports. */
interface GemmExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  workBytesF64(M: number, N: number, K: number): number;
  workBytesF32(M: number, N: number, K: number): number;
  matmulF64: WasmMatmul;
  matmulF32: WasmMatmul;
}

type WasmMatmul = (M: number, N: number, K: number, a: number, aRow: number, aCol: number, b: number, bRow: number, bCol: number, c: number, work: number) => void;

const PAGE_BYTES = 65536;
const ALIGN_BYTES = 16;
// a view whose elements fill at least half the block of its buffer they span is copied as that block
const MAX_SPAN_RATIO = 2;

const EXPORTS = ["memory", "heapBase", "workBytesF64", "workBytesF32", "matmulF64", "matmulF32"] as const;

let loaded: GemmExports | undefined;

/** The kernel's bytes embedded in this module by build-wasm.mjs; a BackendError says why there are none. */
export function embeddedGemmBytes(): Uint8Array {
  if (GEMM_WASM_BASE64 === undefined) throw new BackendError(`the WebAssembly kernel was not built (${GEMM_WASM_MISSING}); run pnpm install to build it`);
  // atob rather than Buffer: the same call in a browser and in Node
  return Uint8Array.from(atob(GEMM_WASM_BASE64), (c) => c.charCodeAt(0));
}

/** Compiles and instantiates the kernel from `bytes`; a BackendError says what is wrong with them. */
export function compileWasmGemm(bytes: Uint8Array): GemmExports {
  if (typeof WebAssembly !== "object") throw new BackendError("this runtime has no WebAssembly");
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(bytes);
  } catch (error) {
    throw new BackendError(`the WebAssembly kernel (${bytes.length} bytes) does not compile here, and it needs WebAssembly SIMD: ${(error as Error).message}`, { cause: error });
  }
  let exports: Record<string, unknown>;
  try {
    exports = new WebAssembly.Instance(module, {}).exports;
  } catch (error) {
    throw new BackendError(`the WebAssembly kernel cannot be instantiated: ${(error as Error).message}`, { cause: error });
  }
  const missing = EXPORTS.filter((name) => typeof exports[name] !== (name === "memory" ? "object" : "function"));
  if (missing.length > 0) throw new BackendError(`the WebAssembly module is not the backprop matrix kernel: it does not export ${missing.join(", ")}`);
  return exports as unknown as GemmExports;
}

/** Compiles the embedded kernel once; throws a BackendError if it was not built or does not compile here. */
export function loadWasmGemm(): void {
  loaded ??= compileWasmGemm(embeddedGemmBytes());
}

/**
 * C = A·B on raw strided buffers, like gemmTs, by the embedded SIMD kernel (assembly/gemm.ts). A and B are copied into its
 * memory with their strides kept, so a transposed view is copied as fast as a plain one and never transposed in JS.
 * Float64 C gets the same bits as gemmTs; float32 C is summed in float32 rather than float64.
 */
export function gemmWasm(M: number, N: number, K: number, A: Data, ao: number, as0: number, as1: number, B: Data, bo: number, bs0: number, bs1: number, C: Data): void {
  loadWasmGemm();
  const wasm = loaded!;
  const f64 = C instanceof Float64Array;
  const bytes = f64 ? 8 : 4;
  const pa = place(M, K, as0, as1);
  const pb = place(K, N, bs0, bs1);
  const a = alignedIndex(wasm.heapBase(), bytes);
  const b = alignedIndex((a + pa.length) * bytes, bytes);
  const c = alignedIndex((b + pb.length) * bytes, bytes);
  const work = alignedIndex((c + M * N) * bytes, bytes);
  const end = work * bytes + (f64 ? wasm.workBytesF64(M, N, K) : wasm.workBytesF32(M, N, K));
  const have = wasm.memory.buffer.byteLength;
  if (end > have) wasm.memory.grow(Math.ceil((end - have) / PAGE_BYTES));

  const memory = f64 ? new Float64Array(wasm.memory.buffer) : new Float32Array(wasm.memory.buffer);
  copyIn(memory, a, pa, M, K, A, ao, as0, as1);
  copyIn(memory, b, pb, K, N, B, bo, bs0, bs1);
  const matmul = f64 ? wasm.matmulF64 : wasm.matmulF32;
  matmul(M, N, K, (a + pa.start) * bytes, pa.s0, pa.s1, (b + pb.start) * bytes, pb.s0, pb.s1, c * bytes, work * bytes);
  C.set(memory.subarray(c, c + M * N));
}

/** The copy of a (rows, cols) view in wasm memory: `length` elements, X[r, q] at start + r s0 + q s1. */
interface Placement {
  length: number;
  start: number;
  s0: number;
  s1: number;
  /** Copied as the one block of the source buffer that the view spans (else gathered row-major). */
  block: boolean;
}

/** A view that covers most of the block it spans is copied as that block, strides kept; others are gathered. */
function place(rows: number, cols: number, s0: number, s1: number): Placement {
  if (rows === 0 || cols === 0) return { length: 0, start: 0, s0, s1, block: true };
  const lo = Math.min(0, (rows - 1) * s0) + Math.min(0, (cols - 1) * s1);
  const hi = Math.max(0, (rows - 1) * s0) + Math.max(0, (cols - 1) * s1);
  const length = hi - lo + 1;
  if (length <= MAX_SPAN_RATIO * rows * cols) return { length, start: -lo, s0, s1, block: true };
  return { length: rows * cols, start: 0, s0: cols, s1: 1, block: false };
}

/** Copies the view X[r, q] = src[so + r s0 + q s1] to memory from index `at`, as `p` says. */
function copyIn(memory: Data, at: number, p: Placement, rows: number, cols: number, src: Data, so: number, s0: number, s1: number): void {
  if (p.block) {
    memory.set(src.subarray(so - p.start, so - p.start + p.length), at);
    return;
  }
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) memory[at + r * cols + q] = src[so + r * s0 + q * s1];
  }
}

/** The first element index at or after byte `at` that is 16-byte aligned. */
function alignedIndex(at: number, bytes: number): number {
  return Math.ceil(at / ALIGN_BYTES) * (ALIGN_BYTES / bytes);
}
