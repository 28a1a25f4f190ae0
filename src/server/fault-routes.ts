// Fault injection at run time (OCSSD 2.0): the control API arms and disarms the namespace's
// fault rules (program fail, erase fail, uncorrectable, high ECC, write-next-unit; per chunk or
// sector; counted or seeded probability), and reads the chunk log through the server's own
// host, where their effects show (chunks closed early, offline after a failed reset).
import { Ocssd20Namespace, type Ocssd20FaultSpec } from '../controller/index.js';
import { Ocssd20Host } from '../host/index.js';
import { ApiError, type Route, bodyInt, bodyString } from './control-api.js';
import { lnvmDevice } from './lightnvm.js';
import type { OcssdServer } from './ocssd-server.js';

function ocssd20(server: OcssdServer, name: string): { ns: Ocssd20Namespace; device: OcssdServer['devices'][number]; nsid: number } {
  const { device, ns: info } = lnvmDevice(server, name);
  const ns = device.built.blueprint.namespaces.find((n) => n.nsid === info.nsid);
  if (!(ns instanceof Ocssd20Namespace)) throw new ApiError(409, `${name} is an OCSSD 1.2 device: run-time faults are for OCSSD 2.0 namespaces (1.2 has lb_err_write / ln_err_write and the bad block table)`);
  return { ns, device, nsid: info.nsid };
}

const object = (v: unknown, key: string): Record<string, unknown> => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ApiError(400, `"${key}" must be an object`);
  return v as Record<string, unknown>;
};

/** The request body as a fault spec; every field range-checked with a message naming it. */
export function faultSpecOf(body: Record<string, unknown>): Ocssd20FaultSpec {
  const kind = bodyString(body, 'kind') as Ocssd20FaultSpec['kind'];
  const t = object(body['trigger'] ?? { mode: 'count' }, 'trigger');
  let trigger: Ocssd20FaultSpec['trigger'];
  if (t['mode'] === 'count') {
    // times 0: fire on every match from `after` on (JSON has no Infinity).
    const times = bodyInt(t, 'times', 0, Number.MAX_SAFE_INTEGER, 1);
    trigger = { mode: 'count', after: bodyInt(t, 'after', 0, Number.MAX_SAFE_INTEGER, 0), times: times === 0 ? Infinity : times };
  } else if (t['mode'] === 'probability') {
    const p = t['probability'];
    if (typeof p !== 'number' || !(p > 0 && p <= 1)) throw new ApiError(400, `"probability" = ${JSON.stringify(p)}: allowed a number in (0, 1]`);
    trigger = { mode: 'probability', probability: p, seed: bodyInt(t, 'seed', 0, 0xffffffff, 1) };
  } else throw new ApiError(400, `"trigger.mode" = ${JSON.stringify(t['mode'])}: allowed count or probability`);
  const spec: { -readonly [K in keyof Ocssd20FaultSpec]: Ocssd20FaultSpec[K] } = { kind, trigger };
  if (body['chunk'] !== undefined) {
    const c = object(body['chunk'], 'chunk');
    spec.chunk = { grp: bodyInt(c, 'grp', 0, 0xffff), pu: bodyInt(c, 'pu', 0, 0xffff), chk: bodyInt(c, 'chk', 0, 0xffffffff) };
  }
  if (body['sec'] !== undefined) spec.sec = bodyInt(body, 'sec', 0, 0xffffffff);
  return spec;
}

export function faultRoutes(server: OcssdServer): Route[] {
  return [
    { method: 'GET', path: '/api/v1/devices/:name/faults', summary: 'armed fault rules of an OCSSD 2.0 namespace', handler: ({ params }) => ocssd20(server, params['name']!).ns.faults() },
    {
      method: 'POST',
      path: '/api/v1/devices/:name/faults',
      summary: 'arm a fault: {kind, chunk?: {grp, pu, chk}, sec?, trigger?: {mode: "count", after?, times? (0 = always)} | {mode: "probability", probability, seed}}',
      handler: ({ params, body }) => {
        const { ns } = ocssd20(server, params['name']!);
        try {
          return { id: ns.injectFault(faultSpecOf(body)) };
        } catch (e) {
          if (e instanceof RangeError) throw new ApiError(400, e.message);
          throw e;
        }
      },
    },
    {
      method: 'DELETE',
      path: '/api/v1/devices/:name/faults/:id',
      summary: 'disarm one fault rule',
      handler: ({ params }) => {
        const id = Number(params['id']);
        if (!Number.isInteger(id) || !ocssd20(server, params['name']!).ns.removeFault(id)) throw new ApiError(404, `no fault rule ${params['id']} on ${params['name']}`);
        return { removed: id };
      },
    },
    {
      method: 'DELETE',
      path: '/api/v1/devices/:name/faults',
      summary: 'disarm every fault rule',
      handler: ({ params }) => {
        ocssd20(server, params['name']!).ns.clearFaults();
        return { cleared: true };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/devices/:name/chunks',
      summary: 'the chunk information log (0xCA) as the host reads it; ?first=&count=',
      handler: async ({ params, query }) => {
        const { device, nsid } = ocssd20(server, params['name']!);
        const host = await Ocssd20Host.open(device.host, nsid);
        const total = host.addressing.totalChunks;
        const first = Number(query.get('first') ?? 0);
        const count = Number(query.get('count') ?? total - first);
        if (!Number.isInteger(first) || first < 0 || first >= total) throw new ApiError(400, `first=${query.get('first')}: allowed 0..${total - 1}`);
        if (!Number.isInteger(count) || count < 1 || first + count > total) throw new ApiError(400, `count=${query.get('count')}: allowed 1..${total - first}`);
        const chunks = await host.chunkInfo(first, count);
        return chunks.map((c, i) => ({ index: first + i, ...host.unpack(c.slba), ...c }));
      },
    },
  ];
}
