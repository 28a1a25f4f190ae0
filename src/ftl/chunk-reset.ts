// Chunk resets of a target: in batches (target creation, recovery's garbage, removal) and a
// line's chunks with the smeta chunk first (GC).
import { ChunkIoStatus, deviceAddress, type ChunkDevice, type VectorResult } from './chunk-device.js';
import type { TargetShape } from './line-layout.js';

/** Resets chunk (line, pu) of the target; on failure marks it in `bad` and returns false. */
async function resetChunk(dev: ChunkDevice, shape: TargetShape, line: number, pu: number, bad: Uint8Array): Promise<boolean> {
  const r = await dev.reset(Float64Array.of(deviceAddress(dev.geometry, shape.puBegin + pu, line, 0)), 1).catch((): VectorResult => ({ status: ChunkIoStatus.ERROR, failed: 1n }));
  if (r.status === ChunkIoStatus.OK) return true;
  bad[line * shape.nPus + pu] = 1;
  return false;
}

/** Resets the chunks [line, pu], 32 at a time, marking failed ones in `bad`. */
export async function resetChunks(dev: ChunkDevice, shape: TargetShape, chunks: readonly [number, number][], bad: Uint8Array): Promise<void> {
  for (let k = 0; k < chunks.length; k += 32) await Promise.all(chunks.slice(k, k + 32).map(([line, pu]) => resetChunk(dev, shape, line, pu, bad)));
}

/**
 * Resets a line's chunks `pus`, the first (its smeta chunk) before the others: once the smeta is
 * gone, recovery treats the rest as garbage, so a crash mid-reset leaves no half line. Returns
 * the number that failed (marked in `bad`).
 */
export async function resetLineChunks(dev: ChunkDevice, shape: TargetShape, line: number, pus: readonly number[], bad: Uint8Array): Promise<number> {
  if (pus.length === 0) return 0;
  const first = (await resetChunk(dev, shape, line, pus[0]!, bad)) ? 0 : 1;
  const rest = await Promise.all(pus.slice(1).map((pu) => resetChunk(dev, shape, line, pu, bad)));
  return first + rest.filter((ok) => !ok).length;
}
