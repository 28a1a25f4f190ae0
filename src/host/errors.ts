// Errors the host library throws. Command statuses are values everywhere (submit, execute,
// passthrough); only the convenience helpers (read, write, identify ...) turn a non-zero status
// into an NvmeStatusError, named with the spec's status name.
import { dnrOf, scOf, sctOf, statusName } from '../spec/index.js';

export class NvmeStatusError extends Error {
  readonly sct: number;
  readonly sc: number;
  readonly dnr: boolean;

  constructor(
    /** The command, for the message: 'Read nsid 1 slba 8 nlb 4'. */
    readonly command: string,
    /** The 15-bit status (DNR<<14 | SCT<<8 | SC). */
    readonly status: number,
  ) {
    super(`${command} failed: ${statusName(status)}`);
    this.name = 'NvmeStatusError';
    this.sct = sctOf(status);
    this.sc = scOf(status);
    this.dnr = dnrOf(status);
  }
}

/** A command that was outstanding when the controller was reset, disabled or shut down. */
export class CommandAbortedError extends Error {
  constructor(reason: string) {
    super(`command aborted: ${reason}`);
    this.name = 'CommandAbortedError';
  }
}

/** No completion within the command timeout. */
export class NvmeTimeoutError extends Error {
  constructor(
    readonly qid: number,
    readonly cid: number,
    readonly opc: number,
    ms: number,
  ) {
    super(`command timed out after ${ms} ms (queue ${qid}, cid ${cid}, opcode 0x${opc.toString(16)})`);
    this.name = 'NvmeTimeoutError';
  }
}

/** The controller did not reach the state the host waited for (RDY, SHST), or reported CFS. */
export class ControllerStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControllerStateError';
  }
}
