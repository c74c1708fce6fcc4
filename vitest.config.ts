import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

// the tests' temporary folder: one per run, so that the summary can tell what this run left behind (nothing, or
// it fails) without mistaking another run's files for its own
const runTmp = mkdtempSync(join(tmpdir(), "backprop-tests-"));
process.env.BACKPROP_TEST_TMPDIR = runTmp;

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts"],
    globalSetup: ["./scripts/test-setup.mjs"],
    reporters: ["default", "./scripts/summary-reporter.ts"],
    testTimeout: 60_000,
    env: { TMPDIR: runTmp },
  },
});
