// Group 11 of the reliability issue: the tests must leave nothing in the temporary folder. The summary reporter
// counts what a run left there as a failure; this checks that it does, and that a clean run passes.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";

// the reporter lives outside the packages (vitest.config.ts loads it); imported by URL, outside the typecheck
type Reporter = { onTestRunEnd(modules: unknown[], errors: unknown[]): void };
const { default: SummaryReporter } = (await import(new URL("../../../../scripts/summary-reporter.ts", import.meta.url).href)) as { default: new () => Reporter };

describe("the summary reporter", () => {
  const saved = process.env.BACKPROP_TEST_TMPDIR;
  afterEach(() => {
    process.env.BACKPROP_TEST_TMPDIR = saved;
    vi.restoreAllMocks();
  });

  function summary(folderHolds: string[]): { lines: string; code: typeof process.exitCode } {
    const folder = mkdtempSync(join(tmpdir(), "backprop-reporter-"));
    for (const name of folderHolds) writeFileSync(join(folder, name), "");
    process.env.BACKPROP_TEST_TMPDIR = folder;
    let lines = "";
    vi.spyOn(process.stdout, "write").mockImplementation((text) => {
      lines += String(text);
      return true;
    });
    const exitCode = process.exitCode;
    new SummaryReporter().onTestRunEnd([], []);
    const code = process.exitCode;
    process.exitCode = exitCode;
    rmSync(folder, { recursive: true, force: true });
    return { lines, code };
  }

  it("fails a run that left a file behind, naming it", () => {
    const { lines, code } = summary(["backprop-examples-x1"]);
    expect(lines).toMatch(/\nFAIL the tests left 1 temporary entry in .*backprop-reporter-\w+: backprop-examples-x1\n\n0 passed, 1 failed, 0 skipped\n$/);
    expect(code).toBe(1);
  });

  it("passes a run that left nothing", () => {
    expect(summary([]).lines).toBe("\n0 passed, 0 failed, 0 skipped\n");
  });
});
