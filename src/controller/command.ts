// What a command set is: an opcode-keyed table of handlers with their effects. The same tables
// answer "is this opcode supported", build the Commands Supported and Effects log, and set
// OACS/ONCS, so a new personality is a new table, not a new `if` (DESIGN.md rule 1).
//
// Handlers parse, execute and return a status value (15-bit raw form, see spec/nvme/status.ts);
// they never throw for a bad command. A thrown error is an emulator bug: the dispatcher maps it
// to Internal Error and logs it.
import type { DataMover } from './data-mover.js';
import type { Namespace } from './namespace.js';
import type { SqeView } from './sqe-view.js';

/** Returned by a handler that completes later (Asynchronous Event Request). */
export const DEFERRED = -1;

/** Commands Supported and Effects log entry bits (Log 0x05). */
export const Effect = {
  CSUPP: 1 << 0,
  /** Logical block content change. */
  LBCC: 1 << 1,
  /** Namespace capability change. */
  NCC: 1 << 2,
  /** Namespace inventory change. */
  NIC: 1 << 3,
  /** Controller capability change. */
  CCC: 1 << 4,
  /** Command submission and execution: 1 = no other command to the same namespace, 2 = to any namespace. */
  CSE_NS: 1 << 16,
  CSE_ALL: 2 << 16,
} as const;

/** How the dispatcher checks CDW1.NSID before calling the handler. */
export type NsidUse =
  /** The command ignores NSID. */
  | 'none'
  /** NSID must name an active namespace (the handler gets ctx.ns). */
  | 'active'
  /** An active namespace, or 0xFFFFFFFF for all (Flush, Format, Get Log Page ...). */
  | 'active-or-all'
  /** Any value; the handler checks it (Identify, Get/Set Features). */
  | 'handler';

export interface CommandResult {
  /** Completion dwords 0 and 1 (command specific). */
  dw0: number;
  dw1: number;
  /** Emulated time (ns) at which the command completes; the queue engine posts it then. */
  completesAt: number;
}

export interface CommandContext<C = unknown> {
  readonly sqe: SqeView;
  /** 0 for the admin queue. */
  readonly sqid: number;
  readonly data: DataMover;
  /** Written by the handler; zeroed by the dispatcher before each command. */
  readonly result: CommandResult;
  /** The active namespace named by NSID (set by the dispatcher for NsidUse 'active'). */
  ns: Namespace | undefined;
  /** The controller (typed by the command set that uses it). */
  readonly ctrl: C;
}

export type Handler<C = unknown> = (ctx: CommandContext<C>) => number;

export interface CommandDef<C = unknown> {
  readonly opcode: number;
  readonly name: string;
  /** Method syntax on purpose: tables typed for a narrower controller view still fit CommandTable. */
  handler(ctx: CommandContext<C>): number;
  /** Commands Supported and Effects bits (CSUPP is added for you). */
  readonly effects: number;
  readonly nsid: NsidUse;
  /** OACS (admin) or ONCS (I/O) bit this command advertises, if any. */
  readonly capability?: { readonly field: 'oacs' | 'oncs'; readonly bit: number };
}

export interface CommandSet<C = unknown> {
  readonly name: string;
  readonly queue: 'admin' | 'io';
  readonly commands: readonly CommandDef<C>[];
}

/** 256 slots, one per opcode: O(1) dispatch. */
export class CommandTable<C = unknown> {
  private readonly slots: (CommandDef<C> | undefined)[] = new Array(256).fill(undefined);

  constructor(
    readonly queue: 'admin' | 'io',
    sets: readonly CommandSet<C>[],
  ) {
    for (const set of sets) {
      if (set.queue !== queue) throw new Error(`command set ${set.name} is for the ${set.queue} queue, not ${queue}`);
      for (const def of set.commands) {
        const have = this.slots[def.opcode];
        if (have !== undefined) throw new Error(`opcode 0x${def.opcode.toString(16)} is both ${have.name} and ${def.name} (${set.name})`);
        this.slots[def.opcode] = def;
      }
    }
  }

  get(opcode: number): CommandDef<C> | undefined {
    return this.slots[opcode];
  }

  defs(): CommandDef<C>[] {
    return this.slots.filter((d): d is CommandDef<C> => d !== undefined);
  }

  /** The Commands Supported and Effects entries of this table (256 u32). */
  effects(): Uint32Array {
    const out = new Uint32Array(256);
    for (const d of this.defs()) out[d.opcode] = (d.effects | Effect.CSUPP) >>> 0;
    return out;
  }

  /** OACS or ONCS as the table's commands advertise it. */
  capability(field: 'oacs' | 'oncs'): number {
    let v = 0;
    for (const d of this.defs()) if (d.capability?.field === field) v |= 1 << d.capability.bit;
    return v;
  }
}
