// The OCSSD 2.0 chunk rules on a decoded list of LBAs, shared by the vector commands (0x90-0x93)
// and the scalar Read / Write / Dataset Management of an OCSSD namespace (specs.md 2.5, 2.6;
// docs/ocssd20.md "Rules"). Results: a status (the first failing LBA's, in list order; High ECC
// only when nothing failed harder), the per-LBA bitmap (bit i = LBA i of the list failed), and
// the emulated completion time. Buffers are reused: nothing is allocated per command.
import { ChunkState, ChunkType, FaultKind, MediaStatus } from '../media/index.js';
import { DNR, Ocssd20NotificationMask, Ocssd20NotificationState, Ocssd20Status as O } from '../spec/index.js';
import type { Ocssd20Namespace } from './ocssd20-namespace.js';
import { S } from './statuses.js';

export const Ocssd20CommandStatus = {
  OFFLINE_CHUNK: O.OFFLINE_CHUNK | DNR,
  INVALID_RESET: O.INVALID_RESET | DNR,
  WRITE_NEXT_UNIT: O.WRITE_FAIL_WRITE_NEXT_UNIT | DNR,
  CHUNK_EARLY_CLOSE: O.WRITE_FAIL_CHUNK_EARLY_CLOSE | DNR,
  OUT_OF_ORDER_WRITE: O.OUT_OF_ORDER_WRITE | DNR,
  /** A warning: the data was returned; a retry reads the same sector, so no DNR is needed either way. */
  HIGH_ECC: O.HIGH_ECC,
  /** Opening one more chunk would pass MAXOC / MAXOCPU (ocssd's choice; the 2.0 spec names no code). */
  OPEN_LIMIT: O.WRITE_FAULT | DNR,
  UNRECOVERED_READ_ERROR: O.UNRECOVERED_READ_ERROR | DNR,
  DEALLOCATED_OR_UNWRITTEN: O.DEALLOCATED_OR_UNWRITTEN | DNR,
} as const;
const X = Ocssd20CommandStatus;

export class Ocssd20ChunkIo {
  /** The command's LBAs (filled by the caller), their flat chunk indices and sectors (decode()). */
  lbas = new Float64Array(64);
  chunks = new Int32Array(64);
  secs = new Float64Array(64);
  /** Bitmap of the last operation: bits 0-31 and 32-63 (CQE DW0, DW1). */
  bm0 = 0;
  bm1 = 0;
  completesAt = 0;
  private readonly sec1 = new Float64Array(1);
  private readonly projected = new Map<number, number>();
  private readonly openingPu = new Map<number, number>();

  constructor(private readonly ns: Ocssd20Namespace) {}

  /** Room for n LBAs (scalar commands carry up to 65536). */
  reserve(n: number): void {
    if (this.lbas.length >= n) return;
    const size = Math.max(n, this.lbas.length * 2);
    this.lbas = new Float64Array(size);
    this.chunks = new Int32Array(size);
    this.secs = new Float64Array(size);
  }

  /** Starts a command: clears the bitmap and completion time. */
  begin(now: number): void {
    this.bm0 = 0;
    this.bm1 = 0;
    this.completesAt = now;
  }

  /** Decodes lbas[0..n): 0, or LBA Out of Range with every bit set when one is outside the address space. */
  decode(n: number): number {
    const ns = this.ns;
    for (let i = 0; i < n; i++) {
      const c = ns.chunkOfLba(this.lbas[i]!, this.sec1);
      if (c < 0) return this.failAll(n, S.LBA_OUT_OF_RANGE);
      this.chunks[i] = c;
      this.secs[i] = this.sec1[0]!;
    }
    return 0;
  }

  /** Sets bits [from, to) of the bitmap. */
  mark(from: number, to: number): void {
    for (let i = from; i < to && i < 64; i++) {
      if (i < 32) this.bm0 = (this.bm0 | (1 << i)) >>> 0;
      else this.bm1 = (this.bm1 | (1 << (i - 32))) >>> 0;
    }
  }

  failAll(n: number, status: number): number {
    this.mark(0, n);
    return status;
  }

  // ---- write ----

  /**
   * Programs the decoded LBAs with data[dataOff + i * lbaSize] and, with OOB, oob[oobOff + i * ms].
   * Every rule is checked before anything is programmed: a rule broken fails the whole command
   * (every bit set). Media failures then fail the LBAs from the failing sector of that run on.
   */
  write(n: number, data: Uint8Array, dataOff: number, oob: Uint8Array | undefined, oobOff: number): number {
    const st = this.checkWrite(n);
    if (st !== 0) return this.failAll(n, st);
    const ns = this.ns;
    const media = ns.media;
    const ss = ns.lbaSize;
    const ms = ns.ms;
    let status = 0;
    for (let i = 0; i < n; ) {
      const c = this.chunks[i]!;
      const j = this.runEnd(i, n, media.chunkType(c) !== ChunkType.RANDOM);
      const before = media.chunkState(c);
      if (media.chunkType(c) === ChunkType.RANDOM) {
        for (let k = i; k < j; k++) {
          const op = media.program(c, this.secs[k]!, 1, data, dataOff + k * ss, oob, oobOff + k * ms);
          this.after(op.completesAt);
          if (op.status !== MediaStatus.OK) {
            this.mark(k, k + 1);
            status ||= this.programStatus(op.status);
          }
        }
      } else {
        const st = this.programRun(c, i, j, data, dataOff, oob, oobOff);
        status ||= st;
      }
      ns.noteStateChange(c, before);
      i = j;
    }
    return status;
  }

  /** The write rules, against the chunk states as the command's own earlier runs leave them. */
  private checkWrite(n: number): number {
    const ns = this.ns;
    const media = ns.media;
    const clba = ns.clba;
    const projected = this.projected;
    projected.clear();
    this.openingPu.clear();
    let openingTotal = 0;
    for (let i = 0; i < n; ) {
      const c = this.chunks[i]!;
      const random = media.chunkType(c) === ChunkType.RANDOM;
      const j = this.runEnd(i, n, false);
      if (ns.isDead(c)) return X.OFFLINE_CHUNK;
      const state = media.chunkState(c);
      if (state === ChunkState.CLOSED) return X.OUT_OF_ORDER_WRITE;
      const seen = projected.get(c);
      let wp = seen ?? media.writePointer(c);
      if (!random) {
        for (let k = i + 1; k < j; k++) if (this.secs[k] !== this.secs[k - 1]! + 1) return X.OUT_OF_ORDER_WRITE;
        if ((j - i) % ns.wsMin !== 0) return S.INVALID_FIELD;
        if (this.secs[i] !== wp) return X.OUT_OF_ORDER_WRITE;
        wp += j - i;
      }
      const pu = Math.floor(c / ns.numChk);
      const opens = state === ChunkState.FREE && seen === undefined && (random || wp < clba);
      if (opens) {
        if (ns.wouldExceedOpenLimit(c, openingTotal, this.openingPu.get(pu) ?? 0)) return X.OPEN_LIMIT;
        openingTotal++;
        this.openingPu.set(pu, (this.openingPu.get(pu) ?? 0) + 1);
      } else if (!random && wp === clba && (state === ChunkState.OPEN || seen !== undefined)) {
        // Filling an open chunk frees its slot for chunks opened later in the command.
        openingTotal--;
        this.openingPu.set(pu, (this.openingPu.get(pu) ?? 0) - 1);
      }
      projected.set(c, random ? 0 : wp);
      i = j;
    }
    return 0;
  }

  /** One run of a sequential chunk: entries [i, j), checked. */
  private programRun(c: number, i: number, j: number, data: Uint8Array, dataOff: number, oob: Uint8Array | undefined, oobOff: number): number {
    const ns = this.ns;
    const media = ns.media;
    const ss = ns.lbaSize;
    const ms = ns.ms;
    const s0 = this.secs[i]!;
    let len = j - i;
    // Write next unit: the failed unit is programmed but unreadable, the chunk stays open, WP moves past it.
    const wnu = ns.wnuFaults.idle ? -1 : ns.wnuFaults.check(FaultKind.PROGRAM_FAIL, c, s0, len);
    let unitStart = -1;
    if (wnu >= 0) {
      unitStart = Math.floor(wnu / ns.wsMin) * ns.wsMin;
      len = Math.min(unitStart + ns.wsMin, len);
    }
    const op = media.program(c, s0, len, data, dataOff + i * ss, oob, oobOff + i * ms);
    this.after(op.completesAt);
    if (op.status !== MediaStatus.OK) {
      this.mark(i + op.done, j);
      return this.programStatus(op.status);
    }
    if (unitStart < 0) return 0;
    const ids = ns.wnuMarks.get(c) ?? [];
    for (let s = s0 + unitStart; s < s0 + len; s++) ids.push(media.faults.add({ kind: FaultKind.UNCORRECTABLE, chunk: c, sector: s, trigger: { mode: 'count', times: Infinity } }));
    ns.wnuMarks.set(c, ids);
    this.mark(i + unitStart, j);
    return X.WRITE_NEXT_UNIT;
  }

  private programStatus(m: MediaStatus): number {
    switch (m) {
      case MediaStatus.PROGRAM_FAIL:
        return X.CHUNK_EARLY_CLOSE;
      case MediaStatus.OFFLINE:
      case MediaStatus.BAD_BLOCK:
        return X.OFFLINE_CHUNK;
      case MediaStatus.NOT_ERASED:
      case MediaStatus.OUT_OF_ORDER:
      case MediaStatus.CHUNK_CLOSED:
        return X.OUT_OF_ORDER_WRITE;
      default:
        return S.INTERNAL_ERROR;
    }
  }

  // ---- read ----

  /**
   * Reads the decoded LBAs into data[i * lbaSize] (and oob[i * ms]). A sector is readable below
   * WP in a closed chunk, below WP - MW_CUNITS in an open one, and where written in a random
   * chunk. Others are unwritten: with DULBE they fail, else they read as DLFEAT says.
   */
  read(n: number, data: Uint8Array, oob: Uint8Array | undefined, dulbe: boolean, reportHighEcc: boolean): number {
    const ns = this.ns;
    const media = ns.media;
    const ss = ns.lbaSize;
    const ms = ns.ms;
    let hard = 0;
    let soft = 0;
    for (let i = 0; i < n; ) {
      const c = this.chunks[i]!;
      const j = this.runEnd(i, n, true);
      if (ns.isDead(c)) {
        this.mark(i, j);
        hard ||= X.OFFLINE_CHUNK;
        this.fill(i, j, data, oob, 0);
        i = j;
        continue;
      }
      const random = media.chunkType(c) === ChunkType.RANDOM;
      const state = media.chunkState(c);
      const wp = media.writePointer(c);
      const limit = random ? ns.clba : state === ChunkState.CLOSED ? wp : state === ChunkState.OPEN ? wp - ns.mwCunits : 0;
      const s0 = this.secs[i]!;
      const r = Math.max(0, Math.min(j - i, limit - s0));
      for (let k = 0; k < r; ) {
        const op = media.read(c, s0 + k, r - k, data, (i + k) * ss, oob, (i + k) * ms);
        this.after(op.completesAt);
        if (op.status === MediaStatus.OK) break;
        const at = k + op.done;
        const e = i + at;
        const lba = this.lbas[e]!;
        switch (op.status) {
          case MediaStatus.UNWRITTEN: {
            const st = this.unwritten(e, data, oob, dulbe);
            hard ||= st;
            break;
          }
          case MediaStatus.UNCORRECTABLE:
            this.mark(e, e + 1);
            hard ||= X.UNRECOVERED_READ_ERROR;
            this.fill(e, e + 1, data, oob, 0);
            ns.notifications.add(lba, Ocssd20NotificationState.UNRECOVERABLE, Ocssd20NotificationMask.SECTOR);
            break;
          case MediaStatus.HIGH_ECC:
            ns.notifications.add(lba, Ocssd20NotificationState.ERR_HIGH, Ocssd20NotificationMask.SECTOR);
            if (reportHighEcc) {
              this.mark(e, e + 1);
              soft ||= X.HIGH_ECC;
            }
            break;
          default:
            this.mark(e, e + 1);
            hard ||= S.INTERNAL_ERROR;
        }
        k = at + 1;
      }
      for (let e = i + r; e < j; e++) {
        const st = this.unwritten(e, data, oob, dulbe);
        hard ||= st;
      }
      i = j;
    }
    return hard || soft;
  }

  private unwritten(e: number, data: Uint8Array, oob: Uint8Array | undefined, dulbe: boolean): number {
    this.fill(e, e + 1, data, oob, this.ns.dlfeat === 2 ? 0xff : 0);
    if (!dulbe) return 0;
    this.mark(e, e + 1);
    return X.DEALLOCATED_OR_UNWRITTEN;
  }

  private fill(from: number, to: number, data: Uint8Array, oob: Uint8Array | undefined, byte: number): void {
    const ss = this.ns.lbaSize;
    data.fill(byte, from * ss, to * ss);
    const ms = this.ns.ms;
    if (oob !== undefined && ms > 0) oob.fill(0, from * ms, to * ms);
  }

  // ---- reset ----

  /**
   * Resets the chunk of each decoded LBA (its sector bits are ignored), each on its own: a
   * refused or failed reset marks its bit and the others go on. `desc` gets each chunk's
   * descriptor after the reset, 32 bytes per LBA (the MPTR buffer), when given.
   */
  reset(n: number, desc: Uint8Array | undefined): number {
    const ns = this.ns;
    let status = 0;
    for (let i = 0; i < n; i++) {
      const c = this.chunks[i]!;
      const st = this.resetOne(c);
      if (st !== 0) {
        this.mark(i, i + 1);
        status ||= st;
      }
      if (desc !== undefined) ns.encodeChunkDescriptor(c, desc, i * 32);
    }
    return status;
  }

  private resetOne(c: number): number {
    const ns = this.ns;
    const media = ns.media;
    if (ns.isDead(c)) return X.OFFLINE_CHUNK;
    const before = media.chunkState(c);
    if (before === ChunkState.FREE && !ns.multipleResets) return X.INVALID_RESET;
    if (before === ChunkState.OPEN && !ns.earlyReset) return X.INVALID_RESET;
    const wli = ns.wearIndexOf(c);
    const op = media.erase(c);
    this.after(op.completesAt);
    ns.clearWnuMarks(c);
    ns.noteStateChange(c, before);
    switch (op.status) {
      case MediaStatus.OK:
        ns.noteWear(c, wli);
        return 0;
      case MediaStatus.ERASE_FAIL:
      case MediaStatus.WORN_OUT:
      case MediaStatus.OFFLINE:
      case MediaStatus.BAD_BLOCK:
        return X.OFFLINE_CHUNK;
      default:
        return S.INTERNAL_ERROR;
    }
  }

  // ---- helpers ----

  /** End of the run starting at i: entries in the same chunk (and, when `consecutive`, at consecutive sectors). */
  private runEnd(i: number, n: number, consecutive: boolean): number {
    const c = this.chunks[i]!;
    let j = i + 1;
    while (j < n && this.chunks[j] === c && (!consecutive || this.secs[j] === this.secs[j - 1]! + 1)) j++;
    return j;
  }

  private after(t: number): void {
    if (t > this.completesAt) this.completesAt = t;
  }
}
