// A writer for the "newc" cpio format, the one the Linux kernel unpacks as an initramfs. The
// e2e driver appends a small archive (the guest's test script and its data files) to the
// cached base initramfs; the kernel unpacks concatenated archives in order, so these files
// land on top of the base. Writing it here avoids a host `cpio` run per test.

export interface CpioEntry {
  /** Path inside the archive, without a leading slash ("test.sh", "e2e/pattern.bin"). */
  path: string;
  data: Uint8Array | string;
  /** Permission bits; the file type (regular file) is added. Default 0o755. */
  mode?: number;
}

const MAGIC = '070701';

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

function header(ino: number, mode: number, size: number, nameLen: number): string {
  // magic, then 13 fields of 8 hex digits: ino mode uid gid nlink mtime filesize devmajor
  // devminor rdevmajor rdevminor namesize check.
  const f = [ino, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, nameLen, 0];
  return MAGIC + f.map((v) => v.toString(16).padStart(8, '0')).join('');
}

/** Encodes entries (and the directories their paths need) as one newc archive with a trailer. */
export function encodeCpio(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  const push = (mode: number, path: string, data: Buffer): void => {
    const name = Buffer.from(path + '\0');
    const h = Buffer.from(header(ino++, mode, data.length, name.length), 'ascii');
    const head = Buffer.concat([h, name, Buffer.alloc(pad4(h.length + name.length))]);
    parts.push(head, data, Buffer.alloc(pad4(data.length)));
  };
  const dirs = new Set<string>();
  for (const e of entries) {
    if (e.path.startsWith('/') || e.path.split('/').some((s) => s === '' || s === '..')) {
      throw new Error(`cpio entry path ${JSON.stringify(e.path)}: must be relative, without empty or '..' parts`);
    }
    const segs = e.path.split('/');
    for (let i = 1; i < segs.length; i++) {
      const d = segs.slice(0, i).join('/');
      if (!dirs.has(d)) {
        dirs.add(d);
        push(0o040755, d, Buffer.alloc(0));
      }
    }
    const data = typeof e.data === 'string' ? Buffer.from(e.data) : Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength);
    push(0o100000 | (e.mode ?? 0o755), e.path, data);
  }
  push(0, 'TRAILER!!!', Buffer.alloc(0));
  return Buffer.concat(parts);
}

/** Decodes a newc archive (used by the tests of the writer). Returns regular files only. */
export function decodeCpio(buf: Buffer): { path: string; mode: number; data: Buffer }[] {
  const out: { path: string; mode: number; data: Buffer }[] = [];
  let p = 0;
  for (;;) {
    if (buf.toString('ascii', p, p + 6) !== MAGIC) throw new Error(`cpio: bad magic at offset ${p}`);
    const field = (i: number): number => parseInt(buf.toString('ascii', p + 6 + i * 8, p + 14 + i * 8), 16);
    const mode = field(1);
    const size = field(6);
    const nameLen = field(11);
    const nameEnd = p + 110 + nameLen;
    const path = buf.toString('utf8', p + 110, nameEnd - 1);
    const dataStart = nameEnd + pad4(110 + nameLen);
    if (path === 'TRAILER!!!') return out;
    if ((mode & 0o170000) === 0o100000) out.push({ path, mode: mode & 0o7777, data: buf.subarray(dataStart, dataStart + size) });
    p = dataStart + size + pad4(size);
  }
}
