import { samplesOf, type EtcdSample, type History } from '../history.js';
import { hasQuorum, healthyCount, leadersInOneTerm } from './etcd-view.js';
import {
  byTime,
  formatDuration,
  offset,
  verdict,
  type CheckContext,
  type Verdict,
} from './verdict.js';

const CHECK = 'etcdQuorum';

/**
 * kept: every etcd sample shows a healthy majority and at most one leader per term.
 * lost: the scenario takes a majority down on purpose, so a sample without quorum must
 * appear; otherwise the fault did not do what the scenario claims.
 */
export function checkEtcdQuorum(
  history: History,
  expectation: 'kept' | 'lost',
  context: CheckContext,
): Verdict {
  const samples = byTime(samplesOf(history, 'etcd'));
  if (samples.length === 0) {
    return verdict(CHECK, false, 'no etcd samples were recorded, so quorum cannot be judged', {
      samples: 0,
    });
  }
  const lost = samples.filter((s) => !hasQuorum(s, context.masters));
  const figures = {
    samples: samples.length,
    minHealthy: Math.min(...samples.map(healthyCount)),
    maxLeaders: Math.max(...samples.map(leadersInOneTerm)),
    samplesWithoutQuorum: lost.length,
    lostMs: longestLoss(samples, context.masters, history.endedAt),
  };
  if (expectation === 'lost') {
    return lost.length > 0
      ? verdict(
          CHECK,
          true,
          `quorum lost as expected from ${offset(history, lost[0]!.at)} (for up to ${formatDuration(figures.lostMs)})`,
          figures,
        )
      : verdict(
          CHECK,
          false,
          `quorum loss was expected but a majority stayed healthy in all ${samples.length} samples`,
          figures,
        );
  }
  const twoLeaders = samples.filter((s) => leadersInOneTerm(s) > 1);
  if (lost.length > 0) {
    return verdict(
      CHECK,
      false,
      `quorum lost at ${offset(history, lost[0]!.at)}: ${healthyCount(lost[0]!)} healthy member(s) in ${lost.length} of ${samples.length} samples`,
      figures,
    );
  }
  if (twoLeaders.length > 0) {
    return verdict(
      CHECK,
      false,
      `${leadersInOneTerm(twoLeaders[0]!)} leaders in one term at ${offset(history, twoLeaders[0]!.at)}`,
      figures,
    );
  }
  return verdict(
    CHECK,
    true,
    `a healthy majority and at most one leader in all ${samples.length} samples (at least ${figures.minHealthy} healthy)`,
    figures,
  );
}

function longestLoss(samples: EtcdSample[], masters: string[], endedAt: number): number {
  let longest = 0;
  let since: number | undefined;
  for (const sample of samples) {
    const ok = hasQuorum(sample, masters);
    if (!ok && since === undefined) since = sample.at;
    if (ok && since !== undefined) {
      longest = Math.max(longest, sample.at - since);
      since = undefined;
    }
  }
  return since === undefined ? longest : Math.max(longest, endedAt - since);
}
