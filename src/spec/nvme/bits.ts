// Bit fields inside little-endian dwords, declared as tables like the byte layouts. A field names
// the dword it lives in, so one table can be read straight out of the structure it belongs to:
//  - command tables (IDENTIFY, GET_LOG_PAGE ...): dword = the SQE command dword (10 = CDW10),
//  - register tables (CAP, CC ...): dword counted from the register's own offset (CAP is 2 dwords),
//  - tables for a value (feature values, identify byte fields): dword 0, the value itself.
// getBits/setBits work on one dword value (they ignore `dword`); readBits/writeBits find the dword in
// a byte buffer at base + 4 * dword. Pure value helpers, no state.

export interface BitField<N extends string = string> {
  readonly name: N;
  /** Dword index inside the structure the table belongs to. */
  readonly dword: number;
  /** Lowest bit, 0..31. */
  readonly shift: number;
  /** Width, 1..32; shift + bits <= 32. */
  readonly bits: number;
}

export type BitTable<N extends string> = { readonly [K in N]: BitField<K> };

/** Shorthand: b('cns', 10, 0, 8). */
export const b = <const N extends string>(name: N, dword: number, shift: number, bits: number): BitField<N> => ({
  name,
  dword,
  shift,
  bits,
});

/** Problems with a bit table: out-of-range positions, overlaps inside a dword, duplicate names. */
export function checkBitFields(fields: readonly BitField[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const used = new Map<number, { name: string; mask: bigint }[]>();
  for (const fd of fields) {
    if (names.has(fd.name)) problems.push(`${fd.name} declared twice`);
    names.add(fd.name);
    if (!Number.isInteger(fd.dword) || fd.dword < 0) problems.push(`${fd.name} has dword ${fd.dword}`);
    if (!Number.isInteger(fd.bits) || fd.bits < 1 || fd.bits > 32) problems.push(`${fd.name} has ${fd.bits} bits`);
    if (!Number.isInteger(fd.shift) || fd.shift < 0 || fd.shift + fd.bits > 32) {
      problems.push(`${fd.name} bits ${fd.shift}..${fd.shift + fd.bits - 1} leave the dword`);
      continue;
    }
    const mask = ((1n << BigInt(fd.bits)) - 1n) << BigInt(fd.shift);
    const others = used.get(fd.dword) ?? [];
    for (const o of others) if ((o.mask & mask) !== 0n) problems.push(`${fd.name} overlaps ${o.name} in dword ${fd.dword}`);
    others.push({ name: fd.name, mask });
    used.set(fd.dword, others);
  }
  return problems;
}

/** Declares a bit table keyed by field name. Throws at module load on a malformed table. */
export function defineBits<const N extends string>(name: string, fields: readonly BitField<N>[]): BitTable<N> {
  const problems = checkBitFields(fields);
  if (problems.length > 0) throw new Error(`bit table ${name}: ${problems.join('; ')}`);
  return Object.freeze(Object.fromEntries(fields.map((fd) => [fd.name, fd]))) as BitTable<N>;
}

// A shift, not 2 ** bits: getBits runs several times per command on the I/O path.
const maskOf = (bits: number): number => 0xffffffff >>> (32 - bits);

/** The field's value out of one dword. */
export function getBits(dword: number, fd: BitField): number {
  return ((dword >>> fd.shift) & maskOf(fd.bits)) >>> 0;
}

/** The dword with the field replaced; refuses a value that does not fit. */
export function setBits(dword: number, fd: BitField, value: number | boolean): number {
  const v = typeof value === 'boolean' ? Number(value) : value;
  const mask = maskOf(fd.bits);
  if (!Number.isInteger(v) || v < 0 || v > mask) throw new RangeError(`${fd.name}: ${String(value)} does not fit ${fd.bits} bits`);
  return ((dword & ~(mask << fd.shift)) | (v << fd.shift)) >>> 0;
}

/** Packs several fields into one dword: packBits({cns: 1, cntid: 3}, IDENTIFY). Fields of other dwords are refused. */
export function packBits<N extends string>(table: BitTable<N>, values: Partial<Record<N, number | boolean>>, into = 0): number {
  let out = into >>> 0;
  let want: number | undefined;
  for (const [name, value] of Object.entries(values) as [N, number | boolean | undefined][]) {
    const fd = table[name] as BitField | undefined;
    if (fd === undefined) throw new Error(`no bit field ${name}`);
    if (value === undefined) continue;
    if (want !== undefined && fd.dword !== want) throw new Error(`${name} is in dword ${fd.dword}, not ${want}`);
    want = fd.dword;
    out = setBits(out, fd, value);
  }
  return out;
}

/** Reads the field from the dword at base + 4 * fd.dword (little-endian). */
export function readBits(bytes: Uint8Array, fd: BitField, base = 0): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return getBits(dv.getUint32(base + 4 * fd.dword, true), fd);
}

/** Writes the field into the dword at base + 4 * fd.dword, leaving the other bits alone. */
export function writeBits(bytes: Uint8Array, fd: BitField, value: number | boolean, base = 0): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const o = base + 4 * fd.dword;
  dv.setUint32(o, setBits(dv.getUint32(o, true), fd, value), true);
}

/** Reads a field of a 64-bit register held as bigint (CAP): dword 1 is the high half. */
export function getBits64(value: bigint, fd: BitField): number {
  return getBits(Number((value >> BigInt(32 * fd.dword)) & 0xffffffffn), fd);
}

/** A 64-bit register value with the field replaced. */
export function setBits64(value: bigint, fd: BitField, v: number | boolean): bigint {
  const sh = BigInt(32 * fd.dword);
  const dword = setBits(Number((value >> sh) & 0xffffffffn), fd, v);
  return (value & ~(0xffffffffn << sh)) | (BigInt(dword) << sh);
}
