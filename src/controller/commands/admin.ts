// The NVMe admin command set as one opcode table (DESIGN.md rule 1). The handlers live in the
// admin-*.ts files named after what they own; this file only says which opcode runs what, with
// which NSID rule, effects (Commands Supported and Effects log) and OACS bit.
//
// Extensions: a personality that brings log pages (OCSSD 2.0: 0xCA chunk information, 0xD0 chunk
// notification) or CSI-specific Identify Controller structures (ZNS) builds its controller's admin
// set with createAdminCommands({ logPages, controllerCsi }) instead of ADMIN_COMMANDS. The
// extension is per controller and declared once, like the command sets themselves; nothing is
// registered globally, so two controllers of different personalities in one process stay apart.
import { ADMIN_OPCODE_NAMES, AdminOpcode, OACS } from '../../spec/index.js';
import { Effect, type CommandDef, type CommandSet, type Handler, type NsidUse } from '../command.js';
import type { Controller } from '../controller.js';
import { formatNvm } from './admin-format.js';
import { featureHandlers, type FeatureDef } from './admin-features.js';
import { identifyHandler, type IdentifyExtensions } from './admin-identify.js';
import { getLogPageHandler, logPageTable, type LogPageDef } from './admin-logs.js';
import { abort, asyncEventRequest, createIoCq, createIoSq, deleteIoCq, deleteIoSq, keepAlive } from './admin-queues.js';

export type { LogPageDef, LogRequest } from './admin-logs.js';
export { BASE_LOG_PAGES, sliceLog } from './admin-logs.js';
export type { ControllerCsiFiller } from './admin-identify.js';
export { storeGet, storeSet, type FeatureDef, type FeatureOps } from './admin-features.js';

export interface AdminExtensions extends IdentifyExtensions {
  /** Log pages beyond the base ones (LIDs must not repeat). */
  readonly logPages?: readonly LogPageDef[];
  /** Features beyond the base ones (FIDs must not repeat). */
  readonly features?: readonly FeatureDef[];
}

const def = (opcode: number, handler: Handler<Controller>, nsid: NsidUse, effects = 0, capability?: CommandDef['capability']): CommandDef<Controller> => ({
  opcode,
  name: ADMIN_OPCODE_NAMES[opcode]!,
  handler,
  nsid,
  effects,
  ...(capability !== undefined ? { capability } : {}),
});

export function createAdminCommands(ext: AdminExtensions = {}): CommandSet<Controller> {
  const O = AdminOpcode;
  const features = featureHandlers(ext.features);
  return {
    name: 'NVMe admin',
    queue: 'admin',
    commands: [
      def(O.DELETE_IO_SQ, deleteIoSq, 'none'),
      def(O.CREATE_IO_SQ, createIoSq, 'none'),
      def(O.GET_LOG_PAGE, getLogPageHandler(logPageTable(ext.logPages)), 'handler'),
      def(O.DELETE_IO_CQ, deleteIoCq, 'none'),
      def(O.CREATE_IO_CQ, createIoCq, 'none'),
      def(O.IDENTIFY, identifyHandler(ext), 'handler'),
      def(O.ABORT, abort, 'none'),
      // Number of Queues and Volatile Write Cache change what the controller offers.
      def(O.SET_FEATURES, features.set, 'handler', Effect.CCC),
      def(O.GET_FEATURES, features.get, 'handler'),
      def(O.ASYNC_EVENT_REQUEST, asyncEventRequest, 'none'),
      def(O.KEEP_ALIVE, keepAlive, 'none'),
      // Changes block contents and namespace capabilities; nothing else may run meanwhile.
      def(O.FORMAT_NVM, formatNvm, 'active-or-all', Effect.LBCC | Effect.NCC | Effect.NIC | Effect.CSE_ALL, { field: 'oacs', bit: OACS.format.shift }),
    ],
  };
}

/** The base admin command set with the base log pages. */
export const ADMIN_COMMANDS: CommandSet<Controller> = createAdminCommands();
