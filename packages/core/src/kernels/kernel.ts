import { BackendError } from "../errors.js";
import { loadWasmGemm } from "./wasm-gemm.js";

/** The matrix-product kernels: WebAssembly SIMD (assembly/gemm.ts, embedded in this package) or plain TypeScript. */
export type GemmKernel = "wasm" | "ts";

/** Which kernel `dot` runs, what BACKPROP_KERNEL asked for ("auto" when unset or where there is no process), and why. */
export interface KernelInfo {
  kernel: GemmKernel;
  requested: GemmKernel | "auto";
  reason: string;
}

let active: KernelInfo | undefined;

/**
 * The kernel `dot` runs and why, chosen at the first call (loading the module reads nothing) from the environment
 * variable BACKPROP_KERNEL, read only where `process` exists. Unset (or "", or in a page): "wasm" when the embedded
 * kernel compiles, else "ts", announced once (stderr in Node, console.warn in a page). "ts": always the TypeScript
 * kernel. "wasm": the WebAssembly one, or a BackendError that says why it cannot load. Any other value is a BackendError.
 */
export function kernelInfo(): KernelInfo {
  return { ...chosen() };
}

/** kernelInfo().kernel, without the copy: matmul asks for it at every product. */
export function gemmKernel(): GemmKernel {
  return chosen().kernel;
}

function chosen(): KernelInfo {
  if (active === undefined) {
    const env = globalThis.process?.env;
    active = chooseKernel(env?.BACKPROP_KERNEL, loadWasmGemm, env === undefined ? "no process.env here" : "BACKPROP_KERNEL unset");
    if (active.kernel === "ts" && active.requested === "auto") announce(`backprop: using the TypeScript matrix kernel, about 4x slower: ${active.reason}`);
  }
  return active;
}

/** One line to stderr where there is one (Node), else console.warn (a page). */
function announce(message: string): void {
  const stderr = globalThis.process?.stderr;
  if (typeof stderr?.write === "function") stderr.write(`${message}\n`);
  else console.warn(message);
}

/** Forgets the kernel chosen, so that the next product reads BACKPROP_KERNEL again. For tests; not exported by the package. */
export function resetGemmKernel(): void {
  active = undefined;
}

/**
 * The kernel for a BACKPROP_KERNEL setting (undefined or "" when unset), given a loader that throws a BackendError
 * on failure; `unset` says why there is no setting, for the reason.
 */
export function chooseKernel(setting: string | undefined, loadWasm: () => void, unset = "BACKPROP_KERNEL unset"): KernelInfo {
  if (setting === "ts") return { kernel: "ts", requested: "ts", reason: "BACKPROP_KERNEL=ts" };
  if (setting === "wasm") {
    try {
      loadWasm();
    } catch (error) {
      throw new BackendError(`BACKPROP_KERNEL=wasm, but ${(error as Error).message}`, { cause: error });
    }
    return { kernel: "wasm", requested: "wasm", reason: "BACKPROP_KERNEL=wasm" };
  }
  if (setting !== undefined && setting !== "") {
    throw new BackendError(`BACKPROP_KERNEL must be "ts", "wasm" or unset, got ${JSON.stringify(setting)}`);
  }
  try {
    loadWasm();
    return { kernel: "wasm", requested: "auto", reason: `${unset}: the embedded WebAssembly SIMD kernel compiled` };
  } catch (error) {
    return { kernel: "ts", requested: "auto", reason: `${unset}, and ${(error as Error).message}` };
  }
}
