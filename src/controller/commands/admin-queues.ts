// Queue-level admin commands: Create / Delete I/O Submission and Completion Queues (carried out by
// the transport's QueueAdmin; a fabrics controller has none, so they are Invalid Opcode there),
// Abort, Asynchronous Event Request and Keep Alive.
import { ABORT, CREATE_IO_CQ, CREATE_IO_SQ, DELETE_IO_QUEUE, Psdt, getBits } from '../../spec/index.js';
import { DEFERRED } from '../command.js';
import type { Controller } from '../controller.js';
import { S } from '../statuses.js';
import type { AdminContext } from './admin-common.js';

/**
 * Allocations (ctrl.grantedQueues objects) under which an I/O queue was created. A controller
 * reset drops ctrl.grantedQueues, which unlocks Number of Queues again without a hook.
 */
const locked = new WeakSet<object>();

/** An I/O queue was created since the last reset: Number of Queues may no longer change. */
export function ioQueuesExist(ctrl: Controller): boolean {
  return ctrl.grantedQueues !== undefined && locked.has(ctrl.grantedQueues);
}

function noteIoQueueCreated(ctrl: Controller): void {
  // Without a Set Features Number of Queues the default allocation is the one in force.
  const max = ctrl.config.maxIoQueues - 1;
  ctrl.grantedQueues ??= { sq: max, cq: max };
  locked.add(ctrl.grantedQueues);
}

export function createIoCq(ctx: AdminContext): number {
  const queues = ctx.ctrl.queues;
  if (queues === undefined) return S.INVALID_OPCODE;
  const sqe = ctx.sqe;
  // Queue memory is given by PRP1 alone.
  if (sqe.psdt !== Psdt.PRP) return S.INVALID_FIELD;
  const cdw10 = sqe.cdw10;
  const cdw11 = sqe.cdw11;
  const qid = getBits(cdw10, CREATE_IO_CQ.qid);
  const granted = ctx.ctrl.grantedQueues;
  if (granted !== undefined && qid > granted.cq + 1) return S.INVALID_QID;
  const st = queues.createCq(
    qid,
    getBits(cdw10, CREATE_IO_CQ.qsize) + 1,
    sqe.prp1,
    getBits(cdw11, CREATE_IO_CQ.pc) === 1,
    getBits(cdw11, CREATE_IO_CQ.ien) === 1,
    getBits(cdw11, CREATE_IO_CQ.iv),
  );
  if (st === 0) noteIoQueueCreated(ctx.ctrl);
  return st;
}

export function createIoSq(ctx: AdminContext): number {
  const queues = ctx.ctrl.queues;
  if (queues === undefined) return S.INVALID_OPCODE;
  const sqe = ctx.sqe;
  if (sqe.psdt !== Psdt.PRP) return S.INVALID_FIELD;
  const cdw10 = sqe.cdw10;
  const cdw11 = sqe.cdw11;
  const qid = getBits(cdw10, CREATE_IO_SQ.qid);
  const granted = ctx.ctrl.grantedQueues;
  if (granted !== undefined && qid > granted.sq + 1) return S.INVALID_QID;
  // QPRIO matters only to weighted round robin; arbitration is round robin (CC.AMS 0).
  const st = queues.createSq(qid, getBits(cdw10, CREATE_IO_SQ.qsize) + 1, sqe.prp1, getBits(cdw11, CREATE_IO_SQ.pc) === 1, getBits(cdw11, CREATE_IO_SQ.cqid), 0);
  if (st === 0) noteIoQueueCreated(ctx.ctrl);
  return st;
}

export function deleteIoSq(ctx: AdminContext): number {
  const queues = ctx.ctrl.queues;
  return queues === undefined ? S.INVALID_OPCODE : queues.deleteSq(getBits(ctx.sqe.cdw10, DELETE_IO_QUEUE.qid));
}

export function deleteIoCq(ctx: AdminContext): number {
  const queues = ctx.ctrl.queues;
  return queues === undefined ? S.INVALID_OPCODE : queues.deleteCq(getBits(ctx.sqe.cdw10, DELETE_IO_QUEUE.qid));
}

/**
 * Aborts complete at once, so the Abort Command Limit (outstanding aborts) is never reached.
 * DW0 bit 0 = 1: the command was not aborted (it already ran, or there are no memory queues).
 */
export function abort(ctx: AdminContext): number {
  const sqid = getBits(ctx.sqe.cdw10, ABORT.sqid);
  const cid = getBits(ctx.sqe.cdw10, ABORT.cid);
  ctx.result.dw0 = ctx.ctrl.queues?.abort(sqid, cid) === true ? 0 : 1;
  return 0;
}

/** Parks the request until an event completes it (through ctrl.onDeferredComplete). */
export function asyncEventRequest(ctx: AdminContext): number {
  return ctx.ctrl.events.request(ctx.sqe.cid) ? DEFERRED : S.AER_LIMIT_EXCEEDED;
}

export function keepAlive(ctx: AdminContext): number {
  ctx.ctrl.lastKeepAlive = ctx.ctrl.clock.now();
  return 0;
}
