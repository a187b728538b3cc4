import { waitFor, waitForOr } from '../core/wait.js';
import { isReady } from '../lab/clients/api-client.js';
import { atRest, judgeWhole } from '../lab/evidence/judge-whole.js';
import { gatherLabEvidence } from '../lab/evidence/lab-evidence.js';
import type { OpenLab } from '../lab/open-lab.js';
import { masters } from '../core/topology.js';
import { run } from '../runtime/node-runner.js';
import { currentVipHolders } from './faults/resolve-target.js';

/** The lab is not whole before the run: the scenario refuses to start (exit 3). */
export class NotWholeError extends Error {
  constructor(readonly missing: string[]) {
    super(`the lab is not whole before the run: ${missing.join('; ')}`);
    this.name = 'NotWholeError';
  }
}

/** How long a scenario waits for a lab that is still settling (a previous run's recovery). */
const WHOLE_WAIT_MS = 90_000;

/** Waits until the lab is whole by the one definition; refuses with what is missing. */
async function untilWhole(lab: OpenLab, signal: AbortSignal): Promise<void> {
  const requirement = atRest(lab.topology.nodes);
  let missing: string[] = [];
  const whole = await waitForOr(
    async () => {
      const judgement = judgeWhole(await gatherLabEvidence(lab, signal), requirement);
      missing = judgement.missing;
      return judgement.whole ? true : undefined;
    },
    { what: 'a whole lab', timeoutMs: WHOLE_WAIT_MS, intervalMs: 1000, signal },
    () => false,
  );
  if (!whole) throw new NotWholeError(missing);
}

/**
 * Every scenario starts from the same place: all members and API servers healthy and the VIP
 * on the top-priority master. Without preemption the VIP stays wherever the last failover put
 * it, so a repeated kill-master0 would otherwise kill a master that holds nothing. Re-homing
 * happens before any probe runs, so it never counts against the scenario. Returns what it
 * did, for the history.
 */
export async function prepareStartingState(
  lab: OpenLab,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<string | undefined> {
  await untilWhole(lab, signal);
  const top = [...masters(lab.topology)].sort((a, b) => b.priority - a.priority)[0];
  if (!top) return undefined;
  const holders = await currentVipHolders(lab);
  if (holders.length === 1 && holders[0] === top.name) return undefined;
  log(`re-homing the VIP from ${holders.join(', ') || 'nobody'} to ${top.name} before the run`);
  // Stop keepalived on every other master, so the top one is alone and must take the VIP
  // (restarting only the holder lets whichever backup's timer fires first win), then start
  // them again: they return as backups and, without preemption, leave the VIP where it is.
  const others = masters(lab.topology).filter((m) => m.name !== top.name);
  for (const m of others) {
    const runner = lab.runners[m.name];
    if (runner) await run(runner, ['systemctl', 'stop', 'keepalived']);
  }
  try {
    await waitFor(
      async () => {
        const now = await currentVipHolders(lab);
        const home =
          now.length === 1 && now[0] === top.name && (await isReady(lab.apiUrl, lab.admin));
        return home ? true : undefined;
      },
      { what: `the VIP on ${top.name} before the run`, timeoutMs: 60_000, signal },
    );
  } finally {
    for (const m of others) {
      const runner = lab.runners[m.name];
      if (runner) await run(runner, ['systemctl', 'start', 'keepalived']);
    }
  }
  // The restarted keepalived instances must be back in BACKUP before faults begin.
  await untilWhole(lab, signal);
  return `VIP re-homed from ${holders.join(', ') || 'nobody'} to ${top.name} before the run`;
}
