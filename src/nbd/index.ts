// nbd/: the NBD server. Exports BlockVolumes (FTL volumes, conventional namespaces) by name over
// the fixed-newstyle protocol with simple or structured replies.
export { NbdServer, NBD_DEFAULT_LIMITS, type NbdServerOptions } from './server.js';
export { NbdExport, type NbdExportOptions, type NbdExportStats } from './export.js';
export type { ConnectionLimits, Log } from './connection.js';
export { NbdStreamParser, PARSER_STATE_NAMES, PARSER_TRANSITIONS, type ParserState, type ParserSink, type NbdRequest, type ParserLimits } from './stream-parser.js';
export { BufferPool } from './buffer-pool.js';
