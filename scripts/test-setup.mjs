// vitest's global setup: the WebAssembly kernel the tests load must be the one built from today's
// packages/core/assembly/gemm.ts. A stale or missing one is rebuilt; if that fails, the run stops here.
import { buildWasm, wasmIsStale } from "../packages/core/scripts/build-wasm.mjs";

export default async function setup() {
  if (!(await wasmIsStale())) return;
  try {
    await buildWasm();
  } catch (error) {
    throw new Error(`tests: packages/core/dist/gemm.wasm is stale and could not be rebuilt from assembly/gemm.ts: ${error.message}`);
  }
}
