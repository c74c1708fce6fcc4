import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { describe, expect, test } from "vitest";
import { FORMAT_VERSION, MAGIC, ModelFileError, READABLE_VERSIONS, decodeArrayFile, encodeArrayFile } from "../../src/index.js";
import { writeFileAtomic } from "../../src/node.js";
import { bitsOf, useTempDir } from "../helpers.js";
import { PREFIX, fileOf, legacyBytes, partsOf, readArrayFile, withHeader, writeArrayFile } from "./file-helpers.js";

// Values that a careless encoding loses: the sign of zero, NaN, infinities, a subnormal, the extremes.
const W_VALUES = [-0, NaN, Infinity, -Infinity, 1e-310, Number.MAX_VALUE, Number.MIN_VALUE, 0.1];
const COUNTS_VALUES = [-2147483648, 2147483647, -1, 0, 1];
// The caller's own header fields, with non-ASCII text so that the header length must count UTF-8 bytes.
const EXTRA = { note: "héllo ✓", step: 7, nested: { a: [1, 2], b: null } };

// float32 values that a careless encoding loses: the sign of zero, a float32 subnormal, the float32 extremes.
const HALF_VALUES = [-0, 1e-40, 3.4028234663852886e38, Math.fround(0.1)];
// By the documented layout: W is 2 * 4 float64 = 64 bytes at 0, counts 5 int32 = 20 bytes at 64, tail 1 float64
// = 8 bytes at 84, half 4 float32 = 16 bytes at 92, back to back: 108 bytes of arrays after the prefix and header.
// Each crc32 is Python's zlib.crc32 of the array's little-endian bytes (struct.pack("<8d", ...), numpy "<f4").
const ENTRIES = [
  { name: "W", dtype: "float64", shape: [2, 4], offset: 0, byteLength: 64, crc32: 3370584155 },
  { name: "counts", dtype: "int32", shape: [5], offset: 64, byteLength: 20, crc32: 987864877 },
  { name: "tail", dtype: "float64", shape: [1], offset: 84, byteLength: 8, crc32: 3354924009 },
  { name: "half", dtype: "float32", shape: [2, 2], offset: 92, byteLength: 16, crc32: 1341211659 },
];
const ARRAYS_BYTES = 108;

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

/**
 * `bytes` with the one occurrence of `from` in the header replaced by `to`, of the same length in bytes, and the
 * header's checksum computed anew: the header a writer with a bug would write, which only the checks behind the
 * checksum can refuse.
 */
function replaceInHeader(bytes: Buffer, from: string, to: string): Buffer {
  expect(Buffer.byteLength(to)).toBe(Buffer.byteLength(from));
  const at = bytes.indexOf(from, PREFIX, "utf8");
  expect(at, `${from} in the header`).toBeGreaterThanOrEqual(PREFIX);
  expect(bytes.indexOf(from, at + 1, "utf8"), `a second ${from}`).toBe(-1);
  const out = Buffer.from(bytes);
  out.write(to, at, "utf8");
  return withChecksum(out);
}

/** `bytes` of version 3 with bytes 12-15 set to the CRC-32 of its header as it now is. */
function withChecksum(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  out.writeUInt32LE(crc32(out.subarray(PREFIX, PREFIX + out.readUInt32LE(8))), 12);
  return out;
}

/** 0x and eight hex digits, as the messages show a checksum. */
const hex = (n: number): string => `0x${n.toString(16).padStart(8, "0")}`;

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
      expect(header.version).toBe(3);
      expect(FORMAT_VERSION).toBe(3);
      expect(READABLE_VERSIONS).toEqual([1, 2, 3]);
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
      // zlib.crc32(struct.pack("<d", 2.0)) = 335453945
      expect(header).toEqual({ format: "backprop", version: 3, kind: "model", arrays: [{ name: "b", dtype: "float64", shape: [1], offset: 0, byteLength: 8, crc32: 335453945 }] });
    });

    test("a file with no arrays, and an array of size 0", () => {
      const path = join(dir(), "a.bpm");
      writeArrayFile(path, "model", {}, {});
      expect(readArrayFile(path).arrays.size).toBe(0);
      writeArrayFile(path, "model", {}, { empty: { shape: [0, 3], data: new Float64Array(0) } });
      const { header, arrays } = readArrayFile(path);
      expect(header.arrays).toEqual([{ name: "empty", dtype: "float64", shape: [0, 3], offset: 0, byteLength: 0, crc32: 0 }]);
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
    test('"BACKPROP", the header length and its CRC-32 as uint32 LE, the header padded to a multiple of 8, then the arrays', () => {
      const bytes = readFileSync(writeGood());
      expect(bytes.toString("latin1", 0, 8)).toBe("BACKPROP");
      expect(MAGIC).toBe("BACKPROP");
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const H = view.getUint32(8, true);
      expect(PREFIX).toBe(16);
      expect((PREFIX + H) % 8).toBe(0);
      expect(bytes.length).toBe(PREFIX + H + ARRAYS_BYTES);
      // the checksum covers every byte of the header, its padding too
      expect(view.getUint32(12, true)).toBe(crc32(bytes.subarray(PREFIX, PREFIX + H)));
      const text = bytes.toString("utf8", PREFIX, PREFIX + H);
      // the JSON, then at most 7 spaces of padding
      expect(text).toMatch(/^\{.*\} {0,7}$/);
      expect(JSON.parse(text).arrays).toEqual(ENTRIES);
      expect(JSON.parse(text).note).toBe("héllo ✓");
      // and each array's checksum is zlib's of its bytes
      const start = PREFIX + H;
      for (const { name, offset, byteLength, crc32: stored } of ENTRIES) expect(crc32(bytes.subarray(start + offset, start + offset + byteLength)), name).toBe(stored);
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

    test("a write into a folder that does not exist throws, naming the file and the folder, and leaves nothing", () => {
      const path = join(dir(), "missing", "a.bpm");
      expect(() => writeArrayFile(path, "model", {}, { b: { shape: [1], data: Float64Array.from([1]) } })).toThrow(
        new RegExp(`^writeFileAtomic: cannot write ${escapeRegExp(path)}: folder ${escapeRegExp(join(dir(), "missing"))} does not exist$`),
      );
      expect(readdirSync(dir())).toEqual([]);
    });

    test("a write onto a folder throws, naming it, and leaves no temporary file", () => {
      const path = join(dir(), "taken");
      mkdirSync(path);
      expect(() => writeFileAtomic(path, ["x"])).toThrow(new RegExp(`^writeFileAtomic: cannot write ${escapeRegExp(path)}: ${escapeRegExp(path)} is a directory$`));
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

    test("a header that is not JSON (behind a checksum that matches it)", () => {
      const bytes = readFileSync(writeGood());
      expect(bytes.toString("latin1", PREFIX, PREFIX + 1)).toBe("{");
      bytes.write("<", PREFIX, "latin1");
      expect(readError(writeBad(withChecksum(bytes))).message).toMatch(/^loadModel: bad\.bpm has a corrupt header: .*JSON/);
    });

    test('a header whose format is not "backprop", or without an array list', () => {
      const good = readFileSync(writeGood());
      const message = /^loadModel: bad\.bpm has a header without format "backprop" and an array list$/;
      expect(readError(writeBad(replaceInHeader(good, '"format":"backprop"', '"format":"backpack"'))).message).toMatch(message);
      expect(readError(writeBad(replaceInHeader(good, '"arrays":', '"arrayz":'))).message).toMatch(message);
    });

    test("a format version it does not know", () => {
      const bytes = replaceInHeader(readFileSync(writeGood()), '"version":3', '"version":4');
      expect(readError(writeBad(bytes)).message).toMatch(/^loadModel: bad\.bpm has format version 4, expected 1, 2 or 3$/);
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

describe("integrity: checksums, places and names of the arrays", () => {
  // W (2, 4) float64 at 0-63, counts (5) int32 at 64-83, tail (1) float64 at 84-91, half (2, 2) float32 at 92-107
  const good = (): Buffer =>
    Buffer.from(
      encodeArrayFile("model", EXTRA, {
        W: { shape: [2, 4], data: Float64Array.from(W_VALUES) },
        counts: { shape: [5], data: Int32Array.from(COUNTS_VALUES) },
        tail: { shape: [1], data: Float64Array.from([1]) },
        half: { shape: [2, 2], data: Float32Array.from(HALF_VALUES) },
      }),
    );
  const message = (bytes: Uint8Array): string => {
    try {
      decodeArrayFile(bytes, "y.bpm");
    } catch (error) {
      expect(error).toBeInstanceOf(ModelFileError);
      return (error as Error).message;
    }
    throw new Error("decodeArrayFile did not throw");
  };
  const start = (bytes: Buffer): number => PREFIX + bytes.readUInt32LE(8);

  test("one flipped bit in a weight: the array's checksum, computed and stored", () => {
    const bytes = good();
    // the lowest bit of W[7] = 0.1 (now 0.10000000000000002): byte 56 of W's 64, the least significant of its eight;
    // Python: zlib.crc32 of struct.pack("<8d", *W) with that byte ^= 1 is 0x044d08c5
    bytes[start(bytes) + 56] ^= 1;
    expect(message(bytes)).toMatch(/^loadModel: y\.bpm is corrupt: array W's checksum is 0x044d08c5, expected 0xc8e7085b \(the file changed after it was written\)$/);
  });

  test("one flipped bit in the last array, half", () => {
    const bytes = good();
    bytes[bytes.length - 1] ^= 0x80;
    const now = crc32(bytes.subarray(bytes.length - 16));
    expect(message(bytes)).toMatch(new RegExp(`^loadModel: y\\.bpm is corrupt: array half's checksum is ${hex(now)}, expected ${hex(1341211659)} `));
  });

  test("one flipped bit in the header: the header's checksum, computed and stored", () => {
    const bytes = good();
    const stored = bytes.readUInt32LE(12);
    // "shape":[2,4] becomes "shape":[2,5]: 0x34 ^ 1 = 0x35
    const at = bytes.indexOf('"shape":[2,4]', PREFIX) + 11;
    expect(bytes.toString("latin1", at, at + 1)).toBe("4");
    bytes[at] ^= 1;
    const now = crc32(bytes.subarray(PREFIX, start(bytes)));
    expect(message(bytes)).toMatch(new RegExp(`^loadModel: y\\.bpm has a corrupt header: its checksum is ${hex(now)}, expected ${hex(stored)} \\(the file changed after it was written\\)$`));
  });

  test("a changed offset: behind the header's checksum it is the header's change; with a new checksum, an overlap", () => {
    const moveTail = (header: Record<string, any>): void => {
      header.arrays[2].offset = 80;
    };
    const stored = good().readUInt32LE(12);
    const kept = withHeader(good(), moveTail, { keepChecksum: true });
    expect(message(kept)).toMatch(new RegExp(`^loadModel: y\\.bpm has a corrupt header: its checksum is 0x[0-9a-f]{8}, expected ${hex(stored)} `));
    // counts takes 64-83, tail now 80-87
    expect(message(withHeader(good(), moveTail))).toMatch(/^loadModel: y\.bpm is corrupt: arrays counts and tail overlap \(bytes 64-83 and 80-87\)$/);
  });

  test("two arrays over the same bytes", () => {
    // half moved onto W's first 16 bytes, and tail to half's old place at the end, so that the size still adds up
    const bytes = withHeader(good(), (header) => {
      header.arrays[3].offset = 0;
      header.arrays[2].offset = 100;
    });
    expect(message(bytes)).toMatch(/^loadModel: y\.bpm is corrupt: arrays W and half overlap \(bytes 0-63 and 0-15\)$/);
  });

  test("an array past the end of the arrays", () => {
    const bytes = withHeader(good(), (header) => {
      header.arrays[3].offset = 99;
    });
    expect(message(bytes)).toMatch(/^loadModel: y\.bpm has a corrupt entry for array half: \{.*\} \(it ends at byte 115, past the 108 bytes of arrays\)$/);
  });

  test("two arrays of one name", () => {
    const bytes = withHeader(good(), (header) => {
      header.arrays[2].name = "counts";
    });
    expect(message(bytes)).toMatch(/^loadModel: y\.bpm has two arrays named counts$/);
  });

  test("an entry without its checksum, or with one that is not a 32-bit unsigned integer", () => {
    for (const crc of [undefined, -1, 2 ** 32, 1.5, "0xc8e7085b"]) {
      const bytes = withHeader(good(), (header) => {
        header.arrays[0].crc32 = crc;
      });
      expect(message(bytes), String(crc)).toMatch(/^loadModel: y\.bpm has a corrupt entry for array W: \{"name":"W",.*\} \(its crc32 is not a 32-bit checksum\)$/);
    }
  });

  test("entries that do not describe an array: each reason named", () => {
    const edit = (change: (entry: Record<string, any>) => void): string =>
      message(
        withHeader(good(), (header) => {
          change(header.arrays[1]);
        }),
      );
    expect(edit((e) => (e.dtype = "int16"))).toMatch(/^loadModel: y\.bpm has a corrupt entry for array counts: \{.*\} \(unknown dtype "int16", expected float64, float32 or int32\)$/);
    expect(edit((e) => (e.shape = [5, -1]))).toMatch(/ \(its shape is not a list of non-negative integers\)$/);
    expect(edit((e) => (e.byteLength = 24))).toMatch(/ \(int32 of shape \[5\] takes 20 bytes, not 24\)$/);
    expect(edit((e) => (e.offset = -4))).toMatch(/ \(its offset is not a non-negative integer\)$/);
    expect(edit((e) => delete e.name)).toMatch(/^loadModel: y\.bpm has a corrupt entry in its array list: \{"dtype":"int32",.*\} \(no name\)$/);
  });

  test("versions 1 and 2, without checksums, read the same arrays", () => {
    const expected = decodeArrayFile(good(), "y.bpm").arrays;
    for (const version of [1, 2] as const) {
      const bytes = legacyBytes(good(), version);
      // their header starts at byte 12, right after its length
      expect(bytes.toString("latin1", 12, 13)).toBe("{");
      const { header, arrays } = decodeArrayFile(bytes, "old.bpm");
      expect(header.version).toBe(version);
      expect(header.arrays).toEqual(ENTRIES.map(({ crc32: _, ...entry }) => entry));
      expect([...arrays.keys()]).toEqual([...expected.keys()]);
      expect(bitsOf(arrays.get("W") as Float64Array)).toEqual(bitsOf(expected.get("W") as Float64Array));
      expect(Array.from(arrays.get("half") as Float32Array)).toEqual(Array.from(expected.get("half") as Float32Array));
    }
  });

  test("versions 1 and 2: a changed weight goes unseen, but overlaps and duplicate names do not", () => {
    const bytes = legacyBytes(good(), 2);
    bytes[bytes.length - 1] ^= 0x80;
    expect(() => decodeArrayFile(bytes, "old.bpm")).not.toThrow();
    const overlapping = partsOf(good());
    overlapping.header.version = 1;
    overlapping.header.arrays[2].offset = 80;
    expect(message(fileOf(overlapping.header, overlapping.body, 1))).toMatch(/^loadModel: y\.bpm is corrupt: arrays counts and tail overlap \(bytes 64-83 and 80-87\)$/);
    const twice = partsOf(good());
    twice.header.version = 2;
    twice.header.arrays[3].name = "W";
    expect(message(fileOf(twice.header, twice.body, 2))).toMatch(/^loadModel: y\.bpm has two arrays named W$/);
  });

  test("a version that does not match its layout", () => {
    // a version 3 header without the checksum before it, and a version 2 header behind one
    const { header, body } = partsOf(good());
    expect(message(fileOf(header, body, 1))).toMatch(/^loadModel: y\.bpm has format version 3 without the header checksum that version 3 files have$/);
    header.version = 2;
    expect(message(fileOf(header, body, 3))).toMatch(/^loadModel: y\.bpm has format version 2 but a header checksum, which only files of version 3 and later have$/);
  });

  test("a checksum whose first byte is the header's opening brace is still read as version 3", () => {
    // bytes 12-15 hold the checksum; an older file has "{" at 12 but, unlike version 3, not again at 16
    const { header, body } = partsOf(good());
    let bytes = fileOf(header, body);
    for (let note = 0; bytes[12] !== 0x7b; note++) bytes = fileOf({ ...header, note }, body);
    expect(decodeArrayFile(bytes, "y.bpm").header.version).toBe(3);
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
