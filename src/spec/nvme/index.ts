// spec/nvme: the NVMe base specification as tables (SQE, CQE, SGL, Identify, log pages, features,
// opcodes, status codes, controller registers). No behaviour beyond pure value helpers.
export * from './bits.js';
export * from './u128.js';
export * from './sqe.js';
export * from './cqe.js';
export * from './sgl.js';
export * from './identify-controller.js';
export * from './identify-namespace.js';
export * from './identify-lists.js';
export * from './log-pages.js';
export * from './features.js';
export * from './opcodes.js';
export * from './status.js';
export * from './registers.js';
