// How a command's data moves between the host and the controller, whatever the transport:
// PRPs and SGLs over host memory (PCIe-like, in-process), or buffers a fabric already holds
// (NVMe/TCP in-capsule data, R2T/H2CData, C2HData). Command handlers see only this.
import type { SqeView } from './sqe-view.js';

export const Direction = { NONE: 0, TO_HOST: 1, FROM_HOST: 2 } as const;
export type Direction = (typeof Direction)[keyof typeof Direction];

export interface DataMover {
  /**
   * Checks the command's data pointer for a transfer of `length` bytes in `dir` and makes it
   * ready. Returns 0 or the status to complete the command with (Invalid PRP Offset, SGL
   * errors, Data SGL Length Invalid, Invalid Field for a length over MDTS, ...). Must be called
   * before toHost/fromHost for each command.
   */
  prepare(sqe: SqeView, length: number, dir: Direction): number;
  /** Copies `len` bytes of `src` (from `srcOff`) to byte `at` of the command's data. Returns 0 or a status. */
  toHost(src: Uint8Array, srcOff: number, at: number, len: number): number;
  /** Copies `len` bytes at byte `at` of the command's data into `dst` (at `dstOff`). Returns 0 or a status. */
  fromHost(dst: Uint8Array, dstOff: number, at: number, len: number): number;
  /** Like prepare, for the metadata pointer (MPTR), `length` bytes. */
  prepareMeta(sqe: SqeView, length: number, dir: Direction): number;
  metaToHost(src: Uint8Array, srcOff: number, at: number, len: number): number;
  metaFromHost(dst: Uint8Array, dstOff: number, at: number, len: number): number;
  /**
   * Reads `len` bytes at host address `addr` (a PPA / LBA list named by CDW10-11). Only
   * memory-based transports (PCIe-like) have it; over a fabric the controller cannot reach host
   * memory, so a command set that needs a list takes it from the command's data instead
   * (specs.md 2.8). Returns 0 or Data Transfer Error.
   */
  readonly fromHostAddress?: (addr: number, dst: Uint8Array, dstOff: number, len: number) => number;
  /**
   * The command's data bytes [at, at + len) as a view the command set may fill (TO_HOST) or
   * read (FROM_HOST) in place, saving a copy through a scratch buffer; undefined when the data
   * is not one contiguous buffer here (host memory, PRPs). Only transports that hold the data
   * (NVMe/TCP) have it. Filling a TO_HOST view counts as toHost() of those bytes.
   */
  readonly view?: (at: number, len: number, dir: Direction) => Uint8Array | undefined;
}
