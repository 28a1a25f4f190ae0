// A minimal NVMe/TCP listener for the harness self-check: it answers the guest's ICReq with an
// ICResp, records the Fabrics Connect capsule that follows and refuses it (Connect Invalid
// Host), so the guest gives up at once instead of waiting for its admin timeout. It
// proves that the guest's kernel initiator reaches host loopback through the guestfwd bridge,
// independent of the real target (whose failures would otherwise look like harness failures).

import { createServer, type Server, type Socket } from 'node:net';

export interface ProbeConnection {
  /** The 128-byte ICReq as received (undefined when fewer bytes arrived). */
  icreq: Buffer | undefined;
  /** The first capsule after ICResp (the Fabrics Connect), header plus in-capsule data. */
  connect: Buffer | undefined;
}

export interface ProbeListener {
  port: number;
  connections: ProbeConnection[];
  close(): Promise<void>;
}

// ICResp: type 0x01, flags 0, HLEN 128, PDO 0, PLEN 128; PFV 0, CPDA 0, DGST 0, MAXH2CDATA 0x40000.
function icresp(): Buffer {
  const b = Buffer.alloc(128);
  b[0] = 0x01;
  b[2] = 128;
  b.writeUInt32LE(128, 4);
  b.writeUInt32LE(0x40000, 12);
  return b;
}

// CapsuleResp (type 0x05, HLEN 24, PLEN 24) with a CQE for `cid`: SCT 1 / SC 0x84 (Connect
// Invalid Host) with DNR. Status field = phase(bit 0) | SC << 1 | SCT << 9 | DNR << 15.
function refuse(cid: number): Buffer {
  const b = Buffer.alloc(24);
  b[0] = 0x05;
  b[2] = 24;
  b.writeUInt32LE(24, 4);
  b.writeUInt16LE(cid, 8 + 12);
  b.writeUInt16LE((0x84 << 1) | (1 << 9) | (1 << 15), 8 + 14);
  return b;
}

/** Starts the probe on 127.0.0.1 (ephemeral port). Connections are bounded to 16 and 64 KiB each. */
export function startProbeListener(): Promise<ProbeListener> {
  const connections: ProbeConnection[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    if (connections.length >= 16) return void sock.destroy();
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    const c: ProbeConnection = { icreq: undefined, connect: undefined };
    connections.push(c);
    let buf = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length > 65536) return void sock.destroy();
      if (c.icreq === undefined && buf.length >= 128) {
        c.icreq = buf.subarray(0, 128);
        buf = buf.subarray(128);
        sock.write(icresp());
      }
      if (c.icreq !== undefined && buf.length >= 8) {
        const plen = buf.readUInt32LE(4);
        if (buf.length >= plen) {
          c.connect = buf.subarray(0, plen);
          sock.end(refuse(c.connect.readUInt16LE(8 + 2)));
        }
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      if (addr === null || typeof addr === 'string') return reject(new Error('probe listener: no port'));
      resolve({
        port: addr.port,
        connections,
        close: () =>
          new Promise<void>((res) => {
            for (const s of sockets) s.destroy();
            server.close(() => res());
          }),
      });
    });
  });
}

/** Reads a NUL-padded ASCII field of the Connect data (SUBNQN at 256, HOSTNQN at 512, 256 bytes each). */
export function connectDataString(connect: Buffer, offset: number): string {
  const hlen = connect[2]!;
  const pdo = connect[3]! || hlen;
  const f = connect.subarray(pdo + offset, pdo + offset + 256);
  const end = f.indexOf(0);
  return f.toString('ascii', 0, end < 0 ? f.length : end);
}
