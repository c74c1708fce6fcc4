import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";

const exampleFile = new URL("../src/readme-ode.ts", import.meta.url);
const readme = new URL("../../../README.md", import.meta.url);

describe("the README's gradient-flow example", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is quoted verbatim in README.md", () => {
    const code = readFileSync(exampleFile, "utf8").trim();
    expect(readFileSync(readme, "utf8")).toContain("```ts\n" + code + "\n```");
  });

  it("runs: the article's setup to the figures the README gives, the same as pnpm train --optimizer ode", { timeout: 120_000 }, async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await import("../src/readme-ode.js");
    const lines = log.mock.calls.map((call) => call.join(" "));
    expect(lines).toEqual([README_LINE]);
  });
});

const README_LINE = "96 steps to t = 3.34e+4, 1336 gradients (plateau): val acc 0.948, test acc 0.9454";
