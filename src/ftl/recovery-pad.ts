// Recovery of the line open at a crash: before the FTL appends to it again, every open chunk
// of the line is padded, for two reasons.
//
// - mw_cunits (OCSSD 2.0): the last mw_cunits sectors written to an open chunk read as
//   unwritten until more follow them, yet they are on the media (durable once the host
//   flushed). pblk pads such a line when it recovers it (pblk_recov_pad_line) rather than
//   padding the media at every flush; so does this: each open chunk gets padding to the first
//   unit boundary at least mw_cunits past its write pointer.
// - Holes: units go to the chunks round-robin with one in flight per chunk, so a crash can
//   leave unit u unwritten while unit u+1 (another chunk) is on the media. Data written into
//   the hole after the restart would sit at a lower data position than older data after it, and
//   the next recovery, which replays positions in order, would bring the older data back. Every
//   chunk is padded up to the last unit written before the crash.
//
// Pad sectors carry NO_LBA and the line's seq in their OOB, as a flush's padding does. Padding
// may cover emeta units of a chunk near its end; the line's emeta is then incomplete and the
// line is read by OOB scan from then on (readEmeta fails its CRC), which costs time, not data.
import { ChunkIoStatus, ChunkReportState, deviceAddress, type ChunkDescriptor, type ChunkDevice } from './chunk-device.js';
import type { LineLayout, TargetShape } from './line-layout.js';
import { fillNoLbaOob } from './meta-format.js';

/**
 * Where padding must end in each chunk of line `L` (index: slot in L.good), given the write
 * pointers; equal to the write pointer where there is nothing to pad.
 */
export function recoveryPadEnds(shape: TargetShape, L: LineLayout, wps: readonly number[]): number[] {
  const unit = shape.unit;
  const n = L.nGood;
  // The last unit on the media: the highest unit number of any chunk's last written unit.
  let last = 0;
  wps.forEach((wp, k) => {
    const rows = Math.ceil(Math.min(wp, shape.clba) / unit);
    if (rows > 0) last = Math.max(last, (rows - 1) * n + k);
  });
  const mw = shape.geo.mwCunits;
  return wps.map((wp, k) => {
    if (wp >= shape.clba) return wp;
    const holes = last >= k ? (Math.floor((last - k) / n) + 1) * unit : 0;
    const cache = mw > 0 && wp > 0 ? Math.ceil((wp + mw) / unit) * unit : 0;
    return Math.max(wp, Math.min(shape.clba, Math.max(holes, cache)));
  });
}

/**
 * Pads the open chunks of line `L` (write pointers from `wpOf`): no holes, and all they hold
 * readable. Returns the pad sectors written.
 */
export async function padOpenChunks(dev: ChunkDevice, shape: TargetShape, L: LineLayout, seq: number, wpOf: (pu: number) => number): Promise<number> {
  const pad = new Padder(dev, seq);
  const ends = recoveryPadEnds(shape, L, L.good.map(wpOf));
  let written = 0;
  for (const [k, pu] of L.good.entries()) written += await pad.chunk(shape.puBegin + pu, L.line, wpOf(pu), ends[k]!);
  return written;
}

/**
 * With mw_cunits, a line opened just before a crash can hold its smeta in the unreadable tail of
 * its first chunk, and recovery finds a line by its smeta. `first[line]` is the target PU of the
 * line's first written chunk (-1: none); that chunk is padded when its smeta is not readable yet
 * (seq 0: the line's seq is in the smeta not read yet, and OOB scans skip sectors of another
 * seq, as they skip pads). Returns the pad sectors written.
 */
export async function padSmetaChunks(dev: ChunkDevice, shape: TargetShape, first: readonly number[], report: readonly ChunkDescriptor[], reportIndex: (pu: number, line: number) => number): Promise<number> {
  const mw = dev.geometry.mwCunits;
  if (mw === 0) return 0;
  const pad = new Padder(dev, 0);
  let written = 0;
  for (const [line, pu] of first.entries()) {
    if (pu < 0) continue;
    const d = report[reportIndex(pu, line)]!;
    // smeta (sectors 0 .. unit-1) is readable once wp - mw_cunits passes it.
    if (d.state !== ChunkReportState.OPEN || d.wp >= shape.unit + mw) continue;
    written += await pad.chunk(shape.puBegin + pu, line, d.wp, Math.min(shape.clba, Math.ceil((shape.unit + mw) / shape.unit) * shape.unit));
  }
  return written;
}

/**
 * Writes pad sectors (zero data, NO_LBA and a seq in the OOB) to chunks. A pad write that fails
 * closes its chunk early, which makes the chunk readable up to its write pointer too, so a
 * failure only ends that chunk's padding.
 */
class Padder {
  private readonly step: number;
  private readonly addrs: Float64Array;
  private readonly data: Uint8Array;
  private readonly oob: Uint8Array;

  constructor(
    private readonly dev: ChunkDevice,
    seq: number,
  ) {
    const g = dev.geometry;
    this.step = Math.max(g.wsMin, Math.floor(g.maxVector / g.wsMin) * g.wsMin);
    this.addrs = new Float64Array(this.step);
    this.data = new Uint8Array(this.step * 4096);
    this.oob = new Uint8Array(this.step * g.oobSize);
    fillNoLbaOob(this.oob, this.step, g.oobSize, seq);
  }

  /** Pads chunk `chunk` of global PU `pu` from `wp` to `end`; returns the sectors written. */
  async chunk(pu: number, chunk: number, wp: number, end: number): Promise<number> {
    const g = this.dev.geometry;
    let at = wp;
    while (at < end) {
      const n = Math.min(this.step, end - at);
      for (let i = 0; i < n; i++) this.addrs[i] = deviceAddress(g, pu, chunk, at + i);
      const r = await this.dev.write(this.addrs, n, this.data, this.oob).catch(() => ({ status: ChunkIoStatus.ERROR, failed: 0n }));
      if (r.status !== ChunkIoStatus.OK) break;
      at += n;
    }
    return at - wp;
  }
}
