// CRC32C (Castagnoli) digests as NVMe/TCP stores them: 4 bytes, little endian, over the header
// (HDGST) or the data (DDGST). The native @node-rs/crc32 does the arithmetic.
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/** CRC32C of `bytes[off, off + len)`. */
export function crc32c(bytes: Uint8Array, off = 0, len = bytes.length - off): number {
  const view = off === 0 && len === bytes.length && Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset + off, len);
  return nativeCrc32c(view) >>> 0;
}

/** Continues a CRC32C over further bytes (`crc` from an earlier call). */
export function crc32cUpdate(crc: number, bytes: Uint8Array, off = 0, len = bytes.length - off): number {
  return nativeCrc32c(Buffer.from(bytes.buffer, bytes.byteOffset + off, len), crc) >>> 0;
}

/** Reads the 4-byte little-endian digest at `off`. */
export function readDigest(bytes: Uint8Array, off: number): number {
  return (bytes[off]! | (bytes[off + 1]! << 8) | (bytes[off + 2]! << 16) | (bytes[off + 3]! << 24)) >>> 0;
}

export function writeDigest(bytes: Uint8Array, off: number, crc: number): void {
  bytes[off] = crc & 0xff;
  bytes[off + 1] = (crc >>> 8) & 0xff;
  bytes[off + 2] = (crc >>> 16) & 0xff;
  bytes[off + 3] = (crc >>> 24) & 0xff;
}
