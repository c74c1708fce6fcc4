import { BackendError } from "../errors.js";
import type { Data } from "../tensor.js";

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

/**
 * Node's process, whose getBuiltinModule reads files without a static import of node:fs: this module loads in a
 * browser too, and touches the file system only when the kernel is first asked for.
 */
function nodeProcess(): NodeJS.Process {
  const process = globalThis.process;
  if (typeof process?.getBuiltinModule !== "function") {
    throw new BackendError("this runtime cannot read dist/gemm.wasm: it has no process.getBuiltinModule (Node 20.16 or later)");
  }
  return process;
}

/**
 * Path of the compiled kernel, found from the @backprop/core package folder so that it is the same from the
 * sources (vitest) and from the CLI bundle in packages/examples/dist.
 */
export function wasmGemmPath(): string {
  const process = nodeProcess();
  const { createRequire } = process.getBuiltinModule("node:module");
  const { dirname, join } = process.getBuiltinModule("node:path");
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve("@backprop/core/package.json");
  } catch (error) {
    throw new BackendError(`cannot find the package @backprop/core, whose dist/gemm.wasm holds the kernel: ${(error as Error).message}`, { cause: error });
  }
  return join(dirname(packageJson), "dist", "gemm.wasm");
}

/** Compiles and instantiates the kernel at `path`; a BackendError says what is wrong with the file. */
export function compileWasmGemm(path: string): GemmExports {
  const { readFileSync } = nodeProcess().getBuiltinModule("node:fs");
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") throw new BackendError(`${path} does not exist; run pnpm install to build it`, { cause: error });
    throw new BackendError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(bytes);
  } catch (error) {
    throw new BackendError(`${path} is not a valid WebAssembly module: ${(error as Error).message}; run pnpm install to rebuild it`, { cause: error });
  }
  let exports: Record<string, unknown>;
  try {
    exports = new WebAssembly.Instance(module, {}).exports;
  } catch (error) {
    throw new BackendError(`${path} cannot be instantiated: ${(error as Error).message}`, { cause: error });
  }
  const missing = EXPORTS.filter((name) => typeof exports[name] !== (name === "memory" ? "object" : "function"));
  if (missing.length > 0) throw new BackendError(`${path} is not the backprop matrix kernel: it does not export ${missing.join(", ")}`);
  return exports as unknown as GemmExports;
}

/** Loads dist/gemm.wasm once; throws a BackendError if it is missing or cannot be compiled. */
export function loadWasmGemm(): void {
  loaded ??= compileWasmGemm(wasmGemmPath());
}

/**
 * C = A·B on raw strided buffers, like gemmTs, by the SIMD kernel in dist/gemm.wasm. A and B are copied into its
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
