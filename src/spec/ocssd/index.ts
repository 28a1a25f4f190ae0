// spec/ocssd: Open-Channel SSD 1.2 and 2.0 as tables (identity/geometry, addresses, bad block
// table, chunk log entries, command layouts, opcodes, status codes). No behaviour beyond pure value
// helpers that pack and unpack addresses.
export * from './ocssd12-identity.js';
export * from './ocssd12-ppa.js';
export * from './ocssd12-bbt.js';
export * from './ocssd12-command.js';
export * from './ocssd12-status.js';
export * from './ocssd20-geometry.js';
export * from './ocssd20-address.js';
export * from './ocssd20-chunk.js';
export * from './ocssd20-command.js';
export * from './ocssd20-status.js';
