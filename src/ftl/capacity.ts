// The user capacity of a target, by pblk's rule (pblk-init.c pblk_set_provision), so a target
// made the tutorial's way reports the size the tutorial shows. Two rules:
//
//   '4.20' (Linux 4.13 .. 4.20, the default): over-provisioning `op` % (default 11, `-o`), then
//          the metadata of every line taken off whole chunks:
//            provisioned = floor(freeChunks x (100 - op) / 100)
//            blkMeta     = ceil((smetaSectors + emetaSectors) x lines / clba)
//            capacity    = (provisioned - blkMeta) x clba sectors
//   '4.12' (the tutorial's kernel): a fixed 20 % and no metadata term:
//            capacity    = floor(freeChunks x 80 / 100) x clba sectors
//
// The tutorial device (16 LUNs x 3 dual-plane blocks of 512 x 4 x 4 KiB) with a target on LUNs
// 0-3 has 12 free chunks of 4096 sectors in 3 lines: both rules give 9 chunks = 144 MiB.

export const DEFAULT_OP = 11;
export type CapacityRule = '4.12' | '4.20';
export const CAPACITY_RULES: readonly CapacityRule[] = ['4.12', '4.20'];

export interface CapacityInput {
  /** Good (not offline) chunks in the target's lines that can hold data. */
  readonly freeChunks: number;
  /** Lines that can be used. */
  readonly lines: number;
  /** Sectors per chunk. */
  readonly clba: number;
  /** smeta sectors of one line. */
  readonly smetaSectors: number;
  /** emeta sectors of a full line. */
  readonly emetaSectors: number;
  /** Over-provisioning in percent (rule 4.20 only). */
  readonly op: number;
  readonly rule: CapacityRule;
}

/** User capacity in 4 KiB sectors; 0 when the target is too small for its metadata. */
export function pblkCapacity(c: CapacityInput): number {
  if (c.rule === '4.12') return Math.floor((c.freeChunks * 80) / 100) * c.clba;
  const provisioned = Math.floor((c.freeChunks * (100 - c.op)) / 100);
  const blkMeta = Math.ceil(((c.smetaSectors + c.emetaSectors) * c.lines) / c.clba);
  return Math.max(0, provisioned - blkMeta) * c.clba;
}

/** Checks an over-provisioning value; the message names the option. */
export function checkOp(op: number): string | undefined {
  if (!Number.isInteger(op) || op < 1 || op > 90) return `over-provisioning (-o) ${op}: allowed 1..90 percent`;
  return undefined;
}
