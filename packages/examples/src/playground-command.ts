// backprop playground: writes the playground, one self-contained HTML page (the bundle of page/main.ts inline, the
// WebAssembly kernel within it), into a folder, and with --serve serves that folder on 127.0.0.1 until Ctrl-C.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "@backprop/layers/node";
import { UsageError, nonNegativeInt, parseFlags } from "./args.js";
import type { Output } from "./output.js";
import { checkOutput, statOf } from "./output-paths.js";
import { playgroundHtml } from "./playground/page-html.js";

const CMD = "backprop playground";

/** The page's script, beside cli.js in bundle/ (scripts/build.mjs builds both). */
export const PAGE_SCRIPT_URL = new URL("./playground.js", import.meta.url);

const MAX_PORT = 65535;

export const PLAYGROUND_HELP = `Usage: backprop playground --out DIR [--serve] [--port N]

Writes DIR/index.html: the playground, one self-contained page that opens from disk (file://) with nothing
fetched. A small net learns a 2-D data set in the page, with backprop itself running there: the spiral of the
book's second volume, circles, XOR, two Gaussians, a regression surface, or a CSV of your own (two feature
columns and a label or target). Every setting and the seed live in the page's URL, so a link reproduces a run,
and reset brings back the same initial weights. The net is drawn with each neuron's output over the plane and each
weight, or, in the backward view, with dL/dW of the last mini-batch and each neuron's δ; one sample can be stepped
through forward and backward with its numbers and the batch's shapes; the model downloads as a backprop model
file or as TF.js files, and a model file loads back.

Flags:
  --out DIR     the folder for index.html (required); made if missing, in a folder that exists
  --serve       then serve DIR on http://127.0.0.1 (the address is printed) until Ctrl-C
  --port N      the port to serve on (default 0: any free port)
  --help        this text

Exit codes: 0 written (and, with --serve, served until stopped); 2 bad flags or a folder that cannot be written.
`;

/** backprop playground: the page into DIR, then (with --serve) a server of DIR. */
export async function playgroundCommand(argv: string[], out: Output, script: URL = PAGE_SCRIPT_URL): Promise<number> {
  const { values: v } = parseFlags(CMD, argv, { out: { type: "string" }, serve: { type: "boolean" }, port: { type: "string" }, help: { type: "boolean" } });
  if (v.help) {
    out.stdout(PLAYGROUND_HELP);
    return 0;
  }
  const dir = v.out as string | undefined;
  if (dir === undefined || dir.trim() === "") throw new UsageError(`${CMD}: --out DIR is required: the folder for index.html`);
  if (v.port !== undefined && !v.serve) throw new UsageError(`${CMD}: --port is for --serve, which is not given`);
  const port = nonNegativeInt(CMD, "port", v.port, 0);
  if (port > MAX_PORT) throw new UsageError(`${CMD}: --port must be at most ${MAX_PORT}, got '${v.port}'`);
  const { folder, exists } = outFolder(dir);
  const scriptPath = fileURLToPath(script);
  if (!existsSync(scriptPath)) throw new UsageError(`${CMD}: the page script ${scriptPath} is missing (the TypeScript sources have none): build the bundle (node scripts/build.mjs) and run bundle/cli.js`);
  if (!exists) makeFolder(dir, folder);
  const index = join(folder, "index.html");
  checkOutput("out", index, CMD);
  writeFileAtomic(index, [playgroundHtml(readFileSync(scriptPath, "utf8"))]);
  out.stdout(`wrote ${index}: open it in a browser\n`);
  if (!v.serve) return 0;
  await serve(resolve(dir), port, out);
  return 0;
}

/** DIR as a folder: an existing one, or one to make in a folder that exists. */
function outFolder(dir: string): { folder: string; exists: boolean } {
  const folder = resolve(dir);
  const fail = (error: NodeJS.ErrnoException) => new UsageError(`${CMD}: --out ${dir}: cannot read that folder (${error.code ?? error.message})`);
  const { stat, blockedBy } = statOf(folder, fail);
  if (stat && !stat.isDirectory()) throw new UsageError(`${CMD}: --out ${dir} is a file, expected a folder for index.html`);
  if (stat) return { folder, exists: true };
  if (blockedBy) throw new UsageError(`${CMD}: --out ${dir}: ${blockedBy} is a file, not a folder`);
  const parent = resolve(folder, "..");
  const above = statOf(parent, fail);
  if (!above.stat) throw new UsageError(`${CMD}: --out ${dir}: folder ${parent} does not exist${above.blockedBy ? ` (${above.blockedBy} is a file)` : ""}`);
  if (!above.stat.isDirectory()) throw new UsageError(`${CMD}: --out ${dir}: ${parent} is a file, not a folder`);
  return { folder, exists: false };
}

function makeFolder(dir: string, folder: string): void {
  try {
    mkdirSync(folder);
  } catch (error) {
    throw new UsageError(`${CMD}: --out ${dir}: cannot make the folder ${folder} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".css": "text/css",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** Serves the files of `root` on 127.0.0.1:port (0: any) until out.signal aborts (the CLI's Ctrl-C ends the process). */
async function serve(root: string, port: number, out: Output): Promise<void> {
  const server = createServer((req, res) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
    } catch {
      // a malformed %-escape is the request's fault: say so, and keep serving
      res.writeHead(400, { "content-type": "text/plain" }).end("bad request: the path is not a valid URL\n");
      return;
    }
    const file = resolve(root, `.${path.endsWith("/") ? `${path}index.html` : path}`);
    const inside = file === root || file.startsWith(root + sep);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    let body: Buffer;
    try {
      if (!inside) throw new Error("outside");
      body = readFileSync(file);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${path}\n`);
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file).toLowerCase()] ?? "application/octet-stream", "content-length": body.length, "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  await listen(server, port);
  const address = server.address();
  const bound = typeof address === "object" && address !== null ? address.port : port;
  out.stdout(`serving http://127.0.0.1:${bound}/ (Ctrl-C to stop)\n`);
  await new Promise<void>((done) => {
    if (out.signal?.aborted) done();
    out.signal?.addEventListener("abort", () => done(), { once: true });
  });
  await new Promise<void>((done) => server.close(() => done()));
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((done, fail) => {
    server.once("error", (error: NodeJS.ErrnoException) => fail(new UsageError(`${CMD}: cannot serve on 127.0.0.1:${port} (${error.code ?? error.message})`)));
    server.listen(port, "127.0.0.1", () => done());
  });
}
