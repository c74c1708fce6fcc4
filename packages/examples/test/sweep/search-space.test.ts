import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/args.js";
import { drawNumber, formatNumber, hiddenLabel, paramText, parseHiddenChoice, parseNameChoice, parseNumberParam, pick } from "../../src/sweep/search-space.js";

const CMD = "backprop sweep";
const parse = (flag: string, raw: string, kind: "positive" | "non-negative" | "integer" = "positive") => parseNumberParam(CMD, flag, raw, kind);

/** The one-line UsageError that `f` throws. */
function usageError(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("expected a UsageError, got none");
}

describe("parseNumberParam", () => {
  it("reads a range, a log range, a choice and a fixed value", () => {
    expect(parse("lr", "1e-6..1e-2:log")).toEqual({ kind: "range", low: 1e-6, high: 1e-2, scale: "log" });
    expect(parse("lr", "0.5..2")).toEqual({ kind: "range", low: 0.5, high: 2, scale: "linear" });
    expect(parse("lr", "0.5..2:linear")).toEqual({ kind: "range", low: 0.5, high: 2, scale: "linear" });
    expect(parse("lr", "0.1, 0.01,1e-3")).toEqual({ kind: "choice", values: [0.1, 0.01, 0.001] });
    expect(parse("lr", "0.1")).toEqual({ kind: "choice", values: [0.1] });
    expect(parse("weight-decay", "0..1e-4", "non-negative")).toEqual({ kind: "range", low: 0, high: 1e-4, scale: "linear" });
    expect(parse("batch-size", "32,64", "integer")).toEqual({ kind: "choice", values: [32, 64] });
  });

  it("writes each back as a flag value that parses to the same parameter", () => {
    for (const raw of ["1e-6..1e-2:log", "0.5..2", "0.1,0.01,0.001", "3.1622776601683794e-4", "0"]) {
      const param = parse("weight-decay", raw, "non-negative");
      expect(parse("weight-decay", paramText(param), "non-negative")).toEqual(param);
    }
    expect(paramText(parse("lr", "0.000001..0.01:log"))).toBe("1e-6..0.01:log");
    expect(formatNumber(3.1622776601683794e-4)).toBe("3.1622776601683794e-4");
    expect([2e6, 0.001, 0.0025, 0.05, 100].map(formatNumber)).toEqual(["2e6", "1e-3", "0.0025", "0.05", "100"]);
  });

  it("refuses a bad range or value with one line naming the flag, its value and what is wrong", () => {
    expect(usageError(() => parse("lr", "1e-2..1e-6:log"))).toBe("backprop sweep: --lr 1e-2..1e-6:log: the low end must be below the high end");
    expect(usageError(() => parse("lr", "0.1..0.1"))).toBe("backprop sweep: --lr 0.1..0.1: the low end must be below the high end");
    expect(usageError(() => parse("weight-decay", "0..1:log", "non-negative"))).toBe("backprop sweep: --weight-decay 0..1:log: a log range needs positive ends");
    expect(usageError(() => parse("lr", "0..1:log"))).toBe("backprop sweep: --lr 0..1:log: a log range needs positive ends");
    expect(usageError(() => parse("lr", "-1..1:log"))).toBe("backprop sweep: --lr -1..1:log: a log range needs positive ends");
    expect(usageError(() => parse("lr", "0..1"))).toBe("backprop sweep: --lr 0..1: '0' is not a positive number");
    expect(usageError(() => parse("lr", "1e-6..1e-2:exp"))).toBe("backprop sweep: --lr 1e-6..1e-2:exp: unknown scale 'exp', expected log (a..b:log) or linear (a..b)");
    expect(usageError(() => parse("lr", "1e-6..abc"))).toBe("backprop sweep: --lr 1e-6..abc: 'abc' is not a positive number");
    expect(usageError(() => parse("lr", "-1..1"))).toBe("backprop sweep: --lr -1..1: '-1' is not a positive number");
    expect(usageError(() => parse("lr", "0.1,,0.2"))).toBe("backprop sweep: --lr 0.1,,0.2: an empty value in the list");
    expect(usageError(() => parse("lr", "0.1,1e-1"))).toBe("backprop sweep: --lr 0.1,1e-1: 0.1 is given twice");
    expect(usageError(() => parse("batch-size", "32..64", "integer"))).toBe("backprop sweep: --batch-size 32..64: a range is for real numbers; give a value or a choice such as 32,64,128");
    expect(usageError(() => parse("batch-size", "32,6.5", "integer"))).toBe("backprop sweep: --batch-size 32,6.5: '6.5' is not a positive integer");
  });
});

describe("parseHiddenChoice", () => {
  it("reads a choice of architectures: NxK is K layers of N, A+B one of A then one of B", () => {
    expect(parseHiddenChoice(CMD, "hidden", "50,100,100x3")).toEqual([[50], [100], [100, 100, 100]]);
    expect(parseHiddenChoice(CMD, "hidden", "100+50x2")).toEqual([[100, 50, 50]]);
    expect(["50", "100x3", "100+50x2", "20+30+20"].map((raw) => hiddenLabel(parseHiddenChoice(CMD, "hidden", raw)[0]))).toEqual(["50", "100x3", "100+50x2", "20+30+20"]);
    expect(hiddenLabel([100, 100, 50, 100])).toBe("100x2+50+100");
  });

  it("refuses what is not an architecture, and one given twice", () => {
    const message = (raw: string) => `backprop sweep: --hidden must be a comma-separated choice of architectures such as 50,100,100x3 (three layers of 100) or 100+50, got '${raw}'`;
    for (const raw of ["50,,100", "0", "100x0", "100x", "a", "100 50", "-5"]) expect(usageError(() => parseHiddenChoice(CMD, "hidden", raw))).toBe(message(raw));
    expect(usageError(() => parseHiddenChoice(CMD, "hidden", "100x2,100+100"))).toBe("backprop sweep: --hidden 100x2,100+100: the architecture 100x2 is given twice");
  });
});

describe("parseNameChoice", () => {
  it("reads a choice of known names, and refuses an unknown one or a repeat", () => {
    expect(parseNameChoice(CMD, "optimizer", "SGD,adam", ["sgd", "momentum", "adam"])).toEqual(["sgd", "adam"]);
    expect(usageError(() => parseNameChoice(CMD, "optimizer", "sgd,adamw", ["sgd", "adam"]))).toBe("backprop sweep: --optimizer must be a comma-separated choice of sgd, adam, got 'adamw'");
    expect(usageError(() => parseNameChoice(CMD, "optimizer", "sgd,sgd", ["sgd", "adam"]))).toBe("backprop sweep: --optimizer sgd,sgd: sgd is given twice");
  });
});

describe("drawNumber", () => {
  // 1000 evenly spread draws u = (i + 0.5) / 1000, and 1000 from a generator of the test's own (an LCG)
  const spread = Array.from({ length: 1000 }, (_, i) => (i + 0.5) / 1000);
  let state = 12345;
  const lcg = Array.from({ length: 1000 }, () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

  it("maps u to low + (high - low) u, 10^(log10 low + (log10 high - log10 low) u), or values[floor(n u)]", () => {
    expect(drawNumber({ kind: "range", low: 2, high: 6, scale: "linear" }, 0.25)).toBe(3);
    expect(drawNumber({ kind: "range", low: 1e-6, high: 1e-2, scale: "log" }, 0.5)).toBeCloseTo(1e-4, 18);
    expect(drawNumber({ kind: "range", low: 1e-6, high: 1e-2, scale: "log" }, 0.75)).toBeCloseTo(1e-3, 17);
    expect(drawNumber({ kind: "range", low: 1e-6, high: 1e-2, scale: "log" }, 0)).toBeCloseTo(1e-6, 20);
    expect([0, 0.33, 0.34, 0.99].map((u) => pick(["a", "b", "c"], u))).toEqual(["a", "a", "b", "c"]);
  });

  it("draws log-uniformly within the range: the log10 of 1000 draws has its mean at the midpoint, a quarter in each quarter", () => {
    const param = { kind: "range", low: 1e-6, high: 1e-2, scale: "log" } as const;
    for (const us of [spread, lcg]) {
      const logs = us.map((u) => Math.log10(drawNumber(param, u)));
      expect(Math.min(...logs)).toBeGreaterThanOrEqual(-6);
      expect(Math.max(...logs)).toBeLessThan(-2);
      // a uniform of width 4 has the standard deviation 4 / sqrt(12) = 1.15: the mean of 1000 is within 0.04 of -4
      expect(Math.abs(logs.reduce((a, b) => a + b, 0) / logs.length + 4)).toBeLessThan(0.15);
      for (const [lo, hi] of [[-6, -5], [-5, -4], [-4, -3], [-3, -2]]) {
        const share = logs.filter((x) => x >= lo && x < hi).length / logs.length;
        expect(share).toBeGreaterThan(0.2);
        expect(share).toBeLessThan(0.3);
      }
    }
    // the twin that a uniform draw of the same range would be: its log10 mean is near log10(5e-3), far from -4
    const linear = lcg.map((u) => Math.log10(drawNumber({ ...param, scale: "linear" }, u)));
    expect(linear.reduce((a, b) => a + b, 0) / linear.length).toBeGreaterThan(-3);
  });
});
