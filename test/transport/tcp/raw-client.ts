// A raw NVMe/TCP peer for tests: sends exact bytes and collects the target's PDUs with the
// reader, so tests see precisely what went on the wire.
import { connect, type Socket } from 'node:net';
import { PduType } from '../../../src/spec/index.js';
import { PduReader, capsuleCmd, type Digests, NO_DIGESTS } from '../../../src/transport/index.js';

export interface RawPdu {
  readonly type: number;
  readonly flags: number;
  /** Header bytes (HLEN). */
  readonly header: Buffer;
  readonly data: Buffer | undefined;
}

export class RawClient {
  readonly pdus: RawPdu[] = [];
  closed = false;
  private waiters: (() => void)[] = [];
  readonly reader: PduReader;

  private constructor(readonly socket: Socket) {
    this.reader = new PduReader(
      {
        header: (h) => (h.dataLength > 0 ? new Uint8Array(h.dataLength) : undefined),
        pdu: (h, data) => {
          this.pdus.push({ type: h.type, flags: h.flags, header: Buffer.from(h.bytes.subarray(0, h.hlen)), data: data === undefined ? undefined : Buffer.from(data) });
          this.wake();
        },
      },
      { accept: [PduType.IC_RESP, PduType.C2H_TERM_REQ, PduType.CAPSULE_RESP, PduType.C2H_DATA, PduType.R2T], maxData: 1 << 24 },
    );
    socket.on('data', (c: Buffer) => this.reader.push(c));
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  send(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  digests(d: Digests): void {
    this.reader.setDigests(d.header, d.data);
  }

  sendCapsule(sqe: Uint8Array, data?: Uint8Array, d: Digests = NO_DIGESTS): void {
    this.socket.write(capsuleCmd(sqe, data?.length ?? 0, d));
    if (data !== undefined) this.socket.write(data);
  }

  /** Waits for the n-th PDU (0-based) or for the close, at most `ms`. */
  async pdu(n: number, ms = 2000): Promise<RawPdu> {
    const until = Date.now() + ms;
    while (this.pdus.length <= n) {
      if (this.closed) throw new Error(`connection closed after ${this.pdus.length} PDUs (waiting for #${n})`);
      if (Date.now() > until) throw new Error(`no PDU #${n} within ${ms} ms`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
    return this.pdus[n]!;
  }

  async waitClosed(ms = 3000): Promise<void> {
    const until = Date.now() + ms;
    while (!this.closed) {
      if (Date.now() > until) throw new Error(`still open after ${ms} ms`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A Fabrics / admin SQE with the given bytes set. */
export function sqeOf(opc: number, cid: number, fields: Record<number, number> = {}, dwords: Record<number, number> = {}): Uint8Array {
  const s = new Uint8Array(64);
  const dv = new DataView(s.buffer);
  s[0] = opc;
  s[1] = 0x40;
  dv.setUint16(2, cid, true);
  for (const [off, v] of Object.entries(fields)) s[Number(off)] = v;
  for (const [dw, v] of Object.entries(dwords)) dv.setUint32(4 * Number(dw), v >>> 0, true);
  return s;
}

/** CQE fields of a CapsuleResp PDU. */
export function cqe(p: RawPdu): { dw0: number; dw1: number; sqhd: number; sqid: number; cid: number; status: number } {
  const h = p.header;
  return { dw0: h.readUInt32LE(8), dw1: h.readUInt32LE(12), sqhd: h.readUInt16LE(16), sqid: h.readUInt16LE(18), cid: h.readUInt16LE(20), status: (h.readUInt16LE(22) >>> 1) & 0x7fff };
}
