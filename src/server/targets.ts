// pblk targets as the server hosts them (what `nvme lnvm create/remove` did in the kernel):
// each runs the host FTL over a range of PUs of an Open-Channel namespace, through the
// server's own host attachment, and is exported over NBD under its name. The list survives
// restarts (TargetRegistry); each target's data is recovered by the FTL from the device.
import { type ChunkDevice, DEFAULT_OP, type FtlVolume, Ocssd12ChunkDevice, Ocssd20ChunkDevice, checkOp, createTarget, discoverTargets, openTarget, removeTarget } from '../ftl/index.js';
import { ApiError, type Route, bodyInt, bodyString } from './control-api.js';
import { lnvmDevice } from './lightnvm.js';
import type { OcssdServer } from './ocssd-server.js';
import { TARGET_NAME_RE, type TargetRecord, TargetRegistry, type TargetSpec } from './target-registry.js';

export interface TargetJson extends TargetRecord {
  readonly bytes: number;
  readonly stats: FtlVolume['ftl']['stats'];
  readonly freeLines: number;
  /** Line counts by state, and the FTL's one-line account of its space (for diagnosis). */
  readonly lines?: Record<'free' | 'open' | 'closed' | 'gc' | 'bad', number>;
  readonly space?: string;
}

export class TargetManager {
  readonly registry: TargetRegistry;
  private readonly volumes = new Map<string, FtlVolume>();
  private readonly devices = new Map<string, Promise<ChunkDevice>>();
  /** One change at a time: create and remove read and write the registry and the device. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly server: OcssdServer) {
    this.registry = new TargetRegistry(server.config.dataDir);
  }

  /** Brings back every target of the registry (recovering its data), before the listeners open. */
  async restore(): Promise<void> {
    for (const rec of this.registry.all()) {
      const dev = await this.chunkDevice(rec.device);
      this.attach(rec, await openTarget(dev, { name: rec.name, puBegin: rec.lunBegin, puEnd: rec.lunEnd }));
      this.server.log(`target ${rec.name}: recovered on ${rec.device} LUNs ${rec.lunBegin}-${rec.lunEnd}`);
    }
  }

  list(): TargetJson[] {
    return this.registry.all().map((r) => this.json(r));
  }

  volume(name: string): FtlVolume | undefined {
    return this.volumes.get(name);
  }

  create(spec: TargetSpec, factory: boolean): Promise<TargetJson> {
    return this.serially(async () => {
      this.check(spec);
      const dev = await this.chunkDevice(spec.device);
      const found = factory ? [] : (await discoverTargets(dev)).filter((t) => t.name === spec.name && t.puBegin === spec.lunBegin && t.puEnd === spec.lunEnd);
      const volume = found.length > 0 ? await openTarget(dev, { name: spec.name, puBegin: spec.lunBegin, puEnd: spec.lunEnd }) : await createTarget(dev, { name: spec.name, puBegin: spec.lunBegin, puEnd: spec.lunEnd, op: spec.op });
      try {
        const rec = this.registry.add(spec);
        this.attach(rec, volume);
        this.server.log(`target ${spec.name}: ${found.length > 0 ? 'recovered' : 'created'} on ${spec.device} LUNs ${spec.lunBegin}-${spec.lunEnd}, ${volume.size} bytes`);
        return this.json(rec);
      } catch (e) {
        await volume.close();
        throw e;
      }
    });
  }

  remove(name: string): Promise<{ removed: string }> {
    return this.serially(async () => {
      const volume = this.volumes.get(name);
      if (volume === undefined) throw new ApiError(404, `no target '${name}'${this.volumes.size > 0 ? ` (have ${[...this.volumes.keys()].join(', ')})` : ''}`);
      await this.server.nbd?.removeExport(name);
      this.volumes.delete(name);
      this.registry.remove(name);
      await removeTarget(volume);
      return { removed: name };
    });
  }

  /** Flushes and closes every target (server stop). */
  async close(): Promise<void> {
    await this.queue.catch(() => {});
    for (const v of this.volumes.values()) await v.close();
    this.volumes.clear();
  }

  private serially<T>(f: () => Promise<T>): Promise<T> {
    const next = this.queue.then(f, f);
    this.queue = next.catch(() => {});
    return next;
  }

  private attach(rec: TargetRecord, volume: FtlVolume): void {
    this.volumes.set(rec.name, volume);
    this.server.nbd?.addExport(volume, { description: `pblk target on ${rec.device} LUNs ${rec.lunBegin}-${rec.lunEnd}` });
  }

  private json(r: TargetRecord): TargetJson {
    const v = this.volumes.get(r.name);
    return { ...r, bytes: v?.size ?? 0, stats: v?.ftl.stats ?? ({} as TargetJson['stats']), freeLines: v?.ftl.freeLines ?? 0, lines: v?.ftl.lineCensus(), space: v?.ftl.describeSpace() };
  }

  /** Parallel units of an Open-Channel namespace, numbered across groups (what -b / -e count). */
  async puCount(device: string): Promise<number> {
    const g = (await this.chunkDevice(device)).geometry;
    return g.numGroups * g.numPu;
  }

  private chunkDevice(name: string): Promise<ChunkDevice> {
    let p = this.devices.get(name);
    if (p === undefined) {
      const { device, ns } = lnvmDevice(this.server, name);
      p = ns.kind === 'ocssd12' ? Ocssd12ChunkDevice.open(device.host, ns.nsid, ns.name) : Ocssd20ChunkDevice.open(device.host, ns.nsid, ns.name);
      this.devices.set(name, p);
      p.catch(() => this.devices.delete(name));
    }
    return p;
  }

  private check(spec: TargetSpec): void {
    if (!TARGET_NAME_RE.test(spec.name)) throw new ApiError(400, `target name '${spec.name}': allowed 1-32 characters of letters, digits, '_', '.', '-', starting with a letter or digit`);
    if (this.volumes.has(spec.name)) throw new ApiError(409, `target ${spec.name} exists already`);
    if (this.server.namespace(spec.name) !== undefined) throw new ApiError(409, `'${spec.name}' is the name of a namespace`);
    if (spec.type !== 'pblk') throw new ApiError(400, `target type '${spec.type as string}': allowed pblk`);
    const bad = checkOp(spec.op);
    if (bad !== undefined) throw new ApiError(400, `over-provisioning ${spec.op}: ${bad}`);
    lnvmDevice(this.server, spec.device); // 404 unless an Open-Channel namespace
    for (const t of this.registry.all()) {
      if (t.device === spec.device && spec.lunBegin <= t.lunEnd && t.lunBegin <= spec.lunEnd) throw new ApiError(409, `LUNs ${spec.lunBegin}-${spec.lunEnd} of ${spec.device} overlap target ${t.name} (LUNs ${t.lunBegin}-${t.lunEnd})`);
    }
  }
}

export function targetRoutes(targets: () => TargetManager): Route[] {
  return [
    { method: 'GET', path: '/api/v1/targets', summary: 'pblk targets (name, device, LUN range, OP, size, FTL counters)', handler: () => targets().list() },
    {
      method: 'GET',
      path: '/api/v1/targets/:name',
      summary: 'one pblk target',
      handler: ({ params }) => {
        const t = targets().list().find((x) => x.name === params['name']);
        if (t === undefined) throw new ApiError(404, `no target '${params['name']}'`);
        return t;
      },
    },
    {
      method: 'POST',
      path: '/api/v1/targets',
      summary: 'create a pblk target: {device, name, type: "pblk", lunBegin, lunEnd, op, factory} (nvme lnvm create)',
      handler: async ({ body }) => {
        const device = bodyString(body, 'device');
        const pus = await targets().puCount(device);
        const lunBegin = bodyInt(body, 'lunBegin', 0, pus - 1, 0);
        const lunEnd = body['lunEnd'] === undefined || body['lunEnd'] === null ? pus - 1 : bodyInt(body, 'lunEnd', lunBegin, pus - 1);
        const op = body['op'] === undefined || body['op'] === null ? DEFAULT_OP : bodyInt(body, 'op', 0, 99);
        return targets().create({ device, name: bodyString(body, 'name'), type: bodyString(body, 'type') as 'pblk', lunBegin, lunEnd, op }, body['factory'] === true);
      },
    },
    { method: 'DELETE', path: '/api/v1/targets/:name', summary: 'remove a pblk target (nvme lnvm remove)', handler: ({ params }) => targets().remove(params['name']!) },
  ];
}
