// Reading a line's LBA list back from the media: its emeta (one read of the last units), or,
// when emeta is missing or damaged (a line open at a crash, a failed emeta write), the OOB of
// every written sector up to each chunk's write pointer. Used by recovery and by GC.
import { ChunkIoStatus, deviceAddress, type ChunkDevice, type VectorResult } from './chunk-device.js';
import type { LineLayout, TargetShape } from './line-layout.js';
import { NO_LBA, OOB_LBA, OOB_SEQ, decodeEmeta, emetaBytes } from './meta-format.js';

const failedAt = (r: VectorResult, i: number): boolean => r.status !== ChunkIoStatus.OK && r.status !== ChunkIoStatus.HIGH_ECC && (r.failed === 0n || ((r.failed >> BigInt(i)) & 1n) === 1n);

/** The line's emeta LBA list, or undefined when it cannot be read whole (CRC, seq, instance). */
export async function readEmeta(dev: ChunkDevice, shape: TargetShape, L: LineLayout, seq: number, instance: number): Promise<Uint32Array | undefined> {
  const unit = shape.unit;
  const bytes = new Uint8Array(L.emetaUnits * unit * 4096);
  const addrs = new Float64Array(unit);
  for (let e = 0; e < L.emetaUnits; e++) {
    const u = L.dataEnd + e;
    for (let i = 0; i < unit; i++) addrs[i] = deviceAddress(dev.geometry, shape.puBegin + L.unitPu(u), L.line, L.unitSector(u) + i);
    const r = await dev.read(addrs, unit, bytes.subarray(e * unit * 4096, (e + 1) * unit * 4096)).catch((): VectorResult => ({ status: ChunkIoStatus.ERROR, failed: 0n }));
    if (r.status !== ChunkIoStatus.OK && r.status !== ChunkIoStatus.HIGH_ECC) return undefined;
  }
  if (emetaBytes(L.dataSectors) > bytes.length) return undefined;
  return decodeEmeta(bytes, L.line, seq, instance, L.dataSectors);
}

/**
 * The LBA of every data position from the sectors' OOB, reading each good chunk up to `wpOf`.
 * With 8+ OOB bytes a sector must also carry the line's seq (anything else is not this use of
 * the line); sectors that fail to read stay NO_LBA.
 */
export async function scanOob(dev: ChunkDevice, shape: TargetShape, L: LineLayout, seq: number, wpOf: (pu: number) => number): Promise<Uint32Array> {
  const g = dev.geometry;
  const out = new Uint32Array(L.dataSectors).fill(NO_LBA);
  const max = g.maxVector;
  const addrs = new Float64Array(max);
  const data = new Uint8Array(max * 4096);
  const oob = new Uint8Array(max * g.oobSize);
  const ov = new DataView(oob.buffer);
  for (const pu of L.good) {
    const wp = Math.min(wpOf(pu), shape.clba);
    for (let s0 = 0; s0 < wp; s0 += max) {
      const n = Math.min(max, wp - s0);
      for (let i = 0; i < n; i++) addrs[i] = deviceAddress(g, shape.puBegin + pu, L.line, s0 + i);
      const r = await dev.read(addrs, n, data, oob).catch((): VectorResult => ({ status: ChunkIoStatus.ERROR, failed: (1n << BigInt(n)) - 1n }));
      for (let i = 0; i < n; i++) {
        if (failedAt(r, i)) continue;
        const d = L.dataPosition(L.paddr(pu, s0 + i));
        if (d < 0) continue;
        if (g.oobSize >= 8 && ov.getUint32(i * g.oobSize + OOB_SEQ, true) !== seq) continue;
        out[d] = ov.getUint32(i * g.oobSize + OOB_LBA, true);
      }
    }
  }
  return out;
}
