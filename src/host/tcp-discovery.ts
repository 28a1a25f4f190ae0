// The discovery helper (what `nvme discover -t tcp` does, specs.md 5.9): connect to the
// discovery controller, read the Discovery log header, then every record at log offset 1024,
// re-reading if GENCTR moved meanwhile, and disconnect.
import { DISCOVERY_LOG_ENTRY, DISCOVERY_LOG_HEADER, DISCOVERY_NQN, type DiscoveryLogEntry, LogPage, NVME_TCP_DISCOVERY_PORT, decode } from '../spec/index.js';
import { getLogPage } from './commands.js';
import { NvmeStatusError } from './errors.js';
import { TcpInitiator, type TcpInitiatorOptions } from './tcp-initiator.js';

export type DiscoveryEntry = DiscoveryLogEntry;

export interface DiscoveryResult {
  readonly genctr: bigint;
  readonly entries: readonly DiscoveryEntry[];
}

export type DiscoverOptions = Omit<TcpInitiatorOptions, 'subnqn' | 'katoMs'>;

export async function discover(options: DiscoverOptions = {}): Promise<DiscoveryResult> {
  // A non-persistent discovery controller: no keep-alive (KATO 0), as Linux.
  const ini = new TcpInitiator({ port: NVME_TCP_DISCOVERY_PORT, ...options, subnqn: DISCOVERY_NQN, katoMs: 0 });
  try {
    await ini.enable();
    const read = async (offset: number, length: number): Promise<Uint8Array> => {
      const r = await ini.execute(0, getLogPage(LogPage.DISCOVERY, { offset, length }), { dataInLength: length });
      if (r.status !== 0) throw new NvmeStatusError(`Get Log Page Discovery (offset ${offset}, ${length} bytes)`, r.status);
      return r.data!;
    };
    for (let attempt = 0; attempt < 10; attempt++) {
      const head = decode(DISCOVERY_LOG_HEADER, await read(0, DISCOVERY_LOG_HEADER.size));
      const n = Number(head.numrec as bigint);
      const entries: DiscoveryEntry[] = [];
      for (let i = 0; i < n; i += 4) {
        const k = Math.min(4, n - i);
        const bytes = await read(DISCOVERY_LOG_HEADER.size + i * DISCOVERY_LOG_ENTRY.size, k * DISCOVERY_LOG_ENTRY.size);
        for (let j = 0; j < k; j++) {
          const e = decode(DISCOVERY_LOG_ENTRY, bytes, j * DISCOVERY_LOG_ENTRY.size);
          entries.push({
            trtype: e.trtype as number,
            adrfam: e.adrfam as number,
            subtype: e.subtype as number,
            treq: e.treq as number,
            portid: e.portid as number,
            cntlid: e.cntlid as number,
            asqsz: e.asqsz as number,
            trsvcid: (e.trsvcid as string).trim(),
            subnqn: e.subnqn as string,
            traddr: (e.traddr as string).trim(),
            sectype: (e.tsas as Uint8Array)[0]!,
          });
        }
      }
      const again = decode(DISCOVERY_LOG_HEADER, await read(0, DISCOVERY_LOG_HEADER.size));
      if (again.genctr === head.genctr) return { genctr: head.genctr as bigint, entries };
    }
    throw new Error('discovery log kept changing while being read (GENCTR moved 10 times)');
  } finally {
    await ini.close();
  }
}
