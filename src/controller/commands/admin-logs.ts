// Get Log Page (admin 0x02) and the base log pages. A log page is data, a LogPageDef: the handler
// parses NUMD / LPO / RAE once, asks the page for its bytes from the offset on, sends them (zeros
// past the end of the log), and on a read with RAE clear lets the page forget what the host has
// seen and re-arms the page's asynchronous events. Personalities bring their own pages (OCSSD 2.0
// chunk information 0xCA and notification 0xD0) through createAdminCommands({ logPages }).
import {
  AFI,
  CHANGED_NS_LIST,
  CHANGED_NS_LIST_ENTRIES,
  CHANGED_NS_LIST_OVERFLOW,
  COMMAND_EFFECTS_LOG,
  CRITICAL_WARNING,
  ERROR_INFORMATION_ENTRY,
  FIRMWARE_SLOT_LOG,
  GET_LOG_PAGE,
  LOG_PAGE_NAMES,
  LogPage,
  SMART_LOG,
  encode,
  getBits,
  packBits,
  u128Bytes,
} from '../../spec/index.js';
import { ALL_NAMESPACES, type Controller } from '../controller.js';
import { S } from '../statuses.js';
import { AS, COMPOSITE_TEMPERATURE, sendToHost, type AdminContext } from './admin-common.js';
import { temperatureWarning } from './admin-features.js';

/** One Get Log Page command, parsed. */
export interface LogRequest {
  readonly ctrl: Controller;
  readonly nsid: number;
  readonly lid: number;
  /** Log Specific Parameter (CDW10 14:8). */
  readonly lsp: number;
  /** Log Specific Identifier (CDW11 31:16). */
  readonly lsi: number;
  /** Command Set Identifier (CDW14 31:24). */
  readonly csi: number;
  /** Retain Asynchronous Event. */
  readonly rae: boolean;
  /** Byte offset into the log (dword aligned). */
  readonly offset: number;
  /** Bytes the host asked for: (NUMD + 1) * 4. */
  readonly length: number;
}

export interface LogPageDef {
  readonly lid: number;
  readonly name: string;
  /**
   * The log's bytes from `req.offset` on, at most `req.length` of them (fewer when the log ends
   * first), or a status: Invalid Field for an offset at or past the end (sliceLog does both), or
   * whatever the page refuses (a bad NSID). Large logs build only the range asked for.
   */
  read(req: LogRequest): Uint8Array | number;
  /** After a successful read with RAE clear: forget what the host has now seen. */
  consume?(req: LogRequest): void;
}

/** The part of a whole log a request asks for, or Invalid Field when the offset is past its end. */
export function sliceLog(log: Uint8Array, req: LogRequest): Uint8Array | number {
  if (req.offset >= log.length) return S.INVALID_FIELD;
  return log.subarray(req.offset, Math.min(log.length, req.offset + req.length));
}

const TWO32 = 2 ** 32;
const u128 = (n: number | bigint): Uint8Array => u128Bytes(BigInt(n));
const NS_PER_HOUR = 3.6e12;

// ---- 0x01 Error Information ----

const errorInformation: LogPageDef = {
  lid: LogPage.ERROR,
  name: LOG_PAGE_NAMES[LogPage.ERROR]!,
  read(req) {
    const errors = req.ctrl.errors;
    const log = new Uint8Array(errors.capacity * ERROR_INFORMATION_ENTRY.size);
    errors.entries().forEach((e, i) =>
      encode(
        ERROR_INFORMATION_ENTRY,
        {
          errorCount: e.errorCount,
          sqid: e.sqid,
          cid: e.cid,
          // The CQE status field: status above the phase tag (bit 0, unknown here: 0).
          status: (e.status << 1) & 0xffff,
          parameterErrorLocation: e.parameterErrorLocation,
          lba: BigInt(e.lba),
          nsid: e.nsid,
        },
        log,
        i * ERROR_INFORMATION_ENTRY.size,
      ),
    );
    return sliceLog(log, req);
  },
};

// ---- 0x02 SMART / Health Information ----

const smartHealth: LogPageDef = {
  lid: LogPage.SMART,
  name: LOG_PAGE_NAMES[LogPage.SMART]!,
  read(req) {
    // Controller-wide only (LPA bit 0 clear): a single namespace cannot be asked for.
    if (req.nsid !== 0 && req.nsid !== ALL_NAMESPACES) return S.INVALID_FIELD;
    const { ctrl } = req;
    const s = ctrl.smart;
    const log = encode(SMART_LOG, {
      criticalWarning: temperatureWarning(ctrl) ? packBits(CRITICAL_WARNING, { temperature: 1 }) : 0,
      temperature: COMPOSITE_TEMPERATURE,
      availableSpare: 100,
      availableSpareThreshold: 10,
      percentageUsed: 0,
      dataUnitsRead: u128(s.dataUnitsRead),
      dataUnitsWritten: u128(s.dataUnitsWritten),
      hostReadCommands: u128(s.hostReadCommands),
      hostWriteCommands: u128(s.hostWriteCommands),
      controllerBusyTime: u128(s.controllerBusyMinutes),
      powerCycles: u128(s.powerCycles),
      powerOnHours: u128(Math.floor(ctrl.clock.now() / NS_PER_HOUR)),
      unsafeShutdowns: u128(s.unsafeShutdowns),
      mediaErrors: u128(s.mediaErrors),
      numErrorLogEntries: u128(ctrl.errors.total),
    });
    return sliceLog(log, req);
  },
};

// ---- 0x03 Firmware Slot Information ----

const firmwareSlot: LogPageDef = {
  lid: LogPage.FIRMWARE_SLOT,
  name: LOG_PAGE_NAMES[LogPage.FIRMWARE_SLOT]!,
  read: (req) => sliceLog(encode(FIRMWARE_SLOT_LOG, { afi: packBits(AFI, { active: 1 }), frs1: req.ctrl.config.firmware.slice(0, 8) }), req),
};

// ---- 0x04 Changed Namespace List ----

const changedNamespaces: LogPageDef = {
  lid: LogPage.CHANGED_NS_LIST,
  name: LOG_PAGE_NAMES[LogPage.CHANGED_NS_LIST]!,
  read(req) {
    const log = new Uint8Array(CHANGED_NS_LIST.size);
    const dv = new DataView(log.buffer);
    const changed = [...req.ctrl.changedNamespaces].sort((a, b) => a - b);
    // More than the list holds: one 0xFFFFFFFF entry says "rescan everything".
    if (changed.length > CHANGED_NS_LIST_ENTRIES) dv.setUint32(0, CHANGED_NS_LIST_OVERFLOW, true);
    else changed.forEach((nsid, i) => dv.setUint32(4 * i, nsid, true));
    return sliceLog(log, req);
  },
  consume: (req) => req.ctrl.changedNamespaces.clear(),
};

// ---- 0x05 Commands Supported and Effects ----

const commandEffects: LogPageDef = {
  lid: LogPage.COMMANDS_SUPPORTED_AND_EFFECTS,
  name: LOG_PAGE_NAMES[LogPage.COMMANDS_SUPPORTED_AND_EFFECTS]!,
  read(req) {
    const { ctrl } = req;
    const log = new Uint8Array(COMMAND_EFFECTS_LOG.size);
    const dv = new DataView(log.buffer);
    const put = (base: number, entries: Uint32Array): void => entries.forEach((e, op) => dv.setUint32(base + 4 * op, (dv.getUint32(base + 4 * op, true) | e) >>> 0, true));
    put(COMMAND_EFFECTS_LOG.offset.acs, ctrl.admin.effects());
    // I/O: the commands for no single namespace, merged with those of every namespace of the CSI asked for.
    const tables = new Set([ctrl.io]);
    for (const ns of ctrl.namespaces.values()) if (ns.csi === req.csi) tables.add(ns.io);
    for (const t of tables) put(COMMAND_EFFECTS_LOG.offset.iocs, t.effects());
    return sliceLog(log, req);
  },
};

/** The base specification's pages; Supported Log Pages (0x00) is built from whatever set is in use. */
export const BASE_LOG_PAGES: readonly LogPageDef[] = [errorInformation, smartHealth, firmwareSlot, changedNamespaces, commandEffects];

/** Supported Log Pages (0x00, NVMe 2.0): bit 0 (LSUPP) of one u32 per LID. */
function supportedLogPages(lids: readonly number[]): LogPageDef {
  const log = new Uint8Array(256 * 4);
  const dv = new DataView(log.buffer);
  for (const lid of lids) dv.setUint32(4 * lid, 1, true);
  return { lid: LogPage.SUPPORTED_LOG_PAGES, name: LOG_PAGE_NAMES[LogPage.SUPPORTED_LOG_PAGES]!, read: (req) => sliceLog(log, req) };
}

/** The LID-keyed table of a command set: the base pages, then `extra` (a LID may be defined once). */
export function logPageTable(extra: readonly LogPageDef[] = []): ReadonlyMap<number, LogPageDef> {
  const pages = new Map<number, LogPageDef>();
  for (const p of [...BASE_LOG_PAGES, ...extra]) {
    const have = pages.get(p.lid);
    if (have !== undefined || p.lid === LogPage.SUPPORTED_LOG_PAGES) throw new Error(`log page 0x${p.lid.toString(16)} is both ${have?.name ?? 'Supported Log Pages'} and ${p.name}`);
    pages.set(p.lid, p);
  }
  pages.set(LogPage.SUPPORTED_LOG_PAGES, supportedLogPages([LogPage.SUPPORTED_LOG_PAGES, ...pages.keys()]));
  return pages;
}

export function getLogPageHandler(pages: ReadonlyMap<number, LogPageDef>): (ctx: AdminContext) => number {
  return (ctx) => {
    const sqe = ctx.sqe;
    const cdw10 = sqe.cdw10;
    const cdw11 = sqe.cdw11;
    const numd = getBits(cdw11, GET_LOG_PAGE.numdu) * 0x10000 + getBits(cdw10, GET_LOG_PAGE.numdl);
    const offset = getBits(sqe.cdw13, GET_LOG_PAGE.lpou) * TWO32 + getBits(sqe.cdw12, GET_LOG_PAGE.lpol);
    // Offsets are bytes, dword aligned; index offsets (OT) are not supported.
    if (offset % 4 !== 0 || getBits(sqe.cdw14, GET_LOG_PAGE.ot) === 1) return S.INVALID_FIELD;
    const lid = getBits(cdw10, GET_LOG_PAGE.lid);
    const page = pages.get(lid);
    if (page === undefined) return AS.INVALID_LOG_PAGE;
    const req: LogRequest = {
      ctrl: ctx.ctrl,
      nsid: sqe.nsid,
      lid,
      lsp: getBits(cdw10, GET_LOG_PAGE.lsp),
      lsi: getBits(cdw11, GET_LOG_PAGE.lsi),
      csi: getBits(sqe.cdw14, GET_LOG_PAGE.csi),
      rae: getBits(cdw10, GET_LOG_PAGE.rae) === 1,
      offset,
      length: (numd + 1) * 4,
    };
    const bytes = page.read(req);
    if (typeof bytes === 'number') return bytes;
    const st = sendToHost(ctx, bytes, req.length);
    if (st !== 0) return st;
    if (!req.rae) {
      page.consume?.(req);
      // Re-arms the events that name this page (a no-op for pages without events).
      ctx.ctrl.events.logRead(lid);
    }
    return 0;
  };
}
