// A small, test-only NVM I/O command set (Read, Write, Flush, Write Zeroes, DSM) over a byte
// store, to drive the transport and host library end to end while the real NVM command set and
// conventional namespace are being written.
import { IDENTIFY_NAMESPACE, encode } from '../../../src/spec/index.js';
import { type MemoryStore } from '../../../src/media/index.js';
import { CommandTable, type CommandContext, type CommandDef, type CommandSet } from '../../../src/controller/command.js';
import { Direction } from '../../../src/controller/data-mover.js';
import type { Namespace } from '../../../src/controller/namespace.js';
import { S } from '../../../src/controller/statuses.js';

function toHost(ctx: CommandContext<unknown>, buf: Uint8Array): number {
  const st = ctx.data.prepare(ctx.sqe, buf.length, Direction.TO_HOST);
  return st !== 0 ? st : ctx.data.toHost(buf, 0, 0, buf.length);
}

/** A conventional namespace over a byte store, with the toy I/O commands. */
export class ToyNamespace implements Namespace {
  readonly kind = 'nvm' as const;
  readonly csi = 0;
  readonly nguid = new Uint8Array(16).fill(1);
  readonly eui64 = new Uint8Array(8).fill(2);
  readonly io: CommandTable;
  flushes = 0;

  constructor(
    readonly nsid: number,
    readonly store: MemoryStore,
    readonly lbaSize: number,
    /** Added to the completion time of reads and writes. */
    readonly latencyNs = 0,
  ) {
    this.io = new CommandTable('io', [TOY_IO]);
  }

  get nsze(): number {
    return Math.floor(this.store.size / this.lbaSize);
  }

  identify(buf: Uint8Array): void {
    encode(IDENTIFY_NAMESPACE, { nsze: BigInt(this.nsze), ncap: BigInt(this.nsze), nuse: BigInt(this.nsze), nlbaf: 0, flbas: 0, nguid: this.nguid, eui64: this.eui64 }, buf);
    buf[IDENTIFY_NAMESPACE.offset.lbaf0 + 2] = Math.log2(this.lbaSize);
  }

  flush(): void {
    this.flushes++;
  }

  close(): void {
    this.store.close();
  }
}

const nsOf = (ctx: CommandContext<unknown>) => ctx.ns as ToyNamespace;

function range(ctx: CommandContext<unknown>): { at: number; bytes: number } | number {
  const ns = nsOf(ctx);
  const nlb = (ctx.sqe.cdw12 & 0xffff) + 1;
  if (ctx.sqe.slba + nlb > ns.nsze) return S.LBA_OUT_OF_RANGE;
  return { at: ctx.sqe.slba * ns.lbaSize, bytes: nlb * ns.lbaSize };
}

const io = (opcode: number, name: string, nsid: 'active' | 'active-or-all', handler: (ctx: CommandContext<unknown>) => number): CommandDef => ({ opcode, name, nsid, effects: 0, handler });

export const TOY_IO: CommandSet = {
  name: 'toy nvm',
  queue: 'io',
  commands: [
    io(0x02, 'Read', 'active', (ctx) => {
      const r = range(ctx);
      if (typeof r === 'number') return r;
      const buf = new Uint8Array(r.bytes);
      nsOf(ctx).store.read(buf, r.at);
      ctx.result.completesAt += nsOf(ctx).latencyNs;
      return toHost(ctx, buf);
    }),
    io(0x01, 'Write', 'active', (ctx) => {
      const r = range(ctx);
      if (typeof r === 'number') return r;
      const buf = new Uint8Array(r.bytes);
      const st = ctx.data.prepare(ctx.sqe, r.bytes, Direction.FROM_HOST) || ctx.data.fromHost(buf, 0, 0, r.bytes);
      if (st !== 0) return st;
      nsOf(ctx).store.write(buf, r.at);
      ctx.result.completesAt += nsOf(ctx).latencyNs;
      return 0;
    }),
    io(0x00, 'Flush', 'active-or-all', (ctx) => (ctx.ns?.flush(), 0)),
    io(0x08, 'Write Zeroes', 'active', (ctx) => {
      const r = range(ctx);
      if (typeof r === 'number') return r;
      nsOf(ctx).store.write(new Uint8Array(r.bytes), r.at);
      return 0;
    }),
    io(0x09, 'Dataset Management', 'active', (ctx) => {
      const n = (ctx.sqe.cdw10 & 0xff) + 1;
      const buf = new Uint8Array(16 * n);
      const st = ctx.data.prepare(ctx.sqe, buf.length, Direction.FROM_HOST) || ctx.data.fromHost(buf, 0, 0, buf.length);
      if (st !== 0) return st;
      if ((ctx.sqe.cdw11 & 4) === 0) return 0;
      const dv = new DataView(buf.buffer);
      const ns = nsOf(ctx);
      for (let i = 0; i < n; i++) {
        const nlb = dv.getUint32(16 * i + 4, true);
        const slba = Number(dv.getBigUint64(16 * i + 8, true));
        if (slba + nlb > ns.nsze) return S.LBA_OUT_OF_RANGE;
        ns.store.write(new Uint8Array(nlb * ns.lbaSize), slba * ns.lbaSize);
      }
      return 0;
    }),
  ],
};
