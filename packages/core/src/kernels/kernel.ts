import { BackendError } from "../errors.js";
import { loadWasmGemm } from "./wasm-gemm.js";

/** The matrix-product kernels: WebAssembly SIMD (dist/gemm.wasm) or plain TypeScript. */
export type GemmKernel = "wasm" | "ts";

let active: GemmKernel | undefined;

/**
 * The kernel `dot` uses, chosen at the first call (loading the module reads nothing) from the environment variable
 * BACKPROP_KERNEL. Unset (or ""): "wasm" when dist/gemm.wasm loads, else "ts", silently, as in a browser or a build
 * without the wasm. "ts": always the TypeScript kernel. "wasm": the WebAssembly one, or a BackendError that says
 * why it cannot load. Any other value is a BackendError.
 */
export function gemmKernel(): GemmKernel {
  active ??= chooseKernel(globalThis.process?.env?.BACKPROP_KERNEL, loadWasmGemm);
  return active;
}

/** Forgets the kernel chosen, so that the next gemmKernel() reads BACKPROP_KERNEL again. For tests; not exported by the package. */
export function resetGemmKernel(): void {
  active = undefined;
}

/** The kernel for a BACKPROP_KERNEL setting (undefined or "" when unset), given a loader that throws on failure. */
export function chooseKernel(setting: string | undefined, loadWasm: () => void): GemmKernel {
  if (setting === "ts") return "ts";
  if (setting === "wasm") {
    try {
      loadWasm();
    } catch (error) {
      throw new BackendError(`BACKPROP_KERNEL=wasm: cannot load the WebAssembly kernel: ${(error as Error).message}`, { cause: error });
    }
    return "wasm";
  }
  if (setting !== undefined && setting !== "") {
    throw new BackendError(`BACKPROP_KERNEL must be "ts", "wasm" or unset, got ${JSON.stringify(setting)}`);
  }
  try {
    loadWasm();
    return "wasm";
  } catch {
    return "ts";
  }
}
