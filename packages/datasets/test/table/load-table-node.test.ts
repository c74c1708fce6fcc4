import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadTable, readTable } from "../../src/node.js";
import { expectDataError } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "backprop-table-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe("readTable", () => {
  it("reads a CSV file, named by its base name", () => {
    const table = readTable(file("data.csv", "a,b\n1,x\n"));
    expect(table).toEqual({ name: "data.csv", columns: ["a", "b"], rows: [["1", "x"]], lines: [2], unit: "line" });
  });

  it("reads a JSON file by its name", () => {
    expect(readTable(file("data.json", '[{"a": 1}]')).rows).toEqual([[1]]);
  });

  it("skips lines before the header", () => {
    expect(readTable(file("titled.csv", "My table\na\n1\n"), { skipLines: 1 }).lines).toEqual([3]);
  });

  it("refuses a file that does not exist, a folder, bytes that are not UTF-8", () => {
    const missing = join(dir, "nope.csv");
    expectDataError(() => readTable(missing), `loadTable: ${missing} does not exist`);
    expectDataError(() => readTable(dir), `loadTable: ${dir} is a folder, expected a CSV or JSON file`);
    expectDataError(() => readTable(file("latin1.csv", Uint8Array.of(0x61, 0x0a, 0xe9, 0x0a))), "latin1.csv: line 2: byte 0xe9 is not UTF-8, expected a UTF-8 text file");
  });
});

describe("loadTable", () => {
  it("reads a file and a test file, with skipLines for both", () => {
    const train = file("train.csv", "# train\nx,y\n1,10\n2,20\n3,60\n");
    const test = file("test.csv", "# test\nx,y\n4,5\n");
    const { report, schema, test: testSet } = loadTable(train, { target: "y", skipLines: 1, testPath: test });
    expect(report).toMatchObject({ name: "train.csv", testName: "test.csv", rows: 3, train: 3, test: 1 });
    // x over 1, 2, 3: mean 2, variance 2 / 3; y over 10, 20, 60: mean 30, variance (400 + 100 + 900) / 3
    expect(schema.features[0]).toEqual({ name: "x", kind: "numeric", mean: 2, std: Math.sqrt(2 / 3) });
    expect(schema.target).toEqual({ name: "y", task: "regression", mean: 30, std: Math.sqrt(1400 / 3) });
    expect(testSet.lines).toEqual([3]);
  });

  it("names the test file when it is missing", () => {
    const train = file("alone.csv", "x,y\n1,2\n2,3\n");
    const missing = join(dir, "absent.csv");
    expectDataError(() => loadTable(train, { target: "y", testPath: missing }), `loadTable: ${missing} does not exist`);
  });
});
