// 128-bit little-endian counters (SMART data units, TNVMCAP, NVMCAP) are 16-byte 'bytes' fields in
// the layouts; these convert them to and from bigint.

const U128_MAX = (1n << 128n) - 1n;

/** The value of a 16-byte little-endian field. */
export function u128(bytes: Uint8Array, offset = 0): bigint {
  if (offset + 16 > bytes.length) throw new RangeError(`u128: needs 16 bytes at ${offset}, have ${bytes.length - offset}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + offset, 16);
  return (dv.getBigUint64(8, true) << 64n) | dv.getBigUint64(0, true);
}

/** A 16-byte little-endian encoding of value, or writes it into `into` at offset. */
export function u128Bytes(value: bigint, into: Uint8Array = new Uint8Array(16), offset = 0): Uint8Array {
  if (value < 0n || value > U128_MAX) throw new RangeError(`u128: ${value} does not fit 128 bits`);
  if (offset + 16 > into.length) throw new RangeError(`u128: needs 16 bytes at ${offset}, have ${into.length - offset}`);
  const dv = new DataView(into.buffer, into.byteOffset + offset, 16);
  dv.setBigUint64(0, value & 0xffffffffffffffffn, true);
  dv.setBigUint64(8, value >> 64n, true);
  return into;
}
