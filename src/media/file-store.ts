import { closeSync, constants, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import type { ByteStore } from './store.js';

/** A regular (usually sparse) file. Never truncated: opening only ever grows it. */
export class FileStore implements ByteStore {
  private fd: number;
  private _size: number;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
    this._size = fstatSync(fd).size;
  }

  get size(): number {
    return this._size;
  }

  /** Opens an existing file read-write; throws ENOENT when it is missing. */
  static open(path: string): FileStore {
    return new FileStore(path, openSync(path, constants.O_RDWR));
  }

  /** Opens the file, creating it sparse with `size` bytes when missing, or growing it to `size`. */
  static openOrCreate(path: string, size: number): FileStore {
    const store = new FileStore(path, openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644));
    if (store._size < size) store.grow(size);
    return store;
  }

  /** Extends the file (sparse); never shrinks it. */
  grow(size: number): void {
    if (size <= this._size) return;
    ftruncateSync(this.fd, size);
    this._size = size;
  }

  read(buf: Uint8Array, position: number, offset = 0, length = buf.length - offset): void {
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, offset + done, length - done, position + done);
      if (n === 0) {
        buf.fill(0, offset + done, offset + length);
        return;
      }
      done += n;
    }
  }

  write(buf: Uint8Array, position: number, offset = 0, length = buf.length - offset): void {
    let done = 0;
    while (done < length) done += writeSync(this.fd, buf, offset + done, length - done, position + done);
    if (position + length > this._size) this._size = position + length;
  }

  sync(): void {
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}
