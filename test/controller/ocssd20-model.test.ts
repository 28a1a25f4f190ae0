// Model-based property test of the OCSSD 2.0 command set: random command sequences (vector
// write / read / reset / copy, scalar write / read, program-, erase-, uncorrectable- and
// high-ECC-fault arming, with and without DULBE and Media Feedback, with host-memory lists and
// the fabrics inline layout) run against
// the device (real dispatch, memory media) and against a small reference model of the chunk
// rules written here, independent of the implementation. Every status, completion bitmap, read
// byte (data and OOB) and chunk descriptor (state, WP, WLI) is compared after every command.
// The geometry is tiny (1 group x 2 PUs x 2 chunks x 8 sectors, 512 + 8 bytes) so the rules
// collide often: full chunks, offline chunks, open limits, worn-out chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FaultKind } from '../../src/media/index.js';
import { Harness, freshMedia } from './ocssd20-harness.js';

const RUNS = Number(process.env['OCSSD_MODEL_RUNS'] ?? 10_000);
const CHUNKS = 4;
const CLBA = 8;
const SS = 512;
const MS = 8;
const SPACE = CHUNKS * CLBA; // 1 + 1 + 3 bits: the whole address space is usable

const DNR = 0x4000;
const ST = {
  INVALID_OPCODE: 0x4001,
  INVALID_FIELD: 0x4002,
  LBA_OUT_OF_RANGE: 0x4080,
  WRITE_FAULT: 0x0280 | DNR,
  OFFLINE: 0x02c0 | DNR,
  INVALID_RESET: 0x02c1 | DNR,
  EARLY_CLOSE: 0x02f1 | DNR,
  OOO: 0x02f2 | DNR,
  DULB: 0x0287 | DNR,
  URE: 0x0281 | DNR,
  HIGH_ECC: 0x02d0,
} as const;

interface Params {
  readonly mccap: number;
  readonly wsMin: number;
  readonly mw: number;
  readonly maxoc: number;
  readonly maxocpu: number;
  readonly endurance: number;
  readonly dulbe: boolean;
  /** Media Feedback HECC: high-ECC reads report their status and bit. */
  readonly feedback: boolean;
  /** The fabrics inline layout for every command (lists in the data or staged, OOB after the data). */
  readonly inline: boolean;
}

type Cmd =
  | { readonly k: 'write'; readonly runs: readonly { chunk: number; at: 'wp' | 'wp+1' | number; len: number }[]; readonly bad: boolean; readonly seed: number }
  | { readonly k: 'read'; readonly lbas: readonly number[] }
  | { readonly k: 'reset'; readonly lbas: readonly number[] }
  | { readonly k: 'copy'; readonly src: readonly number[]; readonly dstChunk: number }
  | { readonly k: 'swrite'; readonly slba: number; readonly nlb: number; readonly seed: number }
  | { readonly k: 'sread'; readonly slba: number; readonly nlb: number }
  | { readonly k: 'pfail'; readonly chunk: number; readonly after: number }
  | { readonly k: 'efail'; readonly chunk: number; readonly after: number }
  | { readonly k: 'unc' | 'hecc'; readonly lba: number };

// ---- the reference model ----

type State = 'FREE' | 'OPEN' | 'CLOSED' | 'OFFLINE';

interface MChunk {
  state: State;
  wp: number;
  erases: number;
  retire: boolean;
  /** data + OOB per sector, null when unwritten. */
  sectors: (Uint8Array | null)[];
}

interface Result {
  status: number;
  bitmap: bigint;
  data?: Uint8Array;
  oob?: Uint8Array;
}

class Model {
  readonly chunks: MChunk[] = Array.from({ length: CHUNKS }, () => ({ state: 'FREE', wp: 0, erases: 0, retire: false, sectors: new Array(CLBA).fill(null) }));
  /** Counted (once) fault rules per chunk: sectors / erases still to let pass. */
  readonly pf = new Map<number, number>();
  readonly ef = new Map<number, number>();
  /** Sectors (chunk * CLBA + sec) that always read uncorrectable / high ECC. */
  readonly unc = new Set<number>();
  readonly hecc = new Set<number>();

  constructor(readonly p: Params) {}

  private bits(from: number, to: number): bigint {
    let b = 0n;
    for (let i = from; i < to && i < 64; i++) b |= 1n << BigInt(i);
    return b;
  }

  private open(pu?: number): number {
    return this.chunks.filter((c, i) => c.state === 'OPEN' && (pu === undefined || Math.floor(i / 2) === pu)).length;
  }

  write(lbas: readonly number[], data: Uint8Array, oob: Uint8Array): Result {
    const n = lbas.length;
    if (lbas.some((l) => l >= SPACE)) return { status: ST.LBA_OUT_OF_RANGE, bitmap: this.bits(0, n) };
    const runs: [number, number][] = [];
    for (let i = 0; i < n; ) {
      let j = i + 1;
      while (j < n && lbas[j]! >> 3 === lbas[i]! >> 3) j++;
      runs.push([i, j]);
      i = j;
    }
    // Checks, against the state the command's earlier runs leave.
    const wps = new Map<number, number>();
    let opening = 0;
    const openingPu = [0, 0];
    for (const [i, j] of runs) {
      const c = lbas[i]! >> 3;
      const ch = this.chunks[c]!;
      const fail = (st: number): Result => ({ status: st, bitmap: this.bits(0, n) });
      if (ch.state === 'OFFLINE') return fail(ST.OFFLINE);
      if (ch.state === 'CLOSED') return fail(ST.OOO);
      for (let k = i + 1; k < j; k++) if (lbas[k] !== lbas[k - 1]! + 1) return fail(ST.OOO);
      if ((j - i) % this.p.wsMin !== 0) return fail(ST.INVALID_FIELD);
      const seen = wps.has(c);
      const wp = wps.get(c) ?? ch.wp;
      if ((lbas[i]! & 7) !== wp) return fail(ST.OOO);
      const end = wp + j - i;
      const pu = c >> 1;
      if (ch.state === 'FREE' && !seen && end < CLBA) {
        if (this.p.maxoc !== 0 && this.open() + opening + 1 > this.p.maxoc) return fail(ST.WRITE_FAULT);
        if (this.p.maxocpu !== 0 && this.open(pu) + openingPu[pu]! + 1 > this.p.maxocpu) return fail(ST.WRITE_FAULT);
        opening++;
        openingPu[pu]!++;
      } else if (end === CLBA && (ch.state === 'OPEN' || seen)) {
        opening--;
        openingPu[pu]!--;
      }
      wps.set(c, end);
    }
    let status = 0;
    let bitmap = 0n;
    for (const [i, j] of runs) {
      const c = lbas[i]! >> 3;
      const ch = this.chunks[c]!;
      if (ch.state === 'CLOSED') {
        bitmap |= this.bits(i, j);
        status ||= ST.OOO;
        continue;
      }
      let len = j - i;
      const rule = this.pf.get(c);
      let failed = false;
      if (rule !== undefined) {
        if (rule < len) {
          len = rule;
          failed = true;
          this.pf.delete(c);
        } else this.pf.set(c, rule - len);
      }
      for (let k = 0; k < len; k++) {
        const e = i + k;
        const sector = new Uint8Array(SS + MS);
        sector.set(data.subarray(e * SS, (e + 1) * SS));
        sector.set(oob.subarray(e * MS, (e + 1) * MS), SS);
        ch.sectors[ch.wp + k] = sector;
      }
      ch.wp += len;
      if (failed) {
        ch.state = 'CLOSED';
        ch.retire = true;
        bitmap |= this.bits(i + len, j);
        status ||= ST.EARLY_CLOSE;
      } else ch.state = ch.wp === CLBA ? 'CLOSED' : 'OPEN';
    }
    return { status, bitmap };
  }

  read(lbas: readonly number[], dulbe: boolean): Result {
    const n = lbas.length;
    const data = new Uint8Array(n * SS);
    const oob = new Uint8Array(n * MS);
    if (lbas.some((l) => l >= SPACE)) return { status: ST.LBA_OUT_OF_RANGE, bitmap: this.bits(0, n) };
    let hard = 0;
    let soft = 0;
    let bitmap = 0n;
    lbas.forEach((l, e) => {
      const ch = this.chunks[l >> 3]!;
      const s = l & 7;
      if (ch.state === 'OFFLINE') {
        bitmap |= 1n << BigInt(e);
        hard ||= ST.OFFLINE;
        return;
      }
      const limit = ch.state === 'CLOSED' ? ch.wp : ch.state === 'OPEN' ? ch.wp - this.p.mw : 0;
      if (s < limit && this.unc.has(l)) {
        bitmap |= 1n << BigInt(e);
        hard ||= ST.URE;
      } else if (s < limit) {
        data.set(ch.sectors[s]!.subarray(0, SS), e * SS);
        oob.set(ch.sectors[s]!.subarray(SS), e * MS);
        if (this.hecc.has(l) && this.p.feedback) {
          bitmap |= 1n << BigInt(e);
          soft ||= ST.HIGH_ECC;
        }
      } else if (dulbe) {
        bitmap |= 1n << BigInt(e);
        hard ||= ST.DULB;
      }
    });
    return { status: hard || soft, bitmap, data, oob };
  }

  reset(lbas: readonly number[]): Result {
    const n = lbas.length;
    if (lbas.some((l) => l >= SPACE)) return { status: ST.LBA_OUT_OF_RANGE, bitmap: this.bits(0, n) };
    let status = 0;
    let bitmap = 0n;
    lbas.forEach((l, e) => {
      const ch = this.chunks[l >> 3]!;
      const fail = (st: number): void => {
        bitmap |= 1n << BigInt(e);
        status ||= st;
      };
      if (ch.state === 'OFFLINE') return fail(ST.OFFLINE);
      if (ch.state === 'FREE' && (this.p.mccap & 2) === 0) return fail(ST.INVALID_RESET);
      if (ch.state === 'OPEN' && (this.p.mccap & 4) === 0) return fail(ST.INVALID_RESET);
      let erased = !ch.retire;
      if (erased) {
        const rule = this.ef.get(l >> 3);
        if (rule === 0) {
          erased = false;
          this.ef.delete(l >> 3);
        } else if (rule !== undefined) this.ef.set(l >> 3, rule - 1);
      }
      ch.sectors.fill(null);
      ch.retire = false;
      if (!erased) {
        ch.state = 'OFFLINE';
        return fail(ST.OFFLINE);
      }
      ch.erases++;
      ch.wp = 0;
      if (ch.erases >= this.p.endurance) {
        ch.state = 'OFFLINE';
        return fail(ST.OFFLINE);
      }
      ch.state = 'FREE';
    });
    return { status, bitmap };
  }

  wli(c: number): number {
    return Math.min(255, Math.floor((this.chunks[c]!.erases * 255) / this.p.endurance));
  }
}

// ---- generators ----

const lbaArb = fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: SPACE - 1 }) }, { weight: 1, arbitrary: fc.integer({ min: SPACE, max: 300 }) });
const chunkArb = fc.integer({ min: 0, max: CHUNKS - 1 });

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant('write' as const),
      runs: fc.array(fc.record({ chunk: chunkArb, at: fc.oneof({ weight: 6, arbitrary: fc.constant('wp' as const) }, { weight: 1, arbitrary: fc.constant('wp+1' as const) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: CLBA - 1 }) }), len: fc.integer({ min: 1, max: 6 }) }), { minLength: 1, maxLength: 3 }),
      bad: fc.integer({ min: 0, max: 9 }).map((v) => v === 0),
      seed: fc.integer({ min: 0, max: 255 }),
    }),
  },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('read' as const), lbas: fc.array(lbaArb, { minLength: 1, maxLength: 6 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('reset' as const), lbas: fc.array(lbaArb, { minLength: 1, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('copy' as const), src: fc.array(lbaArb, { minLength: 1, maxLength: 4 }), dstChunk: chunkArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('swrite' as const), slba: fc.integer({ min: 0, max: SPACE + 2 }), nlb: fc.integer({ min: 1, max: 6 }), seed: fc.integer({ min: 0, max: 255 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('sread' as const), slba: fc.integer({ min: 0, max: SPACE + 2 }), nlb: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('pfail' as const), chunk: chunkArb, after: fc.integer({ min: 0, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('efail' as const), chunk: chunkArb, after: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constantFrom('unc' as const, 'hecc' as const), lba: fc.integer({ min: 0, max: SPACE - 1 }) }) },
);

const paramsArb: fc.Arbitrary<Params> = fc.record({
  mccap: fc.integer({ min: 0, max: 7 }),
  wsMin: fc.constantFrom(1, 2, 4),
  mw: fc.constantFrom(0, 0, 1, 3),
  maxoc: fc.constantFrom(0, 0, 1, 2, 3),
  maxocpu: fc.constantFrom(0, 0, 1),
  endurance: fc.constantFrom(2, 3, 1000),
  dulbe: fc.boolean(),
  feedback: fc.boolean(),
  inline: fc.boolean(),
});

function sectorsOf(n: number, seed: number): [Uint8Array, Uint8Array] {
  const data = new Uint8Array(n * SS);
  for (let i = 0; i < data.length; i++) data[i] = (seed * 7 + i * 13 + (i >> 9)) & 0xff;
  const oob = new Uint8Array(n * MS);
  for (let i = 0; i < oob.length; i++) oob[i] = (seed * 11 + i * 3 + 1) & 0xff;
  return [data, oob];
}

function check(h: Harness, m: Model, p: Params, cmd: Cmd, step: number): void {
  const where = `step ${step} ${JSON.stringify(cmd)}`;
  const same = (got: { status: number; bitmap: bigint }, want: Result, scalar = false): void => {
    assert.equal(got.status, want.status, `${where}: status 0x${got.status.toString(16)}, model 0x${want.status.toString(16)}`);
    assert.equal(got.bitmap, scalar ? 0n : want.bitmap, `${where}: bitmap`);
  };
  switch (cmd.k) {
    case 'write': {
      const lbas: number[] = [];
      const wp = new Map<number, number>();
      for (const r of cmd.runs) {
        const base = wp.get(r.chunk) ?? m.chunks[r.chunk]!.wp;
        const start = r.at === 'wp' ? base : r.at === 'wp+1' ? base + 1 : r.at;
        for (let k = 0; k < r.len && start + k < CLBA; k++) lbas.push(r.chunk * CLBA + start + k);
        wp.set(r.chunk, start + r.len);
      }
      if (cmd.bad) lbas.push(SPACE + 5);
      if (lbas.length === 0 || lbas.length > 64) return;
      const [data, oob] = sectorsOf(lbas.length, cmd.seed);
      same(h.write(lbas, data, oob), m.write(lbas, data, oob));
      return;
    }
    case 'read':
    case 'sread': {
      const lbas = cmd.k === 'read' ? cmd.lbas : Array.from({ length: cmd.nlb }, (_, i) => cmd.slba + i);
      const got = cmd.k === 'read' ? h.read(lbas) : h.scalarRead(cmd.slba, cmd.nlb);
      const want = m.read(lbas, p.dulbe);
      same(got, want, cmd.k === 'sread');
      if (want.status === ST.LBA_OUT_OF_RANGE) return;
      assert.deepEqual(got.data, want.data, `${where}: data`);
      assert.deepEqual(got.oob, want.oob, `${where}: OOB`);
      return;
    }
    case 'reset':
      same(h.reset(cmd.lbas), m.reset(cmd.lbas));
      return;
    case 'copy': {
      const n = cmd.src.length;
      const base = m.chunks[cmd.dstChunk]!.wp;
      const dst = Array.from({ length: n }, (_, i) => cmd.dstChunk * CLBA + base + i).filter((l) => (l & 7) >= base);
      if (dst.length !== n || base + n > CLBA) return;
      const got = h.copy(cmd.src, dst);
      if ((p.mccap & 1) === 0) {
        assert.deepEqual([got.status, got.bitmap], [ST.INVALID_OPCODE, 0n], where);
        return;
      }
      const rd = m.read(cmd.src, p.dulbe);
      if (rd.status !== 0 && rd.status !== ST.HIGH_ECC) {
        same(got, rd);
        return;
      }
      const w = m.write(dst, rd.data!, rd.oob!);
      same(got, { status: w.status || rd.status, bitmap: w.bitmap | rd.bitmap });
      return;
    }
    case 'swrite': {
      const lbas = Array.from({ length: cmd.nlb }, (_, i) => cmd.slba + i);
      const [data, oob] = sectorsOf(cmd.nlb, cmd.seed);
      same(h.scalarWrite(cmd.slba, data, oob), m.write(lbas, data, oob), true);
      return;
    }
    case 'pfail':
      if (m.pf.has(cmd.chunk)) return;
      m.pf.set(cmd.chunk, cmd.after);
      h.ns.injectFault({ kind: FaultKind.PROGRAM_FAIL, chunk: { grp: 0, pu: cmd.chunk >> 1, chk: cmd.chunk & 1 }, trigger: { mode: 'count', after: cmd.after } });
      return;
    case 'unc':
    case 'hecc': {
      const set = cmd.k === 'unc' ? m.unc : m.hecc;
      if (set.has(cmd.lba)) return;
      set.add(cmd.lba);
      const c = cmd.lba >> 3;
      h.ns.injectFault({ kind: cmd.k === 'unc' ? FaultKind.UNCORRECTABLE : FaultKind.HIGH_ECC, chunk: { grp: 0, pu: c >> 1, chk: c & 1 }, sec: cmd.lba & 7, trigger: { mode: 'count', times: Infinity } });
      return;
    }
    case 'efail':
      if (m.ef.has(cmd.chunk)) return;
      m.ef.set(cmd.chunk, cmd.after);
      h.ns.injectFault({ kind: FaultKind.ERASE_FAIL, chunk: { grp: 0, pu: cmd.chunk >> 1, chk: cmd.chunk & 1 }, trigger: { mode: 'count', after: cmd.after } });
      return;
  }
}

function compareChunks(h: Harness, m: Model, step: number): void {
  const log = h.log(0xca, CHUNKS * 32);
  assert.equal(log.status, 0);
  const dv = new DataView(log.data.buffer, log.data.byteOffset);
  const names: Record<number, State> = { 1: 'FREE', 2: 'CLOSED', 4: 'OPEN', 8: 'OFFLINE' };
  for (let c = 0; c < CHUNKS; c++) {
    const ch = m.chunks[c]!;
    const at = 32 * c;
    const state = names[log.data[at]!];
    assert.equal(state, ch.state, `step ${step}: chunk ${c} state`);
    assert.equal(log.data[at + 2], m.wli(c), `step ${step}: chunk ${c} WLI`);
    const wp = dv.getBigUint64(at + 24, true);
    assert.equal(wp, ch.state === 'OFFLINE' ? (1n << 64n) - 1n : BigInt(ch.wp), `step ${step}: chunk ${c} WP`);
  }
}

test(`model-based: ${RUNS} random command sequences agree with the reference model`, (t) => {
  let sequences = 0;
  let commands = 0;
  fc.assert(
    fc.property(paramsArb, fc.array(cmdArb, { minLength: 1, maxLength: 14 }), (p, cmds) => {
      sequences++;
      const media = freshMedia({ numGrp: 1, numPu: 2, numChk: 2, clba: CLBA, sectorSize: SS, ms: MS, endurance: p.endurance });
      const h = new Harness({ media, keepMedia: true, numGrp: 1, numPu: 2, numChk: 2, clba: CLBA, sectorSize: SS, ms: MS, mccap: p.mccap, wsMin: p.wsMin, wsOpt: p.wsMin, mwCunits: p.mw, maxoc: p.maxoc, maxocpu: p.maxocpu, endurance: p.endurance });
      h.inline = p.inline;
      if (p.dulbe) h.setDulbe(true);
      if (p.feedback) h.run({ opc: 0x09, nsid: 0, cdw10: 0xca, cdw11: 1 }, 'admin');
      const m = new Model(p);
      cmds.forEach((cmd, i) => {
        check(h, m, p, cmd, i);
        commands++;
        compareChunks(h, m, i);
      });
    }),
    { numRuns: RUNS, seed: Number(process.env['OCSSD_MODEL_SEED'] ?? 20261201) },
  );
  t.diagnostic(`sequences: ${sequences}, commands: ${commands}`);
  console.log(`ocssd20 model test: ${sequences} sequences, ${commands} commands compared with the model`);
  assert.ok(sequences >= RUNS);
});
