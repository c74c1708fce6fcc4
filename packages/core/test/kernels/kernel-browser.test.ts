// The package as a page gets it: bundled by esbuild for the browser, then run in a V8 context that has no process,
// no Buffer and no require, only what a page has (WebAssembly, atob, console).
import { runInNewContext } from "node:vm";
import { build, type Plugin } from "esbuild";
import { describe, expect, it } from "vitest";
import type { KernelInfo } from "../../src/index.js";

const ENTRY = new URL("../../src/index.ts", import.meta.url).pathname;

/** A gemm-bytes.ts without bytes, as build-wasm.mjs writes it when the compile fails. */
const notBuilt: Plugin = {
  name: "not-built",
  setup(b) {
    b.onResolve({ filter: /\/gemm-bytes\.js$/ }, () => ({ path: "gemm-bytes", namespace: "not-built" }));
    b.onLoad({ filter: /.*/, namespace: "not-built" }, () => ({
      contents: 'export const GEMM_SOURCE_SHA256 = undefined; export const GEMM_WASM_BASE64 = undefined; export const GEMM_WASM_MISSING = "asc failed";',
      loader: "js",
    }));
  },
};

/** @backprop/core bundled for the browser as one script that sets globalThis.core. */
async function browserBundle(plugins: Plugin[] = []): Promise<string> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: "browser",
    format: "iife",
    globalName: "core",
    conditions: ["@backprop/source"],
    write: false,
    logLevel: "silent",
    plugins,
    metafile: true,
  });
  // nothing left to import at run time, where a Node built-in would hide
  expect(Object.values(result.metafile.outputs).flatMap((output) => output.imports)).toEqual([]);
  return result.outputFiles[0].text;
}

interface PageRun {
  info: KernelInfo | { error: string };
  dot: number | null;
  warnings: string[];
}

/** Runs the bundle in a fresh context, then kernelInfo() and [1, 2, 3]·[4, 5, 6] three times. */
function runInPage(bundle: string, options: { withoutWebAssembly?: boolean } = {}): PageRun {
  const warnings: string[] = [];
  const context = { atob, console: { warn: (message: string) => warnings.push(message), log: () => {}, error: (message: string) => warnings.push(`error: ${message}`) } };
  const script = `
    ${options.withoutWebAssembly ? "delete globalThis.WebAssembly;" : ""}
    ${bundle}
    let info, dot = null;
    try {
      const a = core.tensor([[1, 2, 3]]), b = core.tensor([[4], [5], [6]]);
      for (let n = 0; n < 3; n++) dot = a.dot(b).item();
      info = core.kernelInfo();
    } catch (error) {
      info = { error: error.name + ": " + error.message };
    }
    ({ info, dot, hasProcess: typeof process !== "undefined" });
  `;
  const result = runInNewContext(script, context) as PageRun & { hasProcess: boolean };
  expect(result.hasProcess).toBe(false);
  return { info: result.info, dot: result.dot, warnings };
}

describe("@backprop/core in a page", () => {
  it("bundles for the browser without a Node built-in, with the kernel's bytes inside", async () => {
    const bundle = await browserBundle();
    expect(bundle).not.toContain("getBuiltinModule");
    // "\0asm" and version 1, base64
    expect(bundle).toContain('"AGFzbQEAAAA');
  });

  it("runs the WebAssembly kernel with no process and no file to read, and says so", async () => {
    const run = runInPage(await browserBundle());
    expect(run.info).toEqual({ kernel: "wasm", requested: "auto", reason: "no process.env here: the embedded WebAssembly SIMD kernel compiled" });
    // 1*4 + 2*5 + 3*6
    expect(run.dot).toBe(32);
    expect(run.warnings).toEqual([]);
  });

  it("falls back to the TypeScript kernel where the kernel was not built, with one console.warn", async () => {
    const run = runInPage(await browserBundle([notBuilt]));
    const reason = "no process.env here, and the WebAssembly kernel was not built (asc failed); run pnpm install to build it";
    expect(run.info).toEqual({ kernel: "ts", requested: "auto", reason });
    expect(run.dot).toBe(32);
    expect(run.warnings).toEqual([`backprop: using the TypeScript matrix kernel, about 4x slower: ${reason}`]);
  });

  it("falls back where the runtime has no WebAssembly, with one console.warn", async () => {
    const run = runInPage(await browserBundle(), { withoutWebAssembly: true });
    expect(run.info).toEqual({ kernel: "ts", requested: "auto", reason: "no process.env here, and this runtime has no WebAssembly" });
    expect(run.dot).toBe(32);
    expect(run.warnings).toHaveLength(1);
  });
});
