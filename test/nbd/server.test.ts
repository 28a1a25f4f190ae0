// NbdServer over a memory BlockVolume, driven by a raw client on 127.0.0.1: the handshake's
// bytes and replies, every transmission command with its errors, pipelining with out-of-order
// replies and the in-flight bound, exports coming and going, and malformed traffic (which gets
// NBD errors or closes that connection only).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { NbdServer, type NbdServerOptions } from '../../src/nbd/index.js';
import { VolumeNoSpaceError } from '../../src/host/index.js';
import { NbdClientFlag, NbdCommand as Cmd, NbdCommandFlag as CF, NbdError as E, NbdInfo, NbdOption, NbdReply, NbdReplyFlag, NbdReplyType, NbdTransmissionFlag as TF } from '../../src/spec/index.js';
import { MemoryVolume, RawClient, type MemoryVolumeOptions, concat, dv, goData, randomBytes, u32 } from './helpers.js';

interface Rig {
  server: NbdServer;
  volume: MemoryVolume;
  logs: string[];
}

async function rig(t: TestContext, v: MemoryVolumeOptions = {}, o: NbdServerOptions = {}, exportOpts: { readOnly?: boolean; description?: string } = {}): Promise<Rig> {
  const logs: string[] = [];
  const server = new NbdServer({ port: 0, log: (m) => logs.push(m), ...o });
  const volume = new MemoryVolume({ name: 'disk', ...v });
  server.addExport(volume, exportOpts);
  await server.listen();
  t.after(() => server.close());
  return { server, volume, logs };
}

async function client(t: TestContext, port: number): Promise<RawClient> {
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  return c;
}

/** A client in transmission with `name`. */
async function transmitting(t: TestContext, port: number, name = 'disk'): Promise<RawClient> {
  const c = await client(t, port);
  await c.handshake();
  const r = await c.go(name);
  assert.equal(r.at(-1)!.type, NbdReply.ACK);
  return c;
}

test('greeting, LIST, INFO with name / description / block size, GO into transmission', async (t) => {
  const { server } = await rig(t, { size: 8 << 20 }, {}, { description: 'a test disk' });
  const c = await client(t, server.port);
  assert.equal(await c.handshake(), 3, 'FIXED_NEWSTYLE | NO_ZEROES');

  c.sendOption(NbdOption.LIST);
  const list = await c.readOptReplies();
  assert.deepEqual(list.map((r) => r.type), [NbdReply.SERVER, NbdReply.ACK]);
  assert.equal(dv(list[0]!.data).getUint32(0), 4);
  assert.equal(Buffer.from(list[0]!.data.subarray(4)).toString(), 'diska test disk');

  const info = await c.go('disk', [NbdInfo.NAME, NbdInfo.DESCRIPTION, NbdInfo.BLOCK_SIZE], NbdOption.INFO);
  assert.deepEqual(info.map((r) => r.type), [NbdReply.INFO, NbdReply.INFO, NbdReply.INFO, NbdReply.INFO, NbdReply.ACK]);
  const exp = dv(info[0]!.data);
  assert.equal(exp.getUint16(0), NbdInfo.EXPORT);
  assert.equal(exp.getBigUint64(2), 8n << 20n);
  assert.equal(exp.getUint16(10), TF.HAS_FLAGS | TF.SEND_FLUSH | TF.SEND_FUA | TF.SEND_TRIM | TF.SEND_WRITE_ZEROES | TF.CAN_MULTI_CONN);
  assert.equal(Buffer.from(info[1]!.data.subarray(2)).toString(), 'disk');
  assert.equal(Buffer.from(info[2]!.data.subarray(2)).toString(), 'a test disk');
  const bs = dv(info[3]!.data);
  assert.deepEqual([bs.getUint16(0), bs.getUint32(2), bs.getUint32(6), bs.getUint32(10)], [NbdInfo.BLOCK_SIZE, 1, 4096, 32 << 20]);

  // The empty name is the default export when there is only one.
  const go = await c.go('');
  assert.equal(go.at(-1)!.type, NbdReply.ACK);
  c.sendRequest(Cmd.READ, 0, 1n, 0, 4096);
  const r = await c.readSimple(4096);
  assert.equal(r.error, 0);
  assert.deepEqual(r.data, new Uint8Array(4096));
});

test('option errors: unknown export, unsupported and unknown options, malformed GO, LIST with data, too big', async (t) => {
  const { server } = await rig(t, {}, { maxOptionLength: 5000 });
  const c = await client(t, server.port);
  await c.handshake();
  const unknown = await c.go('nope');
  assert.equal(unknown.length, 1);
  assert.equal(unknown[0]!.type, NbdReply.ERR_UNKNOWN);
  assert.match(Buffer.from(unknown[0]!.data).toString(), /no export named 'nope' \(exports: disk\)/);
  for (const opt of [NbdOption.STARTTLS, NbdOption.SET_META_CONTEXT, NbdOption.EXTENDED_HEADERS, 0x1234]) {
    c.sendOption(opt);
    const r = await c.readOptReply();
    assert.deepEqual([r.option, r.type], [opt, NbdReply.ERR_UNSUP]);
  }
  c.sendOption(NbdOption.GO, concat(goData('disk', []), new Uint8Array(1)));
  const bad = await c.readOptReply();
  assert.equal(bad.type, NbdReply.ERR_INVALID);
  assert.match(Buffer.from(bad.data).toString(), /a 4-byte name need 10 bytes, the option has 11/);
  c.sendOption(NbdOption.GO, u32(100));
  assert.equal((await c.readOptReply()).type, NbdReply.ERR_INVALID);
  c.sendOption(NbdOption.LIST, new Uint8Array(3));
  assert.equal((await c.readOptReply()).type, NbdReply.ERR_INVALID);
  c.sendOption(NbdOption.INFO, new Uint8Array(6000));
  const big = await c.readOptReply();
  assert.deepEqual([big.option, big.type], [NbdOption.INFO, NbdReply.ERR_TOO_BIG]);
  // Still in the handshake and in step.
  assert.equal((await c.go('disk')).at(-1)!.type, NbdReply.ACK);
});

test('EXPORT_NAME: size, flags and 124 zeroes (none with NO_ZEROES); an unknown name closes', async (t) => {
  const { server } = await rig(t, { size: 1 << 20 }, {}, { readOnly: true });
  for (const noZeroes of [false, true]) {
    const c = await client(t, server.port);
    await c.handshake(NbdClientFlag.FIXED_NEWSTYLE | (noZeroes ? NbdClientFlag.NO_ZEROES : 0));
    c.sendOption(NbdOption.EXPORT_NAME, new TextEncoder().encode('disk'));
    const r = dv(await c.read(10));
    assert.equal(r.getBigUint64(0), 1n << 20n);
    assert.equal(r.getUint16(8), TF.HAS_FLAGS | TF.READ_ONLY | TF.SEND_FLUSH | TF.CAN_MULTI_CONN);
    if (!noZeroes) assert.deepEqual(await c.read(124), new Uint8Array(124));
    c.sendRequest(Cmd.FLUSH, 0, 77n, 0, 0);
    assert.deepEqual(await c.readSimple(), { error: 0, cookie: 77n });
    assert.equal(c.pendingBytes, 0);
  }
  const c = await client(t, server.port);
  await c.handshake();
  c.sendOption(NbdOption.EXPORT_NAME, new TextEncoder().encode('other'));
  assert.ok(await c.closedWithin(), 'closed on an unknown EXPORT_NAME');
});

test('ABORT is acknowledged then closed; unknown client flags close at once', async (t) => {
  const { server } = await rig(t);
  const a = await client(t, server.port);
  await a.handshake();
  a.sendOption(NbdOption.ABORT);
  const ack = await a.readOptReply();
  assert.deepEqual([ack.option, ack.type], [NbdOption.ABORT, NbdReply.ACK]);
  assert.ok(await a.closedWithin());
  const b = await client(t, server.port);
  await b.handshake(0x80);
  assert.ok(await b.closedWithin());
});

test('write, read back, FUA, flush, trim, write zeroes, unaligned and across maxTransfer', async (t) => {
  const { server, volume } = await rig(t, { size: 1 << 20, maxTransfer: 16384 });
  const c = await transmitting(t, server.port);
  const data = randomBytes(70000, 3);
  c.sendRequest(Cmd.WRITE, CF.FUA, 1n, 1000, data.length, data);
  assert.deepEqual(await c.readSimple(), { error: 0, cookie: 1n });
  assert.deepEqual(volume.data.subarray(1000, 71000), data);
  assert.ok(volume.calls.fuaWrite > 0, 'FUA reached the volume');
  assert.ok(volume.biggest <= 16384, `no volume call above maxTransfer (${volume.biggest})`);
  c.sendRequest(Cmd.READ, 0, 2n, 999, 70002);
  const back = await c.readSimple(70002);
  assert.equal(back.error, 0);
  assert.deepEqual(back.data!.subarray(1, 70001), data);
  assert.equal(back.data![0], 0);

  c.sendRequest(Cmd.FLUSH, 0, 3n, 0, 0);
  assert.deepEqual(await c.readSimple(), { error: 0, cookie: 3n });
  assert.equal(volume.calls.flush, 1);
  const stats = server.list()[0]!.stats;
  assert.deepEqual([stats.writes, stats.bytesWritten, stats.reads, stats.bytesRead, stats.flushes, stats.errors], [1, 70000, 1, 70002, 1, 0]);
  assert.equal(server.connectionsTo('disk'), 1);

  // Write zeroes at odd bounds: exactly those bytes become zero.
  c.sendRequest(Cmd.WRITE_ZEROES, CF.NO_HOLE, 4n, 3000, 10000);
  assert.deepEqual(await c.readSimple(), { error: 0, cookie: 4n });
  assert.deepEqual(volume.data.subarray(3000, 13000), new Uint8Array(10000));
  assert.equal(volume.data[2999], data[1999]);
  assert.equal(volume.data[13000], data[12000]);

  // Trim drops whole blocks only (8192..65535 here); the partial ends keep their data.
  c.sendRequest(Cmd.TRIM, CF.FUA, 5n, 5000, 62000);
  assert.deepEqual(await c.readSimple(), { error: 0, cookie: 5n });
  assert.deepEqual(volume.data.subarray(8192, 65536), new Uint8Array(65536 - 8192));
  assert.equal(volume.calls.trim, 1);
  assert.equal(volume.data[66000], data[65000]);
  assert.equal(volume.calls.flush, 2, 'trim with FUA flushed');

  // Zero-length requests succeed without touching the volume.
  const reads = volume.calls.read;
  c.sendRequest(Cmd.READ, 0, 6n, 100, 0);
  assert.deepEqual(await c.readSimple(), { error: 0, cookie: 6n });
  assert.equal(volume.calls.read, reads);
});

test('errors: EINVAL past the end on read/trim, ENOSPC on write/zeroes, bad flags, unknown commands, EPERM read-only, EIO, ENOSPC from the volume', async (t) => {
  const { server, volume } = await rig(t, { size: 1 << 20 });
  const c = await transmitting(t, server.port);
  const cases: [number, number, bigint, bigint | number, number, Uint8Array | undefined][] = [
    [Cmd.READ, 0, 1n, (1 << 20) - 10, 11, undefined],
    [Cmd.TRIM, 0, 2n, 1 << 20, 1, undefined],
    [Cmd.WRITE, 0, 3n, (1 << 20) - 1, 2, new Uint8Array(2)],
    [Cmd.WRITE_ZEROES, 0, 4n, 2 ** 40, 1, undefined],
    [Cmd.READ, 0, 5n, 0xffff_ffff_ffff_f000n, 4096, undefined],
    [Cmd.READ, CF.DF, 6n, 0, 512, undefined],
    [Cmd.WRITE_ZEROES, CF.FAST_ZERO, 7n, 0, 512, undefined],
    [Cmd.FLUSH, CF.FUA, 8n, 0, 0, undefined],
    [Cmd.FLUSH, 0, 9n, 0, 4096, undefined],
    [Cmd.CACHE, 0, 10n, 0, 4096, undefined],
    [Cmd.BLOCK_STATUS, 0, 11n, 0, 4096, undefined],
    [99, 0, 12n, 0, 0, undefined],
    [Cmd.WRITE, 0x40, 13n, 0, 1, new Uint8Array(1)],
  ];
  const want = [E.EINVAL, E.EINVAL, E.ENOSPC, E.ENOSPC, E.EINVAL, E.EINVAL, E.EINVAL, E.EINVAL, E.EINVAL, E.EINVAL, E.EINVAL, E.EINVAL, E.EINVAL];
  for (const [type, flags, cookie, offset, length, payload] of cases) c.sendRequest(type, flags, cookie, offset, length, payload);
  const got = new Map<bigint, number>();
  for (let i = 0; i < cases.length; i++) {
    const r = await c.readSimple();
    got.set(r.cookie, r.error);
  }
  assert.deepEqual(cases.map((x) => got.get(x[2])), want);
  assert.equal(server.list()[0]!.stats.errors, cases.length);
  assert.deepEqual(volume.data.subarray(0, 16), new Uint8Array(16), 'nothing written by refused requests');

  volume.failWith = new Error('media gone');
  c.sendRequest(Cmd.READ, 0, 20n, 0, 4096);
  assert.deepEqual(await c.readSimple(), { error: E.EIO, cookie: 20n });
  volume.failWith = new VolumeNoSpaceError('target full');
  c.sendRequest(Cmd.WRITE, 0, 22n, 0, 4096, new Uint8Array(4096));
  assert.deepEqual(await c.readSimple(), { error: E.ENOSPC, cookie: 22n }, 'a volume out of room: ENOSPC');
  volume.failWith = undefined;
  c.sendRequest(Cmd.READ, 0, 21n, 0, 4096);
  assert.equal((await c.readSimple(4096)).error, 0, 'still in step after the EIO (no data was sent with it)');

  const ro = await rig(t, {}, {}, { readOnly: true });
  const r = await transmitting(t, ro.server.port);
  r.sendRequest(Cmd.WRITE, 0, 1n, 0, 4, new Uint8Array(4).fill(9));
  r.sendRequest(Cmd.TRIM, 0, 2n, 0, 4096);
  r.sendRequest(Cmd.WRITE_ZEROES, 0, 3n, 0, 4096);
  r.sendRequest(Cmd.READ, 0, 4n, 0, 4);
  assert.deepEqual(await r.readSimple(), { error: E.EPERM, cookie: 1n });
  assert.deepEqual(await r.readSimple(), { error: E.EPERM, cookie: 2n });
  assert.deepEqual(await r.readSimple(), { error: E.EPERM, cookie: 3n });
  assert.deepEqual(await r.readSimple(4), { error: 0, cookie: 4n, data: new Uint8Array(4) });
});

test('structured replies: READ answered by one OFFSET_DATA / NONE / ERROR chunk flagged DONE, DF accepted, others simple', async (t) => {
  const { server, volume } = await rig(t, { size: 1 << 20 });
  const c = await client(t, server.port);
  await c.handshake();
  c.sendOption(NbdOption.STRUCTURED_REPLY, new Uint8Array(1));
  assert.equal((await c.readOptReply()).type, NbdReply.ERR_INVALID);
  c.sendOption(NbdOption.STRUCTURED_REPLY);
  assert.deepEqual((await c.readOptReply()).type, NbdReply.ACK);
  const go = await c.go('disk');
  assert.equal(dv(go[0]!.data).getUint16(10) & TF.SEND_DF, TF.SEND_DF, 'SEND_DF once structured replies are on');

  c.sendRequest(Cmd.WRITE, 0, 1n, 100, 10, Uint8Array.from({ length: 10 }, (_, i) => i + 1));
  assert.deepEqual(await c.readSimple(), { error: 0, cookie: 1n }, 'writes keep simple replies');
  for (const flags of [0, CF.DF]) {
    c.sendRequest(Cmd.READ, flags, 2n, 100, 10);
    const r = await c.readChunk();
    assert.deepEqual([r.flags, r.type, r.cookie, r.payload.length], [NbdReplyFlag.DONE, NbdReplyType.OFFSET_DATA, 2n, 18]);
    assert.equal(dv(r.payload).getBigUint64(0), 100n);
    assert.deepEqual([...r.payload.subarray(8)], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  }
  c.sendRequest(Cmd.READ, 0, 3n, 0, 0);
  assert.deepEqual(await c.readChunk(), { flags: NbdReplyFlag.DONE, type: NbdReplyType.NONE, cookie: 3n, payload: new Uint8Array(0) });
  c.sendRequest(Cmd.READ, 0, 4n, (1 << 20) - 4, 8);
  const err = await c.readChunk();
  assert.deepEqual([err.flags, err.type, err.cookie], [NbdReplyFlag.DONE, NbdReplyType.ERROR, 4n]);
  const ev = dv(err.payload);
  assert.equal(ev.getUint32(0), E.EINVAL);
  assert.equal(ev.getUint16(4), err.payload.length - 6);
  assert.match(Buffer.from(err.payload.subarray(6)).toString(), /^NBD_CMD_READ 1048572\+8 flags 0x0: past the end of the 1048576-byte export$/);
  volume.failWith = new Error('media gone');
  c.sendRequest(Cmd.READ, 0, 5n, 0, 4096);
  const eio = await c.readChunk();
  assert.deepEqual([eio.type, dv(eio.payload).getUint32(0), Buffer.from(eio.payload.subarray(6)).toString()], [NbdReplyType.ERROR, E.EIO, 'media gone']);
  volume.failWith = undefined;
  c.sendRequest(Cmd.WRITE, CF.DF, 6n, 0, 1, new Uint8Array(1));
  assert.deepEqual(await c.readSimple(), { error: E.EINVAL, cookie: 6n }, 'DF is for READ only');
  assert.equal(c.pendingBytes, 0);
});

test('a write above the maximum payload is skipped with EINVAL and the stream stays in step', async (t) => {
  const { server, volume } = await rig(t, {}, { maxPayload: 8192 });
  const c = await transmitting(t, server.port);
  c.sendRequest(Cmd.WRITE, 0, 1n, 0, 9000, new Uint8Array(9000).fill(1));
  c.sendRequest(Cmd.READ, 0, 2n, 0, 9000);
  c.sendRequest(Cmd.WRITE, 0, 3n, 0, 8192, new Uint8Array(8192).fill(2));
  assert.deepEqual(await c.readSimple(), { error: E.EINVAL, cookie: 1n });
  assert.deepEqual(await c.readSimple(), { error: E.EINVAL, cookie: 2n });
  assert.deepEqual(await c.readSimple(), { error: 0, cookie: 3n });
  assert.equal(volume.data[0], 2);
  assert.equal(volume.data[8192], 0);
});

test('pipelined requests are answered out of order by cookie, at most maxInFlight at once; FLUSH covers acknowledged writes', async (t) => {
  const { server, volume } = await rig(t, { size: 4 << 20, delayMs: 8 }, { maxInFlight: 8 });
  const c = await transmitting(t, server.port);
  const n = 64;
  for (let i = 0; i < n; i++) {
    const d = new Uint8Array(4096).fill(i + 1);
    c.sendRequest(Cmd.WRITE, 0, BigInt(1000 + i), i * 4096, 4096, d);
  }
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await c.readSimple();
    assert.equal(r.error, 0);
    order.push(Number(r.cookie) - 1000);
  }
  assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
  assert.notDeepEqual(order, Array.from({ length: n }, (_, i) => i), 'replies came out of order');
  for (let i = 0; i < n; i++) assert.equal(volume.data[i * 4096 + 17], i + 1);
  // Reads pipelined the same way return their own data.
  for (let i = 0; i < 16; i++) c.sendRequest(Cmd.READ, 0, BigInt(i), i * 4096 + 100, 200);
  for (let i = 0; i < 16; i++) {
    const r = await c.readSimple(200);
    assert.deepEqual(r.data, new Uint8Array(200).fill(Number(r.cookie) + 1));
  }
  c.sendRequest(Cmd.FLUSH, 0, 99n, 0, 0);
  assert.deepEqual(await c.readSimple(), { error: 0, cookie: 99n });
  assert.ok(volume.calls.flush >= 1);
});

test('the in-flight and buffered-bytes bounds hold against a client that does not read its replies', async (t) => {
  const max = 1 << 18;
  const { server } = await rig(t, { size: 8 << 20, delayMs: 1 }, { maxInFlight: 4, maxBufferedBytes: max });
  const c = await transmitting(t, server.port);
  const n = 1000;
  const len = 65536;
  for (let i = 0; i < n; i++) c.sendRequest(Cmd.READ, 0, BigInt(i), (i % 128) * len, len);
  await new Promise((r) => setTimeout(r, 400));
  const conn = [...(server as unknown as { connections: Set<{ stats: { maxInFlightSeen: number; requests: number }; bufferedBytes: number }> }).connections][0]!;
  assert.ok(conn.stats.maxInFlightSeen <= 4, `at most 4 in flight, saw ${conn.stats.maxInFlightSeen}`);
  assert.ok(conn.stats.requests < n, `the server stopped taking requests (${conn.stats.requests} of ${n} started)`);
  assert.ok(conn.bufferedBytes <= max + 4 * (len + 16), `held ${conn.bufferedBytes} bytes`);
  // Now read everything: every request is answered, in step.
  const seen = new Set<bigint>();
  for (let i = 0; i < n; i++) {
    const r = await c.readSimple(len);
    assert.equal(r.error, 0);
    seen.add(r.cookie);
  }
  assert.equal(seen.size, n);
});

test('thousands of requests that complete at once (zero-length, refused) in one chunk are all answered', async (t) => {
  const { server, logs } = await rig(t, {}, { maxPayload: 4096 });
  const c = await transmitting(t, server.port);
  const n = 3000;
  const parts: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const h = new Uint8Array(28);
    const v = dv(h);
    v.setUint32(0, 0x25609513);
    v.setUint16(4, i % 3 === 0 ? 0x80 : 0); // every third has an unknown flag
    v.setUint16(6, i % 2 === 0 ? Cmd.WRITE : Cmd.TRIM);
    v.setBigUint64(8, BigInt(i));
    parts.push(h); // length 0: no payload
  }
  c.send(concat(...parts));
  // Then oversized writes: each is logged, up to the per-connection limit.
  for (let i = 0; i < 20; i++) c.sendRequest(Cmd.WRITE, 0, BigInt(n + i), 0, 5000, new Uint8Array(5000));
  const errors = new Map<bigint, number>();
  for (let i = 0; i < n + 20; i++) {
    const r = await c.readSimple();
    errors.set(r.cookie, r.error);
  }
  assert.equal(errors.size, n + 20);
  for (let i = 0; i < n; i++) assert.equal(errors.get(BigInt(i)), i % 3 === 0 ? E.EINVAL : 0, `request ${i}`);
  assert.equal(errors.get(BigInt(n + 19)), E.EINVAL);
  assert.equal(logs.filter((l) => /exceeds the 4096-byte maximum/.test(l)).length, 10);
  assert.equal(logs.filter((l) => /further messages about this connection suppressed/.test(l)).length, 1);
});

test('DISC: requests sent before it complete and reply, then the server closes', async (t) => {
  const { server, volume } = await rig(t, { delayMs: 20 });
  const c = await transmitting(t, server.port);
  c.sendRequest(Cmd.WRITE, 0, 1n, 0, 4096, new Uint8Array(4096).fill(5));
  c.sendRequest(Cmd.DISC, 0, 2n, 0, 0);
  c.sendRequest(Cmd.WRITE, 0, 3n, 4096, 4096, new Uint8Array(4096).fill(6));
  assert.deepEqual(await c.readSimple(), { error: 0, cookie: 1n });
  assert.ok(await c.closedWithin());
  assert.equal(volume.data[0], 5);
  assert.equal(volume.data[4096], 0, 'nothing after DISC is executed');
});

test('malformed transmission (bad magic) closes that connection only; another client carries on', async (t) => {
  const { server, logs } = await rig(t);
  const bad = await transmitting(t, server.port);
  const good = await transmitting(t, server.port);
  bad.send(new Uint8Array(28).fill(0xff));
  assert.ok(await bad.closedWithin());
  assert.ok(logs.some((l) => /request without the request magic \(0xffffffff\); closing the connection/.test(l)), logs.join('\n'));
  good.sendRequest(Cmd.READ, 0, 1n, 0, 16);
  assert.equal((await good.readSimple(16)).error, 0);
});

test('exports come and go: a removed export ends its connections and is no longer listed', async (t) => {
  const { server } = await rig(t);
  const other = new MemoryVolume({ name: 'pblk0', size: 2 << 20 });
  server.addExport(other, { description: 'pblk target' });
  assert.throws(() => server.addExport(new MemoryVolume({ name: 'pblk0' })), /NBD export 'pblk0' already exists/);
  const c = await transmitting(t, server.port, 'pblk0');
  const d = await transmitting(t, server.port, 'disk');
  c.sendRequest(Cmd.WRITE, 0, 1n, 0, 4, Uint8Array.of(1, 2, 3, 4));
  assert.equal((await c.readSimple()).error, 0);
  await server.removeExport('pblk0');
  assert.ok(await c.closedWithin());
  await assert.rejects(server.removeExport('pblk0'), /no NBD export named 'pblk0' \(exports: disk\)/);
  d.sendRequest(Cmd.READ, 0, 2n, 0, 4);
  assert.equal((await d.readSimple(4)).error, 0, 'the other export is untouched');
  const e = await client(t, server.port);
  await e.handshake();
  assert.equal((await e.go('pblk0')).at(-1)!.type, NbdReply.ERR_UNKNOWN);
  e.sendOption(NbdOption.LIST);
  assert.deepEqual((await e.readOptReplies()).map((r) => r.type), [NbdReply.SERVER, NbdReply.ACK]);
});

test('removing an export mid-traffic: the running request replies, queued ones get ESHUTDOWN, then the connection ends', async (t) => {
  const { server, volume } = await rig(t, { delayMs: 30 }, { maxInFlight: 1 });
  const c = await transmitting(t, server.port);
  for (let i = 0; i < 6; i++) c.sendRequest(Cmd.WRITE, 0, BigInt(i), i * 4096, 4096, new Uint8Array(4096).fill(i + 1));
  await new Promise((r) => setTimeout(r, 10));
  await server.removeExport('disk');
  const replies = new Map<bigint, number>();
  for (let i = 0; i < 6; i++) {
    const r = await c.readSimple();
    replies.set(r.cookie, r.error);
  }
  assert.equal(replies.get(0n), 0, 'the running write completed');
  assert.equal(volume.data[0], 1);
  const shut = [...replies.values()].filter((e) => e === E.ESHUTDOWN).length;
  assert.ok(shut >= 1 && shut <= 5, `${shut} requests answered ESHUTDOWN`);
  for (const [cookie, e] of replies) if (e === E.ESHUTDOWN) assert.equal(volume.data[Number(cookie) * 4096], 0, `write ${cookie} was not executed`);
  assert.ok(await c.closedWithin());
});

test('listening on a port in use fails with the address in the message', async (t) => {
  const { server } = await rig(t);
  const second = new NbdServer({ port: server.port, log: () => {} });
  await assert.rejects(second.listen(), new RegExp(`NBD server: cannot listen on 127\\.0\\.0\\.1:${server.port}: .*EADDRINUSE`));
  await second.close();
});

test('close() does not wait forever for a volume that never answers', async (t) => {
  const { server, volume } = await rig(t);
  const c = await transmitting(t, server.port);
  volume.read = () => new Promise<void>(() => {}); // hangs
  c.sendRequest(Cmd.READ, 0, 1n, 0, 4096);
  await new Promise((r) => setTimeout(r, 20));
  const conn = [...(server as unknown as { connections: Set<{ shutdown(ms: number): Promise<void> }> }).connections][0]!;
  const t0 = Date.now();
  await conn.shutdown(200);
  assert.ok(Date.now() - t0 < 2000, `shutdown took ${Date.now() - t0} ms`);
  assert.ok(await c.closedWithin());
});

test('options are checked: a bad limit names the option and the range', () => {
  assert.throws(() => new NbdServer({ maxInFlight: 0 }), /NBD server option maxInFlight = 0: allowed an integer 1\.\.65536/);
  assert.throws(() => new NbdServer({ port: 70000 }), /port = 70000: allowed 0\.\.65535/);
});

test('the handshake has a time limit', async (t) => {
  const { server } = await rig(t, {}, { handshakeTimeoutMs: 100 });
  const c = await client(t, server.port);
  await c.handshake();
  assert.ok(await c.closedWithin(2000));
});

test('fuzz: random and mutated traffic never crashes the server, which keeps serving', async (t) => {
  const { server, volume, logs } = await rig(t, { size: 1 << 20 }, { maxPayload: 1 << 16 });
  const count = Number(process.env['OCSSD_NBD_FUZZ_COUNT'] ?? 40);
  let x = 0x1234567;
  const rnd = (n: number): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
  for (let i = 0; i < count; i++) {
    const c = await RawClient.connect(server.port);
    try {
      const mode = rnd(3);
      if (mode === 1) {
        // Handshake, then random options with random data (some valid, most not).
        await c.handshake(rnd(4) === 0 ? rnd(2 ** 32) : 3);
        for (let k = rnd(6); k >= 0; k--) c.sendOption(rnd(3) === 0 ? NbdOption.GO : rnd(16), rnd(2) === 0 ? goData(rnd(2) === 0 ? 'disk' : 'x', [rnd(5)]) : randomBytes(rnd(64), i + k));
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      if (mode === 2) {
        await c.handshake();
        await c.go('disk');
      }
      const parts: Uint8Array[] = [];
      for (let k = rnd(8); k >= 0; k--) {
        const h = new Uint8Array(28);
        const v = dv(h);
        v.setUint32(0, rnd(10) === 0 ? rnd(2 ** 32) : 0x25609513);
        v.setUint16(4, rnd(4) === 0 ? rnd(65536) : rnd(2));
        v.setUint16(6, rnd(9));
        v.setUint32(12, k);
        v.setUint32(16, rnd(3) === 0 ? rnd(2 ** 32) : 0);
        v.setUint32(20, rnd(1 << 20));
        const len = rnd(3) === 0 ? rnd(2 ** 32) : rnd(10000);
        v.setUint32(24, len);
        parts.push(h);
        if (v.getUint16(6) === Cmd.WRITE) parts.push(randomBytes(Math.min(len, 20000), i));
      }
      if (rnd(3) === 0) parts.push(randomBytes(rnd(100), i + 7));
      c.send(concat(...parts));
      await new Promise((r) => setTimeout(r, 5));
    } finally {
      c.close();
    }
  }
  // Still serving.
  const ok = await transmitting(t, server.port);
  ok.sendRequest(Cmd.WRITE, 0, 1n, 10, 3, Uint8Array.of(7, 8, 9));
  assert.deepEqual(await ok.readSimple(), { error: 0, cookie: 1n });
  assert.deepEqual(volume.data.subarray(10, 13), Uint8Array.of(7, 8, 9));
  assert.deepEqual(logs.filter((l) => /internal error/.test(l)), [], 'no parser exception was caught');
});
