// The LightNVM subsystem as the server plays it: what Linux's lightnvm core did for
// `nvme lnvm` (drivers/lightnvm/core.c). It registers every Open-Channel namespace as an nvm
// device, answers list/info the way the kernel did (block manager "gennvm" (1,0,0) for
// compatibility, subsystem (1,0,0), target type pblk (1,0,0)), and hosts the targets.
import { NvmeStatusError, Ocssd12Device } from '../host/index.js';
import { Ocssd12BbtEntry } from '../spec/index.js';
import { ApiError, type ApiRequest, type Route } from './control-api.js';
import { readIdentity, renderIdentity, statusText } from './lightnvm-identity.js';
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

const BBT_VALUES: readonly number[] = Object.values(Ocssd12BbtEntry);
const NO_BBT_20 = 'OCSSD 2.0 has no bad block table; see the chunk log';

/**
 * An integer in 0..count-1 from a JSON body (a number) or a query string (digits); a bad one is
 * a 400 naming the field, its value and the geometry.
 */
function index(from: 'query' | 'body', v: unknown, key: string, count: number, what: string, fallback?: number): number {
  if (v === undefined && fallback !== undefined) return fallback;
  const query = from === 'query' && typeof v === 'string';
  const n = query && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n >= count) throw new ApiError(400, `${key}=${query ? v : JSON.stringify(v ?? null)}: allowed an integer 0..${count - 1} (${what})`);
  return n;
}

export function lightnvmRoutes(server: OcssdServer): Route[] {
  // One Ocssd12Device per namespace, opened on first use (the identity does not change while
  // the server runs); a failed open is not kept.
  const opened = new Map<string, Promise<Ocssd12Device>>();
  const device12 = (name: string): Promise<Ocssd12Device> => {
    const { device, ns } = lnvmDevice(server, name);
    if (ns.kind === 'ocssd20') throw new ApiError(409, `${name}: ${NO_BBT_20}`);
    let p = opened.get(name);
    if (p === undefined) {
      p = (async () => {
        const raw = await readIdentity(device.host, ns.nsid, name);
        if (raw[0] === 2) throw new ApiError(409, `${name}: ${NO_BBT_20}`);
        return Ocssd12Device.open(device.host, ns.nsid);
      })();
      opened.set(name, p);
      p.catch(() => opened.delete(name));
    }
    return p;
  };
  const deviceError = (e: unknown, what: string): never => {
    if (e instanceof NvmeStatusError) throw new ApiError(502, `${what}: the device answered ${statusText(e.status)}`);
    throw e;
  };

  const getBbt = async ({ params, query }: ApiRequest) => {
    const name = params['dev']!;
    const dev = await device12(name);
    const id = dev.identity;
    const ch = index('query', query.get('ch') ?? undefined, 'ch', id.numCh, `${name} has ${id.numCh} channel(s)`, 0);
    const lun = index('query', query.get('lun') ?? undefined, 'lun', id.numLun, `${name} has ${id.numLun} LUN(s) per channel`, 0);
    const b = await dev.getBbt(ch, lun).catch((e: unknown) => deviceError(e, `${name}: Get Bad Block Table ch ${ch} lun ${lun}`));
    return { device: name, ch, lun, verid: b.verid, revid: b.revid, tblks: b.tblks, tfact: b.tfact, tgrown: b.tgrown, tdresv: b.tdresv, thresv: b.thresv, planes: id.numPln, entries: Array.from(b.entries) };
  };

  const setBbt = async ({ params, body }: ApiRequest) => {
    const name = params['dev']!;
    const dev = await device12(name);
    const id = dev.identity;
    const ch = index('body', body['ch'], 'ch', id.numCh, `${name} has ${id.numCh} channel(s)`, 0);
    const lun = index('body', body['lun'], 'lun', id.numLun, `${name} has ${id.numLun} LUN(s) per channel`, 0);
    const pln = index('body', body['pln'], 'pln', id.numPln, `${name} has ${id.numPln} plane(s)`, 0);
    const blk = index('body', body['blk'], 'blk', id.numBlk, `${name} has ${id.numBlk} block(s) per plane`);
    const value = body['value'];
    if (typeof value !== 'number' || !BBT_VALUES.includes(value)) throw new ApiError(400, `value=${JSON.stringify(value ?? null)}: allowed 0 (good), 1 (factory bad), 2 (grown bad), 4 (device reserved), 8 (host reserved)`);
    const r = await dev.setBbt([dev.ppa({ ch, lun, pln, blk })], value);
    if (r.status !== 0) throw new ApiError(502, `${name}: Set Bad Block Table ch ${ch} lun ${lun} pln ${pln} blk ${blk} to ${value}: the device answered ${statusText(r.status)}`);
    return { device: name, ch, lun, pln, blk, value };
  };

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
    {
      method: 'GET',
      path: '/api/v1/lnvm/devices/:dev/identity',
      summary: 'the Open-Channel identity (1.2) or geometry (2.0), admin 0xE2 (nvme lnvm id-ns); ?human=1 explains the bits (-H)',
      handler: async ({ params, query }) => {
        const name = params['dev']!;
        const human = query.get('human');
        if (human !== null && human !== '0' && human !== '1') throw new ApiError(400, `human=${human}: allowed 0 or 1`);
        const { device, ns } = lnvmDevice(server, name);
        return { device: name, ...renderIdentity(await readIdentity(device.host, ns.nsid, name), name, human === '1') };
      },
    },
    { method: 'GET', path: '/api/v1/lnvm/devices/:dev/bbt', summary: 'bad block table of one LUN, ?ch=&lun= (nvme lnvm diag-bbtbl; OCSSD 1.2)', handler: getBbt },
    { method: 'PUT', path: '/api/v1/lnvm/devices/:dev/bbt', summary: 'mark one block, {ch, lun, pln, blk, value} (nvme lnvm diag-set-bbtbl; OCSSD 1.2)', handler: setBbt },
  ];
}
