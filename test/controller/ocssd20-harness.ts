// Drives an OCSSD 2.0 namespace through the real Controller dispatch with a DataMover over plain
// arrays: host-memory lists live in a map of addresses (fromHostAddress), data and OOB in the
// mover's buffers. Fast enough for property tests (no transport, no worker, memory media).
import { Controller, NVM_IO, Ocssd20Namespace, ocssd20AdminCommands, ocssd20IoTable } from '../../src/controller/index.js';
import { SqeView } from '../../src/controller/sqe-view.js';
import { S } from '../../src/controller/statuses.js';
import { Geometry, VirtualClock, openMedia, type NandMedia } from '../../src/media/index.js';
import { encodeLbaList } from '../../src/host/index.js';
import { ArrayMover } from './helpers.js';

export class ListMover extends ArrayMover {
  readonly lists = new Map<number, Uint8Array>();
  /** Set false to act as a fabric (no host memory). */
  memory = true;
  get fromHostAddress(): ((addr: number, dst: Uint8Array, dstOff: number, len: number) => number) | undefined {
    if (!this.memory) return undefined;
    return (addr, dst, dstOff, len) => {
      const b = this.lists.get(addr);
      if (b === undefined || len > b.length) return S.DATA_TRANSFER_ERROR;
      dst.set(b.subarray(0, len), dstOff);
      return 0;
    };
  }
}

export interface DeviceOptions {
  readonly numGrp?: number;
  readonly numPu?: number;
  readonly numChk?: number;
  readonly clba?: number;
  readonly sectorSize?: number;
  readonly ms?: number;
  readonly mccap?: number;
  readonly wit?: number;
  readonly wsMin?: number;
  readonly wsOpt?: number;
  readonly mwCunits?: number;
  readonly maxoc?: number;
  readonly maxocpu?: number;
  readonly endurance?: number;
  readonly dlfeat?: number;
  readonly media?: NandMedia;
  /** close() leaves the media open (it is cached or the caller's). */
  readonly keepMedia?: boolean;
}

const ADMIN = ocssd20AdminCommands();

/**
 * A memory media of the given shape, reused when `reuse` names a cache key: its chunks are
 * reformatted (FREE, sequential, WP 0, no wear, no faults), which is much cheaper than a new
 * image for property tests that build thousands of devices.
 */
const cache = new Map<string, NandMedia>();
export function freshMedia(shape: { numGrp: number; numPu: number; numChk: number; clba: number; sectorSize: number; ms: number; endurance: number }): NandMedia {
  const key = JSON.stringify(shape);
  let media = cache.get(key);
  if (media === undefined) {
    media = openMedia(
      { kind: 'memory' },
      {
        geometry: Geometry.fromV20({ numGroups: shape.numGrp, numPu: shape.numPu, numChunk: shape.numChk, clba: shape.clba, sectorSize: shape.sectorSize, oobSize: shape.ms }).params(),
        endurance: shape.endurance,
        clock: new VirtualClock(),
      },
    );
    cache.set(key, media);
    return media;
  }
  media.faults.clear();
  for (let c = 0; c < media.geometry.totalChunks; c++) media.overrideChunk(c, { state: 0, type: 0, wp: 0, eraseCount: 0, mark: 0, flags: 0 });
  return media;
}

export interface Fields {
  readonly opc: number;
  readonly nsid?: number;
  readonly mptr?: number;
  readonly cdw10?: number;
  readonly cdw11?: number;
  readonly cdw12?: number;
  readonly cdw13?: number;
  readonly cdw14?: number;
  readonly cdw15?: number;
}

export interface Outcome {
  readonly status: number;
  readonly dw0: number;
  readonly dw1: number;
  /** bitmap as one bigint. */
  readonly bitmap: bigint;
}

const TWO32 = 2 ** 32;
export const LIST_ADDR = 0x10000;
export const DLIST_ADDR = 0x20000;

export class Harness {
  /** Use the inline (fabrics) layout for multi-LBA commands and OOB: lists in the data or staged, OOB after the data. */
  inline = false;
  private tag = 0;
  readonly ctrl: Controller;
  readonly ns: Ocssd20Namespace;
  readonly mover = new ListMover();
  readonly events: number[] = [];
  private readonly sqe = new SqeView();
  private readonly bytes = new Uint8Array(64);
  private readonly dv = new DataView(this.bytes.buffer);

  constructor(o: DeviceOptions = {}) {
    const media =
      o.media ??
      openMedia(
        { kind: 'memory' },
        {
          geometry: Geometry.fromV20({ numGroups: o.numGrp ?? 1, numPu: o.numPu ?? 2, numChunk: o.numChk ?? 4, clba: o.clba ?? 8, sectorSize: o.sectorSize ?? 512, oobSize: o.ms ?? 8 }).params(),
          endurance: o.endurance ?? 1000,
          clock: new VirtualClock(),
        },
      );
    const mccap = o.mccap ?? 0x7;
    this.ns = new Ocssd20Namespace({
      nsid: 1,
      media,
      serial: 'HARNESS',
      mccap,
      wit: o.wit ?? 0,
      wsMin: o.wsMin ?? 2,
      wsOpt: o.wsOpt ?? Math.min((o.wsMin ?? 2) * 2, o.clba ?? 8),
      mwCunits: o.mwCunits ?? 0,
      maxoc: o.maxoc ?? 0,
      maxocpu: o.maxocpu ?? 0,
      dlfeat: o.dlfeat ?? 1,
      io: ocssd20IoTable(mccap),
      ownsMedia: o.keepMedia !== true,
    });
    this.ctrl = new Controller({ admin: ADMIN, io: NVM_IO, log: (m) => { throw new Error(m); } });
    this.ctrl.attachNamespace(this.ns);
    this.ctrl.onDeferredComplete = (_sqid, _cid, _st, dw0) => this.events.push(dw0);
  }

  /** Runs one command on `queue` (I/O queue 1 or admin 0). */
  run(f: Fields, queue: 'io' | 'admin' = 'io'): Outcome {
    const b = this.bytes;
    b.fill(0);
    b[0] = f.opc;
    this.dv.setUint16(2, 1, true);
    this.dv.setUint32(4, f.nsid ?? 1, true);
    const mptr = f.mptr ?? 0;
    this.dv.setUint32(16, mptr >>> 0, true);
    this.dv.setUint32(20, Math.floor(mptr / TWO32), true);
    const dws = [f.cdw10, f.cdw11, f.cdw12, f.cdw13, f.cdw14, f.cdw15];
    dws.forEach((v, i) => this.dv.setUint32(40 + 4 * i, (v ?? 0) >>> 0, true));
    const status = this.ctrl.execute(queue === 'io' ? 1 : 0, this.sqe.attach(b), this.mover);
    const r = this.ctrl.lastResult;
    return { status, dw0: r.dw0, dw1: r.dw1, bitmap: BigInt(r.dw0 >>> 0) | (BigInt(r.dw1 >>> 0) << 32n) };
  }

  /** LBAL/DLBAL for a list: the LBA itself for one, else a host-memory list at `addr`. */
  private list(lbas: readonly number[], addr: number): [number, number] {
    if (lbas.length === 1) return [lbas[0]! >>> 0, Math.floor(lbas[0]! / TWO32)];
    const b = new Uint8Array(8 * lbas.length);
    const dv = new DataView(b.buffer);
    lbas.forEach((l, i) => {
      dv.setUint32(8 * i, l >>> 0, true);
      dv.setUint32(8 * i + 4, Math.floor(l / TWO32), true);
    });
    this.mover.lists.set(addr, b);
    return [addr, 0];
  }

  write(lbas: readonly number[], data: Uint8Array, oob: Uint8Array = new Uint8Array(lbas.length * this.ns.ms)): Outcome {
    if (this.inline) {
      const n = lbas.length;
      this.mover.data = concat(n > 1 ? encodeLbaList(lbas) : undefined, data, oob);
      return this.run({ opc: 0x91, cdw10: n > 1 ? 0 : lbas[0]! >>> 0, cdw11: n > 1 ? 0 : Math.floor(lbas[0]! / TWO32), cdw12: n - 1, cdw13: 1 });
    }
    const [lo, hi] = this.list(lbas, LIST_ADDR);
    this.mover.data = data;
    this.mover.meta = oob;
    return this.run({ opc: 0x91, cdw10: lo, cdw11: hi, cdw12: lbas.length - 1 });
  }

  read(lbas: readonly number[]): Outcome & { data: Uint8Array; oob: Uint8Array } {
    if (this.inline) {
      const n = lbas.length;
      const [lo, hi] = n > 1 ? [this.stage(lbas), 0] : [lbas[0]! >>> 0, Math.floor(lbas[0]! / TWO32)];
      const o = this.run({ opc: 0x92, cdw10: lo, cdw11: hi, cdw12: n - 1, cdw13: 1 });
      const ss = this.ns.lbaSize;
      return { ...o, data: this.mover.data.subarray(0, n * ss), oob: this.mover.data.subarray(n * ss) };
    }
    const [lo, hi] = this.list(lbas, LIST_ADDR);
    const o = this.run({ opc: 0x92, cdw10: lo, cdw11: hi, cdw12: lbas.length - 1 });
    return { ...o, data: this.mover.data, oob: this.mover.meta };
  }

  reset(lbas: readonly number[], descriptors = false): Outcome & { desc: Uint8Array } {
    if (this.inline && lbas.length > 1) {
      const o = this.run({ opc: 0x90, cdw10: this.stage(lbas), cdw12: lbas.length - 1, cdw13: 1 });
      return { ...o, desc: new Uint8Array(0) };
    }
    const [lo, hi] = this.list(lbas, LIST_ADDR);
    const o = this.run({ opc: 0x90, cdw10: lo, cdw11: hi, cdw12: lbas.length - 1, mptr: descriptors ? 0x30000 : 0 });
    return { ...o, desc: this.mover.meta };
  }

  copy(src: readonly number[], dst: readonly number[]): Outcome {
    if (this.inline && src.length > 1) {
      this.mover.data = concat(encodeLbaList(src), encodeLbaList(dst));
      return this.run({ opc: 0x93, cdw12: src.length - 1, cdw13: 1 });
    }
    const [lo, hi] = this.list(src, LIST_ADDR);
    const [dlo, dhi] = this.list(dst, DLIST_ADDR);
    return this.run({ opc: 0x93, cdw10: lo, cdw11: hi, cdw12: src.length - 1, cdw14: dlo, cdw15: dhi });
  }

  /** Stages a list with 0x95; returns its tag. */
  private stage(lbas: readonly number[]): number {
    const tag = ++this.tag;
    this.mover.data = encodeLbaList(lbas);
    const st = this.run({ opc: 0x95, cdw10: tag, cdw12: lbas.length - 1 }).status;
    if (st !== 0) throw new Error(`Stage LBA List: 0x${st.toString(16)}`);
    return tag;
  }

  scalarWrite(slba: number, data: Uint8Array, oob: Uint8Array = new Uint8Array((data.length / this.ns.lbaSize) * this.ns.ms)): Outcome {
    this.mover.data = data;
    this.mover.meta = oob;
    return this.run({ opc: 0x01, cdw10: slba >>> 0, cdw11: Math.floor(slba / TWO32), cdw12: data.length / this.ns.lbaSize - 1 });
  }

  scalarRead(slba: number, nlb: number): Outcome & { data: Uint8Array; oob: Uint8Array } {
    const o = this.run({ opc: 0x02, cdw10: slba >>> 0, cdw11: Math.floor(slba / TWO32), cdw12: nlb - 1 });
    return { ...o, data: this.mover.data, oob: this.mover.meta };
  }

  /** Error Recovery DULBE on or off for NSID 1. */
  setDulbe(on: boolean): void {
    const st = this.run({ opc: 0x09, nsid: 1, cdw10: 0x05, cdw11: on ? 1 << 16 : 0 }, 'admin').status;
    if (st !== 0) throw new Error(`Set Features DULBE: 0x${st.toString(16)}`);
  }

  /** Get Log Page `lid` of `length` bytes at `offset`. */
  log(lid: number, length: number, offset = 0, o: { nsid?: number; rae?: boolean } = {}): Outcome & { data: Uint8Array } {
    const numd = length / 4 - 1;
    const out = this.run({ opc: 0x02, nsid: o.nsid ?? 1, cdw10: lid | ((o.rae === true ? 1 : 0) << 15) | ((numd & 0xffff) << 16), cdw11: numd >>> 16, cdw12: offset >>> 0, cdw13: Math.floor(offset / TWO32) }, 'admin');
    return { ...out, data: this.mover.data };
  }

  /** Parks one Asynchronous Event Request. */
  requestEvent(): number {
    return this.run({ opc: 0x0c, nsid: 0 }, 'admin').status;
  }

  lba(grp: number, pu: number, chk: number, sec: number): number {
    return this.ns.lbaOf((grp * this.ns.numPu + pu) * this.ns.numChk + chk, sec);
  }
}

function concat(...parts: (Uint8Array | undefined)[]): Uint8Array {
  const list = parts.filter((p): p is Uint8Array => p !== undefined);
  const out = new Uint8Array(list.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of list) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** n sectors of `size` bytes whose content names `seed`. */
export function fill(n: number, size: number, seed: number): Uint8Array {
  const b = new Uint8Array(n * size);
  for (let i = 0; i < b.length; i++) b[i] = (seed * 37 + i * 13 + (i >> 7)) & 0xff;
  return b;
}
