import { crc32 as zlibCrc32 } from "node:zlib";
import { describe, expect, test } from "vitest";
import { Random } from "@backprop/core";
import { crc32 } from "../../src/index.js";
import { hex32 } from "../../src/files/crc32.js";

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("crc32", () => {
  test('the standard check value: crc32("123456789") = 0xcbf43926', () => {
    expect(crc32(ascii("123456789"))).toBe(0xcbf43926);
  });

  // Python: hex(zlib.crc32(b)) for each
  test.each([
    ["no bytes", new Uint8Array(0), 0x00000000],
    ['"a"', ascii("a"), 0xe8b7be43],
    ['"abc"', ascii("abc"), 0x352441c2],
    ["the quick brown fox", ascii("The quick brown fox jumps over the lazy dog"), 0x414fa339],
    ["bytes 0 to 255", Uint8Array.from({ length: 256 }, (_, i) => i), 0x29058c73],
    ["32 zero bytes", new Uint8Array(32), 0x190a55ad],
    ["four 0xff bytes", Uint8Array.from([0xff, 0xff, 0xff, 0xff]), 0xffffffff],
  ])("%s, as Python's zlib.crc32", (_, bytes, expected) => {
    expect(crc32(bytes)).toBe(expected);
  });

  test("is unsigned: a checksum with the top bit set is above 2^31, not negative", () => {
    expect(crc32(ascii("123456789"))).toBeGreaterThan(2 ** 31);
    expect(crc32(Uint8Array.from([0xff, 0xff, 0xff, 0xff]))).toBe(2 ** 32 - 1);
  });

  test("agrees with node:zlib on random bytes of many lengths, and on a view into a larger buffer", () => {
    const rng = new Random("crc32");
    for (const n of [1, 2, 3, 7, 8, 9, 255, 256, 1000, 65537]) {
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(rng.random() * 256));
      expect(crc32(bytes), `${n} bytes`).toBe(zlibCrc32(bytes));
      expect(crc32(bytes.subarray(1)), `${n} bytes from the second`).toBe(zlibCrc32(bytes.subarray(1)));
    }
  });

  test("hex32 shows eight hex digits", () => {
    expect(hex32(0xcbf43926)).toBe("0xcbf43926");
    expect(hex32(0x801)).toBe("0x00000801");
    expect(hex32(0)).toBe("0x00000000");
  });
});
