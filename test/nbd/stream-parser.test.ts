// The NBD stream parser gives the same events whatever the chunking: a recorded client stream
// (flags, options, GO, requests with write payloads) fed whole, byte by byte and split at every
// point; oversized options and payloads are skipped; bad magics close it; random streams fuzz it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NbdStreamParser, PARSER_STATE_NAMES, PARSER_TRANSITIONS, type ParserSink } from '../../src/nbd/index.js';
import { NbdCommand, NbdMagic, NbdOption } from '../../src/spec/index.js';
import { concat, dv, goData, randomBytes, u32 } from './helpers.js';

function option(opt: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const h = new Uint8Array(16);
  dv(h).setBigUint64(0, NbdMagic.OPTS);
  dv(h).setUint32(8, opt);
  dv(h).setUint32(12, data.length);
  return concat(h, data);
}

function request(type: number, flags: number, cookie: bigint, offset: bigint, length: number, payload?: Uint8Array): Uint8Array {
  const h = new Uint8Array(28);
  const v = dv(h);
  v.setUint32(0, NbdMagic.REQUEST);
  v.setUint16(4, flags);
  v.setUint16(6, type);
  v.setBigUint64(8, cookie);
  v.setBigUint64(16, offset);
  v.setUint32(24, length);
  return payload === undefined ? h : concat(h, payload);
}

const LIMITS = { maxOptionLength: 64, maxPayload: 8192 };

/** Records events as strings; enters transmission on GO like the connection does. */
function recorder(): { sink: ParserSink; events: string[]; parser: NbdStreamParser } {
  const events: string[] = [];
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  let parser!: NbdStreamParser;
  const sink: ParserSink = {
    clientFlags: (f) => events.push(`flags ${f}`),
    option: (o, d) => {
      events.push(`option ${o} ${hex(d)}`);
      if (o === NbdOption.GO) parser.enterTransmission();
    },
    optionTooBig: (o, n) => events.push(`option-too-big ${o} ${n}`),
    request: (r, p) => events.push(`request ${r.type} ${r.flags} ${r.cookieHi}:${r.cookieLo} ${r.offset} ${r.length} ${p === undefined ? '-' : hex(p)}`),
    requestTooBig: (r) => events.push(`request-too-big ${r.type} ${r.cookieHi}:${r.cookieLo} ${r.length}`),
    protocolError: (m) => events.push(`error ${m}`),
    allocPayload: (n) => new Uint8Array(n),
  };
  parser = new NbdStreamParser(sink, LIMITS);
  return { sink, events, parser };
}

function feed(stream: Uint8Array, cuts: readonly number[]): string[] {
  const r = recorder();
  let at = 0;
  for (const c of [...cuts, stream.length]) {
    r.parser.push(stream.slice(at, c));
    at = c;
  }
  return r.events;
}

const STREAM = concat(
  u32(3),
  option(NbdOption.LIST),
  option(NbdOption.STRUCTURED_REPLY),
  option(NbdOption.INFO, goData('disk', [1, 3])),
  option(99, new Uint8Array(65).fill(7)), // over maxOptionLength: skipped
  option(NbdOption.GO, goData('disk', [])),
  request(NbdCommand.WRITE, 1, 0x0102030405060708n, 4096n, 10, Uint8Array.from({ length: 10 }, (_, i) => i + 1)),
  request(NbdCommand.READ, 0, 0xffffffffffffffffn, 0x1_0000_0000n, 512),
  request(NbdCommand.WRITE, 0, 7n, 0n, 9000, new Uint8Array(9000).fill(0xee)), // over maxPayload: skipped
  request(NbdCommand.FLUSH, 0, 8n, 0n, 0),
  request(NbdCommand.WRITE, 0, 9n, 8192n, 4096, randomBytes(4096, 9)),
  request(NbdCommand.DISC, 0, 10n, 0n, 0),
);

test('a recorded stream parses to the expected events', () => {
  const ev = feed(STREAM, []);
  assert.equal(ev.length, 12);
  assert.equal(ev[0], 'flags 3');
  assert.equal(ev[1], 'option 3 ');
  assert.equal(ev[2], 'option 8 ');
  assert.equal(ev[3], `option 6 ${Buffer.from(goData('disk', [1, 3])).toString('hex')}`);
  assert.equal(ev[4], 'option-too-big 99 65');
  assert.equal(ev[6], 'request 1 1 16909060:84281096 4096 10 0102030405060708090a');
  assert.equal(ev[7], 'request 0 0 4294967295:4294967295 4294967296 512 -');
  assert.equal(ev[8], 'request-too-big 1 0:7 9000');
  assert.equal(ev[9], 'request 3 0 0:8 0 0 -');
  assert.match(ev[10]!, /^request 1 0 0:9 8192 4096 [0-9a-f]{8192}$/);
  assert.equal(ev[11], 'request 2 0 0:10 0 0 -');
});

test('byte by byte, and split in two at every point, give the same events', () => {
  const whole = feed(STREAM, []);
  const bytewise = feed(STREAM, Array.from({ length: STREAM.length - 1 }, (_, i) => i + 1));
  assert.deepEqual(bytewise, whole);
  for (let cut = 0; cut <= STREAM.length; cut++) assert.deepEqual(feed(STREAM, [cut]), whole, `split at ${cut}`);
});

test('a bad option magic or request magic closes the parser; later bytes are ignored', () => {
  const bad = concat(u32(1), new Uint8Array(16).fill(0x41), option(NbdOption.LIST));
  const ev = feed(bad, [5]);
  assert.deepEqual(ev.slice(0, 1), ['flags 1']);
  assert.match(ev[1]!, /^error option request without the IHAVEOPT magic \(0x4141414141414141\)$/);
  assert.equal(ev.length, 2);

  const r = recorder();
  r.parser.push(concat(u32(1), option(NbdOption.GO, goData('', [])), new Uint8Array(28).fill(0x25)));
  assert.equal(r.parser.state, 'closed');
  assert.match(r.events.at(-1)!, /^error request without the request magic \(0x25252525\)$/);
  r.parser.push(request(NbdCommand.FLUSH, 0, 1n, 0n, 0));
  assert.equal(r.events.length, 3);
});

test('the transition table names every state and only reaches known states', () => {
  for (const [from, tos] of Object.entries(PARSER_TRANSITIONS)) {
    assert.ok(PARSER_STATE_NAMES[from as keyof typeof PARSER_STATE_NAMES], from);
    for (const to of tos) assert.ok(to in PARSER_TRANSITIONS, `${from} -> ${to}`);
  }
  assert.deepEqual(PARSER_TRANSITIONS.closed, []);
});

test('fuzz: random streams (valid prefix, then mutations and noise) parse the same at random splits and never throw', () => {
  const count = Number(process.env['OCSSD_NBD_PARSER_FUZZ_COUNT'] ?? 300);
  let x = 0x9e3779b9;
  const rnd = (n: number): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
  let errors = 0;
  for (let i = 0; i < count; i++) {
    const s = STREAM.slice(0, rnd(STREAM.length));
    for (let m = rnd(4); m > 0; m--) if (s.length > 0) s[rnd(s.length)] = rnd(256);
    const stream = concat(s, randomBytes(rnd(200), i + 1));
    const whole = feed(stream, []);
    const cuts = Array.from({ length: rnd(6) }, () => rnd(stream.length + 1)).sort((a, b) => a - b);
    assert.deepEqual(feed(stream, cuts), whole, `case ${i}, cuts ${cuts.join(',')}`);
    if (whole.some((e) => e.startsWith('error'))) errors++;
  }
  assert.ok(errors > 0, 'some fuzz cases reached a framing error');
});
