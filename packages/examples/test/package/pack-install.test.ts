import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers.js";

// What a new user does, outside the workspace: pack every package, install the tarballs with plain npm into a fresh
// folder, and use them with plain node and tsc. No network: npm runs --offline with an empty cache of its own, and
// the third-party dependencies come as tarballs packed from the workspace's installed copies (what the registry
// serves), so npm finds every dependency among the packages it is given.

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const PACKAGES = ["core", "layers", "datasets", "examples"];
const VERSION = "0.2.0";
const tsc = join(root, "node_modules/typescript/bin/tsc");
const NPM_OFFLINE = ["--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"];

let work: string;
let app: string;
let ours: string[];
let theirs: string[];

/** Runs `command` in `cwd` and returns stdout; a failure throws with its stderr. */
function sh(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

/** The folders of the third-party packages that ours need at run time, found through pnpm's node_modules. */
function runtimeDependencies(): Map<string, string> {
  const found = new Map<string, string>();
  // optional dependencies count where installed: resvg's binary for this platform, not those of the others
  const visit = (from: string, deps: Record<string, string> | undefined, optional: Record<string, string> = {}): void => {
    for (const name of [...Object.keys(deps ?? {}), ...Object.keys(optional)]) {
      if (name.startsWith("@backprop/")) continue;
      const dir = Object.hasOwn(optional, name) ? packageDirIfAny(from, name) : packageDir(from, name);
      if (dir === undefined) continue;
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      const key = `${name}@${manifest.version}`;
      if (found.has(key)) continue;
      found.set(key, dir);
      visit(dir, manifest.dependencies, manifest.optionalDependencies);
    }
  };
  for (const p of PACKAGES) {
    const dir = join(root, "packages", p);
    visit(dir, JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).dependencies);
  }
  return found;
}

/** Where `name` resolves from the package folder `from`, as Node would look (its node_modules, then upwards). */
function packageDir(from: string, name: string): string {
  for (let at = realpathSync(from); ; at = dirname(at)) {
    const candidate = join(at, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
    // pnpm keeps a package's dependencies beside it: .pnpm/<id>/node_modules/{<it>,<its deps>}
    const sibling = join(at, name);
    if (at.endsWith("node_modules") && existsSync(join(sibling, "package.json"))) return realpathSync(sibling);
    if (dirname(at) === at) throw new Error(`cannot find ${name} from ${from}`);
  }
}

/** As packageDir, or undefined where `name` is not installed. */
function packageDirIfAny(from: string, name: string): string | undefined {
  try {
    return packageDir(from, name);
  } catch {
    return undefined;
  }
}

/** The package.json inside a tarball. */
function manifestOf(tarball: string): Record<string, any> {
  return JSON.parse(execFileSync("tar", ["-xOzf", tarball, "package/package.json"], { encoding: "utf8" }));
}

beforeAll(() => {
  work = tempDir();
  const packs = join(work, "tarballs");
  const deps = join(work, "deps");
  mkdirSync(packs);
  mkdirSync(deps);
  // pnpm pack runs each package's prepack (tsc -b tsconfig.build.json) and turns workspace:^ into ^0.2.0
  for (const p of PACKAGES) sh("pnpm", ["pack", "--pack-destination", packs], join(root, "packages", p));
  ours = readdirSync(packs).map((f) => join(packs, f));
  // an installed package folder holds what its registry tarball held (npm pack refuses folders under node_modules)
  for (const [id, dir] of runtimeDependencies()) {
    const file = join(deps, `${id.replace(/^@/, "").replace(/[/@]/g, "-")}.tgz`);
    sh("tar", ["-czf", file, "--exclude=./node_modules", "--transform", "s,^\\.,package,", "-C", dir, "."], work);
  }
  theirs = readdirSync(deps).map((f) => join(deps, f));

  app = join(work, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", type: "module", private: true }));
  sh("npm", ["install", ...NPM_OFFLINE, "--cache", join(work, "npm-cache"), ...ours, ...theirs], app);
}, 300_000);

describe("the npm packages, installed from their tarballs outside the workspace", () => {
  it("are four tarballs of version 0.2.0, not private, with real version ranges and only dist/ (and the penguins)", () => {
    expect(ours.map((t) => t.split("/").pop()).sort()).toEqual(PACKAGES.map((p) => `backprop-${p}-${VERSION}.tgz`).sort());
    for (const tarball of ours) {
      const manifest = manifestOf(tarball);
      expect(manifest.version).toBe(VERSION);
      expect(manifest.private).toBeUndefined();
      expect(manifest.license).toBe("MIT");
      for (const [name, range] of Object.entries<string>(manifest.dependencies ?? {})) {
        expect(range, `${manifest.name} -> ${name}`).not.toMatch(/^workspace:/);
        if (name.startsWith("@backprop/")) expect(range).toBe(`^${VERSION}`);
      }
      const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).trim().split("\n");
      const outside = files.filter((f) => !/^package\/(dist\/|package\.json$|README\.md$|LICENSE$|data\/penguins\.json$|data\/README\.md$)/.test(f));
      expect(files).toContain("package/LICENSE");
      expect(files).toContain("package/README.md");
      expect(outside, manifest.name).toEqual([]);
      expect(files.some((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")), `${manifest.name} ships TypeScript sources`).toBe(false);
      console.log(`${tarball.split("/").pop()}: ${statSync(tarball).size} bytes, ${files.length} files`);
    }
  });

  it("run the README's library example with plain node, which prints a test accuracy", () => {
    copyFileSync(join(root, "packages/examples/src/readme-example.ts"), join(app, "example.mjs"));
    const out = sh(process.execPath, ["example.mjs"], app);
    const match = /^TwoLayerNet\(784 -> 50 -> 10, relu\) test accuracy (0\.\d+)\n$/.exec(out);
    expect(match, out).not.toBeNull();
    expect(Number(match![1])).toBeGreaterThan(0.85);
  });

  it("run the snippet of each package's own README, as shipped, printing what its comment says", () => {
    const expected: Record<string, RegExp> = {
      core: /^\[ \[ 17 \], \[ 39 \] \]\n$/,
      layers: /^0\.00349\d*\n$/,
      datasets: /^266 67 \{\n  name: 'Body Mass \(g\)',\n  task: 'regression',\n  mean: 4210\.15\d*,\n  std: 824\.67\d*\n\}\n$/,
    };
    for (const [p, pattern] of Object.entries(expected)) {
      const readme = readFileSync(join(app, "node_modules/@backprop", p, "README.md"), "utf8");
      const snippet = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
      expect(snippet, `${p}/README.md has a js snippet`).toBeDefined();
      writeFileSync(join(app, `${p}-readme.mjs`), snippet!);
      expect(sh(process.execPath, [`${p}-readme.mjs`], app)).toMatch(pattern);
    }
  });

  it("resolve from the installed dist/, not from any source", () => {
    // node's own ESM resolution, asked in the app folder
    const resolve = (name: string) => sh(process.execPath, ["--input-type=module", "-e", `console.log(import.meta.resolve(${JSON.stringify(name)}))`], app).trim();
    const resolved = ["@backprop/core", "@backprop/layers", "@backprop/layers/node", "@backprop/datasets", "@backprop/datasets/node", "@backprop/examples"].map(resolve);
    for (const url of resolved) expect(url).toMatch(new RegExp(`^file://${app}/node_modules/@backprop/[a-z]+/dist/(index|node)\\.js$`));
  });

  it("type-check a consumer under moduleResolution nodenext, and a type error in it is caught", () => {
    const consumer = [
      'import { Random, tensor, type Tensor } from "@backprop/core";',
      'import { MultiLayerNet, SGD, Trainer, serializeModel, deserializeModel } from "@backprop/layers";',
      'import { saveModel } from "@backprop/layers/node";',
      'import { parseCsv, prepareTable } from "@backprop/datasets";',
      'import { loadMnist } from "@backprop/datasets/node";',
      "",
      "const x: Tensor = tensor([[1, 2], [3, 4]]);",
      "const net = new MultiLayerNet(2, [3], 2, { seed: 1 });",
      "const y: Tensor = net.predict(x);",
      "const bytes: Uint8Array = serializeModel(net);",
      "const again = deserializeModel(bytes).net;",
      "const optimizer = new SGD(0.1);",
      "const table = prepareTable(parseCsv('a,b\\n1,2\\n3,4\\n', 'small.csv'), { target: 'b', testFraction: 0.5 });",
      "export const used = [y.shape, again, optimizer, table.train.length, new Random(0), saveModel, loadMnist, Trainer];",
    ].join("\n");
    writeFileSync(join(app, "consumer.ts"), consumer + "\n");
    writeFileSync(join(app, "wrong.ts"), consumer + '\nexport const wrong: string = net.predict(x);\n');
    const config = (file: string) => ({
      compilerOptions: { module: "nodenext", moduleResolution: "nodenext", target: "es2022", strict: true, noEmit: true, types: ["node"], skipLibCheck: false },
      files: [file],
    });
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify(config("consumer.ts")));
    writeFileSync(join(app, "tsconfig.wrong.json"), JSON.stringify(config("wrong.ts")));
    expect(sh(process.execPath, [tsc, "-p", "tsconfig.json"], app)).toBe("");
    const wrong = spawnSync(process.execPath, [tsc, "-p", "tsconfig.wrong.json"], { cwd: app, encoding: "utf8" });
    expect(wrong.status).not.toBe(0);
    expect(wrong.stdout).toMatch(/wrong\.ts\(\d+,\d+\): error TS2322: Type 'Tensor' is not assignable to type 'string'\./);
  });

  it("give a backprop command that trains an epoch", () => {
    const out = sh(join(app, "node_modules/.bin/backprop"), ["train", "--epochs", "1", "--seed", "0"], app);
    expect(out).toMatch(/^TwoLayerNet\(784 -> 50 -> 10, relu\)/m);
    const accuracies = [...out.matchAll(/test acc (0\.\d+)/g)].map((m) => Number(m[1]));
    expect(accuracies.length, out).toBeGreaterThan(0);
    // one epoch of the book's SGD at lr 0.1 on the embedded digits gets 0.59 (see the README); chance is 0.1
    expect(accuracies.at(-1)).toBeGreaterThan(0.5);
  });

  it("draw pictures installed: a report with ECharts inlined, PNGs by resvg's binary, a graph, a sweep in two worker threads of dist/", () => {
    const backprop = join(app, "node_modules/.bin/backprop");
    const pngs = join(work, "pngs");
    mkdirSync(pngs);
    sh(backprop, ["train", "--epochs", "1", "--quiet", "--save", "m.bpm", "--report", "run.html", "--report-png", pngs], app);
    const page = readFileSync(join(app, "run.html"), "utf8");
    // ECharts' browser build, read from the installed package, and the run's data
    expect(page).toMatch(/<script>\s*\/\*[\s\S]{0,2000}Apache License/);
    expect(page).toContain('<script type="application/json" id="backprop-data">');
    const PNG_SIGNATURE = "89504e470d0a1a0a";
    expect(readFileSync(join(pngs, "loss.png")).subarray(0, 8).toString("hex")).toBe(PNG_SIGNATURE);
    expect(sh(backprop, ["graph", "--model", "m.bpm", "--out", "net.png"], app)).toMatch(/^wrote net\.png: the graph of TwoLayerNet/);
    expect(readFileSync(join(app, "net.png")).subarray(0, 8).toString("hex")).toBe(PNG_SIGNATURE);
    const sweep = spawnSync(backprop, ["sweep", "--trials", "4", "--workers", "2", "--train-samples", "200", "--epochs", "1", "--hidden", "10", "--out", "sweep"], { cwd: app, encoding: "utf8" });
    expect(sweep.status, sweep.stderr).toBe(0);
    expect(sweep.stdout).toMatch(/^2 trials at once, each in a worker thread/m);
    expect(readFileSync(join(app, "sweep/trials.csv"), "utf8").trim().split("\n")).toHaveLength(5);
    // the playground's page script, bundled for the browser by prepack into dist/ and inlined into the page
    expect(sh(backprop, ["playground", "--out", "site"], app)).toMatch(/^wrote \S*site\/index\.html: open it in a browser$/m);
    const site = readFileSync(join(app, "site/index.html"), "utf8");
    expect(site).toContain("<title>backprop playground");
    expect(site).toContain("window.playground");
  });

  it("install globally (npm i -g of the tarballs), giving backprop on the PATH", () => {
    const prefix = join(work, "global");
    sh("npm", ["install", "--global", "--prefix", prefix, ...NPM_OFFLINE, "--cache", join(work, "npm-cache"), ...ours, ...theirs], work);
    const env = { PATH: `${join(prefix, "bin")}:${process.env.PATH}` };
    expect(sh("backprop", ["--version"], work, env)).toBe(`backprop ${VERSION}\n`);
    expect(sh("backprop", ["demo", "buy-apple"], work, env)).toBe("220.00000000000003\n2.2 110.00000000000001 200\n");
    expect(sh("backprop", ["gradcheck", "--json"], work, env)).toMatch(/"passed":true/);
  });
});
