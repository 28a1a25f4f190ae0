// Get Features (admin 0x0A) and Set Features (admin 0x09). The checks every feature shares
// (supported, saveable, namespace specific, changeable) come from spec/nvme FEATURE_ATTRIBUTES in
// the order QEMU hw/nvme/ctrl.c applies them; what differs per feature is a small table of get/set
// operations over the controller's FeatureStore. Nothing is saveable, so SEL 2 (saved) reads the
// current value, as QEMU does.
import {
  AsyncEventSmart,
  AsyncEventType,
  CRITICAL_WARNING,
  FEATURE_ATTRIBUTES,
  FEATURE_CAPABILITIES,
  FEAT_ASYNC_EVENT_CONFIG,
  FEAT_ERROR_RECOVERY,
  FEAT_INTERRUPT_VECTOR_CONFIG,
  FEAT_IO_COMMAND_SET_PROFILE,
  FEAT_NUMBER_OF_QUEUES,
  FEAT_TEMPERATURE_THRESHOLD,
  FeatureId,
  FeatureSelect,
  GET_FEATURES,
  LogPage,
  SET_FEATURES,
  TIMESTAMP_DATA_SIZE,
  getBits,
  packBits,
  type FeatureAttributes,
} from '../../spec/index.js';
import { ALL_NAMESPACES, type Controller } from '../controller.js';
import type { Namespace } from '../namespace.js';
import { S } from '../statuses.js';
import { AS, COMPOSITE_TEMPERATURE, nsidValid, receiveFromHost, sendToHost, type AdminContext } from './admin-common.js';
import { ioQueuesExist } from './admin-queues.js';

/** Reads the feature into ctx.result.dw0 (and the data buffer for data features); returns a status. */
type GetOp = (ctx: AdminContext, fid: number, nsid: number, useDefault: boolean) => number;
/** Checks and applies CDW11 (and data); returns a status. */
type SetOp = (ctx: AdminContext, fid: number, nsid: number) => number;

export interface FeatureOps {
  readonly get: GetOp;
  readonly set: SetOp;
}

/** A feature a personality adds to its controller's admin set (OCSSD 2.0 Media Feedback). */
export interface FeatureDef {
  readonly fid: number;
  readonly attributes: FeatureAttributes;
  /** Default: the store's plain value. */
  readonly ops?: FeatureOps;
}

export const storeGet: GetOp = (ctx, fid, nsid, useDefault) => {
  const store = ctx.ctrl.features;
  ctx.result.dw0 = useDefault ? store.defaultOf(fid) : store.get(fid, nsid);
  return 0;
};

export const storeSet: SetOp = (ctx, fid, nsid) => {
  ctx.ctrl.features.set(fid, ctx.sqe.cdw11, nsid);
  return 0;
};

// ---- Temperature Threshold: one value per (THSEL, TMPSEL) ----

const THSEL = { OVER: 0, UNDER: 1 } as const;
const TMPSEL_COMPOSITE = 0;
/** Composite plus eight sensors (the SMART log's sensor slots). */
const SENSORS = 9;
const TMPSEL_ALL = 0xf;

/**
 * Thresholds live in the store's data slot for the feature (so a controller reset restores the
 * defaults): u16 [THSEL][TMPSEL]. The composite over-temperature value is mirrored in the store's
 * plain value too, where other code reads it.
 */
function thresholds(ctrl: Controller): Uint8Array {
  const have = ctrl.features.getData(FeatureId.TEMPERATURE_THRESHOLD);
  if (have !== undefined) return have;
  const t = new Uint8Array(2 * SENSORS * 2);
  const dv = new DataView(t.buffer);
  const over = ctrl.features.defaultOf(FeatureId.TEMPERATURE_THRESHOLD) & 0xffff;
  for (let s = 0; s < SENSORS; s++) dv.setUint16(2 * s, over, true);
  return t;
}

const defaultThreshold = (ctrl: Controller, thsel: number): number =>
  thsel === THSEL.OVER ? ctrl.features.defaultOf(FeatureId.TEMPERATURE_THRESHOLD) & 0xffff : 0;

/** The threshold in Kelvin for THSEL (0 over, 1 under) and TMPSEL (0 composite, 1..8 sensors). */
export function temperatureThreshold(ctrl: Controller, thsel: number, tmpsel: number): number {
  const t = thresholds(ctrl);
  return new DataView(t.buffer, t.byteOffset).getUint16(2 * (thsel * SENSORS + tmpsel), true);
}

/** The composite temperature is at or beyond one of its thresholds (SMART critical warning bit 1). */
export function temperatureWarning(ctrl: Controller): boolean {
  return (
    COMPOSITE_TEMPERATURE >= temperatureThreshold(ctrl, THSEL.OVER, TMPSEL_COMPOSITE) ||
    COMPOSITE_TEMPERATURE <= temperatureThreshold(ctrl, THSEL.UNDER, TMPSEL_COMPOSITE)
  );
}

const temperatureOps: FeatureOps = {
  get(ctx, _fid, _nsid, useDefault) {
    const thsel = getBits(ctx.sqe.cdw11, FEAT_TEMPERATURE_THRESHOLD.thsel);
    const tmpsel = getBits(ctx.sqe.cdw11, FEAT_TEMPERATURE_THRESHOLD.tmpsel);
    // One DW0 holds one threshold: "all sensors" is for Set only.
    if (thsel > THSEL.UNDER || tmpsel >= SENSORS) return S.INVALID_FIELD;
    ctx.result.dw0 = useDefault ? defaultThreshold(ctx.ctrl, thsel) : temperatureThreshold(ctx.ctrl, thsel, tmpsel);
    return 0;
  },
  set(ctx) {
    const ctrl = ctx.ctrl;
    const cdw11 = ctx.sqe.cdw11;
    const thsel = getBits(cdw11, FEAT_TEMPERATURE_THRESHOLD.thsel);
    const tmpsel = getBits(cdw11, FEAT_TEMPERATURE_THRESHOLD.tmpsel);
    const value = getBits(cdw11, FEAT_TEMPERATURE_THRESHOLD.tmpth);
    if (thsel > THSEL.UNDER || (tmpsel >= SENSORS && tmpsel !== TMPSEL_ALL)) return S.INVALID_FIELD;
    const warnedBefore = temperatureWarning(ctrl);
    const t = thresholds(ctrl);
    const dv = new DataView(t.buffer, t.byteOffset);
    for (let s = 0; s < SENSORS; s++) if (s === tmpsel || tmpsel === TMPSEL_ALL) dv.setUint16(2 * (thsel * SENSORS + s), value, true);
    ctrl.features.setData(FeatureId.TEMPERATURE_THRESHOLD, t);
    ctrl.features.set(FeatureId.TEMPERATURE_THRESHOLD, temperatureThreshold(ctrl, THSEL.OVER, TMPSEL_COMPOSITE));
    // A threshold moved past the current temperature: a SMART event, if the host enabled it.
    const temperatureEvents = getBits(ctrl.features.get(FeatureId.ASYNC_EVENT_CONFIG), FEAT_ASYNC_EVENT_CONFIG.smart) & (1 << CRITICAL_WARNING.temperature.shift);
    if (!warnedBefore && temperatureWarning(ctrl) && temperatureEvents !== 0) {
      ctrl.events.post({ type: AsyncEventType.SMART, info: AsyncEventSmart.TEMPERATURE_THRESHOLD, logPage: LogPage.SMART });
    }
    return 0;
  },
};

// ---- Error Recovery (per namespace) ----

/**
 * DULBE needs a namespace that reports deallocated or unwritten blocks (NSFEAT.DAE). The hook
 * accepts it everywhere for now; a personality that cannot report them refuses it here.
 */
const dulbeAllowed = (_ns: Namespace | undefined): boolean => true;

const errorRecoveryOps: FeatureOps = {
  get: storeGet,
  set(ctx, fid, nsid) {
    if (getBits(ctx.sqe.cdw11, FEAT_ERROR_RECOVERY.dulbe) === 1) {
      const targets = nsid === ALL_NAMESPACES ? [...ctx.ctrl.namespaces.values()] : [ctx.ctrl.namespaces.get(nsid)];
      if (!targets.every(dulbeAllowed)) return S.INVALID_FIELD;
    }
    return storeSet(ctx, fid, nsid);
  },
};

// ---- Volatile Write Cache ----

const writeCacheOps: FeatureOps = {
  // Without a cache both are Invalid Field (the spec: Set shall, Get should).
  get: (ctx, fid, nsid, useDefault) => (ctx.ctrl.config.vwc ? storeGet(ctx, fid, nsid, useDefault) : S.INVALID_FIELD),
  set(ctx, fid) {
    const ctrl = ctx.ctrl;
    if (!ctrl.config.vwc) return S.INVALID_FIELD;
    const wce = ctx.sqe.cdw11 & 1;
    // Turning the cache off writes back what it holds, as QEMU does.
    if (wce === 0 && ctrl.writeCacheEnabled()) for (const ns of ctrl.namespaces.values()) ns.flush();
    ctrl.features.set(fid, wce);
    return 0;
  },
};

// ---- Number of Queues ----

const numberOfQueuesOps: FeatureOps = {
  get: storeGet,
  set(ctx, fid) {
    const ctrl = ctx.ctrl;
    // The allocation is fixed once an I/O queue exists, until the next controller reset.
    if (ioQueuesExist(ctrl)) return S.COMMAND_SEQUENCE_ERROR;
    const nsqr = getBits(ctx.sqe.cdw11, FEAT_NUMBER_OF_QUEUES.nsqr);
    const ncqr = getBits(ctx.sqe.cdw11, FEAT_NUMBER_OF_QUEUES.ncqr);
    // 0's based: 0xFFFF would ask for 65536 queues, which the spec forbids.
    if (nsqr === 0xffff || ncqr === 0xffff) return S.INVALID_FIELD;
    const max = ctrl.config.maxIoQueues - 1;
    const granted = { sq: Math.min(nsqr, max), cq: Math.min(ncqr, max) };
    const dw0 = packBits(FEAT_NUMBER_OF_QUEUES, { nsqr: granted.sq, ncqr: granted.cq });
    ctrl.grantedQueues = granted;
    ctrl.features.set(fid, dw0);
    ctx.result.dw0 = dw0;
    return 0;
  },
};

// ---- Interrupt Vector Configuration (read only) ----

const interruptVectorOps: FeatureOps = {
  get(ctx) {
    const iv = getBits(ctx.sqe.cdw11, FEAT_INTERRUPT_VECTOR_CONFIG.iv);
    // One vector per queue pair, admin included.
    if (iv > ctx.ctrl.config.maxIoQueues) return S.INVALID_FIELD;
    // The admin vector is never coalesced (QEMU reports CD for it).
    ctx.result.dw0 = packBits(FEAT_INTERRUPT_VECTOR_CONFIG, { iv, cd: iv === 0 ? 1 : 0 });
    return 0;
  },
  set: storeSet,
};

// ---- Timestamp (8-byte data) ----

/** The store's data slot holds the host's value (u64 ms) and the emulated ns at which it was set. */
const TIMESTAMP_RECORD = 16;
const TIMESTAMP_MS_MASK = 2 ** 48;
const NS_PER_MS = 1e6;
/** Timestamp attributes (data byte 6): bits 3:1 origin, 1 = set by a Set Features command. */
const ORIGIN_SET_BY_HOST = 1 << 1;

const timestampOps: FeatureOps = {
  get(ctx, fid, _nsid, useDefault) {
    const out = new Uint8Array(TIMESTAMP_DATA_SIZE);
    if (!useDefault) {
      const rec = ctx.ctrl.features.getData(fid);
      const now = ctx.ctrl.clock.now();
      const dv = new DataView(out.buffer);
      // Not set since the last reset: time since the controller started, origin 0.
      const recView = rec === undefined ? undefined : new DataView(rec.buffer, rec.byteOffset);
      const hostMs = recView === undefined ? 0 : Number(recView.getBigUint64(0, true));
      const setAt = recView === undefined ? 0 : recView.getFloat64(8, true);
      const ms = (hostMs + Math.floor((now - setAt) / NS_PER_MS)) % TIMESTAMP_MS_MASK;
      dv.setUint32(0, ms % 2 ** 32, true);
      dv.setUint16(4, Math.floor(ms / 2 ** 32), true);
      out[6] = rec === undefined ? 0 : ORIGIN_SET_BY_HOST;
    }
    return sendToHost(ctx, out);
  },
  set(ctx, fid) {
    const data = new Uint8Array(TIMESTAMP_DATA_SIZE);
    const st = receiveFromHost(ctx, data);
    if (st !== 0) return st;
    const rec = new Uint8Array(TIMESTAMP_RECORD);
    const dv = new DataView(rec.buffer);
    const inData = new DataView(data.buffer);
    // Bytes 0-5 are the timestamp; the attribute bytes are the controller's to report.
    dv.setBigUint64(0, BigInt(inData.getUint32(0, true)) | (BigInt(inData.getUint16(4, true)) << 32n), true);
    dv.setFloat64(8, ctx.ctrl.clock.now(), true);
    ctx.ctrl.features.setData(fid, rec);
    return 0;
  },
};

// ---- Host Behavior Support (512-byte data) ----

const HOST_BEHAVIOR_BYTES = FEATURE_ATTRIBUTES[FeatureId.HOST_BEHAVIOR_SUPPORT]?.dataBytes ?? 512;

const hostBehaviorOps: FeatureOps = {
  get: (ctx, fid, _nsid, useDefault) => sendToHost(ctx, (useDefault ? undefined : ctx.ctrl.features.getData(fid)) ?? new Uint8Array(HOST_BEHAVIOR_BYTES)),
  set(ctx, fid) {
    const data = new Uint8Array(HOST_BEHAVIOR_BYTES);
    const st = receiveFromHost(ctx, data);
    if (st === 0) ctx.ctrl.features.setData(fid, data);
    return st;
  },
};

// ---- I/O Command Set Profile ----

const ioCommandSetProfileOps: FeatureOps = {
  get: storeGet,
  set(ctx, fid) {
    // CNS 0x1C reports one I/O command set combination, index 0.
    if (getBits(ctx.sqe.cdw11, FEAT_IO_COMMAND_SET_PROFILE.iocsci) !== 0) return AS.IO_COMMAND_SET_COMBINATION_REJECTED;
    return storeSet(ctx, fid, 0);
  },
};

/** Per-feature operations; a FID not listed here reads and writes the store's value. */
const FEATURE_OPS: Readonly<Partial<Record<number, FeatureOps>>> = {
  [FeatureId.TEMPERATURE_THRESHOLD]: temperatureOps,
  [FeatureId.ERROR_RECOVERY]: errorRecoveryOps,
  [FeatureId.VOLATILE_WRITE_CACHE]: writeCacheOps,
  [FeatureId.NUMBER_OF_QUEUES]: numberOfQueuesOps,
  [FeatureId.INTERRUPT_VECTOR_CONFIG]: interruptVectorOps,
  [FeatureId.TIMESTAMP]: timestampOps,
  [FeatureId.HOST_BEHAVIOR_SUPPORT]: hostBehaviorOps,
  [FeatureId.IO_COMMAND_SET_PROFILE]: ioCommandSetProfileOps,
};

const DEFAULT_OPS: FeatureOps = { get: storeGet, set: storeSet };

const attributesOf = (fid: number): FeatureAttributes | undefined => FEATURE_ATTRIBUTES[fid as FeatureId];

function getFeaturesWith(ctx: AdminContext, extra: ReadonlyMap<number, FeatureDef>): number {
  const ctrl = ctx.ctrl;
  const fid = getBits(ctx.sqe.cdw10, GET_FEATURES.fid);
  const sel = getBits(ctx.sqe.cdw10, GET_FEATURES.sel);
  const nsid = ctx.sqe.nsid;
  const attrs = extra.get(fid)?.attributes ?? attributesOf(fid);
  if (attrs === undefined || sel > FeatureSelect.SUPPORTED_CAPABILITIES) return S.INVALID_FIELD;
  // A per-namespace value needs one namespace (QEMU: 0xFFFFFFFF too is Invalid Namespace on Get).
  if (attrs.namespaceSpecific) {
    if (!nsidValid(ctrl, nsid) || nsid === ALL_NAMESPACES) return S.INVALID_NAMESPACE;
    if (!ctrl.namespaces.has(nsid)) return S.INVALID_FIELD;
  }
  if (sel === FeatureSelect.SUPPORTED_CAPABILITIES) {
    ctx.result.dw0 = packBits(FEATURE_CAPABILITIES, { saveable: attrs.saveable, namespaceSpecific: attrs.namespaceSpecific, changeable: attrs.changeable });
    return 0;
  }
  return (extra.get(fid)?.ops ?? FEATURE_OPS[fid] ?? DEFAULT_OPS).get(ctx, fid, attrs.namespaceSpecific ? nsid : 0, sel === FeatureSelect.DEFAULT);
}

function setFeaturesWith(ctx: AdminContext, extra: ReadonlyMap<number, FeatureDef>): number {
  const ctrl = ctx.ctrl;
  const fid = getBits(ctx.sqe.cdw10, SET_FEATURES.fid);
  const nsid = ctx.sqe.nsid;
  const attrs = extra.get(fid)?.attributes ?? attributesOf(fid);
  if (attrs === undefined) return S.INVALID_FIELD;
  if (getBits(ctx.sqe.cdw10, SET_FEATURES.sv) === 1 && !attrs.saveable) return AS.FEATURE_NOT_SAVEABLE;
  if (attrs.namespaceSpecific) {
    // One namespace, or 0xFFFFFFFF for all of them.
    if (nsid !== ALL_NAMESPACES) {
      if (!nsidValid(ctrl, nsid)) return S.INVALID_NAMESPACE;
      if (!ctrl.namespaces.has(nsid)) return S.INVALID_FIELD;
    }
  } else if (nsid !== 0 && nsid !== ALL_NAMESPACES) {
    return nsidValid(ctrl, nsid) ? AS.FEATURE_NOT_NAMESPACE_SPECIFIC : S.INVALID_NAMESPACE;
  }
  if (!attrs.changeable) return AS.FEATURE_NOT_CHANGEABLE;
  return (extra.get(fid)?.ops ?? FEATURE_OPS[fid] ?? DEFAULT_OPS).set(ctx, fid, attrs.namespaceSpecific ? nsid : 0);
}

/** Get and Set Features handlers over the base features plus `extra` (a FID may be defined once). */
export function featureHandlers(extra: readonly FeatureDef[] = []): { get: (ctx: AdminContext) => number; set: (ctx: AdminContext) => number } {
  const map = new Map<number, FeatureDef>();
  for (const d of extra) {
    if (map.has(d.fid) || attributesOf(d.fid) !== undefined) throw new Error(`feature 0x${d.fid.toString(16)} is defined twice`);
    map.set(d.fid, d);
  }
  return { get: (ctx) => getFeaturesWith(ctx, map), set: (ctx) => setFeaturesWith(ctx, map) };
}

const BASE_FEATURES = featureHandlers();
export const getFeatures = BASE_FEATURES.get;
export const setFeatures = BASE_FEATURES.set;
