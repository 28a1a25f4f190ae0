// Byte layouts declared once, as tables of {name, offset, size, type}, with one generic codec over
// DataView. Hot paths read `layout.offset.<field>` and use DataView directly; everything else uses
// decode/encode. 64-bit fields are bigint here, at the codec edge, and nowhere deeper.

/** 'ascii': space padded (NVMe identify strings); 'cstr': NUL padded and terminated at the first NUL (NQNs). */
export type FieldType = 'u8' | 'u16' | 'u32' | 'u64' | 'bytes' | 'ascii' | 'cstr';

export interface FieldDef<N extends string = string> {
  readonly name: N;
  readonly offset: number;
  readonly size: number;
  readonly type: FieldType;
}

export type Endian = 'le' | 'be';

export interface Layout<N extends string = string> {
  readonly name: string;
  readonly size: number;
  readonly endian: Endian;
  readonly fields: readonly FieldDef<N>[];
  /** Field offsets by name, for hot paths that use DataView directly. */
  readonly offset: Readonly<Record<N, number>>;
}

export type FieldValue = number | bigint | Uint8Array | string;
export type Decoded<N extends string> = Record<N, FieldValue>;

const SCALAR_SIZE: Partial<Record<FieldType, number>> = { u8: 1, u16: 2, u32: 4, u64: 8 };

/** Field names that mark reserved space; they may repeat and are skipped by decode. */
export const isReserved = (name: string): boolean => /^rsvd/.test(name);

/** Declares a layout. Throws at module load on a malformed table, so a bad table never ships. */
export function defineLayout<const N extends string>(
  name: string,
  size: number,
  fields: readonly FieldDef<N>[],
  endian: Endian = 'le',
): Layout<N> {
  const layout: Layout<N> = {
    name,
    size,
    endian,
    fields,
    offset: Object.fromEntries(fields.map((f) => [f.name, f.offset])) as Record<N, number>,
  };
  const problems = checkLayout(layout);
  if (problems.length > 0) throw new Error(`layout ${name}: ${problems.join('; ')}`);
  return layout;
}

/** Shorthand for building field tables: f('nsze', 0, 8, 'u64'). */
export const f = <const N extends string>(name: N, offset: number, size: number, type: FieldType): FieldDef<N> => ({
  name,
  offset,
  size,
  type,
});

/**
 * The checks every layout must pass: fields sorted, tiling [0, size) with no overlap and no
 * unnamed gap, scalar sizes matching their type, and unique non-reserved names.
 */
export function checkLayout(layout: Layout): string[] {
  const problems: string[] = [];
  let at = 0;
  const seen = new Set<string>();
  for (const fd of layout.fields) {
    if (fd.offset < at) problems.push(`${fd.name} at ${fd.offset} overlaps the field before it (ends at ${at})`);
    if (fd.offset > at) problems.push(`unnamed gap ${at}..${fd.offset - 1} before ${fd.name}`);
    const want = SCALAR_SIZE[fd.type];
    if (want !== undefined && want !== fd.size) problems.push(`${fd.name} is ${fd.type} but ${fd.size} bytes`);
    if (fd.size <= 0) problems.push(`${fd.name} has size ${fd.size}`);
    if (!isReserved(fd.name)) {
      if (seen.has(fd.name)) problems.push(`${fd.name} declared twice`);
      seen.add(fd.name);
    }
    at = fd.offset + fd.size;
  }
  if (at !== layout.size) problems.push(`fields end at ${at} but the layout is ${layout.size} bytes`);
  return problems;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Reads one field. Scalars up to u32 are numbers, u64 is bigint, bytes a copy, ascii trimmed of NUL/space. */
export function readField(layout: Layout, bytes: Uint8Array, fd: FieldDef, base = 0): FieldValue {
  const dv = view(bytes);
  const le = layout.endian === 'le';
  const o = base + fd.offset;
  switch (fd.type) {
    case 'u8':
      return dv.getUint8(o);
    case 'u16':
      return dv.getUint16(o, le);
    case 'u32':
      return dv.getUint32(o, le);
    case 'u64':
      return dv.getBigUint64(o, le);
    case 'bytes':
      return bytes.slice(o, o + fd.size);
    case 'ascii':
      return Buffer.from(bytes.buffer, bytes.byteOffset + o, fd.size).toString('latin1').replace(/[\0 ]+$/, '');
    case 'cstr': {
      const raw = Buffer.from(bytes.buffer, bytes.byteOffset + o, fd.size);
      const end = raw.indexOf(0);
      return raw.toString('utf8', 0, end < 0 ? fd.size : end);
    }
  }
}

/** Writes one field; a string for 'ascii' is space-padded as NVMe identify strings are. */
export function writeField(layout: Layout, bytes: Uint8Array, fd: FieldDef, value: FieldValue, base = 0): void {
  const dv = view(bytes);
  const le = layout.endian === 'le';
  const o = base + fd.offset;
  switch (fd.type) {
    case 'u8':
    case 'u16':
    case 'u32': {
      const n = typeof value === 'bigint' ? Number(value) : (value as number);
      const max = 2 ** (8 * fd.size);
      if (!Number.isInteger(n) || n < 0 || n >= max) throw new RangeError(`${layout.name}.${fd.name}: ${String(value)} does not fit ${fd.type}`);
      if (fd.type === 'u8') dv.setUint8(o, n);
      else if (fd.type === 'u16') dv.setUint16(o, n, le);
      else dv.setUint32(o, n, le);
      return;
    }
    case 'u64': {
      const n = typeof value === 'bigint' ? value : BigInt(value as number);
      if (n < 0n || n >= 1n << 64n) throw new RangeError(`${layout.name}.${fd.name}: ${String(value)} does not fit u64`);
      dv.setBigUint64(o, n, le);
      return;
    }
    case 'bytes': {
      const src = value as Uint8Array;
      if (src.length > fd.size) throw new RangeError(`${layout.name}.${fd.name}: ${src.length} bytes do not fit ${fd.size}`);
      bytes.fill(0, o, o + fd.size);
      bytes.set(src, o);
      return;
    }
    case 'ascii': {
      const s = Buffer.from(String(value), 'latin1');
      if (s.length > fd.size) throw new RangeError(`${layout.name}.${fd.name}: '${String(value)}' is longer than ${fd.size}`);
      bytes.fill(0x20, o, o + fd.size);
      bytes.set(s, o);
      return;
    }
    case 'cstr': {
      const s = Buffer.from(String(value), 'utf8');
      if (s.length > fd.size) throw new RangeError(`${layout.name}.${fd.name}: '${String(value)}' is longer than ${fd.size}`);
      bytes.fill(0, o, o + fd.size);
      bytes.set(s, o);
      return;
    }
  }
}

/** Decodes every named (non-reserved) field. */
export function decode<N extends string>(layout: Layout<N>, bytes: Uint8Array, base = 0): Decoded<N> {
  if (base + layout.size > bytes.length) throw new RangeError(`${layout.name}: needs ${layout.size} bytes at ${base}, have ${bytes.length - base}`);
  const out = {} as Decoded<N>;
  for (const fd of layout.fields) if (!isReserved(fd.name)) out[fd.name] = readField(layout, bytes, fd, base);
  return out;
}

/** Encodes the given fields into bytes (zeroing the layout's span first unless keep is set). */
export function encode<N extends string>(
  layout: Layout<N>,
  values: Partial<Record<N, FieldValue>>,
  bytes: Uint8Array = new Uint8Array(layout.size),
  base = 0,
  keep = false,
): Uint8Array {
  if (base + layout.size > bytes.length) throw new RangeError(`${layout.name}: needs ${layout.size} bytes at ${base}, have ${bytes.length - base}`);
  if (!keep) bytes.fill(0, base, base + layout.size);
  const known = new Set(layout.fields.map((x) => x.name as string));
  for (const [name, value] of Object.entries(values) as [N, FieldValue | undefined][]) {
    if (!known.has(name)) throw new Error(`${layout.name} has no field ${name}`);
    if (value === undefined) continue;
    writeField(layout, bytes, layout.fields.find((x) => x.name === name)!, value, base);
  }
  return bytes;
}
