// A window of another ByteStore starting at a byte offset: the media of one namespace inside an
// image that several namespaces split (the original's ns_start = i x ns_size). Positions are
// relative to the window; the underlying store is shared and closed by whoever owns it.
import type { ByteStore } from './store.js';

export class OffsetStore implements ByteStore {
  constructor(
    private readonly inner: ByteStore,
    readonly offset: number,
    /** close() also closes the inner store (default true: the window owns it). */
    private readonly ownsInner = true,
  ) {
    if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`store offset ${offset}: must be an integer >= 0`);
  }

  get size(): number {
    return Math.max(0, this.inner.size - this.offset);
  }

  read(buf: Uint8Array, position: number, offset = 0, length = buf.length - offset): void {
    this.inner.read(buf, this.offset + position, offset, length);
  }

  write(buf: Uint8Array, position: number, offset = 0, length = buf.length - offset): void {
    this.inner.write(buf, this.offset + position, offset, length);
  }

  sync(): void {
    this.inner.sync();
  }

  close(): void {
    if (this.ownsInner) this.inner.close();
  }
}
