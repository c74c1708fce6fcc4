import { describe, expect, it } from "vitest";
import { DEFAULT_MISSING, isMissing, numberOf, parseCsv, textOf } from "../../src/index.js";
import { categoriesOf, columnKind, distinctNumbers } from "../../src/table/columns.js";
import { expectDataError } from "./helpers.js";

describe("numberOf", () => {
  it("reads JSON numbers and plain decimals, trimmed", () => {
    expect(["3", " -2.5 ", "+7", "5.", ".5", "1e3", "2.5E-2", "007"].map(numberOf)).toEqual([3, -2.5, 7, 5, 0.5, 1000, 0.025, 7]);
    expect([4, -0.5].map(numberOf)).toEqual([4, -0.5]);
  });

  it("reads nothing else as a number: hex, Infinity, separators, words, booleans, empty text", () => {
    for (const cell of ["0x10", "Infinity", "-Infinity", "1,000", "1 000", "1e", "e3", ".", "-", "", "  ", "abc", "NaN", true, null, NaN, Infinity]) {
      expect(numberOf(cell)).toBeUndefined();
    }
  });
});

describe("isMissing and textOf", () => {
  it("reads null and the missing texts, after trimming, as missing", () => {
    const missing = new Set(DEFAULT_MISSING);
    expect(DEFAULT_MISSING).toEqual(["", "NA", "N/A", "NaN", "nan", "null", "?"]);
    expect([null, "", "  ", " NA ", "N/A", "NaN", "nan", "null", "?"].map((cell) => isMissing(cell, missing))).toEqual(Array(9).fill(true));
    expect(["na", "None", "0", ".", 0, false].map((cell) => isMissing(cell, missing))).toEqual(Array(6).fill(false));
  });

  it("gives a category's text: trimmed, or String() of a number or boolean", () => {
    expect([" red ", 2.5, true].map(textOf)).toEqual(["red", "2.5", "true"]);
  });
});

describe("columnKind", () => {
  const raw = parseCsv("n,half,few,words\n1,1,1,a\n2,x,y,b\n3.5,2,z,c\n4,y,w,d\n", "kinds.csv");
  const all = [{ raw, rows: [0, 1, 2, 3] }];

  it("is numeric when every value is a number, categorical when fewer than half are", () => {
    expect(columnKind("n", all, false)).toBe("numeric");
    // 1 number of 4
    expect(columnKind("few", all, false)).toBe("categorical");
    expect(columnKind("words", all, false)).toBe("categorical");
  });

  it("is numeric when half the values are numbers, and then the others are errors", () => {
    expectDataError(() => columnKind("half", all, false), `kinds.csv: line 3, column "half": 'x' is not a number, and the column's other values are (to read it as categories, list it in categorical)`);
  });

  it("is categorical when told, whatever the values", () => {
    expect(columnKind("n", all, true)).toBe("categorical");
    expect(columnKind("half", all, true)).toBe("categorical");
  });

  it("looks only at the rows given", () => {
    expect(columnKind("half", [{ raw, rows: [0, 2] }], false)).toBe("numeric");
  });
});

describe("categoriesOf and distinctNumbers", () => {
  it("sorts categories by code unit: capitals before small letters, not by locale", () => {
    const raw = parseCsv("c\nb\nB\na\nZ\nb\n é\ne\n", "c.csv");
    expect(categoriesOf("c", [{ raw, rows: [0, 1, 2, 3, 4, 5, 6] }])).toEqual(["B", "Z", "a", "b", "e", "é"]);
  });

  it("takes the categories of every table given", () => {
    const one = parseCsv("c\nx\n", "one.csv");
    const two = parseCsv("c\nw\nx\n", "two.csv");
    expect(categoriesOf("c", [{ raw: one, rows: [0] }, { raw: two, rows: [0, 1] }])).toEqual(["w", "x"]);
  });

  it("sorts numbers in numeric order, 1.0 and 1 being one number", () => {
    const raw = parseCsv("k\n10\n9\n1.0\n2\n1\n", "k.csv");
    expect(distinctNumbers("k", [{ raw, rows: [0, 1, 2, 3, 4] }])).toEqual([1, 2, 9, 10]);
  });
});
