// The controller registers (PCIe BAR0 below the doorbells; "properties" over Fabrics) and the
// enable / reset / shutdown sequences they drive. Transport neutral: the PCIe-like queue engine
// maps MMIO to read/write, NVMe-oF maps Property Get/Set to them.
import { AQA, CAP, CC, CSTS, CapCss, CcCss, NVME_VERSION_1_4, REGISTERS, Shn, Shst, getBits, setBits } from '../spec/index.js';

export const ControllerPhase = { DISABLED: 0, READY: 1, SHUTDOWN: 2, FAILED: 3 } as const;
export type ControllerPhase = (typeof ControllerPhase)[keyof typeof ControllerPhase];
export const CONTROLLER_PHASE_NAMES: Readonly<Record<ControllerPhase, string>> = { 0: 'disabled', 1: 'ready', 2: 'shut down', 3: 'failed' };

/** What a CC write asks for. */
export const CcEvent = { ENABLE: 0, DISABLE: 1, SHUTDOWN: 2 } as const;
export type CcEvent = (typeof CcEvent)[keyof typeof CcEvent];

const D = ControllerPhase.DISABLED;
const R = ControllerPhase.READY;
const H = ControllerPhase.SHUTDOWN;
/** PHASE_TRANSITIONS[phase][event]: the next phase, or -1 when the write changes nothing. */
export const PHASE_TRANSITIONS: readonly (readonly number[])[] = [
  //         ENABLE DISABLE SHUTDOWN
  /* DISABLED */ [R, -1, H],
  /* READY */ [-1, D, H],
  /* SHUTDOWN */ [-1, D, -1],
  /* FAILED */ [-1, D, -1],
];

export interface RegisterHooks {
  /** CC.EN 0 -> 1 with valid settings: set up the admin queue; return false to fail (CSTS.CFS). */
  enable(): boolean;
  /** CC.EN 1 -> 0: controller reset (delete I/O queues, abort commands, reset features). */
  reset(): void;
  /** CC.SHN set: finish outstanding work and make data durable. */
  shutdown(): void;
}

export interface RegisterConfig {
  /** Max entries per queue, 0's based (CAP.MQES). */
  readonly mqes: number;
  /** CAP.MPSMIN/MPSMAX: memory page size 2^(12+n). */
  readonly mpsmin: number;
  readonly mpsmax: number;
  /** CAP.TO, 500 ms units. */
  readonly timeout: number;
  readonly version?: number;
  /** CAP.CSS bit 6: the controller supports I/O command sets beyond NVM (ZNS). */
  readonly ioCommandSets?: boolean;
}

const O = REGISTERS.offset;

export class ControllerRegisters {
  readonly cap: bigint;
  readonly vs: number;
  cc = 0;
  csts = 0;
  aqa = 0;
  asq = 0;
  acq = 0;
  intms = 0;
  phase: ControllerPhase = ControllerPhase.DISABLED;

  constructor(
    readonly config: RegisterConfig,
    private readonly hooks: RegisterHooks,
  ) {
    let lo = 0;
    lo = setBits(lo, CAP.mqes, config.mqes);
    lo = setBits(lo, CAP.cqr, 1); // queues must be physically contiguous: no PC=0 queues
    lo = setBits(lo, CAP.to, config.timeout);
    // CAP fields above bit 31 live in the table with dword 1.
    let hi = 0;
    const css = CapCss.NVM | (config.ioCommandSets ? CapCss.IO_COMMAND_SETS : 0);
    hi = setBits(hi, CAP.css, css);
    hi = setBits(hi, CAP.mpsmin, config.mpsmin);
    hi = setBits(hi, CAP.mpsmax, config.mpsmax);
    this.cap = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    this.vs = config.version ?? NVME_VERSION_1_4;
  }

  get enabled(): boolean {
    return (this.cc & 1) === 1;
  }

  /** Memory page size in bytes, from CC.MPS. */
  get pageSize(): number {
    return 2 ** (12 + getBits(this.cc, CC.mps));
  }

  /** Admin queue sizes in entries (AQA holds them 0's based). */
  get adminSqEntries(): number {
    return getBits(this.aqa, AQA.asqs) + 1;
  }
  get adminCqEntries(): number {
    return getBits(this.aqa, AQA.acqs) + 1;
  }

  /** Reads a register; undefined for an offset that is not a register start (Invalid Field over Fabrics). */
  read(offset: number, size: 4 | 8): bigint | undefined {
    switch (offset) {
      case O.cap:
        return size === 8 ? this.cap : this.cap & 0xffffffffn;
      case O.cap + 4:
        return size === 4 ? this.cap >> 32n : undefined;
      case O.vs:
        return BigInt(this.vs);
      case O.intms:
      case O.intmc:
        return BigInt(this.intms);
      case O.cc:
        return BigInt(this.cc);
      case O.csts:
        return BigInt(this.csts);
      case O.nssr:
        return 0n;
      case O.aqa:
        return BigInt(this.aqa);
      case O.asq:
        return size === 8 ? BigInt(this.asq) : BigInt(this.asq % 2 ** 32);
      case O.asq + 4:
        return BigInt(Math.floor(this.asq / 2 ** 32));
      case O.acq:
        return size === 8 ? BigInt(this.acq) : BigInt(this.acq % 2 ** 32);
      case O.acq + 4:
        return BigInt(Math.floor(this.acq / 2 ** 32));
      default:
        return offset >= 0 && offset < REGISTERS.size && offset % 4 === 0 ? 0n : undefined;
    }
  }

  /** Writes a register; false for a read-only or unknown one. */
  write(offset: number, size: 4 | 8, value: bigint): boolean {
    const v32 = Number(value & 0xffffffffn);
    switch (offset) {
      case O.intms:
        this.intms = (this.intms | v32) >>> 0;
        return true;
      case O.intmc:
        this.intms = (this.intms & ~v32) >>> 0;
        return true;
      case O.cc:
        this.writeCc(v32);
        return true;
      case O.aqa:
        if (this.enabled) return true; // ignored while enabled, as on real hardware
        this.aqa = v32 & 0x0fff0fff;
        return true;
      case O.asq:
      case O.acq: {
        if (this.enabled) return true;
        const v = size === 8 ? Number(value) : v32;
        const aligned = v - (v % 4096);
        if (offset === O.asq) this.asq = size === 8 ? aligned : Math.floor(this.asq / 2 ** 32) * 2 ** 32 + (aligned % 2 ** 32);
        else this.acq = size === 8 ? aligned : Math.floor(this.acq / 2 ** 32) * 2 ** 32 + (aligned % 2 ** 32);
        return true;
      }
      case O.asq + 4:
      case O.acq + 4:
        if (this.enabled) return true;
        if (offset === O.asq + 4) this.asq = (this.asq % 2 ** 32) + v32 * 2 ** 32;
        else this.acq = (this.acq % 2 ** 32) + v32 * 2 ** 32;
        return true;
      case O.nssr:
        return true; // NVM subsystem reset is not supported (CAP.NSSRS = 0): writes are ignored
      default:
        return false;
    }
  }

  private writeCc(value: number): void {
    const before = this.cc;
    this.cc = value >>> 0;
    const enBefore = (before & 1) === 1;
    const enNow = (value & 1) === 1;
    const shnNow = getBits(value, CC.shn);
    if (enBefore && !enNow) this.move(CcEvent.DISABLE);
    else if (!enBefore && enNow) this.move(CcEvent.ENABLE);
    if (shnNow !== Shn.NONE && getBits(before, CC.shn) === Shn.NONE) this.move(CcEvent.SHUTDOWN);
  }

  private move(event: CcEvent): void {
    const next = PHASE_TRANSITIONS[this.phase]![event]!;
    if (next < 0) return;
    switch (event) {
      case CcEvent.ENABLE: {
        const ok = this.validEnable() && this.hooks.enable();
        this.phase = ok ? ControllerPhase.READY : ControllerPhase.FAILED;
        this.csts = ok ? setBits(0, CSTS.rdy, 1) : setBits(0, CSTS.cfs, 1);
        return;
      }
      case CcEvent.DISABLE:
        this.hooks.reset();
        this.phase = ControllerPhase.DISABLED;
        this.csts = 0;
        return;
      case CcEvent.SHUTDOWN:
        this.csts = setBits(this.csts, CSTS.shst, Shst.OCCURRING);
        this.hooks.shutdown();
        this.csts = setBits(this.csts, CSTS.shst, Shst.COMPLETE);
        this.phase = ControllerPhase.SHUTDOWN;
        return;
    }
  }

  /** The CC settings a controller must refuse to enable with. */
  private validEnable(): boolean {
    const mps = getBits(this.cc, CC.mps);
    const css = getBits(this.cc, CC.css);
    const cssOk = css === CcCss.NVM || css === CcCss.ADMIN_ONLY || (css === CcCss.IO_COMMAND_SETS && this.config.ioCommandSets === true);
    return mps >= this.config.mpsmin && mps <= this.config.mpsmax && cssOk && getBits(this.cc, CC.ams) === 0;
  }
}
