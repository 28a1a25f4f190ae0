// Format NVM (admin 0x80): one namespace (the dispatcher checked it) or, with NSID 0xFFFFFFFF,
// all of them. Namespaces do the formatting; the command checks what no namespace offers
// (protection information, cryptographic erase) and tells the host the namespaces changed.
import { AsyncEventNotice, AsyncEventType, FEAT_ASYNC_EVENT_CONFIG, FORMAT_NVM, FeatureId, LogPage, SecureErase, getBits } from '../../spec/index.js';
import type { Controller } from '../controller.js';
import type { Namespace } from '../namespace.js';
import { S } from '../statuses.js';
import { AS, type AdminContext } from './admin-common.js';

/** SES values we do: none and user data erase (FNA bit 2 clear: no cryptographic erase). */
const SUPPORTED_SES: ReadonlySet<number> = new Set([SecureErase.NONE, SecureErase.USER_DATA]);

/** Records changed namespaces and raises Namespace Attribute Changed when the host enabled it. */
function announceChange(ctrl: Controller, changed: readonly Namespace[]): void {
  if (changed.length === 0) return;
  for (const ns of changed) ctrl.changedNamespaces.add(ns.nsid);
  if (getBits(ctrl.features.get(FeatureId.ASYNC_EVENT_CONFIG), FEAT_ASYNC_EVENT_CONFIG.nsAttributeNotices) === 1) {
    ctrl.events.post({ type: AsyncEventType.NOTICE, info: AsyncEventNotice.NS_ATTRIBUTE_CHANGED, logPage: LogPage.CHANGED_NS_LIST });
  }
}

export function formatNvm(ctx: AdminContext): number {
  const ctrl = ctx.ctrl;
  const cdw10 = ctx.sqe.cdw10;
  const lbaf = getBits(cdw10, FORMAT_NVM.lbafl) | (getBits(cdw10, FORMAT_NVM.lbafu) << 4);
  // No namespace offers end-to-end protection (DPC 0). MSET and PIL mean nothing without it and
  // without metadata, so they are left to the namespace's format list.
  if (getBits(cdw10, FORMAT_NVM.pi) !== 0) return AS.INVALID_FORMAT;
  const ses = getBits(cdw10, FORMAT_NVM.ses);
  if (!SUPPORTED_SES.has(ses)) return S.INVALID_FIELD;
  const targets = ctx.ns !== undefined ? [ctx.ns] : [...ctrl.namespaces.values()];
  // All or nothing as far as we can tell beforehand: every target must be formattable.
  if (targets.some((ns) => ns.format === undefined)) return AS.INVALID_FORMAT;
  const done: Namespace[] = [];
  let st = 0;
  for (const ns of targets) {
    st = ns.format!(lbaf, ses);
    if (st !== 0) break;
    done.push(ns);
  }
  announceChange(ctrl, done);
  return st;
}
