import { basename } from "node:path";
import { crc32 } from "node:zlib";
import { decodeArrayFile, encodeArrayFile, type FileHeader, type StoredArray } from "../../src/index.js";
import { readModelBytes, writeFileAtomic } from "../../src/node.js";

// The layouts, by hand: "BACKPROP", the header's length, in version 3 the header's CRC-32, then the header. The
// checksums here are node:zlib's, not the code's under test.
export const PREFIX = 16;
export const LEGACY_PREFIX = 12;

/** encodeArrayFile's bytes written to `path` atomically. */
export function writeArrayFile(path: string, kind: string, header: Record<string, unknown>, arrays: Record<string, { shape: readonly number[]; data: StoredArray }>): void {
  writeFileAtomic(path, [encodeArrayFile(kind, header, arrays)]);
}

/** decodeArrayFile of the file at `path`, named by its base name in errors. */
export function readArrayFile(path: string, kind?: string): { header: FileHeader; arrays: Map<string, StoredArray> } {
  return decodeArrayFile(readModelBytes(path), basename(path), { kind });
}

/** The header of a version 3 file's bytes, as JSON, and its arrays' bytes. */
export function partsOf(bytes: Uint8Array): { header: Record<string, any>; body: Buffer } {
  const b = Buffer.from(bytes);
  const length = b.readUInt32LE(8);
  return { header: JSON.parse(b.toString("utf8", PREFIX, PREFIX + length)), body: b.subarray(PREFIX + length) };
}

/** A file's bytes from a header and the arrays' bytes, laid out as `version` lays them out, padded as the encoder pads. */
export function fileOf(header: unknown, body: Uint8Array, version: 1 | 2 | 3 = 3, checksum?: number): Buffer {
  const prefix = version === 3 ? PREFIX : LEGACY_PREFIX;
  let text = Buffer.from(JSON.stringify(header));
  text = Buffer.concat([text, Buffer.alloc((8 - ((prefix + text.length) % 8)) % 8, " ")]);
  const start = Buffer.alloc(prefix);
  start.write("BACKPROP", 0, "latin1");
  start.writeUInt32LE(text.length, 8);
  if (version === 3) start.writeUInt32LE(checksum ?? crc32(text), 12);
  return Buffer.concat([start, text, body]);
}

/**
 * A version 3 file's bytes with its header changed by `edit`: with the header's checksum computed anew, as a writer
 * would that wrote a wrong header, or with `keepChecksum` the old one, as a disk that changed the header would.
 */
export function withHeader(bytes: Uint8Array, edit: (header: Record<string, any>) => void, { keepChecksum = false } = {}): Buffer {
  const { header, body } = partsOf(bytes);
  edit(header);
  return fileOf(header, body, 3, keepChecksum ? Buffer.from(bytes).readUInt32LE(12) : undefined);
}

/** A version 3 file's bytes as versions 1 and 2 wrote them: `version` in the header, no checksums, the header at 12. */
export function legacyBytes(bytes: Uint8Array, version: 1 | 2): Buffer {
  const { header, body } = partsOf(bytes);
  header.version = version;
  for (const entry of header.arrays) delete entry.crc32;
  return fileOf(header, body, version);
}
