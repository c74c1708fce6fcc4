import { describe, expect, it } from "vitest";
import { parseCsv, parseJsonTable, parseTable, recordsTable } from "../../src/index.js";
import { expectDataError, utf8 } from "./helpers.js";

// line 1 header; line 3 has a comma inside quotes and line 4 a doubled quote; the record of line 5 spans 5-6
const QUOTED = ["name,note,score", "ann,plain,1", 'bob,"likes a, b",2', 'cat,"says ""hi""",3', 'dan,"two', 'lines",4', "eve,last,5"];

describe("parseCsv", () => {
  it("reads quoted fields: commas, doubled quotes and a line break inside quotes, and the line each row starts on", () => {
    const table = parseCsv(QUOTED.join("\n") + "\n", "q.csv");
    expect(table.name).toBe("q.csv");
    expect(table.unit).toBe("line");
    expect(table.columns).toEqual(["name", "note", "score"]);
    expect(table.rows).toEqual([
      ["ann", "plain", "1"],
      ["bob", "likes a, b", "2"],
      ["cat", 'says "hi"', "3"],
      ["dan", "two\nlines", "4"],
      ["eve", "last", "5"],
    ]);
    // eve is on line 7: dan's record took lines 5 and 6
    expect(table.lines).toEqual([2, 3, 4, 5, 7]);
  });

  it("reads CRLF files, counting a CRLF inside quotes as one line", () => {
    const table = parseCsv(QUOTED.join("\r\n") + "\r\n", "crlf.csv");
    expect(table.columns).toEqual(["name", "note", "score"]);
    expect(table.rows[3]).toEqual(["dan", "two\r\nlines", "4"]);
    expect(table.rows[4]).toEqual(["eve", "last", "5"]);
    expect(table.lines).toEqual([2, 3, 4, 5, 7]);
  });

  it("reads a file without a final line break", () => {
    expect(parseCsv("a,b\n1,2", "x.csv").rows).toEqual([["1", "2"]]);
  });

  it("drops a BOM, so the first column's name is only its letters", () => {
    const table = parseCsv("\ufeffa,b\n1,2\n", "bom.csv");
    expect(table.columns).toEqual(["a", "b"]);
    expect(table.columns[0].length).toBe(1);
  });

  it("skips blank lines and lines of spaces, and counts them in the line numbers", () => {
    const table = parseCsv("a,b\n\n1,2\n   \n\r\n3,4\n\n", "blank.csv");
    expect(table.rows).toEqual([["1", "2"], ["3", "4"]]);
    expect(table.lines).toEqual([3, 6]);
  });

  it("keeps cells as written, spaces and all; trims column names", () => {
    const table = parseCsv(" a , b\n 1 ,x  \n", "s.csv");
    expect(table.columns).toEqual(["a", "b"]);
    expect(table.rows).toEqual([[" 1 ", "x  "]]);
  });

  it("skips lines before the header as plain text, even with a lone quote, and numbers lines from the file's start", () => {
    const table = parseCsv('Prices "2024\nsource: me\nitem,price\napple,1\n\npear,2\n', "skip.csv", { skipLines: 2 });
    expect(table.columns).toEqual(["item", "price"]);
    expect(table.rows).toEqual([["apple", "1"], ["pear", "2"]]);
    expect(table.lines).toEqual([4, 6]);
  });

  it("refuses an empty file, and a file with only its skipped lines", () => {
    expectDataError(() => parseCsv("", "data.csv"), "data.csv: is empty, expected a header row and rows of data");
    expectDataError(() => parseCsv("\n\n", "data.csv"), "data.csv: is empty, expected a header row and rows of data");
    expectDataError(() => parseCsv("title\nmore\n", "data.csv", { skipLines: 2 }), "data.csv: is empty after the 2 skipped lines, expected a header row and rows of data");
  });

  it("refuses a header with no rows after it", () => {
    expectDataError(() => parseCsv("a,b,c\n\n", "data.csv"), "data.csv: line 1 is a header (a, b, c) with no rows of data after it");
    expectDataError(() => parseCsv("title\na,b\n", "data.csv", { skipLines: 1 }), "data.csv: line 2 is a header (a, b) with no rows of data after it");
  });

  it("refuses two columns of one name, naming both positions", () => {
    expectDataError(() => parseCsv("a,x,b,c,x\n1,2,3,4,5\n", "data.csv"), 'data.csv: line 1: columns 2 and 5 are both named "x"');
    // after trimming " x" is "x" too
    expectDataError(() => parseCsv("x, x\n1,2\n", "data.csv"), 'data.csv: line 1: columns 1 and 2 are both named "x"');
  });

  it("refuses a column with no name", () => {
    expectDataError(() => parseCsv("a,,c\n1,2,3\n", "data.csv"), "data.csv: line 1: column 2 has no name");
    expectDataError(() => parseCsv("a,b,\n1,2,3\n", "data.csv"), "data.csv: line 1: column 3 has no name");
  });

  it("refuses a row of another length than the header, naming its line", () => {
    // rows on lines 2, 3-4 (a quoted line break), 5, 6; line 7 is short
    const text = 'a,b,c,d\n1,2,3,4\n1,"x\ny",3,4\n1,2,3,4\n1,2,3,4\n1,2,3\n1,2,3,4\n';
    expectDataError(() => parseCsv(text, "data.csv"), "data.csv: line 7 has 3 values, expected 4 as in the header (a, b, c, d)");
    expectDataError(() => parseCsv("a,b\n1,2,3\n", "data.csv"), "data.csv: line 2 has 3 values, expected 2 as in the header (a, b)");
    expectDataError(() => parseCsv("a,b,c\n\n7\n", "data.csv"), "data.csv: line 3 has 1 value, expected 3 as in the header (a, b, c)");
  });

  it("refuses an unclosed quote, naming the line its row starts on", () => {
    expectDataError(() => parseCsv('a,b\n1,2\n\n3,"4\n5,6\n', "data.csv"), 'data.csv: line 4: a quoted field is not closed, expected a closing " before the end of the file');
  });

  it("refuses text after a closing quote and a quote inside an unquoted field", () => {
    expectDataError(() => parseCsv('a,b\n1,"2"x\n', "data.csv"), 'data.csv: line 2: a quoted field goes on after its closing ", expected a comma or the end of the line (write "" for a quote inside quotes)');
    expectDataError(() => parseCsv('a,b\n1,2\n5\'3",4\n', "data.csv"), 'data.csv: line 3: a " inside a field that does not start with one, expected the whole field quoted (write "" for a quote inside quotes)');
  });

  it("refuses a skipLines that is not a whole number", () => {
    expectDataError(() => parseCsv("a\n1\n", "data.csv", { skipLines: -1 }), "data.csv: skipLines must be a whole number >= 0, got -1");
  });
});

describe("parseJsonTable", () => {
  it("takes the union of the keys in the order first seen; a key a record lacks is null; lines are record numbers", () => {
    const table = parseJsonTable('[{"a": 1, "b": "x"}, {"b": "y", "c": true}, {"c": null, "a": -2.5}]', "t.json");
    expect(table).toEqual({
      name: "t.json",
      columns: ["a", "b", "c"],
      rows: [
        [1, "x", null],
        [null, "y", true],
        [-2.5, null, null],
      ],
      lines: [1, 2, 3],
      unit: "record",
    });
  });

  it("refuses what is not an array of records", () => {
    expectDataError(() => parseJsonTable('{"a": 1}', "t.json"), 't.json: expected an array of records ([{"column": value, ...}, ...]), got an object');
    expectDataError(() => parseJsonTable("[]", "t.json"), "t.json: is an empty array, expected at least one record");
    expectDataError(() => parseJsonTable('[{"a": 1}, [1, 2]]', "t.json"), 't.json: record 2 is not an object, expected {"column": value, ...}, got an array');
    expectDataError(() => parseJsonTable('[{"a": 1}, {"a": 2}, "x"]', "t.json"), 't.json: record 3 is not an object, expected {"column": value, ...}, got the string "x"');
  });

  it("refuses a value that is an object or an array, naming the record and the column", () => {
    expectDataError(() => parseJsonTable('[{"a": 1}, {"a": 2}, {"a": 3, "b": {"c": 1}}]', "t.json"), 't.json: record 3, column "b": an object is not a cell, expected a number, a string, a boolean or null');
    expectDataError(() => parseJsonTable('[{"a": [1]}]', "t.json"), 't.json: record 1, column "a": an array is not a cell, expected a number, a string, a boolean or null');
  });

  it("refuses a key with no name, and text that is not JSON", () => {
    expectDataError(() => recordsTable([{ a: 1 }, { "": 2 }], "t.json"), 't.json: record 2 has a column with no name ("")');
    expect(() => parseJsonTable('[{"a": 1', "t.json")).toThrow(/^t\.json: is not valid JSON \(/);
  });
});

describe("parseTable", () => {
  it("reads JSON by the name or by a leading [, else CSV", () => {
    expect(parseTable(utf8('[{"a": 1}]'), "t.json").unit).toBe("record");
    expect(parseTable(utf8(' \n[{"a": 1}]'), "t.txt").unit).toBe("record");
    expect(parseTable(utf8("a\n1\n"), "t.csv")).toEqual({ name: "t.csv", columns: ["a"], rows: [["1"]], lines: [2], unit: "line" });
    expect(parseTable("a\n1\n", "t.csv").rows).toEqual([["1"]]);
  });

  it("decodes UTF-8 and drops a BOM", () => {
    const table = parseTable(Uint8Array.of(0xef, 0xbb, 0xbf, ...utf8("größe,b\n1,ü\n")), "bom.csv");
    expect(table.columns).toEqual(["größe", "b"]);
    expect(table.rows).toEqual([["1", "ü"]]);
  });

  it("refuses a byte that is not UTF-8, naming its line and value", () => {
    // "café" saved as Latin-1: é is the single byte 0xe9
    expectDataError(() => parseTable(Uint8Array.of(...utf8("name,x\n1,2\ncaf"), 0xe9, ...utf8(",3\n")), "data.csv"), "data.csv: line 3: byte 0xe9 is not UTF-8, expected a UTF-8 text file");
    // a real U+FFFD in the file (EF BF BD) is text, not the bad byte
    expectDataError(() => parseTable(Uint8Array.of(0xef, 0xbf, 0xbd, ...utf8(",b\r\n1,"), 0xff, 0x0a), "data.csv"), "data.csv: line 2: byte 0xff is not UTF-8, expected a UTF-8 text file");
  });

  it("refuses skipLines for JSON", () => {
    expectDataError(() => parseTable('[{"a": 1}]', "t.json", { skipLines: 1 }), "t.json: skipLines applies to CSV files, expected 0 for a JSON file, got 1");
  });
});
