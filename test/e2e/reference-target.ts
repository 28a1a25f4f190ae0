// The reference target: Linux's own nvmet-tcp inside the guest, on a 16 MiB brd RAM disk,
// listening on the guest's loopback. The session runs against it first, so the script and the
// parsers are proven on a known-good target before they judge ocssd.

import type { SessionTarget } from './nvme-session.js';

export const REFERENCE_NQN = 'nqn.2026-12.io.ocssd:e2e-reference';
/** A subsystem with attr_allow_any_host=0 and no hosts: refuses every Connect. */
export const REFERENCE_DENY_NQN = 'nqn.2026-12.io.ocssd:e2e-reference-deny';
export const REFERENCE_BLOCKS = 32768; // 16 MiB of 512-byte LBAs (brd rd_size is in KiB)

const SETUP = `modprobe nvmet-tcp && modprobe brd rd_nr=1 rd_size=16384 || exit 1
mount -t configfs none /sys/kernel/config
C=/sys/kernel/config/nvmet; S=$C/subsystems/${REFERENCE_NQN}
mkdir $S && echo 1 > $S/attr_allow_any_host && mkdir $S/namespaces/1 || exit 1
echo -n /dev/ram0 > $S/namespaces/1/device_path && echo 1 > $S/namespaces/1/enable || exit 1
mkdir $C/ports/1 && echo tcp > $C/ports/1/addr_trtype && echo ipv4 > $C/ports/1/addr_adrfam || exit 1
echo 127.0.0.1 > $C/ports/1/addr_traddr && echo 4420 > $C/ports/1/addr_trsvcid || exit 1
ln -s $S $C/ports/1/subsystems/${REFERENCE_NQN} || exit 1
mkdir $C/subsystems/${REFERENCE_DENY_NQN} && echo 0 > $C/subsystems/${REFERENCE_DENY_NQN}/attr_allow_any_host || exit 1
ln -s $C/subsystems/${REFERENCE_DENY_NQN} $C/ports/1/subsystems/${REFERENCE_DENY_NQN} && echo "nvmet up"`;

export function referenceTarget(): SessionTarget {
  return {
    addr: '127.0.0.1',
    discoveryPort: 4420, // nvmet serves the discovery controller on every port
    ioPort: 4420,
    subsystems: [{ label: 'ref', nqn: REFERENCE_NQN, namespaces: [{ kind: 'nvm', nsid: 1, lbaBytes: 512, blocks: REFERENCE_BLOCKS, patternOffset: 1 << 20 }] }],
    refused: [{ label: 'deny', nqn: REFERENCE_DENY_NQN }],
    setup: SETUP,
  };
}
