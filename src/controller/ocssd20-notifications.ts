// The OCSSD 2.0 Chunk Notification log (LID 0xD0) of one namespace: entries the device queues
// when a chunk's wear index leaves the WIT band, a chunk goes offline, or a read reports high
// ECC or an unrecoverable sector (specs.md 2.4). The log holds the entries the host has not yet
// consumed, oldest first; a read without RAE consumes the ones it returned. At most 64 are kept
// (the log is 4096 bytes, as QEMU's ring); past that the oldest is dropped, and the host sees the
// gap in the notification count (NC), which keeps counting from 1.
import { OCSSD20_CHUNK_NOTIFICATION, OCSSD20_CHUNK_NOTIFICATION_SIZE, encode } from '../spec/index.js';

export const MAX_CHUNK_NOTIFICATIONS = 64;

export interface ChunkNotification {
  readonly nc: number;
  readonly lba: number;
  readonly state: number;
  readonly mask: number;
  readonly nlb0: number;
}

export class ChunkNotifications {
  private readonly unread: ChunkNotification[] = [];
  private nc = 0;
  /** Entries the last read returned: what a consuming read removes. */
  private returned = 0;
  /** A notification arrived since the last takeEvent(): the command path raises the AEN. */
  private event = false;

  constructor(private readonly nsid: number) {}

  get count(): number {
    return this.nc;
  }

  get pending(): readonly ChunkNotification[] {
    return this.unread;
  }

  add(lba: number, state: number, mask: number, nlb0 = 0): void {
    this.nc++;
    if (this.unread.length >= MAX_CHUNK_NOTIFICATIONS) this.unread.shift();
    this.unread.push({ nc: this.nc, lba, state, mask, nlb0 });
    this.event = true;
  }

  /** True once per batch of new notifications (the caller posts one Asynchronous Event). */
  takeEvent(): boolean {
    const e = this.event;
    this.event = false;
    return e;
  }

  /** The whole log (4096 bytes): unread entries, then zeros. */
  log(): Uint8Array {
    const out = new Uint8Array(MAX_CHUNK_NOTIFICATIONS * OCSSD20_CHUNK_NOTIFICATION_SIZE);
    this.unread.forEach((n, i) =>
      encode(OCSSD20_CHUNK_NOTIFICATION, { nc: BigInt(n.nc), lba: BigInt(n.lba), nsid: this.nsid, state: n.state, mask: n.mask, nlb0: n.nlb0 }, out, i * OCSSD20_CHUNK_NOTIFICATION_SIZE),
    );
    this.returned = this.unread.length;
    return out;
  }

  /** After a read without RAE: the entries it returned are gone. */
  consume(): void {
    this.unread.splice(0, this.returned);
    this.returned = 0;
  }
}
