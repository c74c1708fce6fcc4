import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { FORMAT_VERSION, MAGIC, ModelFileError, decodeArrayFile, encodeArrayFile } from "../../src";
import { writeFileAtomic } from "../../src/node";
import { bitsOf, useTempDir } from "../helpers";
import { readArrayFile, writeArrayFile } from "./file-helpers";

// Values that a careless encoding loses: the sign of zero, NaN, infinities, a subnormal, the extremes.
const W_VALUES = [-0, NaN, Infinity, -Infinity, 1e-310, Number.MAX_VALUE, Number.MIN_VALUE, 0.1];
const COUNTS_VALUES = [-2147483648, 2147483647, -1, 0, 1];
// The caller's own header fields, with non-ASCII text so that the header length must count UTF-8 bytes.
const EXTRA = { note: "héllo ✓", step: 7, nested: { a: [1, 2], b: null } };

// float32 values that a careless encoding loses: the sign of zero, a float32 subnormal, the float32 extremes.
const HALF_VALUES = [-0, 1e-40, 3.4028234663852886e38, Math.fround(0.1)];
// By the documented layout: W is 2 * 4 float64 = 64 bytes at 0, counts 5 int32 = 20 bytes at 64, tail 1 float64
// = 8 bytes at 84, half 4 float32 = 16 bytes at 92, back to back: 108 bytes of arrays after the prefix and header.
const ENTRIES = [
  { name: "W", dtype: "float64", shape: [2, 4], offset: 0, byteLength: 64 },
  { name: "counts", dtype: "int32", shape: [5], offset: 64, byteLength: 20 },
  { name: "tail", dtype: "float64", shape: [1], offset: 84, byteLength: 8 },
  { name: "half", dtype: "float32", shape: [2, 2], offset: 92, byteLength: 16 },
];
const ARRAYS_BYTES = 108;
const PREFIX = 12;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The error that reading `path` throws, which must be a ModelFileError. */
function readError(path: string, kind?: string): ModelFileError {
  try {
    readArrayFile(path, kind);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    return error as ModelFileError;
  }
  throw new Error(`readArrayFile(${path}) did not throw`);
}

/** `bytes` with the one occurrence of `from` in the header replaced by `to`, of the same length in bytes. */
function replaceInHeader(bytes: Buffer, from: string, to: string): Buffer {
  expect(Buffer.byteLength(to)).toBe(Buffer.byteLength(from));
  const at = bytes.indexOf(from, PREFIX, "utf8");
  expect(at, `${from} in the header`).toBeGreaterThanOrEqual(PREFIX);
  expect(bytes.indexOf(from, at + 1, "utf8"), `a second ${from}`).toBe(-1);
  const out = Buffer.from(bytes);
  out.write(to, at, "utf8");
  return out;
}

describe("model files", () => {
  const dir = useTempDir("model-file");

  /** Writes the file of W, counts and tail as a "model" and returns its path. */
  function writeGood(name = "good.bpm"): string {
    const path = join(dir(), name);
    writeArrayFile(path, "model", EXTRA, {
      W: { shape: [2, 4], data: Float64Array.from(W_VALUES) },
      counts: { shape: [5], data: Int32Array.from(COUNTS_VALUES) },
      tail: { shape: [1], data: Float64Array.from([1]) },
      half: { shape: [2, 2], data: Float32Array.from(HALF_VALUES) },
    });
    return path;
  }

  /** Writes `bytes` as bad.bpm and returns its path. */
  function writeBad(bytes: Uint8Array): string {
    const path = join(dir(), "bad.bpm");
    writeFileSync(path, bytes);
    return path;
  }

  describe("round trip", () => {
    test("float64, float32 and int32 arrays come back bit for bit, with their names in order", () => {
      const { arrays } = readArrayFile(writeGood());
      expect([...arrays.keys()]).toEqual(["W", "counts", "tail", "half"]);
      const half = arrays.get("half") as Float32Array;
      expect(half).toBeInstanceOf(Float32Array);
      expect(Array.from(new Uint32Array(half.buffer))).toEqual(Array.from(new Uint32Array(Float32Array.from(HALF_VALUES).buffer)));
      const W = arrays.get("W") as Float64Array;
      expect(W).toBeInstanceOf(Float64Array);
      expect(bitsOf(W)).toEqual(bitsOf(Float64Array.from(W_VALUES)));
      expect(Object.is(W[0], -0)).toBe(true);
      expect(W[4]).toBe(1e-310);
      const counts = arrays.get("counts") as Int32Array;
      expect(counts).toBeInstanceOf(Int32Array);
      expect(Array.from(counts)).toEqual(COUNTS_VALUES);
      expect(Array.from(arrays.get("tail") as Float64Array)).toEqual([1]);
    });

    test("the header keeps the caller's fields and states format, version, kind and every array", () => {
      const { header } = readArrayFile(writeGood(), "model");
      expect(header.format).toBe("backprop");
      expect(header.version).toBe(2);
      expect(FORMAT_VERSION).toBe(2);
      expect(header.kind).toBe("model");
      expect(header.note).toBe("héllo ✓");
      expect(header.step).toBe(7);
      expect(header.nested).toEqual({ a: [1, 2], b: null });
      expect(header.arrays).toEqual(ENTRIES);
    });

    test("the caller's header cannot override format, version, kind or arrays", () => {
      const path = join(dir(), "a.bpm");
      writeArrayFile(path, "model", { format: "other", version: 9, kind: "checkpoint", arrays: [] }, { b: { shape: [1], data: Float64Array.from([2]) } });
      const { header } = readArrayFile(path, "model");
      expect(header).toEqual({ format: "backprop", version: 2, kind: "model", arrays: [{ name: "b", dtype: "float64", shape: [1], offset: 0, byteLength: 8 }] });
    });

    test("a file with no arrays, and an array of size 0", () => {
      const path = join(dir(), "a.bpm");
      writeArrayFile(path, "model", {}, {});
      expect(readArrayFile(path).arrays.size).toBe(0);
      writeArrayFile(path, "model", {}, { empty: { shape: [0, 3], data: new Float64Array(0) } });
      const { header, arrays } = readArrayFile(path);
      expect(header.arrays).toEqual([{ name: "empty", dtype: "float64", shape: [0, 3], offset: 0, byteLength: 0 }]);
      expect(arrays.get("empty")?.length).toBe(0);
    });

    test("writeArrayFile refuses data that does not fill its shape", () => {
      expect(() => writeArrayFile(join(dir(), "a.bpm"), "model", {}, { W: { shape: [2, 5], data: new Float64Array(8) } })).toThrow(
        /^encodeArrayFile: W has 8 values for shape \[2,5\]$/,
      );
      expect(readdirSync(dir())).toEqual([]);
    });
  });

  describe("layout", () => {
    test('"BACKPROP", the header length as uint32 LE, the header padded to a multiple of 8, then the arrays', () => {
      const bytes = readFileSync(writeGood());
      expect(bytes.toString("latin1", 0, 8)).toBe("BACKPROP");
      expect(MAGIC).toBe("BACKPROP");
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const H = view.getUint32(8, true);
      expect((PREFIX + H) % 8).toBe(0);
      expect(bytes.length).toBe(PREFIX + H + ARRAYS_BYTES);
      const text = bytes.toString("utf8", PREFIX, PREFIX + H);
      // the JSON, then at most 7 spaces of padding
      expect(text).toMatch(/^\{.*\} {0,7}$/);
      expect(JSON.parse(text).arrays).toEqual(ENTRIES);
      expect(JSON.parse(text).note).toBe("héllo ✓");
    });

    test("each array lies at its header offset, little-endian", () => {
      const bytes = readFileSync(writeGood());
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const start = PREFIX + view.getUint32(8, true);
      // W[5] = Number.MAX_VALUE at offset 0 + 5 * 8; counts at 64; tail at 84
      expect(view.getFloat64(start + 5 * 8, true)).toBe(Number.MAX_VALUE);
      expect(view.getFloat64(start + 4 * 8, true)).toBe(1e-310);
      expect(Object.is(view.getFloat64(start, true), -0)).toBe(true);
      expect(view.getInt32(start + 64, true)).toBe(-2147483648);
      expect(view.getInt32(start + 64 + 4, true)).toBe(2147483647);
      // 2147483647 = 0x7fffffff and 1.0 = 0x3ff0000000000000, least significant byte first
      expect([...bytes.subarray(start + 68, start + 72)]).toEqual([0xff, 0xff, 0xff, 0x7f]);
      expect([...bytes.subarray(start + 84, start + 92)]).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
      // float32: 0.1f = 0x3dcccccd, least significant byte first, as the fourth of half at 92
      expect([...bytes.subarray(start + 104, start + 108)]).toEqual([0xcd, 0xcc, 0xcc, 0x3d]);
    });
  });

  describe("atomic writes", () => {
    test("leave only the file, no temporary beside it", () => {
      writeGood("a.bpm");
      expect(readdirSync(dir())).toEqual(["a.bpm"]);
    });

    test("replace an existing file", () => {
      const path = writeGood("a.bpm");
      writeArrayFile(path, "checkpoint", { step: 8 }, { b: { shape: [2], data: Float64Array.from([3, 4]) } });
      const { header, arrays } = readArrayFile(path, "checkpoint");
      expect(header.step).toBe(8);
      expect([...arrays.keys()]).toEqual(["b"]);
      expect(Array.from(arrays.get("b") as Float64Array)).toEqual([3, 4]);
      expect(readdirSync(dir())).toEqual(["a.bpm"]);
    });

    test("a write into a folder that does not exist throws and leaves nothing", () => {
      const path = join(dir(), "missing", "a.bpm");
      expect(() => writeArrayFile(path, "model", {}, { b: { shape: [1], data: Float64Array.from([1]) } })).toThrow(/ENOENT/);
      expect(readdirSync(dir())).toEqual([]);
    });

    test("a write whose rename fails (the target is a folder) throws and removes its temporary file", () => {
      const path = join(dir(), "taken");
      mkdirSync(path);
      expect(() => writeFileAtomic(path, ["x"])).toThrow(/EISDIR/);
      expect(readdirSync(dir())).toEqual(["taken"]);
      expect(readdirSync(path)).toEqual([]);
    });

    test("writeFileAtomic writes strings as UTF-8 and bytes as they are, in order, replacing a longer file", () => {
      const path = join(dir(), "a.txt");
      writeFileSync(path, "an older and much longer content");
      writeFileAtomic(path, ["héllo ", Uint8Array.from([0, 255, 10]), "✓"]);
      expect([...readFileSync(path)]).toEqual([0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f, 0x20, 0, 255, 10, 0xe2, 0x9c, 0x93]);
      expect(readdirSync(dir())).toEqual(["a.txt"]);
    });
  });

  describe("corrupt files are ModelFileErrors that name the file", () => {
    test("a file that does not exist, by its full path", () => {
      const path = join(dir(), "nowhere.bpm");
      expect(readError(path).message).toMatch(new RegExp(`^loadModel: ${escapeRegExp(path)} does not exist$`));
    });

    test("an empty file, and one that does not start with BACKPROP", () => {
      const notOurs = /^loadModel: bad\.bpm is not a backprop model file \(it does not start with "BACKPROP"\)$/;
      expect(readError(writeBad(new Uint8Array(0))).message).toMatch(notOurs);
      const bytes = readFileSync(writeGood());
      bytes.write("b", 0, "latin1");
      expect(readError(writeBad(bytes)).message).toMatch(notOurs);
      expect(readError(writeBad(Buffer.from("BACKPRO"))).message).toMatch(notOurs);
    });

    test("a header length beyond the end of the file", () => {
      const bytes = readFileSync(writeGood());
      bytes.writeUInt32LE(bytes.length, 8);
      const message = readError(writeBad(bytes)).message;
      expect(message).toMatch(new RegExp(`^loadModel: bad\\.bpm is truncated: its header needs ${bytes.length} bytes, got ${bytes.length - PREFIX}$`));
    });

    test("a header that is not JSON", () => {
      const bytes = readFileSync(writeGood());
      expect(bytes.toString("latin1", PREFIX, PREFIX + 1)).toBe("{");
      bytes.write("<", PREFIX, "latin1");
      expect(readError(writeBad(bytes)).message).toMatch(/^loadModel: bad\.bpm has a corrupt header: .*JSON/);
    });

    test('a header whose format is not "backprop", or without an array list', () => {
      const good = readFileSync(writeGood());
      const message = /^loadModel: bad\.bpm has a header without format "backprop" and an array list$/;
      expect(readError(writeBad(replaceInHeader(good, '"format":"backprop"', '"format":"backpack"'))).message).toMatch(message);
      expect(readError(writeBad(replaceInHeader(good, '"arrays":', '"arrayz":'))).message).toMatch(message);
    });

    test("a format version it does not know", () => {
      const bytes = replaceInHeader(readFileSync(writeGood()), '"version":2', '"version":3');
      expect(readError(writeBad(bytes)).message).toMatch(/^loadModel: bad\.bpm has format version 3, expected 1 or 2$/);
    });

    test("a file of another kind than asked for", () => {
      expect(readError(writeGood(), "checkpoint").message).toMatch(/^loadModel: good\.bpm is a model file, expected a checkpoint file$/);
    });

    test("a file one byte short, and one with bytes appended", () => {
      const bytes = readFileSync(writeGood());
      const size = PREFIX + bytes.readUInt32LE(8) + ARRAYS_BYTES;
      expect(bytes.length).toBe(size);
      expect(readError(writeBad(bytes.subarray(0, size - 1))).message).toMatch(
        new RegExp(`^loadModel: bad\\.bpm has ${size - 1} bytes, expected ${size} from its header \\(truncated or padded\\)$`),
      );
      expect(readError(writeBad(Buffer.concat([bytes, Buffer.alloc(8)]))).message).toMatch(
        new RegExp(`^loadModel: bad\\.bpm has ${size + 8} bytes, expected ${size} from its header \\(truncated or padded\\)$`),
      );
    });

    test("an array entry whose byteLength does not match its shape, dtype or place in the file", () => {
      const good = readFileSync(writeGood());
      // (2, 5) float64 would be 80 bytes, not 64
      const shape = replaceInHeader(good, '"shape":[2,4]', '"shape":[2,5]');
      expect(readError(writeBad(shape)).message).toMatch(/^loadModel: bad\.bpm has a corrupt entry for array W: \{"name":"W","dtype":"float64","shape":\[2,5\]/);
      const dtype = replaceInHeader(good, '"dtype":"int32"', '"dtype":"int16"');
      expect(readError(writeBad(dtype)).message).toMatch(/^loadModel: bad\.bpm has a corrupt entry for array counts: /);
      // half at 99 would end at 115, past the 108 bytes of arrays
      const offset = replaceInHeader(good, '"offset":92', '"offset":99');
      expect(readError(writeBad(offset)).message).toMatch(/^loadModel: bad\.bpm has a corrupt entry for array half: /);
    });
  });
});

describe("the bytes functions, without a file", () => {
  test("encodeArrayFile and decodeArrayFile round-trip in memory, naming the caller and the file in errors", () => {
    const bytes = encodeArrayFile("model", { note: "x" }, { b: { shape: [2], data: Float64Array.from([1, 2]) } });
    expect(bytes).toBeInstanceOf(Uint8Array);
    const { header, arrays } = decodeArrayFile(bytes, "in-memory.bpm");
    expect(header.note).toBe("x");
    expect(Array.from(arrays.get("b") as Float64Array)).toEqual([1, 2]);
    expect(() => decodeArrayFile(bytes.subarray(0, 20), "short.bpm", { where: "loadCheckpoint" })).toThrow(/^loadCheckpoint: short\.bpm is truncated: /);
    // a view into a larger buffer, as a file read into a pooled Buffer may be
    const padded = new Uint8Array(bytes.length + 16);
    padded.set(bytes, 8);
    expect(Array.from(decodeArrayFile(padded.subarray(8, 8 + bytes.length), "view.bpm").arrays.get("b") as Float64Array)).toEqual([1, 2]);
  });
});
