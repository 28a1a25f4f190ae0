// spec/: byte layouts, opcodes, status codes and names from the specifications. No logic
// beyond the generic layout codec.
export * from './layout.js';
export * from './nvme/index.js';
export * from './ocssd/index.js';
export * from './nvme-tcp/index.js';
export * from './nbd.js';
