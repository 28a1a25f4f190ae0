// What the admin handlers share: the statuses they return beyond the core's, the NSID rule QEMU
// applies (hw/nvme/ctrl.c nvme_nsid_valid), the device's fixed thermal identity, and one way to
// move a controller-built structure to or from the host.
import { CommandSpecificStatus as CS, SCT, status } from '../../spec/index.js';
import type { CommandContext } from '../command.js';
import { ALL_NAMESPACES, type Controller } from '../controller.js';
import { Direction } from '../data-mover.js';

export type AdminContext = CommandContext<Controller>;

const dnr = { dnr: true };

/** Admin statuses the core's S table does not hold (all final: DNR). */
export const AS = {
  INVALID_LOG_PAGE: status(SCT.COMMAND_SPECIFIC, CS.INVALID_LOG_PAGE, dnr),
  INVALID_FORMAT: status(SCT.COMMAND_SPECIFIC, CS.INVALID_FORMAT, dnr),
  FEATURE_NOT_SAVEABLE: status(SCT.COMMAND_SPECIFIC, CS.FEATURE_ID_NOT_SAVEABLE, dnr),
  FEATURE_NOT_CHANGEABLE: status(SCT.COMMAND_SPECIFIC, CS.FEATURE_NOT_CHANGEABLE, dnr),
  FEATURE_NOT_NAMESPACE_SPECIFIC: status(SCT.COMMAND_SPECIFIC, CS.FEATURE_NOT_NAMESPACE_SPECIFIC, dnr),
  IO_COMMAND_SET_COMBINATION_REJECTED: status(SCT.COMMAND_SPECIFIC, CS.IO_COMMAND_SET_COMBINATION_REJECTED, dnr),
} as const;

/** Composite temperature the device reports, Kelvin (the original's 0x143 = 50 °C). */
export const COMPOSITE_TEMPERATURE = 0x143;
/** CCTEMP, Kelvin (QEMU's 100 °C). WCTEMP is the default over-temperature threshold. */
export const CRITICAL_TEMPERATURE = 0x175;

/** An NSID a command may name: 1..NN or 0xFFFFFFFF (QEMU nvme_nsid_valid). */
export function nsidValid(ctrl: Controller, nsid: number): boolean {
  return nsid !== 0 && (nsid === ALL_NAMESPACES || nsid <= ctrl.nn);
}

const ZEROES = new Uint8Array(4096);

/**
 * Sends `src` as the command's controller-to-host data of `length` bytes (default: all of src).
 * Bytes the host asked for past the end of `src` are zeros, so a host never reads stale memory.
 */
export function sendToHost(ctx: AdminContext, src: Uint8Array, length = src.length): number {
  const d = ctx.data;
  const st = d.prepare(ctx.sqe, length, Direction.TO_HOST);
  if (st !== 0) return st;
  const n = Math.min(src.length, length);
  let s = n > 0 ? d.toHost(src, 0, 0, n) : 0;
  for (let at = n; s === 0 && at < length; at += ZEROES.length) s = d.toHost(ZEROES, 0, at, Math.min(ZEROES.length, length - at));
  return s;
}

/** Fills `dst` with the command's host-to-controller data. */
export function receiveFromHost(ctx: AdminContext, dst: Uint8Array): number {
  const d = ctx.data;
  return d.prepare(ctx.sqe, dst.length, Direction.FROM_HOST) || d.fromHost(dst, 0, 0, dst.length);
}
