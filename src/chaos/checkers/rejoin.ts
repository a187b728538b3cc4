import { samplesOf, type EtcdSample, type History, type NodeReadySample } from '../history.js';
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
 * After the last undo, how long until every etcd member is healthy and every node Ready at
 * the same time; the state must still hold at the end (no relapse), and the members'
 * hashkv must agree, or a member came back with different data.
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
    return verdict(CHECK, false, `the undo of ${failedUndo.id} (${failedUndo.fault}) failed`, {
      rejoinMs: null,
    });
  }
  const pending = context.faults.find((f) => f.undoneAt === null);
  if (pending) {
    return verdict(CHECK, false, `${pending.id} (${pending.fault}) was never undone`, {
      rejoinMs: null,
    });
  }
  const lastUndo = Math.max(...context.faults.map((f) => f.undoneAt!));
  const after = <T extends { at: number }>(items: T[]) =>
    byTime(items).filter((s) => s.at >= lastUndo);
  const etcd = after(samplesOf(history, 'etcd'));
  const nodes = after(samplesOf(history, 'nodes'));
  const hash = hashKvAgreement(history, context);
  const etcdOk = (s: EtcdSample) => allMembersHealthy(s, context);
  const nodesOk = (s: NodeReadySample) => allNodesReady(s, context);
  const recoveredAt = firstJointly(etcd, nodes, etcdOk, nodesOk);
  const finalEtcd = etcd[etcd.length - 1];
  const finalNodes = nodes[nodes.length - 1];
  const figures = {
    rejoinMs: recoveredAt === undefined ? null : recoveredAt - lastUndo,
    membersHealthyAtEnd: finalEtcd ? finalEtcd.members.filter((m) => m.healthy).length : null,
    nodesReadyAtEnd: finalNodes
      ? Object.values(finalNodes.ready).filter((r) => r === 'True').length
      : null,
    hashKvEqual: hash.equal,
    limitMs: expectation.withinMs,
  };
  if (etcd.length === 0 || nodes.length === 0) {
    const missing = etcd.length === 0 ? 'etcd' : 'node';
    return verdict(
      CHECK,
      false,
      `no ${missing} samples after the last undo at ${offset(history, lastUndo)}`,
      figures,
    );
  }
  if (recoveredAt === undefined) {
    const sick = [
      ...finalEtcd!.members.filter((m) => !m.healthy).map((m) => `etcd ${m.member}`),
      ...context.nodes.filter((n) => finalNodes!.ready[n] !== 'True').map((n) => `node ${n}`),
    ];
    return verdict(
      CHECK,
      false,
      `never fully recovered after the last undo; at the end: ${sick.join(', ') || 'members or nodes missing from the samples'} not healthy`,
      figures,
    );
  }
  if (!etcdOk(finalEtcd!) || !nodesOk(finalNodes!)) {
    return verdict(
      CHECK,
      false,
      `recovered after ${formatDuration(figures.rejoinMs!)} but relapsed before the end`,
      figures,
    );
  }
  if (!hash.equal) {
    return verdict(CHECK, false, `members and nodes recovered, but ${hash.problem}`, figures);
  }
  return verdict(
    CHECK,
    figures.rejoinMs! <= expectation.withinMs,
    `all members healthy, all nodes Ready and hashkv equal ${formatDuration(figures.rejoinMs!)} after the last undo; limit ${formatDuration(expectation.withinMs)}`,
    figures,
  );
}

function allMembersHealthy(sample: EtcdSample, context: CheckContext): boolean {
  return sample.members.length >= context.masters.length && sample.members.every((m) => m.healthy);
}

function allNodesReady(sample: NodeReadySample, context: CheckContext): boolean {
  const expected = context.nodes.length > 0 ? context.nodes : Object.keys(sample.ready);
  return expected.length > 0 && expected.every((n) => sample.ready[n] === 'True');
}

/** The first moment at which the latest sample of each kind is good. */
function firstJointly(
  etcd: EtcdSample[],
  nodes: NodeReadySample[],
  etcdOk: (s: EtcdSample) => boolean,
  nodesOk: (s: NodeReadySample) => boolean,
): number | undefined {
  const moments = [...etcd, ...nodes].map((s) => s.at).sort((a, b) => a - b);
  let e = -1;
  let n = -1;
  for (const at of moments) {
    while (e + 1 < etcd.length && etcd[e + 1]!.at <= at) e += 1;
    while (n + 1 < nodes.length && nodes[n + 1]!.at <= at) n += 1;
    if (e >= 0 && n >= 0 && etcdOk(etcd[e]!) && nodesOk(nodes[n]!)) return at;
  }
  return undefined;
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
