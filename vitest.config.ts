import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts"],
    globalSetup: ["./scripts/test-setup.mjs"],
    reporters: ["default", "./scripts/summary-reporter.ts"],
    testTimeout: 60_000,
  },
});
