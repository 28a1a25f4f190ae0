// Shared by the NVM command set and conventional namespace tests: a DataMover over plain arrays
// (data and metadata), hand-built I/O submission entries, a fake controller implementing
// NvmControllerView, a store that counts syncs, and a way to run one NVM command directly.
import { MemoryStore } from '../../src/media/index.js';
import type { CommandContext } from '../../src/controller/command.js';
import { NVM_COMMANDS, type NvmControllerView, type NvmSmartCounters } from '../../src/controller/commands/nvm.js';
import { ConventionalNamespace, type ConventionalNamespaceOptions } from '../../src/controller/conventional-namespace.js';
import { Direction, type DataMover } from '../../src/controller/data-mover.js';
import type { Namespace } from '../../src/controller/namespace.js';
import { SqeView } from '../../src/controller/sqe-view.js';
import { S } from '../../src/controller/statuses.js';

/** The byte a controller-to-host buffer starts as, so bytes the controller did not write stand out. */
export const POISON = 0xee;

interface Prepared {
  readonly length: number;
  readonly dir: Direction;
}

/**
 * A DataMover over plain arrays. Host-to-controller data comes from `data` / `meta` (set them
 * before the command); controller-to-host data lands in fresh poisoned buffers of the prepared
 * lengths, left in `data` / `meta`. A copy past the prepared length is a controller bug and throws.
 */
export class ArrayMover implements DataMover {
  data: Uint8Array;
  meta: Uint8Array;
  prepared: Prepared | undefined;
  metaPrepared: Prepared | undefined;
  /** MDTS in bytes (0 = none): a longer data transfer is Invalid Field, as HostDataMover does. */
  maxTransfer = 0;
  /** When non-zero, data copies return this status instead of copying (a host memory fault). */
  failData = 0;
  failMeta = 0;

  constructor(data: Uint8Array = new Uint8Array(0), meta: Uint8Array = new Uint8Array(0)) {
    this.data = data;
    this.meta = meta;
  }

  prepare(_sqe: SqeView, length: number, dir: Direction): number {
    if (this.maxTransfer !== 0 && length > this.maxTransfer) return S.INVALID_FIELD;
    this.prepared = { length, dir };
    if (dir === Direction.TO_HOST) this.data = new Uint8Array(length).fill(POISON);
    return 0;
  }

  toHost(src: Uint8Array, srcOff: number, at: number, len: number): number {
    check(this.prepared, Direction.TO_HOST, at, len, 'data');
    if (this.failData !== 0) return this.failData;
    this.data.set(src.subarray(srcOff, srcOff + len), at);
    return 0;
  }

  fromHost(dst: Uint8Array, dstOff: number, at: number, len: number): number {
    check(this.prepared, Direction.FROM_HOST, at, len, 'data');
    if (this.failData !== 0) return this.failData;
    if (at + len > this.data.length) return S.DATA_TRANSFER_ERROR;
    dst.set(this.data.subarray(at, at + len), dstOff);
    return 0;
  }

  prepareMeta(_sqe: SqeView, length: number, dir: Direction): number {
    this.metaPrepared = { length, dir };
    if (dir === Direction.TO_HOST) this.meta = new Uint8Array(length).fill(POISON);
    return 0;
  }

  metaToHost(src: Uint8Array, srcOff: number, at: number, len: number): number {
    check(this.metaPrepared, Direction.TO_HOST, at, len, 'metadata');
    if (this.failMeta !== 0) return this.failMeta;
    this.meta.set(src.subarray(srcOff, srcOff + len), at);
    return 0;
  }

  metaFromHost(dst: Uint8Array, dstOff: number, at: number, len: number): number {
    check(this.metaPrepared, Direction.FROM_HOST, at, len, 'metadata');
    if (this.failMeta !== 0) return this.failMeta;
    if (at + len > this.meta.length) return S.DATA_TRANSFER_ERROR;
    dst.set(this.meta.subarray(at, at + len), dstOff);
    return 0;
  }
}

function check(p: Prepared | undefined, dir: Direction, at: number, len: number, what: string): void {
  if (p?.dir !== dir || at < 0 || at + len > p.length) throw new RangeError(`${what} copy ${at}+${len} outside the prepared transfer ${JSON.stringify(p)}`);
}

/** A MemoryStore that counts sync() calls (Flush, FUA). */
export class CountingStore extends MemoryStore {
  syncs = 0;
  override sync(): void {
    this.syncs++;
  }
}

export class FakeController implements NvmControllerView {
  readonly smart: NvmSmartCounters = { dataUnitsRead: 0, dataUnitsWritten: 0, hostReadCommands: 0, hostWriteCommands: 0, mediaErrors: 0, units512Read: 0, units512Written: 0 };
  readonly namespaces = new Map<number, Namespace>();
  /** Volatile write cache present and enabled. */
  wce = false;
  /** NSIDs with Error Recovery DULBE set. */
  readonly dulbeOn = new Set<number>();

  writeCacheEnabled(): boolean {
    return this.wce;
  }
  dulbe(nsid: number): boolean {
    return this.dulbeOn.has(nsid);
  }
}

export interface IoFields {
  readonly opc: number;
  readonly nsid?: number;
  readonly flags?: number;
  readonly slba?: number;
  /** Blocks (1-based): CDW12 15:0 = nlb - 1. */
  readonly nlb?: number;
  /** Other CDW12 bits (FUA, DEAC, PRINFO ...), OR'd in. */
  readonly cdw12?: number;
  readonly cdw10?: number;
  readonly cdw11?: number;
  readonly cdw13?: number;
}

export function ioSqe(f: IoFields): SqeView {
  const b = new Uint8Array(64);
  const dv = new DataView(b.buffer);
  b[0] = f.opc;
  b[1] = f.flags ?? 0;
  dv.setUint16(2, 7, true);
  dv.setUint32(4, f.nsid ?? 1, true);
  dv.setBigUint64(40, BigInt(f.slba ?? 0), true);
  if (f.cdw10 !== undefined) dv.setUint32(40, f.cdw10 >>> 0, true);
  if (f.cdw11 !== undefined) dv.setUint32(44, f.cdw11 >>> 0, true);
  dv.setUint32(48, (((f.nlb ?? 1) - 1) | (f.cdw12 ?? 0)) >>> 0, true);
  dv.setUint32(52, (f.cdw13 ?? 0) >>> 0, true);
  return new SqeView().attach(b);
}

export function ioContext(ctrl: NvmControllerView, ns: Namespace | undefined, sqe: SqeView, data: DataMover): CommandContext<NvmControllerView> {
  return { sqe, sqid: 1, data, result: { dw0: 0, dw1: 0, completesAt: 0 }, ns, ctrl };
}

/** Runs one NVM command's handler directly, as the dispatcher would after its NSID check. */
export function runNvm(ctrl: NvmControllerView, ns: Namespace | undefined, f: IoFields, mover = new ArrayMover()): { status: number; mover: ArrayMover } {
  const def = NVM_COMMANDS.commands.find((d) => d.opcode === f.opc);
  if (def === undefined) throw new Error(`no NVM command 0x${f.opc.toString(16)}`);
  return { status: def.handler(ioContext(ctrl, ns, ioSqe(f), mover)), mover };
}

/** A conventional namespace over a fresh CountingStore of `bytes` (default 1 MiB), format 0 (512 B). */
export function memNamespace(o: Partial<ConventionalNamespaceOptions> = {}): { ns: ConventionalNamespace; store: CountingStore } {
  const bytes = o.bytes ?? 1 << 20;
  const store = (o.store as CountingStore | undefined) ?? new CountingStore((o.offset ?? 0) + bytes);
  return { ns: new ConventionalNamespace({ nsid: 1, offset: 0, serial: 'TEST-SERIAL-1', lbaIndex: 0, ...o, bytes, store }), store };
}

/** `n` bytes of a pattern that differs per `seed` and position. */
export const pattern = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + (i >> 8)) & 0xff);

/** Dataset Management ranges: [slba, nlb] pairs, context attributes `cattr`. */
export function dsmRanges(ranges: readonly (readonly [number, number])[], cattr = 0): Uint8Array {
  const b = new Uint8Array(16 * ranges.length);
  const dv = new DataView(b.buffer);
  ranges.forEach(([slba, nlb], i) => {
    dv.setUint32(16 * i, cattr, true);
    dv.setUint32(16 * i + 4, nlb, true);
    dv.setBigUint64(16 * i + 8, BigInt(slba), true);
  });
  return b;
}
