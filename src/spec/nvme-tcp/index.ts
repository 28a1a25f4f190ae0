// spec/nvme-tcp: NVMe/TCP PDUs and the NVMe over Fabrics commands and discovery log.
export * from './pdu.js';
export * from './fabrics.js';
