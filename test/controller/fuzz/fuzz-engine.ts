// The controller fuzzer, generic over a command set: random submission entries and mutations of
// valid seed commands, submitted in batches to a live controller through its queues. Every
// command must complete with a status (AERs excepted: they complete when an event occurs), no
// handler may throw, and the controller must still serve afterwards. Later personalities plug
// in with their own table and seeds.
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { AdminOpcode, NvmOpcode, SQE_SIZE, statusName } from '../../../src/spec/index.js';
import type { CommandSet, Controller, Namespace } from '../../../src/controller/index.js';
import { ConventionalNamespace } from '../../../src/controller/index.js';
import { MemoryStore } from '../../../src/media/index.js';
import { DATA_AT, DATA_BYTES, MEMORY_BASE, QUEUE_ENTRIES, RawHost } from '../../../bench/lib/raw-host.js';

export interface FuzzTarget {
  readonly set: CommandSet<never> | CommandSet;
  /** Valid commands (data pointers into the data area) that mutations start from. */
  readonly seeds: (r: Rand) => Uint8Array[];
  /** The namespaces under test (default: two conventional ones, metadata through MPTR and inline). */
  readonly namespaces?: () => Namespace[];
  /** Admin command sets of the controller (default: the base admin set). */
  readonly admin?: readonly CommandSet<Controller>[];
  /** Namespace 1 supports Format NVM (checked after the run; default true). */
  readonly formattable?: boolean;
  /** Called before the after-run check (a 512 B write then read of LBA 7 on namespace 1), to make that LBA writable. */
  readonly beforeCheck?: () => void;
}

export interface FuzzReport {
  readonly name: string;
  readonly seed: number;
  readonly commands: number;
  readonly seconds: number;
  readonly resets: number;
  readonly statuses: ReadonlyMap<string, number>;
}

/** A random source over pure-rand with the helpers the generators need. */
export class Rand {
  private readonly g: RandomGenerator;
  constructor(seed: number) {
    this.g = xoroshiro128plus(seed);
  }
  u32(): number {
    return this.g.next() >>> 0;
  }
  /** 0..n-1 */
  below(n: number): number {
    return Math.floor((this.u32() / 2 ** 32) * n);
  }
  chance(p: number): boolean {
    return this.u32() / 2 ** 32 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)]!;
  }
  /** An address in the data area, page aligned or with a dword offset. */
  dataAddress(): number {
    const page = this.below(DATA_BYTES / 4096 - 8);
    return DATA_AT + page * 4096 + (this.chance(0.8) ? 0 : 4 * this.below(1024));
  }
}

const BOUNDARY = [0, 1, 2, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

/** The data pointer: mostly into the data area, sometimes garbage, unmapped or misaligned. */
function pointer(r: Rand, dv: DataView): void {
  const choice = r.below(10);
  const addr = choice < 7 ? r.dataAddress() : choice === 7 ? r.u32() : choice === 8 ? DATA_AT + DATA_BYTES + r.below(1 << 20) : r.u32() * 2 ** 21 + r.u32();
  dv.setBigUint64(24, BigInt(Math.min(addr, Number.MAX_SAFE_INTEGER)), true);
  dv.setBigUint64(32, BigInt(r.chance(0.9) ? r.dataAddress() : r.u32()), true);
  if (r.chance(0.5)) dv.setBigUint64(16, BigInt(r.dataAddress()), true);
}

/** 64 random bytes, the opcode from the table most of the time, pointers mostly valid. */
function randomSqe(r: Rand, opcodes: readonly number[], out: Uint8Array): void {
  const dv = new DataView(out.buffer, out.byteOffset, SQE_SIZE);
  for (let i = 0; i < SQE_SIZE; i += 4) dv.setUint32(i, r.u32(), true);
  out[0] = r.chance(0.85) ? r.pick(opcodes) : r.below(256);
  if (r.chance(0.8)) out[1] = 0; // normal command, PRPs
  if (r.chance(0.7)) dv.setUint32(4, r.pick([1, 2, 1, 2, 0, 3, 0xffffffff]), true);
  if (r.chance(0.8)) pointer(r, dv);
  if (r.chance(0.6)) dv.setUint32(48, r.below(64) | (r.u32() & 0xffff0000 & (r.chance(0.7) ? 0 : 0xffffffff)), true); // small nlb
  if (r.chance(0.6)) dv.setUint32(44, 0, true); // slba high dword
}

/** A seed with one to four mutations: bit flips, boundary dwords, opcode, NSID, PSDT, FUSE. */
function mutate(r: Rand, seed: Uint8Array, opcodes: readonly number[], out: Uint8Array): void {
  out.set(seed);
  const dv = new DataView(out.buffer, out.byteOffset, SQE_SIZE);
  for (let n = 1 + r.below(4); n > 0; n--) {
    switch (r.below(8)) {
      case 0:
        out[r.below(SQE_SIZE)]! ^= 1 << r.below(8);
        break;
      case 1:
        dv.setUint32(4 * r.below(16), r.pick(BOUNDARY), true);
        break;
      case 2:
        dv.setUint32(40 + 4 * r.below(6), r.pick(BOUNDARY), true);
        break;
      case 3:
        out[0] = r.pick(opcodes);
        break;
      case 4:
        dv.setUint32(4, r.pick([0, 1, 2, 3, 0xfffffffe, 0xffffffff]), true);
        break;
      case 5:
        out[1] = (r.below(4) << 6) | (out[1]! & 0x3f); // PSDT 0..3
        break;
      case 6:
        out[1] = (out[1]! & 0xfc) | r.below(4); // FUSE
        break;
      default:
        pointer(r, dv);
    }
  }
}

/** Fills the data area: random bytes, with valid PRP lists and SGL descriptors in its first pages. */
function fillDataArea(host: RawHost, r: Rand): void {
  const at = DATA_AT - 0x10_0000_0000;
  const dv = new DataView(host.bytes.buffer, at, DATA_BYTES);
  for (let i = 0; i < DATA_BYTES; i += 4) dv.setUint32(i, r.u32(), true);
  // Pages 0-3: PRP lists of valid page addresses; pages 4-5: SGL data block descriptors.
  for (let i = 0; i < 2048; i++) dv.setBigUint64(8 * i, BigInt(DATA_AT + (16 + (i % 1900)) * 4096), true);
  for (let i = 0; i < 256; i++) {
    const d = 4 * 4096 + 16 * i;
    dv.setBigUint64(d, BigInt(r.dataAddress()), true);
    dv.setUint32(d + 8, 512 * (1 + r.below(16)), true);
    dv.setUint32(d + 12, i === 255 || r.chance(0.1) ? r.pick([0x00, 0x20, 0x30, 0x10, 0xf0]) << 24 : 0, true);
  }
}

/**
 * Runs `count` commands of the target's set against a fresh device. Throws on a hang, a handler
 * that threw, or a controller that stops serving.
 */
export function fuzz(name: string, target: FuzzTarget, count: number, seed: number): FuzzReport {
  const r = new Rand(seed);
  const store = new MemoryStore(32 << 20);
  // 512 B + 8 B of metadata through MPTR, and 1 KiB + 8 B inline (extended LBA).
  const namespaces = target.namespaces?.() ?? [
    new ConventionalNamespace({ nsid: 1, store, offset: 0, bytes: 16 << 20, nlbaf: 4, lbaIndex: 2, ms: 8, serial: 'fuzz' }),
    new ConventionalNamespace({ nsid: 2, store, offset: 16 << 20, bytes: 16 << 20, nlbaf: 4, lbaIndex: 3, ms: 8, extended: true, serial: 'fuzz' }),
  ];
  const host = new RawHost({ namespaces, ...(target.admin !== undefined ? { admin: target.admin } : {}) });
  const queue = target.set.queue === 'admin' ? 0 : 1;
  const opcodes = target.set.commands.map((c) => c.opcode);
  const statuses = new Map<string, number>();
  const sqe = new Uint8Array(SQE_SIZE);
  const outstandingAer = new Set<number>();
  let resets = 0;
  let lastReset = -1;
  const bringUp = (): void => {
    if (!host.enable() || !host.createIoQueue()) throw new Error(`${name}: the controller did not come back after a reset`);
    outstandingAer.clear();
  };
  fillDataArea(host, r);
  bringUp();
  const seeds = target.seeds(r);
  let cid = 0;
  const started = performance.now();
  for (let done = 0; done < count; ) {
    if (done > 0 && r.chance(0.002)) {
      host.disable();
      resets++;
      lastReset = done;
      bringUp();
    }
    if (r.chance(0.001)) fillDataArea(host, r);
    const batch = Math.min(count - done, 1 + r.below(QUEUE_ENTRIES / 2));
    const pending = new Set<number>();
    for (let i = 0; i < batch; i++) {
      if (r.chance(0.5)) randomSqe(r, opcodes, sqe);
      else mutate(r, r.pick(seeds), opcodes, sqe);
      do cid = (cid + 1) & 0xffff;
      while (outstandingAer.has(cid) || cid >= 0xfff0);
      if (queue === 0 && sqe[0] === AdminOpcode.ASYNC_EVENT_REQUEST) outstandingAer.add(cid);
      else pending.add(cid);
      host.submit(queue, sqe, cid);
    }
    for (let round = 0; round < 8 && pending.size > 0; round++) {
      host.engine.process();
      for (const c of host.reap(queue)) {
        if (!pending.delete(c.cid) && !outstandingAer.delete(c.cid)) throw new Error(`${name}: completion for CID ${c.cid} that is not outstanding (status ${statusName(c.status)}, sqhd ${c.sqhd}, after ${done} commands, batch ${batch}, last cid ${cid}, resets ${resets}, last reset before ${lastReset})`);
        const key = statusName(c.status);
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
      }
    }
    if (pending.size > 0) throw new Error(`${name}: ${pending.size} command(s) never completed (CIDs ${[...pending].slice(0, 5).join(', ')}); last SQE ${Buffer.from(sqe).toString('hex')}`);
    if (host.bugs.length > 0) throw new Error(`${name}: a handler threw (seed ${seed}): ${host.bugs[0]}`);
    done += batch;
    // AERs beyond AERL complete at once with a status; those accepted stay outstanding.
    if (outstandingAer.size > 64) throw new Error(`${name}: ${outstandingAer.size} AERs accepted, more than AERL allows`);
  }
  const seconds = (performance.now() - started) / 1000;
  target.beforeCheck?.();
  stillServes(host, name, target.formattable ?? true);
  host.close();
  return { name, seed, commands: count, seconds, resets, statuses };
}

/** After the run: Identify Controller and a write / read round trip on namespace 1 still work. */
function stillServes(host: RawHost, name: string, formattable: boolean): void {
  const run = (qid: number, sqe: Uint8Array): number => {
    host.submit(qid, sqe, 0xfff1);
    host.engine.process();
    const done = host.reap(qid).filter((c) => c.cid === 0xfff1);
    if (done.length !== 1) throw new Error(`${name}: the controller stopped serving after the fuzz`);
    return done[0]!.status;
  };
  const cmd = (opc: number, nsid: number, prp1: number, cdw10: number, cdw12 = 0): Uint8Array => {
    const b = new Uint8Array(SQE_SIZE);
    const dv = new DataView(b.buffer);
    b[0] = opc;
    dv.setUint32(4, nsid, true);
    dv.setBigUint64(24, BigInt(prp1), true);
    dv.setUint32(40, cdw10, true);
    dv.setUint32(48, cdw12, true);
    return b;
  };
  host.disable();
  if (!host.enable() || !host.createIoQueue()) throw new Error(`${name}: the controller did not come back after the fuzz`);
  const src = DATA_AT + 4096 * 100;
  const dst = DATA_AT + 4096 * 101;
  const at = (a: number) => a - MEMORY_BASE;
  host.bytes.fill(0x5a, at(src), at(src) + 512);
  host.bytes.fill(0, at(dst), at(dst) + 512);
  const st = [run(0, cmd(AdminOpcode.IDENTIFY, 0, dst, 1)), formattable ? run(0, cmd(AdminOpcode.FORMAT_NVM, 1, 0, 0)) : 0, run(1, cmd(NvmOpcode.WRITE, 1, src, 7)), run(1, cmd(NvmOpcode.READ, 1, dst, 7))];
  if (st.some((s) => s !== 0)) throw new Error(`${name}: after the fuzz, identify / format / write / read returned ${st.map((s) => statusName(s)).join(', ')}`);
  if (host.bytes.subarray(at(dst), at(dst) + 512).some((b) => b !== 0x5a)) throw new Error(`${name}: after the fuzz, a block read back differs from what was written`);
}

export function describe(rep: FuzzReport): string {
  const top = [...rep.statuses.entries()].sort((a, b) => b[1] - a[1]);
  return [
    `fuzz ${rep.name}: ${rep.commands} commands in ${rep.seconds.toFixed(1)} s (${Math.round(rep.commands / rep.seconds)}/s), seed ${rep.seed}, ${rep.resets} controller resets, all completed`,
    ...top.map(([k, n]) => `  ${String(n).padStart(7)}  ${k}`),
  ].join('\n');
}

/** Count and seed from OCSSD_FUZZ_COUNT / OCSSD_FUZZ_SEED, else the defaults. */
export function fuzzParameters(defaultCount = 100_000): { count: number; seed: number } {
  const count = Number(process.env['OCSSD_FUZZ_COUNT'] ?? defaultCount);
  const seed = Number(process.env['OCSSD_FUZZ_SEED'] ?? 0x0c55d);
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`OCSSD_FUZZ_COUNT=${process.env['OCSSD_FUZZ_COUNT']}: allowed a positive integer`);
  return { count, seed };
}
