import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";

const exampleFile = new URL("../src/readme-example.ts", import.meta.url);
const readme = new URL("../../../README.md", import.meta.url);

describe("the README's library example", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is quoted verbatim in README.md", () => {
    const code = readFileSync(exampleFile, "utf8").trim();
    expect(readFileSync(readme, "utf8")).toContain("```ts\n" + code + "\n```");
  });

  it("runs, and 500 seeded steps of the book's loop pass 85% test accuracy", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await import("../src/readme-example.js");
    expect(log).toHaveBeenCalledTimes(1);
    const [name, label, accuracy] = log.mock.calls[0];
    expect(name).toBe("TwoLayerNet(784 -> 50 -> 10, relu)");
    expect(label).toBe("test accuracy");
    expect(accuracy).toBeGreaterThan(0.85);
  });
});
