import type { OcssdServer, ServeConfig } from '../../src/server/index.js';

/** A server configuration for tests: listeners on free ports of 127.0.0.1 (control only, unless overridden). */
export function serveConfig(dir: string, devices: string[], o: Partial<ServeConfig> = {}): ServeConfig {
  return { devices, dataDir: dir, host: '127.0.0.1', controlPort: 0, tcpPort: -1, discoveryPort: -1, nbdPort: -1, allowedHosts: [], ...o };
}

/** One control API request to a started server: HTTP status and JSON body (a string body is sent as is). */
export async function api(s: OcssdServer, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const c = s.listeners.control!;
  const res = await fetch(`http://${c.address}:${c.port}${path}`, { method, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}
