// Byte storage under the NAND model. Synchronous on purpose: the device runs in its own
// thread, page-cache I/O takes microseconds, and a synchronous call has no per-operation
// promise or thread-pool hop (DESIGN.md: hot paths allocate nothing).

export interface ByteStore {
  /** Bytes addressable (reads past it return zeros; writes past it grow a file store). */
  readonly size: number;
  /**
   * Fills `length` bytes of `buf` from `offset` (default: all of it) with the bytes at
   * `position`; holes and space past the end read as zeros.
   */
  read(buf: Uint8Array, position: number, offset?: number, length?: number): void;
  /** Writes `length` bytes of `buf` from `offset` (default: all of it) at `position`. */
  write(buf: Uint8Array, position: number, offset?: number, length?: number): void;
  /** Makes every write so far durable against power loss (fsync). Writes already survive a process kill. */
  sync(): void;
  close(): void;
}
