// The discovery controller's admin command set (NVMe over Fabrics discovery service): Identify
// (CNTRLTYPE 2, NN 0), Get Log Page with the Discovery log (LID 0x70, any offset and length),
// Get / Set Features, Asynchronous Event Request and Keep Alive. The records come from the
// transport (which ports serve which subsystems), through a DiscoverySource bound per host.
import {
  AdminOpcode,
  ADMIN_OPCODE_NAMES,
  DISCOVERY_LOG_ENTRY,
  DISCOVERY_LOG_HEADER,
  type DiscoveryLogEntry,
  LOG_PAGE_NAMES,
  LogPage,
  encode,
} from '../../spec/index.js';
import type { CommandDef, CommandSet, Handler, NsidUse } from '../command.js';
import type { Controller } from '../controller.js';
import { getFeatures, setFeatures } from './admin-features.js';
import { identifyHandler } from './admin-identify.js';
import { getLogPageHandler, sliceLog, type LogPageDef } from './admin-logs.js';
import { asyncEventRequest, keepAlive } from './admin-queues.js';

/** One discovery log entry (specs.md 5.9). */
export type DiscoveryRecord = DiscoveryLogEntry;

export interface DiscoveryLog {
  /** Changes whenever the records change. */
  readonly genctr: number;
  readonly records: readonly DiscoveryRecord[];
}

/** What the discovery controller lists, asked afresh at each Get Log Page. */
export type DiscoverySource = () => DiscoveryLog;

/** The whole discovery log: a 1024-byte header, then 1024 bytes per record. */
export function encodeDiscoveryLog(log: DiscoveryLog): Uint8Array {
  const out = new Uint8Array(DISCOVERY_LOG_HEADER.size + log.records.length * DISCOVERY_LOG_ENTRY.size);
  encode(DISCOVERY_LOG_HEADER, { genctr: BigInt(log.genctr), numrec: BigInt(log.records.length), recfmt: 0 }, out, 0);
  log.records.forEach((r, i) => {
    const tsas = new Uint8Array(1);
    tsas[0] = r.sectype;
    encode(
      DISCOVERY_LOG_ENTRY,
      { trtype: r.trtype, adrfam: r.adrfam, subtype: r.subtype, treq: r.treq, portid: r.portid, cntlid: r.cntlid, asqsz: r.asqsz, eflags: 0, trsvcid: r.trsvcid, subnqn: r.subnqn, traddr: r.traddr, tsas },
      out,
      DISCOVERY_LOG_HEADER.size + i * DISCOVERY_LOG_ENTRY.size,
    );
  });
  return out;
}

function discoveryLogPage(source: DiscoverySource): LogPageDef {
  return { lid: LogPage.DISCOVERY, name: LOG_PAGE_NAMES[LogPage.DISCOVERY]!, read: (req) => sliceLog(encodeDiscoveryLog(source()), req) };
}

const def = (opcode: number, handler: Handler<Controller>, nsid: NsidUse): CommandDef<Controller> => ({ opcode, name: ADMIN_OPCODE_NAMES[opcode]!, handler, nsid, effects: 0 });

/** The admin set of one discovery controller (add FABRICS_COMMANDS beside it). */
export function createDiscoveryCommands(source: DiscoverySource): CommandSet<Controller> {
  const O = AdminOpcode;
  return {
    name: 'NVMe over Fabrics discovery',
    queue: 'admin',
    commands: [
      def(O.GET_LOG_PAGE, getLogPageHandler(new Map([[LogPage.DISCOVERY, discoveryLogPage(source)]])), 'handler'),
      def(O.IDENTIFY, identifyHandler(), 'handler'),
      def(O.SET_FEATURES, setFeatures, 'handler'),
      def(O.GET_FEATURES, getFeatures, 'handler'),
      def(O.ASYNC_EVENT_REQUEST, asyncEventRequest, 'none'),
      def(O.KEEP_ALIVE, keepAlive, 'none'),
    ],
  };
}
