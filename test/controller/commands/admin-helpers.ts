// Shared by the admin command tests: a DataMover over plain Uint8Arrays, a hand-built SQE, a
// fake namespace, small I/O tables, and a real Controller wired with ADMIN_COMMANDS.
import { VirtualClock } from '../../../src/media/index.js';
import { IDENTIFY_NAMESPACE, LBA_FORMAT, encode } from '../../../src/spec/index.js';
import { CommandTable, Effect, type CommandSet } from '../../../src/controller/command.js';
import { Controller, type ControllerConfig } from '../../../src/controller/controller.js';
import { Direction, type DataMover } from '../../../src/controller/data-mover.js';
import type { Namespace } from '../../../src/controller/namespace.js';
import { SqeView } from '../../../src/controller/sqe-view.js';
import { S } from '../../../src/controller/statuses.js';
import { ADMIN_COMMANDS } from '../../../src/controller/commands/admin.js';

/** The byte a TO_HOST buffer starts as, so bytes the controller did not write stand out. */
export const POISON = 0xee;

/**
 * A DataMover over plain arrays. Controller-to-host data lands in `out` (a fresh buffer of the
 * prepared length, poisoned); host-to-controller data comes from `input`.
 */
export class BufferMover implements DataMover {
  out = new Uint8Array(0);
  input: Uint8Array;
  prepared: { length: number; dir: Direction } | undefined;
  /** Bytes copied by toHost. */
  written = 0;
  /** MDTS in bytes (0 = none): a longer transfer is Invalid Field, as HostDataMover does. */
  maxTransfer: number;
  /** Status every copy returns instead of copying (a host memory fault). */
  failCopies = 0;

  constructor(options: { input?: Uint8Array; maxTransfer?: number } = {}) {
    this.input = options.input ?? new Uint8Array(0);
    this.maxTransfer = options.maxTransfer ?? 0;
  }

  prepare(_sqe: SqeView, length: number, dir: Direction): number {
    if (this.maxTransfer !== 0 && length > this.maxTransfer) return S.INVALID_FIELD;
    this.prepared = { length, dir };
    this.written = 0;
    if (dir === Direction.TO_HOST) this.out = new Uint8Array(length).fill(POISON);
    return 0;
  }

  toHost(src: Uint8Array, srcOff: number, at: number, len: number): number {
    const p = this.prepared;
    if (p?.dir !== Direction.TO_HOST || at + len > p.length || srcOff + len > src.length) throw new RangeError(`toHost ${at}+${len} outside the prepared transfer`);
    if (this.failCopies !== 0) return this.failCopies;
    this.out.set(src.subarray(srcOff, srcOff + len), at);
    this.written += len;
    return 0;
  }

  fromHost(dst: Uint8Array, dstOff: number, at: number, len: number): number {
    const p = this.prepared;
    if (p?.dir !== Direction.FROM_HOST || at + len > p.length) throw new RangeError(`fromHost ${at}+${len} outside the prepared transfer`);
    if (this.failCopies !== 0) return this.failCopies;
    if (at + len > this.input.length) return S.DATA_TRANSFER_ERROR;
    dst.set(this.input.subarray(at, at + len), dstOff);
    return 0;
  }

  prepareMeta(): number {
    throw new Error('admin commands carry no metadata');
  }
  metaToHost(): number {
    throw new Error('admin commands carry no metadata');
  }
  metaFromHost(): number {
    throw new Error('admin commands carry no metadata');
  }
}

export interface SqeFields {
  readonly opc: number;
  readonly flags?: number;
  readonly cid?: number;
  readonly nsid?: number;
  readonly prp1?: number;
  readonly cdw10?: number;
  readonly cdw11?: number;
  readonly cdw12?: number;
  readonly cdw13?: number;
  readonly cdw14?: number;
  readonly cdw15?: number;
}

export function sqeBytes(f: SqeFields): Uint8Array {
  const b = new Uint8Array(64);
  const dv = new DataView(b.buffer);
  b[0] = f.opc;
  b[1] = f.flags ?? 0;
  dv.setUint16(2, f.cid ?? 1, true);
  dv.setUint32(4, f.nsid ?? 0, true);
  dv.setBigUint64(24, BigInt(f.prp1 ?? 0), true);
  const dws = [f.cdw10, f.cdw11, f.cdw12, f.cdw13, f.cdw14, f.cdw15];
  dws.forEach((v, i) => dv.setUint32(40 + 4 * i, (v ?? 0) >>> 0, true));
  return b;
}

export const sqe = (f: SqeFields): SqeView => new SqeView().attach(sqeBytes(f));

const command = (opcode: number, name: string, nsid: 'active' | 'active-or-all', effects = 0, oncsBit?: number) => ({
  opcode,
  name,
  nsid,
  effects,
  handler: () => 0,
  ...(oncsBit !== undefined ? { capability: { field: 'oncs' as const, bit: oncsBit } } : {}),
});

const ioSet = (name: string, commands: ReturnType<typeof command>[]): CommandSet => ({ name, queue: 'io', commands });

/** The controller's own I/O table: Flush to all namespaces. */
export const CTRL_IO = new CommandTable('io', [ioSet('ctrl io', [command(0x00, 'Flush', 'active-or-all')])]);
/** A conventional namespace's table: DSM (ONCS bit 2) and Write Zeroes (bit 3) among others. */
export const NVM_IO = new CommandTable('io', [
  ioSet('nvm', [
    command(0x00, 'Flush', 'active-or-all'),
    command(0x01, 'Write', 'active', Effect.LBCC),
    command(0x02, 'Read', 'active'),
    command(0x08, 'Write Zeroes', 'active', Effect.LBCC, 3),
    command(0x09, 'Dataset Management', 'active', Effect.LBCC, 2),
  ]),
]);
/** A zoned namespace's table: Zone Append and Compare (ONCS bit 0). */
export const ZNS_IO = new CommandTable('io', [ioSet('zns', [command(0x05, 'Compare', 'active', 0, 0), command(0x7d, 'Zone Append', 'active', Effect.LBCC)])]);

export interface FakeNamespaceOptions {
  readonly csi?: number;
  readonly io?: CommandTable;
  readonly nsze?: number;
  readonly nguid?: Uint8Array;
  readonly eui64?: Uint8Array;
  /** false: the namespace has no format(). */
  readonly formattable?: boolean;
  readonly identifyCsi?: Namespace['identifyCsi'];
  /** Identify Namespace fields beyond the basics. */
  readonly fields?: Partial<Record<(typeof IDENTIFY_NAMESPACE.fields)[number]['name'], number>>;
}

export interface FakeNamespace extends Namespace {
  /** LBA format in use. */
  lbaf: number;
  readonly formats: [number, number][];
  flushes: number;
}

/** Two LBA formats (512 B and 4 KiB); format() refuses any other index with Invalid Format. */
export function fakeNamespace(nsid: number, o: FakeNamespaceOptions = {}): FakeNamespace {
  const nsze = o.nsze ?? 1024;
  const ns: FakeNamespace = {
    nsid,
    kind: o.csi === 2 ? 'zns' : 'nvm',
    csi: o.csi ?? 0,
    io: o.io ?? (o.csi === 2 ? ZNS_IO : NVM_IO),
    nsze,
    lbaSize: 512,
    nguid: o.nguid ?? Uint8Array.from({ length: 16 }, (_, i) => 0x10 + i),
    eui64: o.eui64 ?? Uint8Array.from({ length: 8 }, (_, i) => 0xa0 + i + nsid),
    lbaf: 0,
    formats: [],
    flushes: 0,
    identify(buf) {
      encode(
        IDENTIFY_NAMESPACE,
        {
          nsze: BigInt(nsze),
          ncap: BigInt(nsze),
          nuse: BigInt(nsze),
          nlbaf: 1,
          flbas: ns.lbaf,
          nguid: ns.nguid,
          eui64: ns.eui64,
          lbaf0: encode(LBA_FORMAT, { lbads: 9 }),
          lbaf1: encode(LBA_FORMAT, { lbads: 12 }),
          ...o.fields,
        },
        buf,
      );
    },
    flush() {
      ns.flushes++;
    },
    close() {},
    ...(o.identifyCsi !== undefined ? { identifyCsi: o.identifyCsi } : {}),
    ...(o.formattable === false
      ? {}
      : {
          format(lbaf: number, ses: number) {
            if (lbaf > 1) return 0x410a;
            ns.formats.push([lbaf, ses]);
            ns.lbaf = lbaf;
            return 0;
          },
        }),
  };
  return ns;
}

export interface Completion {
  readonly sqid: number;
  readonly cid: number;
  readonly status: number;
  readonly dw0: number;
  readonly dw1: number;
}

export interface TestController {
  readonly ctrl: Controller;
  readonly clock: VirtualClock;
  /** Deferred completions (AERs) in the order the controller posted them. */
  readonly completions: Completion[];
  /** Runs one admin command; returns its status and DW0. */
  run(fields: SqeFields, mover?: BufferMover): { status: number; dw0: number; dw1: number; mover: BufferMover };
}

export function makeController(
  options: { config?: Partial<ControllerConfig>; namespaces?: readonly Namespace[]; io?: CommandTable; admin?: readonly CommandSet<Controller>[] } = {},
): TestController {
  const clock = new VirtualClock();
  const ctrl = new Controller({
    admin: options.admin ?? [ADMIN_COMMANDS],
    io: options.io ?? CTRL_IO,
    clock,
    ...(options.config !== undefined ? { config: options.config } : {}),
    // A handler that throws is a bug: fail the test where it happened.
    log: (m) => {
      throw new Error(m);
    },
  });
  for (const ns of options.namespaces ?? [fakeNamespace(1)]) ctrl.attachNamespace(ns);
  const completions: Completion[] = [];
  ctrl.onDeferredComplete = (sqid, cid, status, dw0, dw1) => completions.push({ sqid, cid, status, dw0, dw1 });
  return {
    ctrl,
    clock,
    completions,
    run(fields, mover = new BufferMover()) {
      const status = ctrl.execute(0, sqe(fields), mover);
      return { status, dw0: ctrl.lastResult.dw0, dw1: ctrl.lastResult.dw1, mover };
    },
  };
}

export const u32 = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset).getUint32(at, true);
