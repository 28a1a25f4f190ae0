// The CLI's side of the control API: where the server is, one request, errors for people.
import { SERVE_DEFAULTS } from '../server/index.js';

export const DEFAULT_SERVER = `${SERVE_DEFAULTS.host}:${SERVE_DEFAULTS.controlPort}`;

export class ClientError extends Error {
  override readonly name = 'ClientError';
}

export interface ControlClient {
  get<T = unknown>(path: string): Promise<T>;
  post<T = unknown>(path: string, body: unknown): Promise<T>;
  put<T = unknown>(path: string, body: unknown): Promise<T>;
  delete<T = unknown>(path: string): Promise<T>;
}

/** A client of the server at `host:port` (or the OCSSD_SERVER environment variable). */
export function controlClient(server: string | undefined): ControlClient {
  const where = server ?? process.env['OCSSD_SERVER'] ?? DEFAULT_SERVER;
  const base = /^https?:\/\//.test(where) ? where : `http://${where}`;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(120_000),
      });
    } catch (e) {
      const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
      throw new ClientError(`cannot reach the ocssd server at ${where} (${cause}); start it with 'ocssd serve' or 'npm start', or name it with --server host:port`);
    }
    const text = await res.text();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ClientError(`${method} ${path}: the server at ${where} answered ${res.status} with no JSON`);
    }
    if (!res.ok) throw new ClientError((value as { error?: string }).error ?? `${method} ${path}: HTTP ${res.status}`);
    return value as T;
  };
  return {
    get: (p) => call('GET', p),
    post: (p, b) => call('POST', p, b),
    put: (p, b) => call('PUT', p, b),
    delete: (p) => call('DELETE', p),
  };
}
