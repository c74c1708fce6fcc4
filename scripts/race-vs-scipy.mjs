// Prints our BDF against scipy's solve_ivp(method="BDF") on the optimizer race's gradient flows (camel and
// Goldstein-Price, from the race's seeded starts, rtol 1e-6, atol 1e-9, to a fixed flow time): where each ends, the
// calls of f each spends (scipy's calls count num_jac's columns, which its nfev leaves out), and the wall time.
// The comparison is the one scipy-reference.test.ts asserts, bundled with esbuild from the test's own module and run
// here; it needs python3 with numpy and scipy. Usage: node scripts/race-vs-scipy.mjs
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "..");
const race = join(root, "packages/examples/test/race");
const dir = mkdtempSync(join(tmpdir(), "race-vs-scipy-"));
try {
  const entry = `export { compareWithScipy, scipyAvailable, FLOW_TIME, TOLERANCES } from ${JSON.stringify(join(race, "scipy-compare.ts"))};
export { formatTable } from ${JSON.stringify(join(root, "packages/examples/src/demo-table.ts"))};`;
  const out = join(dir, "compare.mjs");
  await build({
    stdin: { contents: entry, resolveDir: root, loader: "ts" },
    outfile: out,
    conditions: ["@backprop/source"],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: "warning",
  });
  const { compareWithScipy, scipyAvailable, FLOW_TIME, TOLERANCES, formatTable } = await import(pathToFileURL(out).href);
  if (!scipyAvailable()) {
    console.error("race-vs-scipy: python3 cannot import scipy, expected python3 with numpy and scipy");
    process.exit(1);
  }
  const point = ([x, y]) => `(${x.toFixed(6)}, ${y.toFixed(6)})`;
  const rows = [["function", "start", "our minimum", "scipy's minimum", "our evals", "scipy calls", "scipy nfev", "our ms", "scipy ms"]];
  const totals = {};
  for (const fn of ["camel", "goldstein-price"]) {
    for (const { start, ours, scipy } of compareWithScipy(join(race, "scipy_race.py"), fn)) {
      rows.push([fn, `(${start[0].toFixed(3)}, ${start[1].toFixed(3)})`, point(ours.end), point(scipy.end), String(ours.evaluations), String(scipy.calls), String(scipy.nfev), ours.ms.toFixed(1), scipy.ms.toFixed(1)]);
      const t = (totals[fn] ??= { ours: 0, calls: 0 });
      t.ours += ours.evaluations;
      t.calls += scipy.calls;
    }
  }
  process.stdout.write(`BDF on the gradient flow dθ/dt = -grad f(θ), rtol ${TOLERANCES.rtol.toExponential()}, atol ${TOLERANCES.atol.toExponential()}, to t = ${Object.entries(FLOW_TIME).map(([fn, t]) => `${t} (${fn})`).join(", ")}\n\n`);
  process.stdout.write(formatTable(rows));
  for (const [fn, t] of Object.entries(totals)) process.stdout.write(`${fn}: our evaluations / scipy's calls = ${t.ours} / ${t.calls} = ${(t.ours / t.calls).toFixed(2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
