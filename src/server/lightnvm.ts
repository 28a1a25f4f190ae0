// The LightNVM subsystem as the server plays it: what Linux's lightnvm core did for
// `nvme lnvm` (drivers/lightnvm/core.c). It registers every Open-Channel namespace as an nvm
// device, answers list/info the way the kernel did (block manager "gennvm" (1,0,0) for
// compatibility, subsystem (1,0,0), target type pblk (1,0,0)), and hosts the targets.
import { ApiError, type Route } from './control-api.js';
import type { OcssdServer } from './ocssd-server.js';

export const LIGHTNVM_VERSION: [number, number, number] = [1, 0, 0];
export const TARGET_TYPES = [{ name: 'pblk', version: [1, 0, 0] as [number, number, number] }];

/** Namespaces that register as LightNVM devices. */
export function lnvmDevices(server: OcssdServer) {
  return server.devices.flatMap((d) => d.namespaces.filter((n) => n.kind === 'ocssd12' || n.kind === 'ocssd20').map((n) => ({ device: d, ns: n })));
}

export function lnvmDevice(server: OcssdServer, name: string) {
  const all = lnvmDevices(server);
  const hit = all.find((x) => x.ns.name === name);
  if (hit === undefined) throw new ApiError(404, `no Open-Channel device '${name}'${all.length > 0 ? ` (have ${all.map((x) => x.ns.name).join(', ')})` : ' (the server has none: serve one with lver=1 or lver=2)'}`);
  return hit;
}

export function lightnvmRoutes(server: OcssdServer): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/lnvm/devices',
      summary: 'LightNVM devices (nvme lnvm list)',
      handler: () => lnvmDevices(server).map(({ ns }) => ({ name: ns.name, bmname: 'gennvm', bmversion: LIGHTNVM_VERSION, kind: ns.kind })),
    },
    {
      method: 'GET',
      path: '/api/v1/lnvm/info',
      summary: 'LightNVM subsystem version and target types (nvme lnvm info)',
      handler: () => ({ version: LIGHTNVM_VERSION, targetTypes: TARGET_TYPES }),
    },
  ];
}
