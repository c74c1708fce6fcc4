// Bundles the playground's page script for the browser into OUTDIR/playground.js (default: bundle/, beside the CLI
// bundle; the package's prepack gives dist/, beside dist/playground-command.js): playground-command.ts inlines
// new URL("./playground.js", import.meta.url) into the page it writes. No externals, so that a Node built-in reaching
// the page fails here.   node packages/examples/scripts/build-page.mjs [OUTDIR]
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const examples = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = resolve(examples, process.argv[2] ?? "bundle");

await build({
  entryPoints: { playground: join(examples, "src/playground/page/main.ts") },
  outdir,
  // the workspace packages' TypeScript sources, as the CLI bundle takes them
  conditions: ["@backprop/source"],
  bundle: true,
  platform: "browser",
  format: "iife",
  target: "es2022",
  logLevel: "warning",
});
