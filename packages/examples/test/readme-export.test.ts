import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { penguinsExport, readmeSnippet, tempDir } from "./helpers.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const readme = readFileSync(join(root, "README.md"), "utf8");

describe("the README's export section", () => {
  it("shows the commands that train, then export both formats", () => {
    expect(readme).toContain("pnpm export --model mass.bp --format tfjs --out mass-tfjs");
    expect(readme).toContain("pnpm export --model mass.bp --format onnx --out mass.onnx");
  });

  it("has an ONNX Runtime snippet that, run with plain node on an exported penguins model, prints what predict does", async () => {
    const dir = tempDir();
    const grams = await penguinsExport(dir, "onnx", "mass.onnx");

    // the snippet as a user runs it: its own folder, onnxruntime-node beside it, no telemetry (see the README)
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(realpathSync(join(root, "node_modules/onnxruntime-node")), join(dir, "node_modules/onnxruntime-node"));
    writeFileSync(join(dir, "snippet.mjs"), readmeSnippet("ONNX Runtime (`onnxruntime-node`"));
    const run = spawnSync(process.execPath, ["snippet.mjs"], { cwd: dir, encoding: "utf8", env: { ...process.env, ORT_DISABLE_TELEMETRY: "1" } });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const onnx = Number(run.stdout.trim());
    expect(Math.abs(onnx - grams)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(grams)));
  });
});
