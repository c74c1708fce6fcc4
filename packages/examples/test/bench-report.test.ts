import { describe, expect, it } from "vitest";
import { formatNumber, formatTable, stats, type BenchRow } from "../src/bench-report.js";

describe("bench report", () => {
  it("summarizes repetitions by median, min, max and mean", () => {
    expect(stats([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, mean: 2, n: 3 });
    // an even count: the mean of the middle two
    expect(stats([4, 1, 10, 2])).toEqual({ median: 3, min: 1, max: 10, mean: 4.25, n: 4 });
  });

  it("prints 3 significant digits, grouping thousands", () => {
    expect([0.81234, 6.184, 41.26, 207.4, 43512, 1234567].map(formatNumber)).toEqual(["0.812", "6.18", "41.3", "207", "43,500", "1,230,000"]);
  });

  it("lines up the columns and says what is missing", () => {
    const row = (name: string, extra: Partial<BenchRow>): BenchRow => ({ name, unit: "ms", runs: "7 x 200", ours: null, numpy: null, ratio: null, target: null, met: null, ...extra });
    const table = formatTable([
      row("training step float64, ms", {
        ours: { median: 1.5, min: 1.25, max: 9, mean: 1.75, n: 1400 },
        numpy: { median: 0.75, min: 0.5, max: 2, mean: 0.8, n: 1400 },
        ratio: 2,
        target: "<= 2.0x NumPy",
        met: true,
      }),
      row("gradient check, s", { runs: "-", target: "<= 0.5x NumPy", note: "skipped (--quick)" }),
    ]);
    expect(table.split("\n")).toEqual([
      "row                        runs     ours: median (min-max)  NumPy: median (min-max)  ours/NumPy  target         met?",
      "-------------------------  -------  ----------------------  -----------------------  ----------  -------------  ----",
      "training step float64, ms  7 x 200  1.50 (1.25-9.00)        0.750 (0.500-2.00)       2.00x       <= 2.0x NumPy  yes",
      "gradient check, s          -        skipped (--quick)                                -           <= 0.5x NumPy  -",
      "",
    ]);
  });
});
