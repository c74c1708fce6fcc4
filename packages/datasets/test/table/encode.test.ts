import { describe, expect, it } from "vitest";
import { encodeRows, parseCsv, recordsTable, type TableSchema } from "../../src/index.js";
import { expectDataError, rowsOf } from "./helpers.js";

const SCHEMA: TableSchema = {
  features: [
    { name: "x", kind: "numeric", mean: 2, std: 4 },
    { name: "Sex", kind: "categorical", categories: ["FEMALE", "MALE"] },
    { name: "k", kind: "numeric", mean: 5, std: 0 },
  ],
  target: { name: "y", task: "regression", mean: 10, std: 5 },
  missing: ["", "NA"],
};

// the file's columns in another order than the schema's, and one it does not use
const NEW = parseCsv(
  [
    "y,Sex,x,k,extra",
    "20,MALE,6,7,q",
    "0,FEMALE,-2,5,q",
    "15,unknown,2,5,q",
    "12,FEMALE,abc,zzz,q",
    "NA,FEMALE,2,5,q",
    "7.5, MALE , 10 ,6,q",
    "11,FEMALE,NA,5,q",
    "12,FEMALE,,5,q",
  ].join("\n"),
  "new.csv",
);

describe("encodeRows", () => {
  it("standardizes numbers (std 0 as 1), one-hots categories in the schema's order, standardizes the target", () => {
    const { x, t, rows } = encodeRows(NEW, SCHEMA, { target: "required" });
    expect(rows).toEqual([0, 1, 5]);
    // by hand: x (6 - 2) / 4 = 1, MALE = 0 1, k (7 - 5) / 1 = 2; y (20 - 10) / 5 = 2
    //          x (-2 - 2) / 4 = -1, FEMALE = 1 0, k 0; y (0 - 10) / 5 = -2
    //          x (10 - 2) / 4 = 2, MALE, k 1; y (7.5 - 10) / 5 = -0.5
    expect(rowsOf(x, 4)).toEqual([
      [1, 0, 1, 2],
      [-1, 1, 0, 0],
      [2, 0, 1, 1],
    ]);
    expect(Array.from(t as Float64Array)).toEqual([2, -2, -0.5]);
  });

  it("leaves out each row it cannot encode, with one problem naming its first bad cell", () => {
    const { problems } = encodeRows(NEW, SCHEMA, { target: "required" });
    expect(problems).toEqual([
      { row: 2, line: 4, column: "Sex", kind: "unknown-category", message: `new.csv: line 4, column "Sex": 'unknown' is a category the model never saw (it knows FEMALE, MALE)` },
      // k is no number either, but x comes first
      { row: 3, line: 5, column: "x", kind: "not-a-number", message: `new.csv: line 5, column "x": 'abc' is not a number` },
      { row: 4, line: 6, column: "y", kind: "missing", message: `new.csv: line 6, column "y": no value ('NA' reads as missing)` },
      { row: 6, line: 8, column: "x", kind: "missing", message: `new.csv: line 8, column "x": no value ('NA' reads as missing)` },
      { row: 7, line: 9, column: "x", kind: "missing", message: `new.csv: line 9, column "x": no value` },
    ]);
  });

  it("encodes only the rows asked for, in that order", () => {
    const { x, t, rows } = encodeRows(NEW, SCHEMA, { target: "required", rows: [5, 2, 0] });
    expect(rows).toEqual([5, 0]);
    expect(rowsOf(x, 4)).toEqual([
      [2, 0, 1, 1],
      [1, 0, 1, 2],
    ]);
    expect(Array.from(t as Float64Array)).toEqual([-0.5, 2]);
  });

  it("ignores the target when told, so a row missing only it is encoded", () => {
    const { x, t, rows } = encodeRows(NEW, SCHEMA, { target: "ignore" });
    expect(t).toBeNull();
    expect(rows).toEqual([0, 1, 4, 5]);
    expect(rowsOf(x, 4)[2]).toEqual([0, 1, 0, 0]);
  });

  it("reads the target if the file has it when it is optional", () => {
    const withTarget = encodeRows(NEW, SCHEMA, { target: "optional" });
    expect(Array.from(withTarget.t as Float64Array)).toEqual([2, -2, -0.5]);
    const noTarget = parseCsv("x,Sex,k\n6,MALE,7\n", "predict.csv");
    const { x, t } = encodeRows(noTarget, SCHEMA, { target: "optional" });
    expect(t).toBeNull();
    expect(Array.from(x)).toEqual([1, 0, 1, 2]);
  });

  it("refuses a file without a column the model was trained on, or without the target when it is required", () => {
    const noSex = parseCsv("y,x,k\n1,2,3\n", "new.csv");
    expectDataError(() => encodeRows(noSex, SCHEMA, { target: "ignore" }), 'new.csv: has no column "Sex", which the model was trained on (its columns: y, x, k)');
    const noTarget = parseCsv("Sex,x,k\nMALE,2,3\n", "new.csv");
    expectDataError(() => encodeRows(noTarget, SCHEMA, { target: "required" }), 'new.csv: has no column "y", the target the model was trained to predict (its columns: Sex, x, k)');
  });

  it("encodes a class as its index, a number's class by its value, and names a class never seen", () => {
    const schema: TableSchema = { ...SCHEMA, features: [SCHEMA.features[0]], target: { name: "grade", task: "classification", classes: ["1", "2", "10"] } };
    const raw = parseCsv("x,grade\n2,10\n2,1.0\n2, 2\n2,cat\n", "grades.csv");
    const { t, rows, problems } = encodeRows(raw, schema, { target: "required" });
    expect(rows).toEqual([0, 1, 2]);
    expect(Array.from(t as Float64Array)).toEqual([2, 0, 1]);
    expect(problems.map((p) => p.message)).toEqual([`grades.csv: line 5, column "grade": 'cat' is a class the model never saw (it knows 1, 2, 10)`]);
  });

  it("reads JSON records: numbers as numbers, null as missing, and names records", () => {
    const raw = recordsTable([{ y: 20, Sex: "MALE", x: 6, k: 7 }, { y: 0, Sex: null, x: -2, k: 5 }, { y: 0, Sex: "FEMALE", x: true, k: 5 }], "new.json");
    const { x, t, problems } = encodeRows(raw, SCHEMA, { target: "required" });
    expect(Array.from(x)).toEqual([1, 0, 1, 2]);
    expect(Array.from(t as Float64Array)).toEqual([2]);
    expect(problems.map((p) => p.message)).toEqual([`new.json: record 2, column "Sex": no value`, `new.json: record 3, column "x": 'true' is not a number`]);
  });
});
