import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { BackendError } from "../../src/index.js";
import { chooseKernel, gemmKernel, resetGemmKernel } from "../../src/kernels/kernel.js";
import { compileWasmGemm, wasmGemmPath } from "../../src/kernels/wasm-gemm.js";

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("the WebAssembly kernel under test", () => {
  it("is the one built from today's assembly/gemm.ts, and the one the tests use", () => {
    const source = readFileSync(new URL("../../assembly/gemm.ts", import.meta.url));
    const built = readFileSync(new URL("../../dist/gemm.wasm.sha256", import.meta.url), "utf8").trim();
    expect(built).toBe(createHash("sha256").update(source).digest("hex"));
    if (process.env.BACKPROP_KERNEL !== "ts") expect(gemmKernel()).toBe("wasm");
  });
});

const loads = () => {};
const fails = () => {
  throw new Error("ENOENT: no such file or directory, open '/x/dist/gemm.wasm'");
};

describe("chooseKernel", () => {
  it("takes wasm when it loads and falls back to ts when it does not, with BACKPROP_KERNEL unset", () => {
    expect(chooseKernel(undefined, loads)).toBe("wasm");
    expect(chooseKernel("", loads)).toBe("wasm");
    expect(chooseKernel(undefined, fails)).toBe("ts");
  });

  it("BACKPROP_KERNEL=ts never loads the WebAssembly kernel", () => {
    const load = vi.fn();
    expect(chooseKernel("ts", load)).toBe("ts");
    expect(load).not.toHaveBeenCalled();
  });

  it("BACKPROP_KERNEL=wasm insists: it throws when the WebAssembly kernel cannot load", () => {
    expect(chooseKernel("wasm", loads)).toBe("wasm");
    expect(() => chooseKernel("wasm", fails)).toThrow(/^BACKPROP_KERNEL=wasm: cannot load the WebAssembly kernel: ENOENT: no such file or directory, open '\/x\/dist\/gemm.wasm'$/);
  });

  it("rejects any other setting with a BackendError", () => {
    expect(() => chooseKernel("gpu", loads)).toThrow(/^BACKPROP_KERNEL must be "ts", "wasm" or unset, got "gpu"$/);
    expect(() => chooseKernel("gpu", loads)).toThrow(BackendError);
    expect(() => chooseKernel("wasm", fails)).toThrow(BackendError);
  });
});

describe("compileWasmGemm names the file and what is wrong with it", () => {
  const dir = mkdtempSync(join(tmpdir(), "backprop-kernel-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("compiles the real kernel", () => {
    expect(typeof compileWasmGemm(wasmGemmPath()).matmulF64).toBe("function");
    expect(wasmGemmPath()).toMatch(/packages\/core\/dist\/gemm\.wasm$/);
  });

  it("a missing file does not exist, and pnpm install builds it", () => {
    const path = join(dir, "gone.wasm");
    expect(() => compileWasmGemm(path)).toThrow(new RegExp(`^${escape(path)} does not exist; run pnpm install to build it$`));
    expect(() => compileWasmGemm(path)).toThrow(BackendError);
  });

  it("a corrupt file is not a valid WebAssembly module, with the engine's reason", () => {
    const path = join(dir, "junk.wasm");
    writeFileSync(path, "junk, not wasm");
    expect(() => compileWasmGemm(path)).toThrow(new RegExp(`^${escape(path)} is not a valid WebAssembly module: .*magic word.*; run pnpm install to rebuild it$`));
    const cut = join(dir, "cut.wasm");
    writeFileSync(cut, readFileSync(wasmGemmPath()).subarray(0, 100));
    expect(() => compileWasmGemm(cut)).toThrow(new RegExp(`^${escape(cut)} is not a valid WebAssembly module: `));
  });

  it("a valid module that is not the kernel says which exports it lacks", () => {
    const path = join(dir, "empty.wasm");
    // the smallest WebAssembly module: the magic word and version 1, no sections
    writeFileSync(path, Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00));
    expect(() => compileWasmGemm(path)).toThrow(
      new RegExp(`^${escape(path)} is not the backprop matrix kernel: it does not export memory, heapBase, workBytesF64, workBytesF32, matmulF64, matmulF32$`),
    );
  });

  it("a folder cannot be read", () => {
    expect(() => compileWasmGemm(dir)).toThrow(new RegExp(`^cannot read ${escape(dir)}: EISDIR`));
  });

  it("BACKPROP_KERNEL=wasm passes the reason on, one line", () => {
    const path = join(dir, "gone.wasm");
    const error = thrown(() => chooseKernel("wasm", () => compileWasmGemm(path)));
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).name).toBe("BackendError");
    expect((error as Error).message).toBe(`BACKPROP_KERNEL=wasm: cannot load the WebAssembly kernel: ${path} does not exist; run pnpm install to build it`);
    // unset, the same failure falls back to the TypeScript kernel without a word
    expect(chooseKernel(undefined, () => compileWasmGemm(path))).toBe("ts");
  });
});

describe("BACKPROP_KERNEL is read at the first product, not when the module loads", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    resetGemmKernel();
  });

  it("a bogus value loads the package and fails at the first dot, with a BackendError, until it is fixed", async () => {
    vi.stubEnv("BACKPROP_KERNEL", "bogus");
    vi.resetModules();
    const core = await import("../../src/index.js");
    const { resetGemmKernel: reset } = await import("../../src/kernels/kernel.js");
    const a = core.tensor([[1, 2]]);
    expect(a.add(1).toArray()).toEqual([[2, 3]]);
    expect(() => a.dot(a.T)).toThrow(/^BACKPROP_KERNEL must be "ts", "wasm" or unset, got "bogus"$/);
    expect(() => core.gemmKernel()).toThrow(core.BackendError);
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

describe("gemmKernel reads BACKPROP_KERNEL", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it.each([
    ["ts", "ts"],
    ["wasm", "wasm"],
  ])("BACKPROP_KERNEL=%s gives %s, and dot follows it", async (setting, kernel) => {
    vi.stubEnv("BACKPROP_KERNEL", setting);
    vi.resetModules();
    const core = await import("../../src/index.js");
    expect(core.gemmKernel()).toBe(kernel);
    // 1 + 2^-24 + 2^-24 is 1 in float32 steps but rounds up to 1 + 2^-23 from a float64 sum
    const a = core.tensor([[1, 1, 1]], { dtype: "float32" });
    const b = core.tensor([[1], [2 ** -24], [2 ** -24]], { dtype: "float32" });
    expect(a.dot(b).item()).toBe(kernel === "wasm" ? 1 : 1 + 2 ** -23);
  });
});
