// Bundles the CLI into packages/examples/dist/cli.js with esbuild (about 0.1 s), so it starts without a compiler.
import { build } from "esbuild";
import { buildWasmOrWarn, wasmIsStale } from "../packages/core/scripts/build-wasm.mjs";

// install compiles the WebAssembly matrix kernel; recompile it only when its source has changed since (about 1.5 s)
if (await wasmIsStale()) await buildWasmOrWarn();

await build({
  entryPoints: ["packages/examples/src/bin.ts"],
  outfile: "packages/examples/dist/cli.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // mnist's digit files are read from its package folder at run time
  external: ["mnist"],
  // the CommonJS dependencies (ndarray, ndarray-ops, seedrandom) call require inside an ES module bundle
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: "warning",
});
