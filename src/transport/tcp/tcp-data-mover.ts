// The DataMover of a command that arrived over NVMe/TCP: its data is a buffer the connection
// already holds (in-capsule data, or what H2CData PDUs filled after an R2T) or will send
// (C2HData). There is no host memory to reach, so no fromHostAddress, and no separate metadata
// buffer (a fabric carries one data SGL: metadata only inline, as extended LBAs).
import { Direction, S, type DataMover, type SqeView } from '../../controller/index.js';
import { GenericStatus, SCT, status } from '../../spec/index.js';

const DATA_SGL_LENGTH_INVALID = status(SCT.GENERIC, GenericStatus.DATA_SGL_LENGTH_INVALID, { dnr: true });

export class TcpDataMover implements DataMover {
  private buf: Uint8Array | undefined;
  private length = 0;
  private dir: Direction = Direction.NONE;
  /** Highest byte the command wrote toward the host (what C2HData must carry). */
  written = 0;

  constructor(private readonly maxTransfer: number) {}

  /** Points the mover at one command's data: `length` bytes (the SGL's) going `dir`. */
  attach(buf: Uint8Array | undefined, length: number, dir: Direction): this {
    this.buf = buf;
    this.length = length;
    this.dir = dir;
    this.written = 0;
    return this;
  }

  prepare(_sqe: SqeView, length: number, dir: Direction): number {
    if (length === 0 || dir === Direction.NONE) return 0;
    if (this.maxTransfer > 0 && length > this.maxTransfer) return S.INVALID_FIELD;
    if (this.buf === undefined || dir !== this.dir) return this.length === 0 ? DATA_SGL_LENGTH_INVALID : S.INVALID_FIELD;
    return length > this.length ? DATA_SGL_LENGTH_INVALID : 0;
  }

  toHost(src: Uint8Array, srcOff: number, at: number, len: number): number {
    const b = this.buf;
    if (b === undefined || this.dir !== Direction.TO_HOST || at + len > this.length) return S.DATA_TRANSFER_ERROR;
    b.set(src.subarray(srcOff, srcOff + len), at);
    if (at + len > this.written) this.written = at + len;
    return 0;
  }

  fromHost(dst: Uint8Array, dstOff: number, at: number, len: number): number {
    const b = this.buf;
    if (b === undefined || this.dir !== Direction.FROM_HOST || at + len > this.length) return S.DATA_TRANSFER_ERROR;
    dst.set(b.subarray(at, at + len), dstOff);
    return 0;
  }

  readonly view = (at: number, len: number, dir: Direction): Uint8Array | undefined => {
    const b = this.buf;
    if (b === undefined || dir !== this.dir || at + len > this.length) return undefined;
    if (dir === Direction.TO_HOST && at + len > this.written) this.written = at + len;
    return b.subarray(at, at + len);
  };

  prepareMeta(_sqe: SqeView, length: number): number {
    return length === 0 ? 0 : S.INVALID_FIELD;
  }

  metaToHost(): number {
    return S.INVALID_FIELD;
  }

  metaFromHost(): number {
    return S.INVALID_FIELD;
  }
}
