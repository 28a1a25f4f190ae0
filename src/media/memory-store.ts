import type { ByteStore } from './store.js';

/** Copies n bytes; a byte loop for small runs avoids allocating a subarray view. */
function copy(src: Uint8Array, from: number, dst: Uint8Array, to: number, n: number): void {
  if (n <= 64) for (let i = 0; i < n; i++) dst[to + i] = src[from + i]!;
  else dst.set(src.subarray(from, from + n), to);
}

const PAGE_SHIFT = 20;
const PAGE = 1 << PAGE_SHIFT;

/**
 * Memory backend, sparse in 1 MiB pages so that a large emulated device costs only what is
 * written. Nothing survives the process.
 */
export class MemoryStore implements ByteStore {
  private readonly pages = new Map<number, Uint8Array>();

  constructor(readonly size: number) {}

  /** Bytes of memory actually allocated. */
  get allocated(): number {
    return this.pages.size * PAGE;
  }

  read(buf: Uint8Array, position: number, offset = 0, length = buf.length - offset): void {
    let done = 0;
    while (done < length) {
      const at = position + done;
      const index = Math.floor(at / PAGE);
      const off = at - index * PAGE;
      const n = Math.min(length - done, PAGE - off);
      const page = this.pages.get(index);
      if (page === undefined) buf.fill(0, offset + done, offset + done + n);
      else copy(page, off, buf, offset + done, n);
      done += n;
    }
  }

  write(buf: Uint8Array, position: number, offset = 0, length = buf.length - offset): void {
    let done = 0;
    while (done < length) {
      const at = position + done;
      const index = Math.floor(at / PAGE);
      const off = at - index * PAGE;
      const n = Math.min(length - done, PAGE - off);
      let page = this.pages.get(index);
      if (page === undefined) {
        page = new Uint8Array(PAGE);
        this.pages.set(index, page);
      }
      copy(buf, offset + done, page, off, n);
      done += n;
    }
  }

  sync(): void {}

  close(): void {
    this.pages.clear();
  }
}
