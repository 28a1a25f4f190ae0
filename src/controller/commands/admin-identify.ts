// Identify (admin 0x06): one filler per CNS, each writing a zeroed 4096-byte structure or
// returning a status. NSID rules follow QEMU hw/nvme/ctrl.c (nvme_identify_ns and friends):
// NSID 0, 0xFFFFFFFF and NSIDs above NN are Invalid Namespace; an inactive NSID up to NN reads as
// zeros (CNS 0/5/8) or is Invalid Field (CNS 3, which has nothing to describe).
import {
  ControllerType,
  Cns,
  Csi,
  FRMW,
  FeatureId,
  IDENTIFY,
  IDENTIFY_CONTROLLER,
  IDENTIFY_NAMESPACE,
  IDENTIFY_SIZE,
  LPA,
  NIDT_LENGTH,
  NSID_LIST_ENTRIES,
  NS_ID_DESCRIPTOR_HEADER,
  Nidt,
  NvmOpcode,
  OAES,
  ONCS,
  POWER_STATE_DESCRIPTOR,
  QUEUE_ENTRY_SIZES,
  SGLS,
  SglSupport,
  VWC,
  defineLayout,
  encode,
  f,
  getBits,
  packBits,
} from '../../spec/index.js';
import { ALL_NAMESPACES, type Controller } from '../controller.js';
import { FeatureStore } from '../features.js';
import type { Namespace } from '../namespace.js';
import { S } from '../statuses.js';
import { CRITICAL_TEMPERATURE, nsidValid, sendToHost, type AdminContext } from './admin-common.js';

/** Fills the CSI-specific Identify Controller structure (CNS 6) of one command set. */
export type ControllerCsiFiller = (ctrl: Controller, buf: Uint8Array) => void;

export interface IdentifyExtensions {
  /** CNS 6 structures beyond NVM's (all zeros), by CSI: ZNS adds ZASL here. */
  readonly controllerCsi?: ReadonlyMap<number, ControllerCsiFiller>;
}

/**
 * I/O Command Set Independent Identify Namespace (CNS 8), NVMe 2.0; offsets as libnvme's
 * nvme_id_independent_id_ns. (Belongs in spec/nvme/identify-namespace.ts.)
 */
export const IDENTIFY_NAMESPACE_INDEPENDENT = defineLayout('identify-namespace-independent', IDENTIFY_SIZE, [
  f('nsfeat', 0, 1, 'u8'),
  f('nmic', 1, 1, 'u8'),
  f('rescap', 2, 1, 'u8'),
  f('fpi', 3, 1, 'u8'),
  f('anagrpid', 4, 4, 'u32'),
  f('nsattr', 8, 1, 'u8'),
  f('rsvd9', 9, 1, 'bytes'),
  f('nvmsetid', 10, 2, 'u16'),
  f('endgid', 12, 2, 'u16'),
  /** Bit 0: namespace ready. */
  f('nstat', 14, 1, 'u8'),
  f('rsvd15', 15, 4081, 'bytes'),
]);

/** The original's power state 0 (MP 25 W, ENLAT 16 us, EXLAT 4 us). */
const PSD0 = { mp: 0x9c4, enlat: 0x10, exlat: 0x4 } as const;
/** Keep-alive granularity, 100 ms units: 1 s. */
const KAS = 10;
/** Recommended Arbitration Burst (2^6 commands), as the original. */
const RAB = 6;
/** Slot 1 read-only, 7 slots (only slot 1 holds an image): the original's 0x0F. */
const FRMW_VALUE = packBits(FRMW, { slot1ro: 1, nofs: 7 });
/** 64-byte SQEs and 16-byte CQEs, required and maximum. */
const SQES = packBits(QUEUE_ENTRY_SIZES, { required: 6, maximum: 6 });
const CQES = packBits(QUEUE_ENTRY_SIZES, { required: 4, maximum: 4 });
const FLUSH_BROADCAST = { SUPPORTED: 3, NOT_SUPPORTED: 2 } as const;

type CnsFiller = (ctx: AdminContext, buf: Uint8Array, ext: IdentifyExtensions) => number;

// One scratch structure: handlers run one at a time and the data is copied out before returning.
const scratch = new Uint8Array(IDENTIFY_SIZE);

const ascii = (s: string, size: number): string => s.slice(0, size);
const isZero = (b: Uint8Array): boolean => b.every((x) => x === 0);

/** ONCS: what the I/O tables advertise, plus Save/Select and Timestamp, which Get/Set Features implement. */
function oncsOf(ctrl: Controller): number {
  let v = ctrl.io.capability('oncs');
  for (const ns of ctrl.namespaces.values()) v |= ns.io.capability('oncs');
  v = packBits(ONCS, { saveSelect: 1 }, v);
  if (FeatureStore.isSupported(FeatureId.TIMESTAMP)) v = packBits(ONCS, { timestamp: 1 }, v);
  return v;
}

/** CSIs the controller supports: NVM always, those of attached namespaces, and extensions'. */
function supportedCsis(ctrl: Controller, ext: IdentifyExtensions): Set<number> {
  const csis = new Set<number>([Csi.NVM]);
  for (const ns of ctrl.namespaces.values()) csis.add(ns.csi);
  for (const csi of ext.controllerCsi?.keys() ?? []) csis.add(csi);
  return csis;
}

function fillIdentifyController(ctrl: Controller, buf: Uint8Array): void {
  const c = ctrl.config;
  const flushAll = ctrl.io.get(NvmOpcode.FLUSH)?.nsid === 'active-or-all';
  encode(
    IDENTIFY_CONTROLLER,
    {
      vid: c.vid,
      ssvid: c.ssvid,
      sn: ascii(c.serial, 20),
      mn: ascii(c.model, 40),
      fr: ascii(c.firmware, 8),
      rab: RAB,
      // The OUI goes least significant byte first, as hosts (libnvme, our host/identify.ts) read it.
      ieee: Uint8Array.of(c.ieeeOui & 0xff, (c.ieeeOui >>> 8) & 0xff, (c.ieeeOui >>> 16) & 0xff),
      mdts: c.mdts,
      cntlid: c.cntlid,
      ver: ctrl.registers.vs,
      oaes: packBits(OAES, { nsAttributeNotices: 1 }),
      // No optional controller attributes (host IDs, predictable latency, ...) apply.
      ctratt: 0,
      cntrltype: c.controllerType,
      oacs: ctrl.admin.capability('oacs'),
      acl: c.acl,
      aerl: c.aerl,
      frmw: FRMW_VALUE,
      lpa: packBits(LPA, { cses: 1, lpeds: 1 }),
      elpe: c.elpe,
      npss: 0,
      // WCTEMP equals the default over-temperature threshold, as in QEMU.
      wctemp: ctrl.features.defaultOf(FeatureId.TEMPERATURE_THRESHOLD) & 0xffff,
      cctemp: CRITICAL_TEMPERATURE,
      kas: KAS,
      sqes: SQES,
      cqes: CQES,
      maxcmd: Math.min(c.mqes + 1, 0xffff),
      // A discovery controller has no namespaces (NN 0).
      nn: c.controllerType === ControllerType.DISCOVERY ? 0 : ctrl.nn,
      oncs: oncsOf(ctrl),
      fuses: 0,
      fna: 0,
      vwc: packBits(VWC, { present: c.vwc, flushBroadcast: flushAll ? FLUSH_BROADCAST.SUPPORTED : FLUSH_BROADCAST.NOT_SUPPORTED }),
      // Only what the PCIe data mover walks: address-subtype data blocks, segments and bit buckets.
      // Over fabrics: data blocks whose address is an offset into the capsule (in-capsule data), as Linux nvmet.
      sgls:
        c.fabrics !== undefined
          ? packBits(SGLS, { supported: SglSupport.NO_ALIGNMENT, offset: 1 })
          : c.sgl
            ? packBits(SGLS, { supported: SglSupport.NO_ALIGNMENT, bitBucket: 1 })
            : 0,
      ...(c.fabrics !== undefined ? { ioccsz: c.fabrics.ioccsz, iorcsz: c.fabrics.iorcsz, icdoff: 0, fcatt: 0, msdbd: 1 } : {}),
      subnqn: Buffer.from(c.subnqn, 'utf8').subarray(0, 255),
    },
    buf,
  );
  encode(POWER_STATE_DESCRIPTOR, PSD0, buf, IDENTIFY_CONTROLLER.offset.psd0);
}

/** The namespace CNS 0/5/8 describe: undefined for an inactive NSID (zeros), or a status. */
function namedNamespace(ctx: AdminContext): Namespace | undefined | number {
  const nsid = ctx.sqe.nsid;
  if (!nsidValid(ctx.ctrl, nsid) || nsid === ALL_NAMESPACES) return S.INVALID_NAMESPACE;
  return ctx.ctrl.namespaces.get(nsid);
}

/** Active NSID list (CNS 2 / 7): NSIDs above CDW1.NSID that `keep` accepts, increasing. */
function fillNsidList(ctx: AdminContext, buf: Uint8Array, keep: (ns: Namespace) => boolean): number {
  const after = ctx.sqe.nsid;
  // No NSID lies above 0xFFFFFFFE, so both it and 0xFFFFFFFF are meaningless here (spec 1.3d 5.15.4).
  if (after >= ALL_NAMESPACES - 1) return S.INVALID_NAMESPACE;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let i = 0;
  for (const nsid of ctx.ctrl.activeNsids()) {
    if (i === NSID_LIST_ENTRIES) break;
    if (nsid > after && keep(ctx.ctrl.namespaces.get(nsid)!)) dv.setUint32(4 * i++, nsid, true);
  }
  return 0;
}

const identifyNamespace: CnsFiller = (ctx, buf) => {
  const ns = namedNamespace(ctx);
  if (typeof ns === 'number') return ns;
  ns?.identify(buf);
  return 0;
};

const identifyNsDescriptors: CnsFiller = (ctx, buf) => {
  const ns = namedNamespace(ctx);
  if (typeof ns === 'number') return ns;
  if (ns === undefined) return S.INVALID_FIELD;
  let at = 0;
  const put = (nidt: keyof typeof NIDT_LENGTH, id: Uint8Array): void => {
    encode(NS_ID_DESCRIPTOR_HEADER, { nidt, nidl: NIDT_LENGTH[nidt] }, buf, at);
    buf.set(id.subarray(0, NIDT_LENGTH[nidt]), at + NS_ID_DESCRIPTOR_HEADER.size);
    at += NS_ID_DESCRIPTOR_HEADER.size + NIDT_LENGTH[nidt];
  };
  // An all-zero identifier means "none"; the CSI descriptor is always there (NVMe 2.0).
  if (!isZero(ns.eui64)) put(Nidt.EUI64, ns.eui64);
  if (!isZero(ns.nguid)) put(Nidt.NGUID, ns.nguid);
  put(Nidt.CSI, Uint8Array.of(ns.csi));
  return 0;
};

const identifyNamespaceCsi: CnsFiller = (ctx, buf) => {
  const ns = namedNamespace(ctx);
  if (typeof ns === 'number') return ns;
  if (ns === undefined) return 0;
  const csi = getBits(ctx.sqe.cdw11, IDENTIFY.csi);
  if (ns.identifyCsi?.(csi, buf) === true) return 0;
  buf.fill(0);
  // Every NVM and ZNS namespace has an NVM command set view; its NVM-specific fields are zero here.
  if (csi === Csi.NVM && (ns.csi === Csi.NVM || ns.csi === Csi.ZNS)) return 0;
  return S.INVALID_FIELD;
};

const identifyControllerCsi: CnsFiller = (ctx, buf, ext) => {
  const csi = getBits(ctx.sqe.cdw11, IDENTIFY.csi);
  const fill = ext.controllerCsi?.get(csi);
  if (fill !== undefined) fill(ctx.ctrl, buf);
  else if (csi !== Csi.NVM) return S.INVALID_FIELD;
  return 0;
};

const identifyNsidListCsi: CnsFiller = (ctx, buf, ext) => {
  const csi = getBits(ctx.sqe.cdw11, IDENTIFY.csi);
  // NSID first, then CSI, as QEMU nvme_identify_nslist_csi.
  if (ctx.sqe.nsid >= ALL_NAMESPACES - 1) return S.INVALID_NAMESPACE;
  if (!supportedCsis(ctx.ctrl, ext).has(csi)) return S.INVALID_FIELD;
  return fillNsidList(ctx, buf, (ns) => ns.csi === csi);
};

const identifyNamespaceIndependent: CnsFiller = (ctx, buf) => {
  const ns = namedNamespace(ctx);
  if (typeof ns === 'number') return ns;
  if (ns === undefined) return 0;
  // The common fields are the namespace's own Identify Namespace values.
  ns.identify(buf);
  const o = IDENTIFY_NAMESPACE.offset;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const v = {
    nsfeat: buf[o.nsfeat]!,
    nmic: buf[o.nmic]!,
    rescap: buf[o.rescap]!,
    fpi: buf[o.fpi]!,
    anagrpid: dv.getUint32(o.anagrpid, true),
    nsattr: buf[o.nsattr]!,
    nvmsetid: dv.getUint16(o.nvmsetid, true),
    endgid: dv.getUint16(o.endgid, true),
    nstat: 1,
  };
  encode(IDENTIFY_NAMESPACE_INDEPENDENT, v, buf);
  return 0;
};

const identifyCommandSets: CnsFiller = (ctx, buf, ext) => {
  // Vector 0 (the only I/O command set combination): bit N = CSI N.
  let bits = 0;
  for (const csi of supportedCsis(ctx.ctrl, ext)) bits |= 1 << csi;
  new DataView(buf.buffer, buf.byteOffset, buf.byteLength).setUint32(0, bits >>> 0, true);
  return 0;
};

const CNS_FILLERS: Readonly<Partial<Record<number, CnsFiller>>> = {
  [Cns.NAMESPACE]: identifyNamespace,
  [Cns.CONTROLLER]: (ctx, buf) => (fillIdentifyController(ctx.ctrl, buf), 0),
  [Cns.ACTIVE_NSID_LIST]: (ctx, buf) => fillNsidList(ctx, buf, () => true),
  [Cns.NS_ID_DESCRIPTOR_LIST]: identifyNsDescriptors,
  [Cns.NAMESPACE_IOCS]: identifyNamespaceCsi,
  [Cns.CONTROLLER_IOCS]: identifyControllerCsi,
  [Cns.ACTIVE_NSID_LIST_IOCS]: identifyNsidListCsi,
  [Cns.NAMESPACE_IOCS_INDEPENDENT]: identifyNamespaceIndependent,
  [Cns.IO_COMMAND_SET]: identifyCommandSets,
};

export function identifyHandler(ext: IdentifyExtensions = {}): (ctx: AdminContext) => number {
  return (ctx) => {
    const fill = CNS_FILLERS[getBits(ctx.sqe.cdw10, IDENTIFY.cns)];
    if (fill === undefined) return S.INVALID_FIELD;
    scratch.fill(0);
    return fill(ctx, scratch, ext) || sendToHost(ctx, scratch);
  };
}
