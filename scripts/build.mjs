// Bundles the CLI from the workspace's sources into packages/examples/bundle/cli.js with esbuild (about 0.1 s), so
// that the pnpm scripts start without a compiler. The published packages are built by tsc instead (pnpm build:packages).
import { build } from "esbuild";
import { buildWasmOrWarn, wasmIsStale } from "../packages/core/scripts/build-wasm.mjs";

// install compiles the WebAssembly matrix kernel; recompile it only when its source has changed since (about 1.5 s)
if (await wasmIsStale()) await buildWasmOrWarn();

await build({
  entryPoints: ["packages/examples/src/bin.ts"],
  outfile: "packages/examples/bundle/cli.js",
  // the packages' "@backprop/source" export condition: their TypeScript sources rather than their dist/
  conditions: ["@backprop/source"],
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
