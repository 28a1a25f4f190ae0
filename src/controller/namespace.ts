// What the controller needs of a namespace, whatever its personality (conventional NVM, OCSSD
// 1.2, OCSSD 2.0, later ZNS). A personality is a Namespace implementation plus its command
// table; the controller core never branches on the kind.
import type { CommandTable } from './command.js';

export type NamespaceKind = 'nvm' | 'ocssd12' | 'ocssd20' | 'zns';

export interface Namespace {
  readonly nsid: number;
  readonly kind: NamespaceKind;
  /** Command Set Identifier (0 NVM, 2 ZNS); OCSSD namespaces are NVM namespaces with vendor opcodes. */
  readonly csi: number;
  /** The I/O commands this namespace accepts. */
  readonly io: CommandTable;
  /** Size in logical blocks (NSZE) and bytes of one logical block's data, for lists and SMART. */
  readonly nsze: number;
  readonly lbaSize: number;
  /** Fills the 4096-byte Identify Namespace structure (CNS 0); `buf` arrives zeroed. */
  identify(buf: Uint8Array): void;
  /** Fills the I/O-command-set-specific Identify Namespace (CNS 5) for `csi`; false if none. */
  identifyCsi?(csi: number, buf: Uint8Array): boolean;
  /** NGUID and EUI64 for the identification descriptor list (CNS 3). */
  readonly nguid: Uint8Array;
  readonly eui64: Uint8Array;
  /** Makes completed writes durable (Flush; FUA). */
  flush(): void;
  /**
   * Format NVM: switch to LBA format `lbaf` and erase per `ses` (0 none, 1 user data, 2
   * cryptographic). Returns 0 or a status (Invalid Format when the format is not offered).
   */
  format?(lbaf: number, ses: number): number;
  /**
   * Fills the 4096-byte Open-Channel identity returned by admin 0xE2 (the 1.2 Device
   * Identification or the 2.0 Geometry); `buf` arrives zeroed. Only OCSSD namespaces have it.
   */
  ocssdIdentity?(buf: Uint8Array): void;
  close(): void;
}
