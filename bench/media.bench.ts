// Media benchmark: program, read and erase rates of NandMedia on the file and memory backends,
// each next to a raw baseline driven by the same offset pattern in the same run (pwrite/pread
// of a plain file of the same size, or Uint8Array copies), and the cost of creating and
// opening a 1 TiB image. It prints figures and ratios and judges nothing: timings belong to
// the machine, so they are compared with a baseline, never asserted.
//
//   node dist/bench/media.bench.js [--seconds N] [--skip-image]     (or OCSSD_BENCH_SECONDS=N)
import { closeSync, ftruncateSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Geometry,
  MEDIA_STATUS_NAMES,
  MediaStatus,
  RESIDENT_BYTES_PER_CHUNK,
  describeGeometry,
  openMedia,
  type GeometryParams,
  type MediaOp,
  type NandMedia,
} from '../src/media/index.js';
import { type Measurement, measure, timeOnce, xorshift32 } from './lib/measure.js';
import { type Out, TablePrinter, environmentPairs, fmtBytes, fmtFixed, fmtInt, fmtMs, fmtRatio, freeBytes, printPairs, benchMain } from './lib/report.js';
import { Scratch, yieldToEventLoop } from './lib/scratch.js';

/** The benchmarked device: 8 PUs x 64 chunks of 4 MiB = 2 GiB, sparse. */
export const BENCH_GEOMETRY: GeometryParams = { groups: 1, pusPerGroup: 8, planes: 1, blocksPerPlane: 64, pagesPerBlock: 1024, sectorsPerPage: 1, sectorSize: 4096, oobSize: 16 };
/** 16 PUs x 4096 chunks of 16 MiB = 1 TiB: what creating, opening and resident RAM cost at scale. */
export const TIB_GEOMETRY: GeometryParams = { groups: 1, pusPerGroup: 16, planes: 1, blocksPerPlane: 4096, pagesPerBlock: 4096, sectorsPerPage: 1, sectorSize: 4096, oobSize: 16 };

export type Backend = 'file' | 'memory';

export interface MediaBenchOptions {
  /** Measured seconds per case (default 2; each case also warms up for a tenth of that). */
  readonly seconds?: number;
  readonly backends?: readonly Backend[];
  readonly geometry?: GeometryParams;
  /** Chunks written over and over by the program and read cases (default 32 = 128 MiB). */
  readonly workingSetChunks?: number;
  /** Geometry of the big-image case (default 1 TiB); false skips it. */
  readonly image?: GeometryParams | false;
  /** Where temporary files go (default os.tmpdir()). */
  readonly tmpRoot?: string;
  readonly out?: Out;
}

export interface CaseResult {
  readonly backend: Backend;
  readonly name: string;
  /** Bytes moved per op (0 for erase). */
  readonly bytesPerOp: number;
  readonly baseline: string;
  readonly media: Measurement;
  readonly raw: Measurement;
  /** media ops/s over raw ops/s. */
  readonly ratio: number;
}

export interface ImageResult {
  readonly geometry: string;
  readonly dataBytes: number;
  readonly totalChunks: number;
  readonly createNs: number;
  readonly reopenNs: number;
  readonly eraseAllNs: number;
  readonly reopenUsedNs: number;
  readonly residentBytes: number;
  readonly rssDelta: number;
  readonly arrayBuffersDelta: number;
  readonly dataOnDisk: number;
  readonly stateBytes: number;
  readonly stateOnDisk: number;
}

export interface MediaBenchResult {
  readonly cases: CaseResult[];
  /** The image case's figures, or why it did not run. */
  readonly image: ImageResult | { readonly skipped: string };
}

/** Case names, in the order they print; the smoke test looks for each. */
export const CASES = ['seq program 4 KiB', 'seq program 64 KiB', 'random program 4 KiB', 'seq read 4 KiB', 'random read 4 KiB', 'erase'] as const;

const SEED = 0x5eed;
/** Sectors per call of the large sequential program. */
const BIG_IO = 16;

export async function runMediaBench(options: MediaBenchOptions = {}): Promise<MediaBenchResult> {
  const out = options.out ?? ((line: string) => console.log(line));
  const seconds = options.seconds ?? 2;
  const geometry = Geometry.create(options.geometry ?? BENCH_GEOMETRY);
  const wsChunks = options.workingSetChunks ?? 32;
  const tmpRoot = options.tmpRoot ?? tmpdir();
  if (!Number.isInteger(wsChunks) || wsChunks < 1 || wsChunks > geometry.totalChunks) throw new RangeError(`workingSetChunks = ${wsChunks}: allowed 1..${geometry.totalChunks}`);
  if (geometry.sectorsPerChunk % BIG_IO !== 0) throw new RangeError(`geometry: ${geometry.sectorsPerChunk} sectors per chunk: must be a multiple of ${BIG_IO}`);
  const started = process.hrtime.bigint();

  out('ocssd media benchmark');
  printPairs(
    [
      ...environmentPairs(),
      ['temp dir', `${tmpRoot} (${fmtBytes(freeBytes(tmpRoot))} free)`],
      ['device', `${geometry.describe()} = ${fmtBytes(geometry.dataBytes)}, ${geometry.totalChunks} chunks of ${fmtBytes(geometry.sectorsPerChunk * geometry.sectorSize)}`],
      ['working set', `${wsChunks} chunks (${fmtBytes(wsChunks * geometry.sectorsPerChunk * geometry.sectorSize)}) spread over the PUs, rewritten after an untimed erase`],
      ['per case', `${seconds} s measured after ${fmtFixed(Math.min(0.2, seconds / 10), 2)} s warm-up; timing model off`],
    ],
    out,
  );
  out('');

  const cases: CaseResult[] = [];
  for (const backend of options.backends ?? (['file', 'memory'] as const)) {
    cases.push(...(await benchBackend(backend, geometry, wsChunks, seconds, tmpRoot, out)));
    out('');
  }
  let image: MediaBenchResult['image'];
  if (options.image === false) {
    image = { skipped: 'skipped (--skip-image)' };
    out(`== image case ${image.skipped}`);
  } else {
    image = await benchImage(Geometry.create(options.image ?? TIB_GEOMETRY), tmpRoot, out);
  }
  out('');
  out(`total bench time ${fmtFixed(Number(process.hrtime.bigint() - started) / 1e9, 1)} s`);
  return { cases, image };
}

// ---- one backend: media next to its raw baseline ----

/** Raw baseline operations at the byte positions the media uses (file) or in a flat copy (memory). */
interface Raw {
  readonly what: { write: string; read: string; erase: string };
  /** Writes all of `src` where working-set chunk `slot`, sector `s` lives. */
  write(src: Uint8Array, slot: number, s: number): void;
  /** Fills all of `dst` from there. */
  read(dst: Uint8Array, slot: number, s: number): void;
  /** The erase stand-in: a 32 B write, the size of the chunk slot an erase persists. */
  slotWrite(src: Uint8Array, c: number): void;
}

/** Calls op(slot, sector) once per operation. */
type SectorOp = (slot: number, s: number) => void;

interface Pattern {
  readonly body: (n: number) => number;
  /** Starts the pattern over (after the working set was erased). */
  readonly rewind: () => void;
}

/** Working-set chunks in order, `step` sectors per call at the write pointer; exhausted at the end. */
function sequentialFill(slots: number, spc: number, step: number, op: SectorOp): Pattern {
  let slot = 0;
  let s = 0;
  return {
    body: (n) => {
      for (let i = 0; i < n; i++) {
        if (slot === slots) return i;
        op(slot, s);
        s += step;
        if (s === spc) {
          s = 0;
          slot++;
        }
      }
      return n;
    },
    rewind: () => {
      slot = 0;
      s = 0;
    },
  };
}

/** A random open chunk each call, at its own write pointer; exhausted when all are full. */
function randomFill(slots: number, spc: number, seed: number, op: SectorOp): Pattern {
  const rng = xorshift32(seed);
  const wp = new Int32Array(slots);
  const live = new Int32Array(slots);
  let liveCount = 0;
  const rewind = (): void => {
    wp.fill(0);
    for (let i = 0; i < slots; i++) live[i] = i;
    liveCount = slots;
  };
  rewind();
  return {
    body: (n) => {
      for (let i = 0; i < n; i++) {
        if (liveCount === 0) return i;
        const k = rng() % liveCount;
        const slot = live[k]!;
        op(slot, wp[slot]!);
        if (++wp[slot]! === spc) live[k] = live[--liveCount]!;
      }
      return n;
    },
    rewind,
  };
}

/** Every sector of the working set in order, wrapping; never exhausted. */
function sequentialWalk(slots: number, spc: number, op: SectorOp): (n: number) => number {
  let slot = 0;
  let s = 0;
  return (n) => {
    for (let i = 0; i < n; i++) {
      op(slot, s);
      if (++s === spc) {
        s = 0;
        if (++slot === slots) slot = 0;
      }
    }
    return n;
  };
}

/** A uniformly random sector of the working set each call. */
function randomWalk(slots: number, spc: number, seed: number, op: SectorOp): (n: number) => number {
  const rng = xorshift32(seed);
  const span = slots * spc;
  return (n) => {
    for (let i = 0; i < n; i++) {
      const r = rng() % span;
      const slot = Math.floor(r / spc);
      op(slot, r - slot * spc);
    }
    return n;
  };
}

function check(op: MediaOp, what: string): void {
  if (op.status !== MediaStatus.OK) throw new Error(`bench bug: ${what} returned ${MEDIA_STATUS_NAMES[op.status]} at sector ${op.done}`);
}

async function benchBackend(backend: Backend, g: Geometry, wsChunks: number, seconds: number, tmpRoot: string, out: Out): Promise<CaseResult[]> {
  const scratch = new Scratch(tmpRoot);
  try {
    const ss = g.sectorSize;
    const spc = g.sectorsPerChunk;
    const chunkBytes = spc * ss;
    // Working-set chunks spread over the PUs, as an FTL stripes its lines.
    const ws = Array.from({ length: wsChunks }, (_, i) => (i % g.totalPus) * g.chunksPerPu + Math.floor(i / g.totalPus));
    const data = new Uint8Array(BIG_IO * ss);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + 7) & 0xff;
    const oob = new Uint8Array(BIG_IO * g.oobSize).fill(0x5a);
    const dst = new Uint8Array(ss);
    const slotBytes = new Uint8Array(32).fill(1);

    let media: NandMedia;
    let raw: Raw;
    let where: string;
    if (backend === 'file') {
      const need = 2 * wsChunks * chunkBytes + (64 << 20);
      const free = freeBytes(tmpRoot);
      if (free < need) throw new Error(`the file backend bench writes about ${fmtBytes(need)} under ${tmpRoot}, which has ${fmtBytes(free)} free; set TMPDIR to a roomier directory`);
      const dir = scratch.dir('ocssd-bench-media-');
      where = dir;
      media = openMedia({ kind: 'file', path: join(dir, 'media.img') }, { geometry: g, endurance: 0 });
      scratch.defer(() => media.close());
      // Plain sparse files: one the size of the data image, one for the erase stand-in's slots.
      const fd = openSync(join(dir, 'raw.img'), 'w+');
      scratch.defer(() => closeSync(fd));
      ftruncateSync(fd, g.dataBytes);
      const slotFd = openSync(join(dir, 'raw-slots.img'), 'w+');
      scratch.defer(() => closeSync(slotFd));
      ftruncateSync(slotFd, g.totalChunks * 64);
      const at = (slot: number, s: number): number => g.diskSector(ws[slot]!, s) * ss;
      raw = {
        what: { write: 'fs.writeSync', read: 'fs.readSync', erase: 'fs.writeSync 32 B' },
        write: (src, slot, s) => void writeSync(fd, src, 0, src.length, at(slot, s)),
        read: (dst, slot, s) => void readSync(fd, dst, 0, dst.length, at(slot, s)),
        slotWrite: (src, c) => void writeSync(slotFd, src, 0, 32, c * 64),
      };
    } else {
      where = 'process memory';
      media = openMedia({ kind: 'memory' }, { geometry: g, endurance: 0 });
      const flat = new Uint8Array(wsChunks * chunkBytes);
      const slotsFlat = new Uint8Array(g.totalChunks * 64);
      raw = {
        what: { write: 'Uint8Array.set', read: 'Uint8Array.set', erase: 'Uint8Array.set 32 B' },
        write: (src, slot, s) => flat.set(src, slot * chunkBytes + s * ss),
        read: (dst, slot, s) => {
          const from = slot * chunkBytes + s * ss;
          dst.set(flat.subarray(from, from + dst.length));
        },
        slotWrite: (src, c) => slotsFlat.set(src, c * 64),
      };
    }

    out(`== ${backend} backend (${where})`);
    const table = new TablePrinter(
      [
        { title: 'case', width: 20 },
        { title: 'ops/s', width: 10 },
        { title: 'MiB/s', width: 8 },
        { title: 'us/op', width: 7 },
        { title: 'raw ops/s', width: 10 },
        { title: 'raw MiB/s', width: 9 },
        { title: 'raw us/op', width: 9 },
        { title: 'media/raw', width: 9 },
        { title: 'baseline', width: 18, align: 'left' },
      ],
      out,
    );
    table.header();

    const eraseWs = (): void => {
      for (const c of ws) check(media.erase(c), 'erase');
    };
    // Writes the whole working set (media and raw): allocates file blocks and JIT-warms before any timing.
    const fillAll = (): void => {
      eraseWs();
      for (let slot = 0; slot < wsChunks; slot++) {
        for (let s = 0; s < spc; s += BIG_IO) {
          check(media.program(ws[slot]!, s, BIG_IO, data, 0, oob), 'program');
          raw.write(data, slot, s);
        }
      }
    };
    fillAll();

    const results: CaseResult[] = [];
    const record = (name: string, bytesPerOp: number, baseline: string, mediaRun: () => Measurement, rawRun: () => Measurement): void => {
      const r = rawRun();
      const m = mediaRun();
      const res: CaseResult = { backend, name, bytesPerOp, baseline, media: m, raw: r, ratio: r.opsPerSec > 0 ? m.opsPerSec / r.opsPerSec : NaN };
      results.push(res);
      const mib = (x: Measurement): string => (bytesPerOp > 0 ? fmtFixed((x.opsPerSec * bytesPerOp) / 2 ** 20, 1) : '-');
      const us = (x: Measurement): string => fmtFixed(x.nsPerOp / 1000, 2);
      table.row([name, fmtInt(m.opsPerSec), mib(m), us(m), fmtInt(r.opsPerSec), mib(r), us(r), fmtRatio(res.ratio), baseline]);
    };

    // Programs: the media run erases its working set between rounds (untimed); raw just rewinds.
    const programCase = async (name: string, step: number, random: boolean): Promise<void> => {
      const len = step * ss;
      const src = data.subarray(0, len); // made once: the raw side allocates nothing per op
      const mk = (op: SectorOp): Pattern => (random ? randomFill(wsChunks, spc, SEED, op) : sequentialFill(wsChunks, spc, step, op));
      const mp = mk((slot, s) => check(media.program(ws[slot]!, s, step, data, 0, oob), 'program'));
      const rp = mk((slot, s) => raw.write(src, slot, s));
      record(
        name,
        len,
        `${raw.what.write} ${fmtBytes(len).replace('.00 ', ' ')}`,
        () => {
          eraseWs();
          mp.rewind();
          return measure(mp.body, {
            seconds,
            reset: () => {
              eraseWs();
              mp.rewind();
            },
          });
        },
        () => measure(rp.body, { seconds, reset: rp.rewind }),
      );
      await yieldToEventLoop();
    };
    await programCase(CASES[0], 1, false);
    await programCase(CASES[1], BIG_IO, false);
    await programCase(CASES[2], 1, true);

    fillAll(); // reads need every working-set sector written
    const readOp = (slot: number, s: number): void => check(media.read(ws[slot]!, s, 1, dst), 'read');
    const rawReadOp = (slot: number, s: number): void => raw.read(dst, slot, s);
    record(CASES[3], ss, `${raw.what.read} 4 KiB`, () => measure(sequentialWalk(wsChunks, spc, readOp), { seconds }), () => measure(sequentialWalk(wsChunks, spc, rawReadOp), { seconds }));
    await yieldToEventLoop();
    record(CASES[4], ss, `${raw.what.read} 4 KiB`, () => measure(randomWalk(wsChunks, spc, SEED, readOp), { seconds }), () => measure(randomWalk(wsChunks, spc, SEED, rawReadOp), { seconds }));
    await yieldToEventLoop();

    // Erase cycles over every chunk (erasing a FREE chunk is legal NAND; the cost is the same).
    const eraseCycle = (op: (c: number) => void): ((n: number) => number) => {
      let c = 0;
      return (n) => {
        for (let i = 0; i < n; i++) {
          op(c);
          if (++c === g.totalChunks) c = 0;
        }
        return n;
      };
    };
    record(
      CASES[5],
      0,
      raw.what.erase,
      () => measure(eraseCycle((c) => check(media.erase(c), 'erase')), { seconds }),
      () => measure(eraseCycle((c) => raw.slotWrite(slotBytes, c)), { seconds }),
    );
    return results;
  } finally {
    scratch.dispose();
  }
}

// ---- the big image: create, open, resident RAM ----

async function benchImage(g: Geometry, tmpRoot: string, out: Out): Promise<ImageResult | { skipped: string }> {
  out(`== ${fmtBytes(g.dataBytes)} image (${describeGeometry(g)}), file backend`);
  const need = 256 << 20; // header, chunk slots and file-system metadata; the rest stays sparse
  const free = freeBytes(tmpRoot);
  if (free < need) {
    const skipped = `skipped: ${tmpRoot} has ${fmtBytes(free)} free, the image case needs ${fmtBytes(need)}`;
    out(`  ${skipped}`);
    return { skipped };
  }
  const scratch = new Scratch(tmpRoot);
  try {
    const dir = scratch.dir('ocssd-bench-image-');
    const path = join(dir, 'big.img');
    const statePath = `${path}.ocssd`;
    let media: NandMedia | undefined;
    scratch.defer(() => media?.close());

    const created = timeOnce(() => openMedia({ kind: 'file', path }, { geometry: g }));
    created.value.close();
    await yieldToEventLoop();

    const before = process.memoryUsage();
    const reopened = timeOnce(() => openMedia({ kind: 'file', path }, { geometry: g }));
    const after = process.memoryUsage();
    const m = reopened.value;
    media = m;
    const eraseAll = timeOnce(() => {
      for (let c = 0; c < g.totalChunks; c++) check(m.erase(c), 'erase');
    });
    m.close();
    media = undefined;

    const reopenUsed = timeOnce(() => openMedia({ kind: 'file', path }, { geometry: g }));
    media = reopenUsed.value;
    media.close();
    media = undefined;

    const onDisk = (p: string): number => statSync(p).blocks * 512;
    const r: ImageResult = {
      geometry: describeGeometry(g),
      dataBytes: g.dataBytes,
      totalChunks: g.totalChunks,
      createNs: created.ns,
      reopenNs: reopened.ns,
      eraseAllNs: eraseAll.ns,
      reopenUsedNs: reopenUsed.ns,
      residentBytes: RESIDENT_BYTES_PER_CHUNK * g.totalChunks,
      rssDelta: after.rss - before.rss,
      arrayBuffersDelta: after.arrayBuffers - before.arrayBuffers,
      dataOnDisk: onDisk(path),
      stateBytes: statSync(statePath).size,
      stateOnDisk: onDisk(statePath),
    };
    const perTiB = (bytes: number): string => fmtBytes((bytes * 2 ** 40) / g.dataBytes);
    printPairs(
      [
        ['create (includes the first open)', fmtMs(r.createNs)],
        ['reopen, no chunk ever written', fmtMs(r.reopenNs)],
        [`erase all ${fmtInt(g.totalChunks)} chunks once`, `${fmtMs(r.eraseAllNs)} (${fmtInt(g.totalChunks / (r.eraseAllNs / 1e9))} erases/s)`],
        ['reopen, every chunk slot valid', fmtMs(r.reopenUsedNs)],
        ['resident chunk table', `${fmtInt(g.totalChunks)} chunks x ${RESIDENT_BYTES_PER_CHUNK} B = ${fmtBytes(r.residentBytes)} (${perTiB(r.residentBytes)} per TiB at ${fmtBytes(g.sectorsPerChunk * g.sectorSize)} chunks)`],
        ['arrayBuffers delta at reopen', `${fmtBytes(r.arrayBuffersDelta)} (${perTiB(r.arrayBuffersDelta)} per TiB; includes the 512 KiB load buffer until GC)`],
        ['RSS delta at reopen', `${fmtBytes(r.rssDelta)} (${perTiB(r.rssDelta)} per TiB)`],
        ['data image on disk', `${fmtBytes(r.dataOnDisk)} of ${fmtBytes(r.dataBytes)} apparent`],
        ['state file on disk', `${fmtBytes(r.stateOnDisk)} of ${fmtBytes(r.stateBytes)} apparent`],
      ],
      out,
    );
    return r;
  } catch (e) {
    // A file system without large sparse files (EFBIG, ENOSPC) should not cost the other figures.
    const skipped = `failed: ${e instanceof Error ? e.message : String(e)}`;
    out(`  ${skipped}`);
    return { skipped };
  } finally {
    scratch.dispose();
  }
}

// ---- command line ----

await benchMain(import.meta.url, 'media bench', ['--skip-image'], (seconds, on) => runMediaBench({ seconds, image: on.has('--skip-image') ? false : undefined }));
