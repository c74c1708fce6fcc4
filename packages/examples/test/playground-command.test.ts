import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, test } from "vitest";
import { UsageError } from "../src/args.js";
import type { Output } from "../src/output.js";
import { PLAYGROUND_HELP, playgroundCommand } from "../src/playground-command.js";
import { cli, expectRefused, tempDir } from "./helpers.js";

const dir = tempDir();
// the page script the command inlines: beside cli.js in the bundle; a stand-in here, where the sources run
const script = join(dir, "playground.js");
writeFileSync(script, 'document.body.dataset.state = "ready"; const s = "</script>";\n');
const scriptUrl = pathToFileURL(script);

function output(signal?: AbortSignal): Output & { text: () => string } {
  let stdout = "";
  return { stdout: (t) => (stdout += t), stderr: () => undefined, signal, text: () => stdout };
}

describe("backprop playground", () => {
  test("writes one self-contained index.html with the page script inline, making the folder", async () => {
    const out = output();
    const site = join(dir, "site");
    expect(await playgroundCommand(["--out", site], out, scriptUrl)).toBe(0);
    const html = readFileSync(join(site, "index.html"), "utf8");
    expect(out.text()).toBe(`wrote ${join(site, "index.html")}: open it in a browser\n`);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('document.body.dataset.state = "ready"');
    // a "</script" of the bundle cannot end its element early
    expect(html).toContain('const s = "<\\/script>"');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet/);
    for (const id of ["steps-per-second", "network", "heatmap", "loss-chart", "step-through", "export-model", "csv-file", "model-file"]) expect(html).toContain(`id="${id}"`);
    // written again over itself
    expect(await playgroundCommand(["--out", site], output(), scriptUrl)).toBe(0);
  });

  test("refuses a bad --out with one line, writing nothing", async () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "x");
    await expectRefused(["playground", "--out", file], /^backprop playground: --out .*a-file is a file, expected a folder for index\.html$/);
    await expectRefused(["playground", "--out", join(dir, "missing", "site")], /^backprop playground: --out .*: folder .*missing does not exist$/);
    await expectRefused(["playground"], /^backprop playground: --out DIR is required/);
    await expectRefused(["playground", "--out", join(dir, "p"), "--serve", "--port", "70000"], /^backprop playground: --port must be at most 65535, got '70000'$/);
    await expectRefused(["playground", "--out", join(dir, "p"), "--port", "8080"], /^backprop playground: --port is for --serve/);
    expect(existsSync(join(dir, "p"))).toBe(false);
    await expect(playgroundCommand(["--out", file], output(), scriptUrl)).rejects.toThrow(UsageError);
  });

  test("from the sources, says the page script is missing", async () => {
    await expectRefused(["playground", "--out", join(dir, "q")], /^backprop playground: the page script .*playground\.js is missing .*node scripts\/build\.mjs/);
    expect(existsSync(join(dir, "q"))).toBe(false);
  });

  test("--help", async () => {
    const { code, stdout } = await cli("playground", "--help");
    expect(code).toBe(0);
    expect(stdout).toBe(PLAYGROUND_HELP);
    expect(stdout).toMatch(/^Usage: backprop playground --out DIR \[--serve\] \[--port N\]/);
  });

  test("--serve serves the folder on 127.0.0.1 until stopped", async () => {
    const stop = new AbortController();
    const out = output(stop.signal);
    const served = playgroundCommand(["--out", join(dir, "served"), "--serve"], out, scriptUrl);
    for (let i = 0; i < 100 && !out.text().includes("serving"); i++) await new Promise((r) => setTimeout(r, 20));
    const url = /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out.text())?.[1];
    expect(url).toBeDefined();
    const page = await fetch(url as string);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toBe(readFileSync(join(dir, "served", "index.html"), "utf8"));
    // an encoded "/" passes the URL parser, which would fold a plain "../": without the guard, /etc/passwd would be served
    expect((await fetch(`${url}..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd`)).status).toBe(404);
    // a malformed escape is a bad request, and the server goes on serving
    expect((await fetch(`${url}%E0%A4%A`)).status).toBe(400);
    expect((await fetch(url as string)).status).toBe(200);
    expect((await fetch(`${url}nothing.js`)).status).toBe(404);
    stop.abort();
    expect(await served).toBe(0);
  });
});
