import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

// the tests' temporary folder: one per run, so that the summary can tell what this run left behind (nothing, or
// it fails) without mistaking another run's files for its own
const runTmp = mkdtempSync(join(tmpdir(), "backprop-tests-"));
process.env.BACKPROP_TEST_TMPDIR = runTmp;

// the workspace's packages export their TypeScript sources under the "@backprop/source" condition (their dist/
// otherwise, which only pnpm build:packages makes): the tests run the sources. Vite's server conditions follow.
const conditions = ["@backprop/source", "module", "node", "development|production"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ["packages/*/test/**/*.test.ts"],
    globalSetup: ["./scripts/test-setup.mjs"],
    reporters: ["default", "./scripts/summary-reporter.ts"],
    testTimeout: 60_000,
    env: { TMPDIR: runTmp },
  },
});
