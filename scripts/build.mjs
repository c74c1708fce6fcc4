// Bundles the CLI from the workspace's sources into packages/examples/bundle/cli.js (and a sweep's worker thread into
// bundle/sweep-worker.js) with esbuild (about 0.2 s), so that the pnpm scripts start without a compiler. The published
// packages are built by tsc instead (pnpm build:packages).
import { build } from "esbuild";
import { buildWasmOrWarn, wasmIsStale } from "../packages/core/scripts/build-wasm.mjs";

// install compiles the WebAssembly matrix kernel; recompile it only when its source has changed since (about 1.5 s)
if (await wasmIsStale()) await buildWasmOrWarn();

// the CLI, and beside it the worker thread a sweep starts: new URL("./sweep-worker.js", import.meta.url) in cli.js
const entries = { cli: "packages/examples/src/bin.ts", "sweep-worker": "packages/examples/src/sweep/sweep-worker.ts" };

await build({
  entryPoints: entries,
  outdir: "packages/examples/bundle",
  // the packages' "@backprop/source" export condition: their TypeScript sources rather than their dist/
  conditions: ["@backprop/source"],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // mnist's digit files are read from its package folder at run time; resvg (PNGs) is a native addon, loaded when a
  // PNG is asked for
  external: ["mnist", "@resvg/resvg-js"],
  // the CommonJS dependencies (ndarray, ndarray-ops, seedrandom) call require inside an ES module bundle
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: "warning",
});

// the playground's page script, for the browser, beside cli.js (see packages/examples/scripts/build-page.mjs)
await import("../packages/examples/scripts/build-page.mjs");
