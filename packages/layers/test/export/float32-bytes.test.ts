import { expect, test } from "vitest";
import { float32Bytes } from "../../src/export/float32-bytes.js";

test("float32Bytes writes IEEE 754 single precision, little-endian, 4 bytes a number", () => {
  // 1 = 0x3f800000, -2 = 0xc0000000, 0.1 rounds to 0x3dcccccd
  expect(Array.from(float32Bytes([1, -2, 0.1]))).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0xcd, 0xcc, 0xcc, 0x3d]);
  expect(float32Bytes([])).toEqual(new Uint8Array(0));
});
