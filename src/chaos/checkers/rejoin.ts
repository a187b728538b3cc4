import { judgeWhole } from '../../lab/evidence/judge-whole.js';
import { samplesOf, type History } from '../history.js';
import { recoveryRequirement, undoBegan } from './recovery.js';
import {
  byTime,
  formatDuration,
  offset,
  verdict,
  type CheckContext,
  type Verdict,
} from './verdict.js';

const CHECK = 'rejoin';

/**
 * After the last undo, how long until the lab is whole again by fresh evidence only (see
 * judgeWhole): leases renewed and stopped processes started after the undo, every master's
 * own /readyz, keepalived back in MASTER or BACKUP, one VIP holder, etcd caught up with one
 * leader and equal hashkv. It must still be whole at the last reading (no relapse), and the
 * members' hashkv after the run must agree too.
 */
export function checkRejoin(
  history: History,
  expectation: { withinMs: number },
  context: CheckContext,
): Verdict {
  if (context.faults.length === 0) {
    return verdict(CHECK, false, 'no fault was applied, so there was nothing to rejoin from', {
      rejoinMs: null,
    });
  }
  const failedUndo = context.faults.find((f) => f.undoFailed);
  if (failedUndo) {
    const what = failedUndo.operation
      ? `operation ${failedUndo.id} (${failedUndo.fault}) failed`
      : `the undo of ${failedUndo.id} (${failedUndo.fault}) failed`;
    return verdict(CHECK, false, what, { rejoinMs: null });
  }
  const pending = context.faults.find((f) => undoBegan(f) === null);
  if (pending) {
    const never = pending.operation ? 'never finished' : 'was never undone';
    return verdict(CHECK, false, `${pending.id} (${pending.fault}) ${never}`, {
      rejoinMs: null,
    });
  }
  const lastUndo = Math.max(...context.faults.map((f) => undoBegan(f)!));
  const requirement = recoveryRequirement(context);
  const readings = byTime(samplesOf(history, 'evidence')).filter((s) => s.at >= lastUndo);
  const judged = readings.map((s) => ({ at: s.at, ...judgeWhole(s, requirement) }));
  const first = judged.find((j) => j.whole);
  const final = judged[judged.length - 1];
  const hash = hashKvAgreement(history, context);
  const figures = {
    rejoinMs: first ? first.at - lastUndo : null,
    readingsAfterUndo: judged.length,
    missingAtEnd: final ? final.missing.length : null,
    hashKvEqual: hash.equal,
    limitMs: expectation.withinMs,
    ...wholeSincePerNode(
      judged,
      requirement.nodes.map((n) => n.name),
      lastUndo,
    ),
  };
  if (!final) {
    return verdict(
      CHECK,
      false,
      `no evidence was read after the last undo at ${offset(history, lastUndo)}`,
      figures,
    );
  }
  if (!first) {
    return verdict(
      CHECK,
      false,
      `never whole after the last undo; at the end: ${final.missing.join('; ')}`,
      figures,
      lastUndo + expectation.withinMs,
    );
  }
  if (!final.whole) {
    return verdict(
      CHECK,
      false,
      `whole ${formatDuration(figures.rejoinMs!)} after the last undo but not at the end: ${final.missing.join('; ')}`,
      figures,
      final.at,
    );
  }
  if (!hash.equal) {
    return verdict(CHECK, false, `whole again, but after the run ${hash.problem}`, figures);
  }
  return verdict(
    CHECK,
    figures.rejoinMs! <= expectation.withinMs,
    `whole by fresh evidence (leases renewed, processes restarted, /readyz, VRRP, etcd caught up) ${formatDuration(figures.rejoinMs!)} after the last undo; limit ${formatDuration(expectation.withinMs)}`,
    figures,
    first.at,
  );
}

/** Per node, the first reading from which its own facts held to the end (ms after the undo). */
function wholeSincePerNode(
  judged: { at: number; missing: string[] }[],
  nodes: string[],
  lastUndo: number,
): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const node of nodes) {
    let since: number | null = null;
    for (const j of judged) {
      const ok = !j.missing.some((m) => m.startsWith(`${node}:`));
      if (!ok) since = null;
      else since ??= j.at - lastUndo;
    }
    out[`${node}WholeMs`] = since;
  }
  return out;
}

function hashKvAgreement(
  history: History,
  context: CheckContext,
): { equal: boolean; problem: string } {
  const entries = Object.entries(history.hashKv ?? {});
  if (entries.length === 0) return { equal: false, problem: 'no hashkv was recorded' };
  const missing = entries.filter(([, v]) => v === null).map(([m]) => m);
  if (missing.length > 0) return { equal: false, problem: `no hashkv from ${missing.join(', ')}` };
  if (entries.length < context.masters.length) {
    return {
      equal: false,
      problem: `hashkv from only ${entries.length} of ${context.masters.length} members`,
    };
  }
  const values = new Set(entries.map(([, v]) => v));
  return values.size === 1
    ? { equal: true, problem: '' }
    : {
        equal: false,
        problem: `hashkv differs: ${entries.map(([m, v]) => `${m}=${v}`).join(', ')}`,
      };
}
