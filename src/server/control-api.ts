// The control API: JSON over HTTP on 127.0.0.1, what `ocssd lnvm`, `ocssd lsblk` and later the
// dashboard use to talk to a running server. Routes are a table of method, path pattern and
// handler; a handler returns a JSON value or throws ApiError with the HTTP status and a message
// for people. Nothing a client sends can crash the server: bodies are bounded and parsed
// defensively, and an unexpected error is a 500 with its message.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The parsed JSON body ({} when there is none). */
  readonly body: Record<string, unknown>;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `/api/v1/targets/:name`: `:x` segments become params. */
  readonly path: string;
  readonly summary: string;
  handler(req: ApiRequest): unknown;
}

/** Bodies larger than this are refused (413): the API carries small JSON objects only. */
export const MAX_BODY_BYTES = 1 << 20;

interface CompiledRoute {
  readonly route: Route;
  readonly segments: readonly string[];
}

function match(segments: readonly string[], path: string[]): Record<string, string> | undefined {
  if (segments.length !== path.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (s.startsWith(':')) params[s.slice(1)] = decodeURIComponent(path[i]!);
    else if (s !== path[i]) return undefined;
  }
  return params;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (e) {
    throw new ApiError(400, `request body is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ApiError(400, 'request body must be a JSON object');
  return v as Record<string, unknown>;
}

export class ControlApi {
  private readonly routes: CompiledRoute[];
  private server: Server | undefined;

  constructor(routes: readonly Route[]) {
    this.routes = routes.map((route) => ({ route, segments: route.path.split('/').filter((s) => s !== '') }));
  }

  async listen(host: string, port: number): Promise<AddressInfo> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 5_000;
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => {
        server.off('error', fail);
        ok();
      });
    });
    this.server = server;
    return server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s === undefined) return;
    s.closeAllConnections();
    await new Promise<void>((ok) => s.close(() => ok()));
  }

  /** The route list, served at GET /api/v1. */
  describe(): { method: string; path: string; summary: string }[] {
    return this.routes.map(({ route: r }) => ({ method: r.method, path: r.path, summary: r.summary }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, value: unknown) => {
      const body = JSON.stringify(value, null, 2) + '\n';
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const path = url.pathname.split('/').filter((s) => s !== '');
      let allowed: string[] = [];
      for (const { route, segments } of this.routes) {
        const params = match(segments, path);
        if (params === undefined) continue;
        if (route.method !== req.method) {
          allowed.push(route.method);
          continue;
        }
        const body = req.method === 'GET' || req.method === 'DELETE' ? {} : await readBody(req);
        send(200, await route.handler({ params, query: url.searchParams, body }));
        return;
      }
      allowed = [...new Set(allowed)];
      if (allowed.length > 0) throw new ApiError(405, `${req.method} ${url.pathname}: allowed ${allowed.join(', ')}`);
      throw new ApiError(404, `no such endpoint: ${req.method} ${url.pathname} (GET /api/v1 lists them)`);
    } catch (e) {
      if (res.headersSent) return void res.destroy();
      if (e instanceof ApiError) send(e.status, { error: e.message });
      else send(500, { error: e instanceof Error ? e.message : String(e) });
    }
  }
}

/** Reads a required string field of a request body. */
export function bodyString(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' || v === '') throw new ApiError(400, `"${key}" must be a non-empty string`);
  return v;
}

/** Reads an optional integer field of a request body within [min, max]. */
export function bodyInt(body: Record<string, unknown>, key: string, min: number, max: number, fallback?: number): number {
  const v = body[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new ApiError(400, `"${key}" = ${JSON.stringify(v)}: allowed an integer ${min}..${max}`);
  return v;
}
