import { describe, expect, it } from "vitest";
import { UsageError, nonNegativeInt, parseFlags, positiveInt, positiveNumber } from "../src/args.js";

describe("flag parsing", () => {
  it("reads numbers and falls back when the flag is absent", () => {
    expect(positiveInt("c", "n", "12", 5)).toBe(12);
    expect(positiveInt("c", "n", undefined, 5)).toBe(5);
    expect(nonNegativeInt("c", "n", "0", 5)).toBe(0);
    expect(positiveNumber("c", "x", "1e-3", 5)).toBe(0.001);
    expect(positiveNumber("c", "x", undefined, 0.5)).toBe(0.5);
  });

  it("rejects what is not a number of the right kind, naming the flag and the value", () => {
    expect(() => positiveInt("cmd", "n", "1.5", 1)).toThrow(new UsageError("cmd: --n must be a positive integer, got '1.5'"));
    expect(() => positiveInt("cmd", "n", "0x", 1)).toThrow(/^cmd: --n must be a positive integer, got '0x'$/);
    expect(() => nonNegativeInt("cmd", "n", "-1", 1)).toThrow(/^cmd: --n must be a non-negative integer, got '-1'$/);
    expect(() => positiveNumber("cmd", "x", "NaN", 1)).toThrow(/^cmd: --x must be a positive number, got 'NaN'$/);
    expect(() => positiveNumber("cmd", "x", " ", 1)).toThrow(/^cmd: --x must be a positive number, got ' '$/);
  });

  it("separates flags from positionals and refuses positionals unless allowed", () => {
    const spec = { json: { type: "boolean" as const }, lr: { type: "string" as const } };
    expect(parseFlags("c", ["--lr", "0.5", "--json"], spec)).toEqual({ values: { lr: "0.5", json: true }, positionals: [] });
    expect(parseFlags("c", ["a", "--json"], spec, true).positionals).toEqual(["a"]);
    expect(() => parseFlags("c", ["a"], spec)).toThrow(/^c: unexpected argument 'a'$/);
    expect(() => parseFlags("c", ["--nope"], spec)).toThrow(/^c: unknown flag --nope \(see c --help\)$/);
  });
});
