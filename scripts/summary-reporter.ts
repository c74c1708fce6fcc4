import { readdirSync, rmSync } from "node:fs";
import type { Reporter, TestModule } from "vitest/node";

/**
 * Ends the run with one plain line, `N passed, N failed, N skipped`. A test file that fails to load, a suite whose
 * hook (beforeAll, afterAll) throws, and an error thrown outside any test, each count as one failure, even though
 * vitest then reports the suite's tests as skipped; so does anything the tests left in the run's
 * temporary folder (vitest.config.ts points TMPDIR there): every test removes what it makes, also when it fails.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const module of testModules) {
      let tests = 0;
      for (const test of module.children.allTests()) {
        tests++;
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
      if (tests === 0 && module.state() === "failed") failed++;
      else failed += [module, ...module.children.allSuites()].filter((suite) => suite.errors().length > 0).length;
    }
    const runTmp = process.env.BACKPROP_TEST_TMPDIR;
    const left = runTmp ? readdirSync(runTmp) : [];
    if (left.length > 0) {
      failed++;
      process.exitCode = 1;
      process.stdout.write(`\nFAIL the tests left ${left.length} temporary entr${left.length === 1 ? "y" : "ies"} in ${runTmp}: ${left.join(", ")}\n`);
    }
    if (runTmp) rmSync(runTmp, { recursive: true, force: true });
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
