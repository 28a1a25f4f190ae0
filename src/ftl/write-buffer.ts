// The host write buffer: fixed 4 KiB slots (allocated once), a FIFO of slots waiting for the
// writer, and flush epochs. A write is acknowledged once its data is in a slot (the L2P then
// points at the slot); the writer drains the FIFO in ws_opt units; a slot is freed when its
// sector is on the media and readable there (mw_cunits later writes to its chunk).
//
// Flush: every slot carries the epoch it was filled in; flush() closes the current epoch and
// waits until no slot of that epoch or an older one is still unwritten.

export const SlotState = { FREE: 0, QUEUED: 1, INFLIGHT: 2, PINNED: 3 } as const;
export type SlotState = (typeof SlotState)[keyof typeof SlotState];

export class WriteBuffer {
  readonly data: Uint8Array;
  readonly lba: Uint32Array;
  /** paddr the slot was written to (valid in PINNED). */
  readonly paddr: Uint32Array;
  readonly state: Uint8Array;
  readonly epoch: Uint32Array;
  /** 1 for slots filled by GC. */
  readonly gc: Uint8Array;
  /** GC slots: the line the sector was moved from (-1 for user data). */
  readonly victim: Int32Array;
  private readonly free: Int32Array;
  private freeTop: number;
  private readonly ring: Int32Array;
  private head = 0;
  queued = 0;
  /** Unwritten (queued or in flight) slots per epoch. */
  private readonly pending = new Map<number, number>();
  currentEpoch = 0;

  constructor(readonly slots: number) {
    this.data = new Uint8Array(slots * 4096);
    this.lba = new Uint32Array(slots);
    this.paddr = new Uint32Array(slots);
    this.state = new Uint8Array(slots);
    this.epoch = new Uint32Array(slots);
    this.gc = new Uint8Array(slots);
    this.victim = new Int32Array(slots).fill(-1);
    this.free = new Int32Array(slots);
    for (let i = 0; i < slots; i++) this.free[i] = slots - 1 - i;
    this.freeTop = slots;
    this.ring = new Int32Array(slots);
  }

  get freeSlots(): number {
    return this.freeTop;
  }

  /** Takes a free slot and queues it for `lba` (caller checked freeSlots > 0 and copies the data). */
  fill(lba: number, gc: boolean): number {
    const s = this.free[--this.freeTop]!;
    this.lba[s] = lba;
    this.gc[s] = gc ? 1 : 0;
    this.state[s] = SlotState.QUEUED;
    this.epoch[s] = this.currentEpoch;
    this.pending.set(this.currentEpoch, (this.pending.get(this.currentEpoch) ?? 0) + 1);
    this.ring[(this.head + this.queued) % this.slots] = s;
    this.queued++;
    return s;
  }

  dequeue(): number {
    const s = this.ring[this.head]!;
    this.head = (this.head + 1) % this.slots;
    this.queued--;
    this.state[s] = SlotState.INFLIGHT;
    return s;
  }

  /** Puts a slot whose write failed back at the head of the FIFO (it keeps its epoch). */
  requeueFront(s: number): void {
    this.head = (this.head - 1 + this.slots) % this.slots;
    this.ring[this.head] = s;
    this.queued++;
    this.state[s] = SlotState.QUEUED;
  }

  /** The slot's sector is on the media (or no longer needed there): its epoch no longer waits for it. */
  written(s: number): void {
    const e = this.epoch[s]!;
    const n = (this.pending.get(e) ?? 1) - 1;
    if (n <= 0) this.pending.delete(e);
    else this.pending.set(e, n);
  }

  pin(s: number, paddr: number): void {
    this.state[s] = SlotState.PINNED;
    this.paddr[s] = paddr;
  }

  release(s: number): void {
    this.state[s] = SlotState.FREE;
    this.free[this.freeTop++] = s;
  }

  /** Closes the current epoch; returns it. */
  closeEpoch(): number {
    return this.currentEpoch++;
  }

  /** Whether every slot of epoch `e` and older is written. */
  settled(e: number): boolean {
    for (const k of this.pending.keys()) if (k <= e) return false;
    return true;
  }

  slotData(s: number): Uint8Array {
    return this.data.subarray(s * 4096, s * 4096 + 4096);
  }
}
