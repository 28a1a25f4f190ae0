import type { ServeConfig } from '../../src/server/index.js';

/** A server configuration for tests: listeners on free ports of 127.0.0.1 (control only, unless overridden). */
export function serveConfig(dir: string, devices: string[], o: Partial<ServeConfig> = {}): ServeConfig {
  return { devices, dataDir: dir, host: '127.0.0.1', controlPort: 0, tcpPort: -1, discoveryPort: -1, nbdPort: -1, allowedHosts: [], ...o };
}
