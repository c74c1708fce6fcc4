import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { chooseKernel, gemmKernel } from "../../src/kernels/kernel";

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

  it("rejects any other setting", () => {
    expect(() => chooseKernel("gpu", loads)).toThrow(/^BACKPROP_KERNEL: expected "ts" or "wasm", got "gpu"$/);
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
    const core = await import("../../src");
    expect(core.gemmKernel()).toBe(kernel);
    // 1 + 2^-24 + 2^-24 is 1 in float32 steps but rounds up to 1 + 2^-23 from a float64 sum
    const a = core.tensor([[1, 1, 1]], { dtype: "float32" });
    const b = core.tensor([[1], [2 ** -24], [2 ** -24]], { dtype: "float32" });
    expect(a.dot(b).item()).toBe(kernel === "wasm" ? 1 : 1 + 2 ** -23);
  });
});
