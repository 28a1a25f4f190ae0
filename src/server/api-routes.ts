// The control API's routes over a running server. Read routes describe; write routes act
// through the server's own host attachment, as a kernel would through its driver.
import { ApiError, type Route } from './control-api.js';
import type { OcssdServer } from './ocssd-server.js';
import { lightnvmRoutes } from './lightnvm.js';
import { targetRoutes } from './targets.js';
import { faultRoutes } from './fault-routes.js';

export const API_VERSION = 1;

export function apiRoutes(server: OcssdServer): Route[] {
  const routes: Route[] = [
    { method: 'GET', path: '/api/v1', summary: 'this list', handler: () => ({ version: API_VERSION, routes: describe() }) },
    {
      method: 'GET',
      path: '/api/v1/status',
      summary: 'server version, uptime, listeners, devices',
      handler: () => ({
        pid: process.pid,
        uptimeSeconds: Math.round((Date.now() - server.startedAt) / 1000),
        dataDir: server.config.dataDir,
        listeners: Object.fromEntries(Object.entries(server.listeners).map(([k, a]) => [k, a === undefined ? null : `${a.address}:${a.port}`])),
        devices: server.devices.map(deviceJson),
      }),
    },
    { method: 'GET', path: '/api/v1/devices', summary: 'devices and their namespaces', handler: () => server.devices.map(deviceJson) },
    {
      method: 'GET',
      path: '/api/v1/devices/:name',
      summary: 'one device (nvme0) or namespace (nvme0n1)',
      handler: ({ params }) => {
        const d = server.devices.find((x) => x.name === params['name']);
        if (d !== undefined) return deviceJson(d);
        const ns = server.namespace(params['name']!);
        if (ns === undefined) throw new ApiError(404, `no device or namespace '${params['name']}' (have ${server.devices.flatMap((x) => [x.name, ...x.namespaces.map((n) => n.name)]).join(', ')})`);
        return ns.device.namespaces.find((n) => n.nsid === ns.nsid);
      },
    },
    {
      method: 'POST',
      path: '/api/v1/shutdown',
      summary: 'stop the server cleanly (flushes every device)',
      handler: () => {
        setImmediate(() => void server.stop());
        return { stopping: true };
      },
    },
    ...lightnvmRoutes(server),
    ...targetRoutes(() => server.targets!),
    ...faultRoutes(server),
  ];
  const describe = () => routes.map((r) => ({ method: r.method, path: r.path, summary: r.summary }));
  return routes;
}

function deviceJson(d: OcssdServer['devices'][number]) {
  return { name: d.name, kind: d.kind, nqn: d.nqn, line: d.line, namespaces: d.namespaces };
}
