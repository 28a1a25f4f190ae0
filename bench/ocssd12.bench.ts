// `npm run bench:ocssd12`: OCSSD 1.2 vector commands through raw queues (pre-built SQEs, SGL
// data, PPA lists in host memory, engine.process(), CQEs counted), memory image, timing off.
// A command is one dual-plane page: 8 PPAs = 32 KiB of data + 8 x 16 B of OOB, the unit pblk
// writes on the tutorial geometry. Writes go page by page across the LUNs (pblk's striping);
// when every page is written the blocks are erased outside the timed part. Reads pick random
// written pages. Also the erase rate (dual plane, one PPA) and the plain media copy of 32 KiB.
import { ChunkType, MemoryStore, openMedia } from '../src/media/index.js';
import { OCSSD12_ADMIN_COMMANDS, OCSSD12_IO, Ocssd12Namespace, createAdminCommands } from '../src/controller/index.js';
import { Ocssd12Opcode, SQE_SIZE, encodePpa, ppaFormatFor } from '../src/spec/index.js';
import { measure, xorshift32, type Measurement } from './lib/measure.js';
import { type Out, TablePrinter, environmentPairs, fmtFixed, fmtInt, printPairs, benchMain } from './lib/report.js';
import { DATA_AT, MEMORY_BASE, RawHost } from './lib/raw-host.js';

const LUNS = 4;
const PLANES = 2;
const BLOCKS = 8;
const PAGES = 64;
const SECS = 4;
const SECTOR = 4096;
const OOB = 16;
const PPAS = PLANES * SECS;
const COMMAND_BYTES = PPAS * SECTOR;
const GEO = { groups: 1, pusPerGroup: LUNS, planes: PLANES, blocksPerPlane: BLOCKS, pagesPerBlock: PAGES, sectorsPerPage: SECS, sectorSize: SECTOR, oobSize: OOB };
const FMT = ppaFormatFor({ ch: 1, lun: LUNS, pln: PLANES, blk: BLOCKS, pg: PAGES, sec: SECS });
const TOTAL_PAGES = LUNS * BLOCKS * PAGES;
export const DEPTHS = [1, 32] as const;

export interface Ocssd12BenchRow {
  readonly op: string;
  readonly qd: number;
  readonly commandsPerSec: number;
  readonly mibPerSec: number;
  readonly nsPerCommand: number;
}

/** Every page's PPA list (8 u64 each), encoded once so the timed loop only copies it. */
const LISTS = new Uint8Array(LUNS * BLOCKS * PAGES * PPAS * 8);
{
  const dv = new DataView(LISTS.buffer);
  for (let lun = 0; lun < LUNS; lun++)
    for (let blk = 0; blk < BLOCKS; blk++)
      for (let pg = 0; pg < PAGES; pg++) {
        let k = ((lun * BLOCKS + blk) * PAGES + pg) * PPAS;
        for (let pln = 0; pln < PLANES; pln++) for (let sec = 0; sec < SECS; sec++) dv.setBigUint64(8 * k++, encodePpa(FMT, { ch: 0, lun, pln, blk, pg, sec }), true);
      }
}

const LISTS_VIEW = new DataView(LISTS.buffer);

/** The k-th page in pblk's order: LUN fastest, then page, then block. */
const pageOf = (k: number): { lun: number; pg: number; blk: number } => ({ lun: k % LUNS, pg: Math.floor(k / LUNS) % PAGES, blk: Math.floor(k / (LUNS * PAGES)) % BLOCKS });

class Bench {
  readonly host: RawHost;
  private readonly sqes: { b: Uint8Array; dv: DataView; list: number }[];

  constructor(readonly qd: number) {
    const media = openMedia({ kind: 'memory' }, { geometry: GEO, chunkType: ChunkType.RANDOM, endurance: 0 });
    const ns = new Ocssd12Namespace({ nsid: 1, media, nsze: media.geometry.totalSectors, nlbaf: 5, lbaIndex: 3, serial: 'bench', io: OCSSD12_IO, log: () => {} });
    this.host = new RawHost({ config: { mdts: 0 }, namespaces: [ns], admin: [createAdminCommands(), OCSSD12_ADMIN_COMMANDS] });
    if (!this.host.enable() || !this.host.createIoQueue()) throw new Error('ocssd12 bench: the controller did not come up');
    // Per slot: a 4 KiB page holding the PPA list, 32 KiB of data, 128 B of OOB.
    this.sqes = Array.from({ length: qd }, (_, i) => {
      const b = new Uint8Array(SQE_SIZE);
      const dv = new DataView(b.buffer);
      const list = DATA_AT + i * 4096;
      const data = DATA_AT + (1 << 20) + i * COMMAND_BYTES;
      const oob = DATA_AT + (4 << 20) + i * PPAS * OOB;
      b[1] = 1 << 6; // SGL data block; MPTR a contiguous buffer
      dv.setUint32(4, 1, true);
      dv.setBigUint64(16, BigInt(oob), true);
      dv.setBigUint64(24, BigInt(data), true);
      dv.setUint32(32, COMMAND_BYTES, true);
      dv.setBigUint64(40, BigInt(list), true);
      this.host.bytes.fill(0x5a, data - MEMORY_BASE, data - MEMORY_BASE + COMMAND_BYTES);
      return { b, dv, list };
    });
  }

  /** Points slot i at page (lun, blk, pg), both planes. */
  private setPage(i: number, opc: number, lun: number, blk: number, pg: number): void {
    const s = this.sqes[i]!;
    s.b[0] = opc;
    s.dv.setUint32(48, (PPAS - 1) | (1 << 16), true); // 8 PPAs, dual plane
    s.dv.setBigUint64(40, BigInt(s.list), true);
    const from = ((lun * BLOCKS + blk) * PAGES + pg) * PPAS * 8;
    this.host.bytes.set(LISTS.subarray(from, from + PPAS * 8), s.list - MEMORY_BASE);
  }

  /** Runs `count` commands of `fill(i)`, qd at a time; throws if one fails. */
  run(count: number, fill: (i: number, n: number) => void): void {
    for (let n = 0; n < count; n += this.qd) {
      const batch = Math.min(this.qd, count - n);
      for (let i = 0; i < batch; i++) {
        fill(i, n + i);
        this.host.submit(1, this.sqes[i]!.b, i, false);
      }
      this.host.ring(1);
      this.host.engine.process();
      const done = this.host.reapCount(1);
      if (done !== batch) throw new Error(`ocssd12 bench: ${done < 0 ? 'a command failed' : `${done} of ${batch} completed`} (${this.host.bugs[0] ?? 'no handler error'})`);
    }
  }

  writePage(i: number, k: number): void {
    const p = pageOf(k);
    this.setPage(i, Ocssd12Opcode.PWRITE, p.lun, p.blk, p.pg);
  }

  readPage(i: number, k: number): void {
    const p = pageOf(k);
    this.setPage(i, Ocssd12Opcode.PREAD, p.lun, p.blk, p.pg);
  }

  eraseBlock(i: number, k: number): void {
    const s = this.sqes[i]!;
    s.b[0] = Ocssd12Opcode.ERASE;
    s.dv.setUint32(48, 1 << 16, true); // one PPA, dual plane
    // The first PPA of the block's page 0 (pln 0, sec 0).
    const from = (((k % LUNS) * BLOCKS + (Math.floor(k / LUNS) % BLOCKS)) * PAGES) * PPAS * 8;
    s.dv.setUint32(40, LISTS_VIEW.getUint32(from, true), true);
    s.dv.setUint32(44, LISTS_VIEW.getUint32(from + 4, true), true);
  }

  eraseAll(): void {
    this.run(LUNS * BLOCKS, (i, k) => this.eraseBlock(i, k));
  }
}

function writes(qd: number, seconds: number): Measurement {
  const b = new Bench(qd);
  let next = 0;
  const m = measure(
    (n) => {
      const todo = Math.min(n, TOTAL_PAGES - next);
      const batch = todo;
      b.run(batch, (i, k) => b.writePage(i, next + k));
      next += batch;
      return batch;
    },
    {
      seconds,
      reset: () => {
        b.eraseAll();
        next = 0;
      },
    },
  );
  b.host.close();
  return m;
}

function reads(qd: number, seconds: number): Measurement {
  const b = new Bench(qd);
  b.run(TOTAL_PAGES, (i, k) => b.writePage(i, k));
  const rnd = xorshift32(7);
  const m = measure(
    (n) => {
      b.run(n, (i) => b.readPage(i, rnd() % TOTAL_PAGES));
      return n;
    },
    { seconds },
  );
  b.host.close();
  return m;
}

function erases(qd: number, seconds: number): Measurement {
  const b = new Bench(qd);
  let k = 0;
  const m = measure(
    (n) => {
      b.run(n, (i) => b.eraseBlock(i, k++));
      return n;
    },
    { seconds },
  );
  b.host.close();
  return m;
}

function mediaCopy(seconds: number): Measurement {
  const store = new MemoryStore(TOTAL_PAGES * COMMAND_BYTES);
  const buf = new Uint8Array(COMMAND_BYTES).fill(1);
  for (let p = 0; p < TOTAL_PAGES; p++) store.write(buf, p * COMMAND_BYTES);
  const rnd = xorshift32(9);
  return measure(
    (n) => {
      for (let i = 0; i < n; i++) store.read(buf, (rnd() % TOTAL_PAGES) * COMMAND_BYTES);
      return n;
    },
    { seconds },
  );
}

export function runOcssd12Bench(seconds: number, out: Out = console.log): Ocssd12BenchRow[] {
  out(`ocssd12 bench: vector commands of one dual-plane page (${PPAS} PPAs, ${COMMAND_BYTES / 1024} KiB + ${PPAS * OOB} B OOB), raw queues, memory image, timing off`);
  printPairs([...environmentPairs(), ['geometry', `1 ch x ${LUNS} LUN x ${PLANES} pln x ${BLOCKS} blk x ${PAGES} pg x ${SECS} sec of ${SECTOR} B`], ['seconds per case', String(seconds)]], out);
  const table = new TablePrinter(
    [
      { title: 'command', width: 26 },
      { title: 'QD', width: 3 },
      { title: 'commands/s', width: 11 },
      { title: 'MiB/s', width: 7 },
      { title: 'ns/command', width: 11 },
    ],
    out,
  );
  table.header();
  const rows: Ocssd12BenchRow[] = [];
  const add = (op: string, qd: number, m: Measurement, bytes: number) => {
    const row = { op, qd, commandsPerSec: m.opsPerSec, mibPerSec: (m.opsPerSec * bytes) / 2 ** 20, nsPerCommand: m.nsPerOp };
    rows.push(row);
    table.row([op, qd === 0 ? '-' : String(qd), fmtInt(row.commandsPerSec), fmtFixed(row.mibPerSec, 0), fmtInt(row.nsPerCommand)]);
  };
  add('media copy 32 KiB (base)', 0, mediaCopy(seconds), COMMAND_BYTES);
  for (const qd of DEPTHS) add('0x91 write, 8 PPAs + OOB', qd, writes(qd, seconds), COMMAND_BYTES);
  for (const qd of DEPTHS) add('0x92 read, 8 PPAs', qd, reads(qd, seconds), COMMAND_BYTES);
  for (const qd of DEPTHS) add('0x90 erase, dual plane', qd, erases(qd, seconds), 0);
  return rows;
}

await benchMain(import.meta.url, 'ocssd12 bench', [], async (seconds) => runOcssd12Bench(seconds));
