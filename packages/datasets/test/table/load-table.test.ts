import { describe, expect, it } from "vitest";
import { Random } from "@backprop/core";
import { parseCsv, parseTable, prepareTable, recordsTable, type Table } from "../../src/index.js";
import { expectDataError, rowsOf, utf8 } from "./helpers.js";

// kept: lines 2, 4-5 (a quoted line break) and 6 (its unused note is NA); dropped: 3 (size NA), 7 (size empty), 8 (price empty).
// colors come red, blue, green: out of order
const TRAIN_CSV = ["size,color,note,price", '1,red,"a, b",10', "NA,blue,x,11", '3,blue,"multi', 'line",20', "5,green,NA,30", ",red,z,40", "7,red,w,"].join("\r\n");
// values far from the training rows', so that a leak into the means would show; line 4 is dropped
const TEST_CSV = ["size,color,price", "100,green,1000", "2,red,15", "NA,red,3"].join("\n");

const OPTIONS = { target: "price", features: ["size", "color"] };
// train size 1, 3, 5: mean 3, variance (4 + 0 + 4) / 3; price 10, 20, 30: mean 20, variance (100 + 0 + 100) / 3
const S = Math.sqrt(8 / 3);
const SP = Math.sqrt(200 / 3);

function fromCsv(): Table {
  return prepareTable(parseTable(utf8(TRAIN_CSV), "train.csv"), OPTIONS, parseTable(utf8(TEST_CSV), "test.csv"));
}

function expectClose(got: ArrayLike<number>, expected: number[]): void {
  expect(got.length).toBe(expected.length);
  expected.forEach((e, i) => expect(got[i]).toBeCloseTo(e, 12));
}

describe("prepareTable with a test table", () => {
  it("drops rows with a missing value in a column used, and reports their lines", () => {
    const { report, train, test } = fromCsv();
    expect(report).toEqual({
      name: "train.csv",
      testName: "test.csv",
      unit: "line",
      rows: 6,
      kept: 3,
      dropped: 3,
      droppedLines: [3, 7, 8],
      testDroppedLines: [4],
      train: 3,
      test: 2,
      task: "regression",
      inputs: ["size", "color=blue", "color=green", "color=red"],
    });
    expect(train.lines).toEqual([2, 4, 6]);
    expect(test.lines).toEqual([2, 3]);
  });

  it("fits the standardization on the training rows alone, not on the test rows", () => {
    const { schema } = fromCsv();
    expect(schema.features[0]).toEqual({ name: "size", kind: "numeric", mean: 3, std: S });
    expect(schema.target).toEqual({ name: "price", task: "regression", mean: 20, std: SP });
    // with the test rows the means would be (1 + 3 + 5 + 100 + 2) / 5 = 22.2 and (10 + 20 + 30 + 1000 + 15) / 5 = 215
    expect(schema.features[0]).not.toMatchObject({ mean: 22.2 });
    expect(schema.target).not.toMatchObject({ mean: 215 });
  });

  it("sorts the categories of both tables and encodes z-scores and one-hot rows", () => {
    const { train, test, schema } = fromCsv();
    expect(schema.features[1]).toEqual({ name: "color", kind: "categorical", categories: ["blue", "green", "red"] });
    expect(train.inputSize).toBe(4);
    const trainRows = rowsOf(train.x, 4);
    expectClose(trainRows[0], [(1 - 3) / S, 0, 0, 1]);
    expectClose(trainRows[1], [0, 1, 0, 0]);
    expectClose(trainRows[2], [(5 - 3) / S, 0, 1, 0]);
    expectClose(train.t, [-10 / SP, 0, 10 / SP]);
    const testRows = rowsOf(test.x, 4);
    expectClose(testRows[0], [(100 - 3) / S, 0, 1, 0]);
    expectClose(testRows[1], [(2 - 3) / S, 0, 0, 1]);
    expectClose(test.t, [(1000 - 20) / SP, (15 - 20) / SP]);
    expect([train.task, train.classes]).toEqual(["regression", 1]);
  });

  it("gives the same encoding for JSON records as for the equivalent CSV", () => {
    const trainJson = JSON.stringify([
      { size: 1, color: "red", note: "a, b", price: 10 },
      { size: null, color: "blue", note: "x", price: 11 },
      { size: 3, color: "blue", note: "multi\nline", price: 20 },
      { size: 5, color: "green", note: null, price: 30 },
      { size: null, color: "red", note: "z", price: 40 },
      { size: 7, color: "red", note: "w" },
    ]);
    const testJson = JSON.stringify([{ size: 100, color: "green", price: 1000 }, { size: 2, color: "red", price: 15 }, { color: "red", price: 3 }]);
    const json = prepareTable(parseTable(utf8(trainJson), "train.json"), OPTIONS, parseTable(utf8(testJson), "test.json"));
    const csv = fromCsv();
    expect(json.schema).toEqual(csv.schema);
    expect(Array.from(json.train.x)).toEqual(Array.from(csv.train.x));
    expect(Array.from(json.train.t)).toEqual(Array.from(csv.train.t));
    expect(Array.from(json.test.x)).toEqual(Array.from(csv.test.x));
    expect(Array.from(json.test.t)).toEqual(Array.from(csv.test.t));
    expect(json.train.lines).toEqual([1, 3, 4]);
    expect(json.report).toMatchObject({ unit: "record", rows: 6, kept: 3, droppedLines: [2, 5, 6], testDroppedLines: [3] });
  });

  it("refuses a test table without a column used", () => {
    const test = parseCsv("size,price\n1,2\n", "test.csv");
    expectDataError(() => prepareTable(parseTable(utf8(TRAIN_CSV), "train.csv"), OPTIONS, test), 'test.csv: has no column "color", which train.csv has (its columns: size, price)');
  });
});

describe("prepareTable: columns and task", () => {
  const raw = () => parseTable(utf8(TRAIN_CSV), "train.csv");

  it("takes every column but the target as a feature by default", () => {
    const { schema } = prepareTable(raw(), { target: "price" }, parseTable(utf8("size,color,note,price\n2,red,n,1\n"), "test.csv"));
    expect(schema.features.map((f) => [f.name, f.kind])).toEqual([["size", "numeric"], ["color", "categorical"], ["note", "categorical"]]);
  });

  it("makes a text target a classification, its classes sorted", () => {
    const { schema, train, report } = prepareTable(raw(), { target: "color", features: ["size"] }, parseTable(utf8(TEST_CSV), "test.csv"));
    expect(schema.target).toEqual({ name: "color", task: "classification", classes: ["blue", "green", "red"] });
    expect(report.task).toBe("classification");
    expect([train.task, train.classes]).toEqual(["classification", 3]);
    // price is not used now, so line 8 is kept: lines 2 (red), 4 (blue), 6 (green), 8 (red); NA and empty sizes drop 3 and 7
    expect(train.lines).toEqual([2, 4, 6, 8]);
    expect(Array.from(train.t)).toEqual([2, 0, 1, 2]);
  });

  it("refuses a target or feature that is not a column, listing the file's columns", () => {
    expectDataError(() => prepareTable(raw(), { target: "cost" }), 'train.csv: target "cost" is not a column (its columns: size, color, note, price)');
    expectDataError(() => prepareTable(raw(), { target: "price", features: ["size", "weight"] }), 'train.csv: feature "weight" is not a column (its columns: size, color, note, price)');
    expectDataError(() => prepareTable(raw(), { target: "price", categorical: ["kind"] }), 'train.csv: categorical "kind" is not a column (its columns: size, color, note, price)');
  });

  it("refuses the target among the features, and a feature listed twice", () => {
    expectDataError(() => prepareTable(raw(), { target: "price", features: ["size", "price"] }), 'train.csv: "price" is the target, so it cannot also be a feature');
    expectDataError(() => prepareTable(raw(), { target: "price", features: ["size", "size"] }), 'train.csv: feature "size" is listed twice, expected each column once');
  });

  it("refuses text in a numeric column, naming its line, unless the column is listed in categorical", () => {
    const rows = Array.from({ length: 10 }, (_, i) => `Adelie,${180 + i},${3000 + 100 * i}`);
    const text = ["Species,Flipper Length (mm),Body Mass (g)", ...rows, "Gentoo,abc,5000"].join("\n");
    expectDataError(() => prepareTable(parseCsv(text, "penguins.csv"), { target: "Body Mass (g)" }),
      `penguins.csv: line 12, column "Flipper Length (mm)": 'abc' is not a number, and the column's other values are (to read it as categories, list it in categorical)`);
    const { schema } = prepareTable(parseCsv(text, "penguins.csv"), { target: "Body Mass (g)", categorical: ["Flipper Length (mm)"] });
    expect(schema.features[1]).toMatchObject({ kind: "categorical", categories: ["180", "181", "182", "183", "184", "185", "186", "187", "188", "189", "abc"] });
  });

  it("refuses a target of one class, and a text target for regression", () => {
    const one = parseCsv("x,kind\n1,a\n2,a\n3,a\n4,a\n5,a\n", "one.csv");
    expectDataError(() => prepareTable(one, { target: "kind" }), `one.csv: the target "kind" has one class only ('a'), expected at least two`);
    expectDataError(() => prepareTable(raw(), { target: "color", features: ["size"], task: "regression" }), `train.csv: line 2, column "color": 'red' is not a number, so "color" cannot be a regression target (leave task out, or make it classification)`);
  });

  it("refuses a table with no complete row", () => {
    expectDataError(() => prepareTable(parseCsv("a,y\n1,\nNA,2\n", "holes.csv"), { target: "y" }), "holes.csv: no row has a value in every column used (a, y), expected at least one complete row");
  });
});

describe("prepareTable: the seeded split", () => {
  // rows i = 0..9 on lines i + 2, y = i * i; line 5 (i = 3) has no y, so 9 rows are kept
  const raw = parseCsv(["i,y", ...Array.from({ length: 10 }, (_, i) => `${i},${i === 3 ? "NA" : i * i}`)].join("\n"), "squares.csv");
  const KEPT_LINES = [2, 3, 4, 6, 7, 8, 9, 10, 11];

  it("holds out round(kept * testFraction) rows, the first of the seed's permutation, each set in file order", () => {
    const { train, test, report } = prepareTable(raw, { target: "y", testFraction: 0.3, seed: 7 });
    // round(9 * 0.3) = round(2.7) = 3
    expect([report.kept, report.train, report.test]).toEqual([9, 6, 3]);
    const picked = Array.from(new Random(7).permutation(9).subarray(0, 3)).sort((a, b) => a - b);
    expect(test.lines).toEqual(picked.map((k) => KEPT_LINES[k]));
    expect(train.lines).toEqual(KEPT_LINES.filter((_, k) => !picked.includes(k)));
  });

  it("partitions the kept rows", () => {
    const { train, test } = prepareTable(raw, { target: "y", testFraction: 0.5, seed: "split" });
    // round(4.5) = 5
    expect(test.length).toBe(5);
    expect([...train.lines, ...test.lines].sort((a, b) => a - b)).toEqual(KEPT_LINES);
    expect(train.lines.filter((line) => test.lines.includes(line))).toEqual([]);
  });

  it("gives the same rows for the same seed, other rows for another, seed 0 and fraction 0.2 by default", () => {
    const linesOf = (options: { seed?: number | string; testFraction?: number }) => prepareTable(raw, { target: "y", ...options }).test.lines;
    expect(linesOf({ seed: 1 })).toEqual(linesOf({ seed: 1 }));
    expect(linesOf({ seed: 1 })).not.toEqual(linesOf({ seed: 2 }));
    expect(linesOf({})).toEqual(linesOf({ seed: 0, testFraction: 0.2 }));
    // round(9 * 0.2) = round(1.8) = 2
    expect(linesOf({}).length).toBe(2);
  });

  it("refuses a testFraction outside (0, 1), and a split that leaves a side empty", () => {
    for (const f of [0, 1, 1.5, -0.2]) {
      expectDataError(() => prepareTable(raw, { target: "y", testFraction: f }), `loadTable: testFraction must be a number in (0, 1), got ${f}`);
    }
    const tiny = parseCsv("x,y\n1,2\n2,4\n", "tiny.csv");
    // round(2 * 0.2) = 0 test rows
    expectDataError(() => prepareTable(tiny, { target: "y" }), "tiny.csv: 2 complete rows cannot be split 2 train / 0 test by testFraction 0.2, expected at least one row in each");
  });
});

describe("recordsTable through prepareTable", () => {
  it("reads JSON booleans and numbers in a categorical column as their text", () => {
    const raw = recordsTable([{ x: 1, flag: true, y: 1 }, { x: 2, flag: false, y: 2 }, { x: 3, flag: true, y: 4 }, { x: 4, flag: false, y: 8 }, { x: 5, flag: true, y: 9 }], "flags.json");
    const { schema } = prepareTable(raw, { target: "y" });
    expect(schema.features[1]).toEqual({ name: "flag", kind: "categorical", categories: ["false", "true"] });
  });
});
