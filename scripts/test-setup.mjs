// vitest's global setup: the WebAssembly kernel the tests load (the bytes in the generated module
// packages/core/src/kernels/gemm-bytes.ts) must be the one built from today's packages/core/assembly/gemm.ts. A
// stale or missing one is rebuilt; if that fails, the run stops here.
import { buildWasm, wasmIsStale } from "../packages/core/scripts/build-wasm.mjs";

export default async function setup() {
  if (!(await wasmIsStale())) return;
  try {
    await buildWasm();
  } catch (error) {
    throw new Error(`tests: packages/core/src/kernels/gemm-bytes.ts is missing or stale and could not be rebuilt from assembly/gemm.ts: ${error.message}`);
  }
}
