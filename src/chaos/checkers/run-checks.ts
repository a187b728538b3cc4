import type { History } from '../history.js';
import type { CheckName, Expectations } from '../scenario/model.js';
import { CHECK_NAMES } from '../scenario/model.js';
import { checkApiUnavailable } from './api-unavailable.js';
import { buildCheckContext, type ContextOptions } from './context.js';
import { checkCertsRenewed, checkNoCertErrors } from './certs.js';
import { checkEtcdInSync } from './etcd-in-sync.js';
import { checkEtcdQuorum } from './etcd-quorum.js';
import { checkSnapshotRestore } from './snapshot-restore.js';
import { checkLeaderElection } from './leader-election.js';
import { checkNoLostWrites } from './no-lost-writes.js';
import { checkRejoin } from './rejoin.js';
import { checkSplitBrain } from './split-brain.js';
import { checkUpgraded } from './upgraded.js';
import type { CheckContext, Verdict } from './verdict.js';
import { checkVipFailover } from './vip-failover.js';
import { checkVipHome } from './vip-home.js';
import { checkWorkloadAvailable } from './workload-available.js';

type Run = (history: History, expect: Expectations, context: CheckContext) => Verdict | undefined;

/** `false` for noLostWrites or vipHome means "do not check", the same as leaving it out. */
const RUNS: Record<CheckName, Run> = {
  vipFailover: (h, e, c) => (e.vipFailover ? checkVipFailover(h, e.vipFailover, c) : undefined),
  splitBrain: (h, e, c) => checkSplitBrain(h, e.splitBrain, c),
  apiUnavailable: (h, e, c) =>
    e.apiUnavailable ? checkApiUnavailable(h, e.apiUnavailable, c) : undefined,
  workloadAvailable: (h, e, c) =>
    e.workloadAvailable ? checkWorkloadAvailable(h, e.workloadAvailable, c) : undefined,
  etcdQuorum: (h, e, c) =>
    e.etcdQuorum ? checkEtcdQuorum(h, e.etcdQuorum, c, e.leaderElection?.withinMs) : undefined,
  leaderElection: (h, e, c) =>
    e.leaderElection ? checkLeaderElection(h, e.leaderElection, c) : undefined,
  noLostWrites: (h, e, c) => (e.noLostWrites ? checkNoLostWrites(h, true, c) : undefined),
  rejoin: (h, e, c) => (e.rejoin ? checkRejoin(h, e.rejoin, c) : undefined),
  vipHome: (h, e, c) => (e.vipHome ? checkVipHome(h, true, c) : undefined),
  etcdInSync: (h, e, c) => (e.etcdInSync ? checkEtcdInSync(h, e.etcdInSync, c) : undefined),
  noCertErrors: (h, e, c) => (e.noCertErrors ? checkNoCertErrors(h, true, c) : undefined),
  certsRenewed: (h, e, c) => (e.certsRenewed ? checkCertsRenewed(h, true, c) : undefined),
  snapshotRestore: (h, e, c) => (e.snapshotRestore ? checkSnapshotRestore(h, true, c) : undefined),
  upgraded: (h, e, c) => (e.upgraded ? checkUpgraded(h, true, c) : undefined),
};

/** One verdict per expectation the scenario states, in CHECK_NAMES order. */
export function runChecks(
  history: History,
  expect: Expectations,
  options: ContextOptions = {},
): Verdict[] {
  const context = buildCheckContext(history, options);
  return CHECK_NAMES.map((name) => RUNS[name](history, expect, context)).filter(
    (v): v is Verdict => v !== undefined,
  );
}
