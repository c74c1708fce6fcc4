import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

// What a page gets from @backprop/datasets: esbuild bundles the main entry as a browser bundler would (a Node
// built-in there fails the build), and the bundle runs in a context with no process, no Buffer and no require.
// The expected figures are the penguins test's, which come from numpy (test/table/penguins.test.ts).
const PROBE = `
import { loadPenguins, parseCsv, prepareTable } from "@backprop/datasets";
const penguins = loadPenguins();
const raw = parseCsv("x,y\\n1,2\\n3,4\\n5,\\n7,8\\n", "small.csv");
const table = prepareTable(raw, { target: "y", testFraction: 0.25, seed: 0 });
globalThis.result = {
  penguins: [penguins.train.length, penguins.test.length, penguins.report.droppedLines.length],
  small: [raw.rows.length, table.train.length + table.test.length, table.report.droppedLines],
  hasProcess: typeof process !== "undefined",
  hasBuffer: typeof Buffer !== "undefined",
};
`;

/** The probe bundled for the browser from the workspace's sources, as one script. */
async function bundle(): Promise<string> {
  const out = await build({
    stdin: { contents: PROBE, resolveDir: new URL("..", import.meta.url).pathname, loader: "ts" },
    bundle: true,
    platform: "browser",
    format: "iife",
    conditions: ["@backprop/source"],
    write: false,
    logLevel: "silent",
  });
  return out.outputFiles[0].text;
}

describe("@backprop/datasets in a browser", () => {
  it("bundles for the browser, with csv-parse's browser build, and runs with no Node globals", async () => {
    const code = await bundle();
    expect(code).not.toMatch(/from "node:|require\("node:/);
    const context: Record<string, unknown> = { TextDecoder, TextEncoder };
    runInNewContext(code, context);
    expect(context.result).toEqual({
      penguins: [266, 67, 11],
      small: [4, 3, [4]],
      hasProcess: false,
      hasBuffer: false,
    });
  });
});
