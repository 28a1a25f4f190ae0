// A block volume as the host side sees it: what the NBD server exports and what a pblk-like FTL
// volume or a conventional namespace (through NvmeHost) provides. Byte addressed, but every
// offset and length is a multiple of `blockSize`; the NBD layer handles unaligned requests
// (read-modify-write) above this interface.

export interface BlockVolume {
  /** Export name (pblk target name, or e.g. "nvme0n1"). */
  readonly name: string;
  /** Capacity in bytes (a multiple of blockSize). */
  readonly size: number;
  /** Minimum and preferred I/O unit in bytes (4096 for every volume we build). */
  readonly blockSize: number;
  /** Largest single read or write the volume takes in one call, in bytes. */
  readonly maxTransfer: number;
  /** Reads `into.length` bytes at `offset` into `into`. */
  read(offset: number, into: Uint8Array): Promise<void>;
  /** Writes `data` at `offset`; with `fua` it is durable when the promise settles. */
  write(offset: number, data: Uint8Array, options?: { readonly fua?: boolean }): Promise<void>;
  /** Makes every write that settled before the call durable. */
  flush(): Promise<void>;
  /** The range no longer holds data: reads return zeroes. */
  trim(offset: number, length: number): Promise<void>;
  /** The range reads as zeroes; it may be deallocated rather than written. */
  writeZeroes(offset: number, length: number): Promise<void>;
  close(): Promise<void>;
}

/** Refused volume requests (misaligned, past the end): the NBD layer maps them to NBD_EINVAL / NBD_ENOSPC. */
export class VolumeRangeError extends RangeError {
  override readonly name = 'VolumeRangeError';
}

/** The volume has no room for the write (a thin or log-structured volume, full): NBD_ENOSPC. */
export class VolumeNoSpaceError extends Error {
  override readonly name: string = 'VolumeNoSpaceError';
}

/** Checks an aligned, in-bounds range; throws VolumeRangeError naming the problem. */
export function checkVolumeRange(v: Pick<BlockVolume, 'name' | 'size' | 'blockSize'>, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) throw new VolumeRangeError(`${v.name}: bad range ${offset}+${length}`);
  if (offset % v.blockSize !== 0 || length % v.blockSize !== 0) throw new VolumeRangeError(`${v.name}: range ${offset}+${length} is not aligned to ${v.blockSize} bytes`);
  if (offset + length > v.size) throw new VolumeRangeError(`${v.name}: range ${offset}+${length} ends past the volume's ${v.size} bytes`);
}
