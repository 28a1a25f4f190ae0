// Admin 0xE2, the Open-Channel identity, shared by the OCSSD 1.2 and 2.0 admin sets: the same
// opcode returns the 1.2 Device Identification or the 2.0 Geometry, whichever the namespace
// named by NSID is (specs.md 1.2, 2.2). The namespace fills the structure.
import { Ocssd12AdminOpcode } from '../../spec/index.js';
import type { CommandDef } from '../command.js';
import type { Controller } from '../controller.js';
import { S } from '../statuses.js';
import { sendToHost, type AdminContext } from './admin-common.js';

export const OCSSD_IDENTITY_SIZE = 4096;

const buf = new Uint8Array(OCSSD_IDENTITY_SIZE);

function ocssdIdentity(ctx: AdminContext): number {
  const ns = ctx.ns!;
  // A conventional namespace on the same controller has no Open-Channel identity.
  if (ns.ocssdIdentity === undefined) return S.INVALID_NAMESPACE;
  buf.fill(0);
  ns.ocssdIdentity(buf);
  return sendToHost(ctx, buf);
}

export const OCSSD_IDENTITY_COMMAND: CommandDef<Controller> = {
  opcode: Ocssd12AdminOpcode.IDENTITY,
  name: 'Open-Channel Identity / Geometry',
  handler: ocssdIdentity,
  nsid: 'active',
  effects: 0,
};
