import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BackendError, kernelInfo } from "../../src/index.js";
import { GEMM_SOURCE_SHA256, GEMM_WASM_BASE64 } from "../../src/kernels/gemm-bytes.js";
import { chooseKernel, gemmKernel, resetGemmKernel } from "../../src/kernels/kernel.js";
import { compileWasmGemm, embeddedGemmBytes } from "../../src/kernels/wasm-gemm.js";

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

const NOT_BUILT = "could not compile packages/core/assembly/gemm.ts to WebAssembly: ERROR TS2304: Cannot find name 'v128'.";
const FALLBACK = /^backprop: using the TypeScript matrix kernel, about 4x slower: /;

describe("the WebAssembly kernel under test", () => {
  it("is embedded, built from today's assembly/gemm.ts, and the one the tests use", () => {
    const source = readFileSync(new URL("../../assembly/gemm.ts", import.meta.url));
    expect(GEMM_SOURCE_SHA256).toBe(createHash("sha256").update(source).digest("hex"));
    const bytes = embeddedGemmBytes();
    // "\0asm", version 1
    expect([...bytes.subarray(0, 8)]).toEqual([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    expect(bytes.length).toBe(Buffer.from(GEMM_WASM_BASE64!, "base64").length);
    if (process.env.BACKPROP_KERNEL !== "ts") expect(gemmKernel()).toBe("wasm");
  });
});

const loads = () => {};
const fails = () => {
  throw new BackendError("the WebAssembly kernel was not built (asc failed); run pnpm install to build it");
};

describe("chooseKernel", () => {
  it("takes wasm when it loads and falls back to ts when it does not, with BACKPROP_KERNEL unset, and says why", () => {
    expect(chooseKernel(undefined, loads)).toEqual({ kernel: "wasm", requested: "auto", reason: "BACKPROP_KERNEL unset: the embedded WebAssembly SIMD kernel compiled" });
    expect(chooseKernel("", loads).kernel).toBe("wasm");
    expect(chooseKernel(undefined, fails)).toEqual({
      kernel: "ts",
      requested: "auto",
      reason: "BACKPROP_KERNEL unset, and the WebAssembly kernel was not built (asc failed); run pnpm install to build it",
    });
  });

  it("where there is no process.env (a page), the reason says so", () => {
    expect(chooseKernel(undefined, loads, "no process.env here").reason).toBe("no process.env here: the embedded WebAssembly SIMD kernel compiled");
    expect(chooseKernel(undefined, fails, "no process.env here").reason).toMatch(/^no process\.env here, and the WebAssembly kernel was not built/);
  });

  it("BACKPROP_KERNEL=ts never loads the WebAssembly kernel", () => {
    const load = vi.fn();
    expect(chooseKernel("ts", load)).toEqual({ kernel: "ts", requested: "ts", reason: "BACKPROP_KERNEL=ts" });
    expect(load).not.toHaveBeenCalled();
  });

  it("BACKPROP_KERNEL=wasm insists: it throws when the WebAssembly kernel cannot load, saying why", () => {
    expect(chooseKernel("wasm", loads)).toEqual({ kernel: "wasm", requested: "wasm", reason: "BACKPROP_KERNEL=wasm" });
    expect(() => chooseKernel("wasm", fails)).toThrow(/^BACKPROP_KERNEL=wasm, but the WebAssembly kernel was not built \(asc failed\); run pnpm install to build it$/);
  });

  it("rejects any other setting with a BackendError", () => {
    expect(() => chooseKernel("gpu", loads)).toThrow(/^BACKPROP_KERNEL must be "ts", "wasm" or unset, got "gpu"$/);
    expect(() => chooseKernel("gpu", loads)).toThrow(BackendError);
    expect(() => chooseKernel("wasm", fails)).toThrow(BackendError);
  });
});

describe("compileWasmGemm says what is wrong with the bytes", () => {
  it("compiles the embedded kernel", () => {
    expect(typeof compileWasmGemm(embeddedGemmBytes()).matmulF64).toBe("function");
  });

  it("bytes that are not WebAssembly do not compile, with the engine's reason", () => {
    expect(() => compileWasmGemm(new TextEncoder().encode("junk, not wasm"))).toThrow(
      /^the WebAssembly kernel \(14 bytes\) does not compile here, and it needs WebAssembly SIMD: .*magic word/,
    );
    expect(() => compileWasmGemm(embeddedGemmBytes().subarray(0, 100))).toThrow(/^the WebAssembly kernel \(100 bytes\) does not compile here/);
    expect(() => compileWasmGemm(embeddedGemmBytes().subarray(0, 100))).toThrow(BackendError);
  });

  it("a valid module that is not the kernel says which exports it lacks", () => {
    // the smallest WebAssembly module: the magic word and version 1, no sections
    expect(() => compileWasmGemm(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00))).toThrow(
      /^the WebAssembly module is not the backprop matrix kernel: it does not export memory, heapBase, workBytesF64, workBytesF32, matmulF64, matmulF32$/,
    );
  });
});

/** What the package writes to stderr while `run` runs. */
async function stderrOf(run: () => unknown): Promise<string[]> {
  const lines: string[] = [];
  const write = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split("\n").filter((line) => line !== ""));
    return true;
  });
  try {
    await run();
  } finally {
    write.mockRestore();
  }
  return lines;
}

/** The package loaded afresh with BACKPROP_KERNEL = `setting` (undefined: unset) and, if `notBuilt`, a gemm-bytes.ts without bytes. */
async function freshCore(setting: string | undefined, notBuilt = false): Promise<typeof import("../../src/index.js")> {
  if (setting === undefined) vi.stubEnv("BACKPROP_KERNEL", undefined);
  else vi.stubEnv("BACKPROP_KERNEL", setting);
  vi.resetModules();
  if (notBuilt) vi.doMock("../../src/kernels/gemm-bytes.js", () => ({ GEMM_SOURCE_SHA256: undefined, GEMM_WASM_BASE64: undefined, GEMM_WASM_MISSING: NOT_BUILT }));
  return import("../../src/index.js");
}

describe("a kernel that was not built (the compile failed at install)", () => {
  afterEach(() => {
    vi.doUnmock("../../src/kernels/gemm-bytes.js");
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("BACKPROP_KERNEL unset: the TypeScript kernel runs, kernelInfo says why, and stderr says so once", async () => {
    const core = await freshCore(undefined, true);
    const a = core.tensor([[1, 2, 3]]);
    const lines = await stderrOf(() => {
      // the first product chooses; the next ones, and kernelInfo, must not announce again
      expect(a.dot(a.T).item()).toBe(14);
      expect(a.dot(a.T).item()).toBe(14);
      expect(core.kernelInfo().kernel).toBe("ts");
      expect(core.gemmKernel()).toBe("ts");
    });
    expect(lines.filter((line) => FALLBACK.test(line))).toHaveLength(1);
    expect(lines).toEqual([
      `backprop: using the TypeScript matrix kernel, about 4x slower: BACKPROP_KERNEL unset, and the WebAssembly kernel was not built (${NOT_BUILT}); run pnpm install to build it`,
    ]);
    expect(core.kernelInfo()).toEqual({
      kernel: "ts",
      requested: "auto",
      reason: `BACKPROP_KERNEL unset, and the WebAssembly kernel was not built (${NOT_BUILT}); run pnpm install to build it`,
    });
  });

  it("BACKPROP_KERNEL=wasm: a BackendError at the first product that gives the compiler's reason, and no announcement", async () => {
    const core = await freshCore("wasm", true);
    const a = core.tensor([[1, 2, 3]]);
    const lines = await stderrOf(() => {
      const error = thrown(() => a.dot(a.T));
      expect(error).toBeInstanceOf(core.BackendError);
      expect((error as Error).message).toBe(`BACKPROP_KERNEL=wasm, but the WebAssembly kernel was not built (${NOT_BUILT}); run pnpm install to build it`);
      expect(() => core.kernelInfo()).toThrow(/^BACKPROP_KERNEL=wasm, but the WebAssembly kernel was not built/);
    });
    expect(lines).toEqual([]);
  });

  it("BACKPROP_KERNEL=ts: chosen on purpose, so nothing is announced", async () => {
    const core = await freshCore("ts", true);
    const lines = await stderrOf(() => expect(core.kernelInfo()).toEqual({ kernel: "ts", requested: "ts", reason: "BACKPROP_KERNEL=ts" }));
    expect(lines).toEqual([]);
  });

  it("the twin that loads: BACKPROP_KERNEL unset with the bytes built announces nothing", async () => {
    const core = await freshCore(undefined);
    const a = core.tensor([[1, 2, 3]]);
    const lines = await stderrOf(() => {
      expect(a.dot(a.T).item()).toBe(14);
      expect(core.kernelInfo().kernel).toBe("wasm");
    });
    expect(lines).toEqual([]);
  });
});

describe("BACKPROP_KERNEL is read at the first product, not when the module loads", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    resetGemmKernel();
  });

  it("a bogus value loads the package and fails at the first dot, with a BackendError, until it is fixed", async () => {
    const core = await freshCore("bogus");
    const { resetGemmKernel: reset } = await import("../../src/kernels/kernel.js");
    const a = core.tensor([[1, 2]]);
    expect(a.add(1).toArray()).toEqual([[2, 3]]);
    expect(() => a.dot(a.T)).toThrow(/^BACKPROP_KERNEL must be "ts", "wasm" or unset, got "bogus"$/);
    expect(() => core.gemmKernel()).toThrow(core.BackendError);
    expect(() => core.kernelInfo()).toThrow(core.BackendError);
    vi.stubEnv("BACKPROP_KERNEL", "ts");
    reset();
    expect(a.dot(a.T).toArray()).toEqual([[5]]);
    expect(core.gemmKernel()).toBe("ts");
  });

  it("resetGemmKernel makes the next product read the variable again", () => {
    vi.stubEnv("BACKPROP_KERNEL", "ts");
    resetGemmKernel();
    expect(gemmKernel()).toBe("ts");
    vi.stubEnv("BACKPROP_KERNEL", "nope");
    expect(gemmKernel()).toBe("ts");
    resetGemmKernel();
    expect(() => gemmKernel()).toThrow(/^BACKPROP_KERNEL must be "ts", "wasm" or unset, got "nope"$/);
  });
});

describe("kernelInfo", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it.each([
    ["ts", { kernel: "ts", requested: "ts", reason: "BACKPROP_KERNEL=ts" }],
    ["wasm", { kernel: "wasm", requested: "wasm", reason: "BACKPROP_KERNEL=wasm" }],
    [undefined, { kernel: "wasm", requested: "auto", reason: "BACKPROP_KERNEL unset: the embedded WebAssembly SIMD kernel compiled" }],
  ] as const)("BACKPROP_KERNEL=%s gives %o, and dot follows it", async (setting, info) => {
    const core = await freshCore(setting);
    expect(core.kernelInfo()).toEqual(info);
    expect(core.gemmKernel()).toBe(info.kernel);
    // 1 + 2^-24 + 2^-24 is 1 in float32 steps but rounds up to 1 + 2^-23 from a float64 sum
    const a = core.tensor([[1, 1, 1]], { dtype: "float32" });
    const b = core.tensor([[1], [2 ** -24], [2 ** -24]], { dtype: "float32" });
    expect(a.dot(b).item()).toBe(info.kernel === "wasm" ? 1 : 1 + 2 ** -23);
  });

  it("gives a copy: changing it does not change the kernel", () => {
    const info = kernelInfo();
    const kernel = info.kernel;
    info.kernel = kernel === "wasm" ? "ts" : "wasm";
    expect(kernelInfo().kernel).toBe(kernel);
    expect(gemmKernel()).toBe(kernel);
  });
});
