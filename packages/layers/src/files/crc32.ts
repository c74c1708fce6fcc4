// IEEE 802.3's CRC-32, as zlib, gzip and PNG compute it: the reflected polynomial 0xEDB88320, a byte at a time
// through a table of the 256 remainders, starting from and finishing with all bits set.
const POLYNOMIAL = 0xedb88320;

const TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? POLYNOMIAL ^ (c >>> 1) : c >>> 1;
  return c;
});

/** The CRC-32 of `bytes`, an unsigned 32-bit integer: crc32("123456789") is 0xcbf43926. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A checksum as error messages show it: 0x and eight hex digits. */
export function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}
