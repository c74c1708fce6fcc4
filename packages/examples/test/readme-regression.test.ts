import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";

const exampleFile = new URL("../src/readme-regression.ts", import.meta.url);
const readme = new URL("../../../README.md", import.meta.url);

describe("the README's regression example", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is quoted verbatim in README.md", () => {
    const code = readFileSync(exampleFile, "utf8").trim();
    expect(readFileSync(readme, "utf8")).toContain("```ts\n" + code + "\n```");
  });

  it("runs: the penguins recipe ends within 300 g, at the figure the README gives", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await import("../src/readme-regression.js");
    const lines = log.mock.calls.map((call) => call.join(" "));
    expect(lines).toHaveLength(1);
    const mae = Number(/test MAE ([\d.]+) g/.exec(lines[0])?.[1]);
    expect(mae).toBeLessThanOrEqual(300);
    expect(lines[0]).toBe("MultiLayerNet(8 -> 64 -> 64 -> 1, relu): test MAE 252.9 g after 80 epochs");
  });
});
