import type { ByteStore } from './store.js';

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

  read(buf: Uint8Array, position: number): void {
    let done = 0;
    while (done < buf.length) {
      const at = position + done;
      const index = Math.floor(at / PAGE);
      const off = at - index * PAGE;
      const n = Math.min(buf.length - done, PAGE - off);
      const page = this.pages.get(index);
      if (page === undefined) buf.fill(0, done, done + n);
      else buf.set(page.subarray(off, off + n), done);
      done += n;
    }
  }

  write(buf: Uint8Array, position: number): void {
    let done = 0;
    while (done < buf.length) {
      const at = position + done;
      const index = Math.floor(at / PAGE);
      const off = at - index * PAGE;
      const n = Math.min(buf.length - done, PAGE - off);
      let page = this.pages.get(index);
      if (page === undefined) {
        page = new Uint8Array(PAGE);
        this.pages.set(index, page);
      }
      page.set(buf.subarray(done, done + n), off);
      done += n;
    }
  }

  sync(): void {}

  close(): void {
    this.pages.clear();
  }
}
