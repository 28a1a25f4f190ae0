// A set of LBAs as a bitmap with a count, so the common case (no marks at all) costs one
// comparison per command: the Write Uncorrectable marks of an OCSSD 1.2 namespace.
export class LbaMarks {
  private readonly bits: Uint8Array;
  /** Marked LBAs. */
  count = 0;

  constructor(readonly lbas: number) {
    this.bits = new Uint8Array(Math.ceil(lbas / 8));
  }

  has(lba: number): boolean {
    return (this.bits[lba >>> 3]! & (1 << (lba & 7))) !== 0;
  }

  /** Whether any of [slba, slba + nlb) is marked. */
  any(slba: number, nlb: number): boolean {
    if (this.count === 0) return false;
    for (let l = slba; l < slba + nlb; l++) if (this.has(l)) return true;
    return false;
  }

  /** Marks (or clears) [slba, slba + nlb). */
  set(slba: number, nlb: number, on: boolean): void {
    if (!on && this.count === 0) return;
    for (let l = slba; l < slba + nlb; l++) {
      if (this.has(l) === on) continue;
      this.bits[l >>> 3] = this.bits[l >>> 3]! ^ (1 << (l & 7));
      this.count += on ? 1 : -1;
    }
  }
}
