// NbdServer: listens (127.0.0.1:10809 by default), keeps the table of exports, and runs one
// NbdConnection per client. Exports are added and removed at run time (pblk targets come and
// go): removing one ends its connections gracefully (running requests finish and reply) before
// the caller closes the volume.
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import type { BlockVolume } from '../host/index.js';
import { NBD_DEFAULT_PORT } from '../spec/index.js';
import { BufferPool } from './buffer-pool.js';
import { type ConnectionLimits, type Log, NbdConnection } from './connection.js';
import { NbdExport, type NbdExportOptions } from './export.js';
import type { ExportLookup } from './handshake.js';

export interface NbdServerOptions extends Partial<ConnectionLimits> {
  /** Listen address (default 127.0.0.1). */
  readonly host?: string;
  /** Listen port (default 10809; 0 picks a free one, see `port` after listen()). */
  readonly port?: number;
  /** Export served for the empty name (default: the only export, when there is exactly one). */
  readonly defaultExport?: string;
  /** Most clients at once; further ones are closed on accept. */
  readonly maxConnections?: number;
  readonly log?: Log;
}

export const NBD_DEFAULT_LIMITS: ConnectionLimits = {
  maxInFlight: 64,
  maxBufferedBytes: 64 << 20,
  maxPayload: 32 << 20,
  maxOptionLength: 64 << 10,
  handshakeTimeoutMs: 30_000,
};

const LIMIT_RANGES: Readonly<Record<keyof ConnectionLimits, readonly [number, number]>> = {
  maxInFlight: [1, 65536],
  maxBufferedBytes: [1 << 16, 2 ** 40],
  maxPayload: [4096, 2 ** 31],
  maxOptionLength: [4096 + 8, 1 << 24],
  handshakeTimeoutMs: [1, 3_600_000],
};

export class NbdServer implements ExportLookup {
  private readonly exportsByName = new Map<string, NbdExport>();
  private readonly connections = new Set<NbdConnection>();
  private server: Server | undefined;
  private readonly limits: ConnectionLimits;
  private readonly pool = new BufferPool();
  private readonly log: Log;
  private boundPort = 0;

  constructor(private readonly options: NbdServerOptions = {}) {
    const limits: Record<string, number> = { ...NBD_DEFAULT_LIMITS };
    for (const [k, [lo, hi]] of Object.entries(LIMIT_RANGES)) {
      const v = (options as Record<string, unknown>)[k];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`NBD server option ${k} = ${String(v)}: allowed an integer ${lo}..${hi}`);
      limits[k] = v;
    }
    this.limits = limits as unknown as ConnectionLimits;
    const port = options.port ?? NBD_DEFAULT_PORT;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`NBD server option port = ${port}: allowed 0..65535`);
    const mc = options.maxConnections ?? 256;
    if (!Number.isInteger(mc) || mc < 1) throw new RangeError(`NBD server option maxConnections = ${mc}: allowed an integer >= 1`);
    this.log = options.log ?? ((m) => console.error(m));
  }

  /** Starts listening; resolves with the bound port. */
  async listen(): Promise<number> {
    if (this.server !== undefined) throw new Error('NBD server: listen() called twice');
    const server = createServer({ noDelay: true }, (s) => this.accept(s));
    this.server = server;
    const where = `${this.options.host ?? '127.0.0.1'}:${this.options.port ?? NBD_DEFAULT_PORT}`;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => {
        this.server = undefined;
        reject(new Error(`NBD server: cannot listen on ${where}: ${e.message}`));
      });
      server.listen(this.options.port ?? NBD_DEFAULT_PORT, this.options.host ?? '127.0.0.1', () => {
        server.removeAllListeners('error');
        resolve();
      });
    });
    server.on('error', (e) => this.log(`nbd server: ${e.message}`));
    this.boundPort = (server.address() as AddressInfo).port;
    return this.boundPort;
  }

  get port(): number {
    return this.boundPort;
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  /** Adds an export over `volume` (named after it unless options.name). Names are unique. */
  addExport(volume: BlockVolume, options: NbdExportOptions = {}): NbdExport {
    const exp = new NbdExport(volume, options);
    if (this.exportsByName.has(exp.name)) throw new Error(`NBD export '${exp.name}' already exists`);
    this.exportsByName.set(exp.name, exp);
    return exp;
  }

  /**
   * Removes an export: new clients no longer see it, and its connections end once their running
   * requests have replied. The volume is the caller's to close afterwards.
   */
  async removeExport(name: string): Promise<void> {
    const exp = this.exportsByName.get(name);
    if (exp === undefined) throw new Error(`no NBD export named '${name}' (exports: ${[...this.exportsByName.keys()].join(', ') || 'none'})`);
    this.exportsByName.delete(name);
    await Promise.all([...this.connections].filter((c) => c.export === exp).map((c) => c.shutdown()));
  }

  // ExportLookup
  find(name: string): NbdExport | undefined {
    if (name === '') {
      const d = this.options.defaultExport;
      if (d !== undefined) return this.exportsByName.get(d);
      return this.exportsByName.size === 1 ? [...this.exportsByName.values()][0] : undefined;
    }
    return this.exportsByName.get(name);
  }

  list(): readonly NbdExport[] {
    return [...this.exportsByName.values()];
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Clients in transmission with the export `name`. */
  connectionsTo(name: string): number {
    let n = 0;
    for (const c of this.connections) if (c.export?.name === name && !c.isClosed) n++;
    return n;
  }

  /** Stops listening and ends every connection (running requests finish first). */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = server === undefined ? Promise.resolve() : new Promise<void>((r) => server.close(() => r()));
    await Promise.all([...this.connections].map((c) => c.shutdown()));
    await closed;
  }

  private accept(socket: Socket): void {
    if (this.connections.size >= (this.options.maxConnections ?? 256)) {
      this.log(`nbd server: refusing ${socket.remoteAddress}:${socket.remotePort}: ${this.connections.size} connections already`);
      socket.destroy();
      return;
    }
    const c = new NbdConnection(socket, this, this.limits, this.pool, this.log);
    this.connections.add(c);
    socket.once('close', () => this.connections.delete(c));
  }
}
