// Failure messages for the e2e driver: every assertion on a guest step carries the step's
// output, and a failed boot carries the tails of both consoles, so a CI log alone explains it.

import type { GuestRun } from './guest.js';
import type { SessionResult, StepResult } from './session.js';

function tail(text: string, lines: number): string {
  const all = text.replace(/\r/g, '').split('\n');
  return all.slice(Math.max(0, all.length - lines)).join('\n');
}

export function describeStep(s: StepResult | undefined, name: string): string {
  if (s === undefined) return `guest step ${name}: never started (see session.log)`;
  if (s.skipped) return `guest step ${name}: skipped because an earlier required step failed`;
  return `guest step ${name}: rc=${s.rc ?? 'unfinished'}\n--- output ---\n${tail(s.output, 60)}\n--------------`;
}

export function describeRun(run: GuestRun, session: SessionResult): string {
  return [
    `guest run in ${run.workDir}: qemu exit ${run.exitCode}${run.timedOut ? ' (killed: host-side timeout)' : ''}, ${(run.elapsedMs / 1000).toFixed(1)} s,` +
      ` ready=${session.ready}, test.sh rc=${session.exitRc ?? 'none'}`,
    run.qemuStderr ? `--- qemu stderr ---\n${tail(run.qemuStderr, 20)}` : '',
    `--- kernel console (tail) ---\n${tail(run.console, 25)}`,
    `--- session (tail) ---\n${tail(run.session, 25)}`,
  ]
    .filter(Boolean)
    .join('\n');
}
