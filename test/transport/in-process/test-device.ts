// The device the transport and host tests drive: a Controller (the real admin and NVM command
// sets) with one or more conventional namespaces over MemoryStores and a QueueEngine, built by a
// DeviceFactory so the same module serves the same-thread mode (imported) and the worker mode
// (imported by URL in the worker). Test-only additions: vendor admin commands, and an optional
// latency added to every I/O command's completion time.
import { writeFileSync } from 'node:fs';
import { MemoryStore, VirtualClock } from '../../../src/media/index.js';
import { CommandTable, DEFERRED, type CommandDef, type CommandSet } from '../../../src/controller/command.js';
import { Controller } from '../../../src/controller/controller.js';
import { Direction } from '../../../src/controller/data-mover.js';
import { QueueEngine } from '../../../src/controller/queue-engine.js';
import type { DeviceEnvironment, InProcessDevice } from '../../../src/transport/index.js';
import { ADMIN_COMMANDS } from '../../../src/controller/commands/admin.js';
import { ConventionalNamespace, NVM_COMMANDS } from '../../../src/controller/index.js';
import { regionOf, lbaFormats } from '../../../src/controller/conventional-region.js';

export interface TestDeviceArgs {
  /** Logical blocks per namespace (default 8192). */
  readonly blocks?: number;
  readonly lbaSize?: number;
  readonly namespaces?: number;
  /** CAP.MQES (0's based max queue entries). */
  readonly mqes?: number;
  readonly maxIoQueues?: number;
  readonly mdts?: number;
  /** A file the device writes when it is closed (to observe a clean shutdown from the host). */
  readonly closeMarker?: string;
  /** Emulated latency of every Read / Write (ns): completions are posted at their time. */
  readonly latencyNs?: number;
  /** Run on a virtual clock the transport advances (else wall clock). */
  readonly virtualClock?: boolean;
  /** close() throws (a device that cannot flush). */
  readonly failClose?: boolean;
}

/** This module's URL, for InProcessTransport.worker({ module: TEST_DEVICE_MODULE, exportName: 'createTestDevice' }). */
export const TEST_DEVICE_MODULE = new URL(import.meta.url);

/** Vendor admin opcodes of the test device (0xC0+ is vendor space). */
export const TestOpcode = {
  /** Never completes (a DEFERRED command that nothing finishes): for timeouts and aborts. */
  HANG: 0xc0,
  /** Worker mode: ends the device thread with exit code CDW10. */
  EXIT: 0xc4,
  /** Throws outside the controller's handler guard (an uncaught device exception). */
  THROW: 0xc8,
  /** Host to controller: keeps CDW10 bytes of data and CDW11 bytes of metadata (MPTR). */
  STASH: 0xc5,
  /** Controller to host: gives them back. */
  UNSTASH: 0xc6,
} as const;

function testVendor(): CommandSet<Controller> {
  let data = new Uint8Array(0);
  let meta = new Uint8Array(0);
  return {
    name: 'test vendor',
    queue: 'admin',
    commands: [
      {
        opcode: TestOpcode.STASH,
        name: 'Stash',
        nsid: 'none',
        effects: 0,
        handler: (ctx) => {
          data = new Uint8Array(ctx.sqe.cdw10);
          meta = new Uint8Array(ctx.sqe.cdw11);
          const d = ctx.data;
          return d.prepare(ctx.sqe, data.length, Direction.FROM_HOST) || d.fromHost(data, 0, 0, data.length) || d.prepareMeta(ctx.sqe, meta.length, Direction.FROM_HOST) || d.metaFromHost(meta, 0, 0, meta.length);
        },
      },
      {
        opcode: TestOpcode.UNSTASH,
        name: 'Unstash',
        nsid: 'none',
        effects: 0,
        handler: (ctx) => {
          const d = ctx.data;
          return d.prepare(ctx.sqe, data.length, Direction.TO_HOST) || d.toHost(data, 0, 0, data.length) || d.prepareMeta(ctx.sqe, meta.length, Direction.TO_HOST) || d.metaToHost(meta, 0, 0, meta.length);
        },
      },
      { opcode: TestOpcode.HANG, name: 'Hang', nsid: 'none', effects: 0, handler: () => DEFERRED },
      { opcode: TestOpcode.EXIT, name: 'Exit', nsid: 'none', effects: 0, handler: (ctx) => process.exit(ctx.sqe.cdw10) },
      {
        opcode: TestOpcode.THROW,
        name: 'Throw',
        nsid: 'none',
        effects: 0,
        handler: () => {
          queueMicrotask(() => {
            throw new Error('test device exploded');
          });
          return 0;
        },
      },
    ],
  };
}

export function createTestDevice(args: TestDeviceArgs, env: DeviceEnvironment): InProcessDevice {
  const lbaSize = args.lbaSize ?? 512;
  const blocks = args.blocks ?? 8192;
  const clock = args.virtualClock === true ? new VirtualClock() : undefined;
  const io = ioTable(args.latencyNs ?? 0);
  const ctrl = new Controller({
    ...(clock !== undefined ? { clock } : {}),
    admin: [ADMIN_COMMANDS, testVendor()],
    io,
    config: { vwc: true, mqes: args.mqes ?? 0x7ff, maxIoQueues: args.maxIoQueues ?? 63, ...(args.mdts !== undefined ? { mdts: args.mdts } : {}) },
    log: () => {},
  });
  let flushes = 0;
  const namespaces: ConventionalNamespace[] = [];
  for (let nsid = 1; nsid <= (args.namespaces ?? 1); nsid++) {
    const { bytes, lbaIndex } = regionFor(blocks, lbaSize);
    const ns = new ConventionalNamespace({ nsid, store: new MemoryStore(bytes), offset: 0, bytes, nlbaf: lbaIndex + 1, lbaIndex, serial: 'OCSSD0001', io, ownsStore: true });
    const flush = ns.flush.bind(ns);
    ns.flush = () => {
      flushes++;
      flush();
    };
    namespaces.push(ns);
    ctrl.attachNamespace(ns);
  }
  const engine = new QueueEngine(ctrl, { memory: env.memory, onInterrupt: env.onInterrupt });
  return {
    engine,
    ...(clock !== undefined ? { advance: (t: number) => clock.advanceTo(t) } : {}),
    close() {
      if (args.failClose === true) throw new Error('the test device could not flush');
      const flushed = flushes;
      ctrl.close();
      if (args.closeMarker !== undefined) writeFileSync(args.closeMarker, JSON.stringify({ closed: true, flushed }));
    },
  };
}

/** Region bytes for exactly `blocks` blocks of `lbaSize` (512 B x 2^k) after the header and block state. */
function regionFor(blocks: number, lbaSize: number): { bytes: number; lbaIndex: number } {
  const lbaIndex = Math.log2(lbaSize / 512);
  if (!Number.isInteger(lbaIndex) || lbaIndex < 0) throw new RangeError(`lbaSize ${lbaSize}: allowed 512 x 2^k`);
  const formats = lbaFormats(lbaIndex + 1, 0);
  let state = 0;
  for (;;) {
    const bytes = blocks * lbaSize + state;
    const r = regionOf(0, bytes, lbaIndex + 1, 0, formats);
    if (r.stateBytes === state) return { bytes, lbaIndex };
    state = r.stateBytes;
  }
}

/** The NVM command set, with `latencyNs` added to each command's completion time. */
function ioTable(latencyNs: number): CommandTable {
  if (latencyNs === 0) return new CommandTable('io', [NVM_COMMANDS as CommandSet]);
  const slow: CommandSet = {
    ...(NVM_COMMANDS as CommandSet),
    commands: NVM_COMMANDS.commands.map((d) => ({
      ...(d as CommandDef),
      handler: (ctx) => {
        const st = (d.handler as CommandDef['handler'])(ctx);
        ctx.result.completesAt += latencyNs;
        return st;
      },
    })),
  };
  return new CommandTable('io', [slow]);
}

/** A factory that fails, for the worker's error path. */
export function failingDevice(): InProcessDevice {
  throw new Error('the test device refused to start');
}
