import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cli, tempDir } from "./helpers.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const readme = readFileSync(join(root, "README.md"), "utf8");

/** The first ```js block after `heading` in the README. */
function snippetAfter(heading: string): string {
  const at = readme.indexOf(heading);
  expect(at, `README.md has "${heading}"`).toBeGreaterThan(-1);
  const block = /```js\n([\s\S]*?)```/.exec(readme.slice(at));
  expect(block, `a js block after "${heading}"`).not.toBeNull();
  return block![1];
}

describe("the README's export section", () => {
  it("shows the commands that train, then export both formats", () => {
    expect(readme).toContain("pnpm export --model mass.bp --format tfjs --out mass-tfjs");
    expect(readme).toContain("pnpm export --model mass.bp --format onnx --out mass.onnx");
  });

  it("has an ONNX Runtime snippet that, run with plain node on an exported penguins model, prints what predict does", async () => {
    const dir = tempDir();
    // a short run of the README's recipe: the snippet's row is a male Adelie, whatever the weights
    expect((await cli("train", "--dataset", "penguins", "--hidden", "16", "--optimizer", "rmsprop", "--lr", "0.001", "--batch-size", "16", "--epochs", "3", "--save", join(dir, "mass.bp"))).code).toBe(0);
    expect((await cli("export", "--model", join(dir, "mass.bp"), "--format", "onnx", "--out", join(dir, "mass.onnx"))).code).toBe(0);
    writeFileSync(join(dir, "row.csv"), "Species,Island,Beak Length (mm),Beak Depth (mm),Flipper Length (mm),Sex\nAdelie,Torgersen,39.1,18.7,181,MALE\n");
    const predicted = await cli("predict", "--model", join(dir, "mass.bp"), "--data", join(dir, "row.csv"));
    expect(predicted.stdout).toMatch(/^line,Body Mass \(g\),error\n2,\d+\.\d+,\n$/);
    const grams = Number(predicted.stdout.split("\n")[1].split(",")[1]);

    // the snippet as a user runs it: its own folder, onnxruntime-node beside it, no telemetry (see the README)
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(realpathSync(join(root, "node_modules/onnxruntime-node")), join(dir, "node_modules/onnxruntime-node"));
    writeFileSync(join(dir, "snippet.mjs"), snippetAfter("ONNX Runtime (`onnxruntime-node`"));
    const run = spawnSync(process.execPath, ["snippet.mjs"], { cwd: dir, encoding: "utf8", env: { ...process.env, ORT_DISABLE_TELEMETRY: "1" } });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const onnx = Number(run.stdout.trim());
    expect(Math.abs(onnx - grams)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(grams)));
  });
});
