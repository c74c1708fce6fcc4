import { loadWasmGemm } from "./wasm-gemm";

/** The matrix-product kernels: WebAssembly SIMD (dist/gemm.wasm) or plain TypeScript. */
export type GemmKernel = "wasm" | "ts";

let active: GemmKernel | undefined;

/**
 * The kernel `dot` uses: "wasm" when dist/gemm.wasm loads, else "ts". The environment variable BACKPROP_KERNEL
 * overrides it: "ts" always takes the TypeScript kernel, "wasm" throws if the WebAssembly one cannot load.
 */
export function gemmKernel(): GemmKernel {
  active ??= chooseKernel(process.env.BACKPROP_KERNEL, loadWasmGemm);
  return active;
}

/** The kernel for a BACKPROP_KERNEL setting (undefined or "" when unset), given a loader that throws on failure. */
export function chooseKernel(setting: string | undefined, loadWasm: () => void): GemmKernel {
  if (setting === "ts") return "ts";
  if (setting === "wasm") {
    try {
      loadWasm();
    } catch (error) {
      throw new Error(`BACKPROP_KERNEL=wasm: cannot load the WebAssembly kernel: ${(error as Error).message}`, { cause: error });
    }
    return "wasm";
  }
  if (setting !== undefined && setting !== "") {
    throw new Error(`BACKPROP_KERNEL: expected "ts" or "wasm", got "${setting}"`);
  }
  try {
    loadWasm();
    return "wasm";
  } catch {
    return "ts";
  }
}
