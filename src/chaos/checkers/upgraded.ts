import { MASTER_COMPONENTS, WORKER_COMPONENTS } from '../../lab/upgrade/live-versions.js';
import { type History, samplesOf } from '../history.js';
import { byTime, type CheckContext, verdict, type Verdict } from './verdict.js';

/**
 * Every node runs the version the upgrade went to, each component as its running process
 * reports it (read after the upgrade), and every one of those processes started after the
 * upgrade began: an old kubelet still running from a replaced binary, or a static pod that
 * kubelet never recreated, fails here even if the files on disk are new.
 */
export function checkUpgraded(history: History, _e: boolean, context: CheckContext): Verdict {
  const ops = samplesOf(history, 'op').filter((r) => r.op === 'upgrade');
  const started = ops.find((r) => r.phase === 'started');
  const failed = ops.find((r) => r.phase === 'failed');
  const to = ops.find((r) => r.step === 'versions')?.values?.to;
  const figures = { nodes: context.nodes.length, components: 0, behind: 0 };
  if (!started) return verdict('upgraded', false, 'no upgrade ran', figures);
  if (failed)
    return verdict(
      'upgraded',
      false,
      `the upgrade failed: ${failed.message ?? 'no reason recorded'}`,
      figures,
      failed.at,
    );
  if (typeof to !== 'string')
    return verdict('upgraded', false, 'the upgrade recorded no target version', figures);
  const readings = byTime(samplesOf(history, 'version').filter((v) => v.at >= started.at));
  const problems: string[] = [];
  for (const node of context.nodes) {
    const wanted = context.masters.includes(node) ? MASTER_COMPONENTS : WORKER_COMPONENTS;
    for (const component of wanted) {
      figures.components += 1;
      // The newest reading of this component on this node is the one that counts.
      const seen = readings.filter((v) => v.node === node && v.component === component).pop();
      const problem = !seen
        ? 'not read after the upgrade'
        : seen.version !== to
          ? `runs ${seen.version ?? 'nothing'}${seen.error ? ` (${seen.error})` : ''}`
          : seen.startedAt === null || seen.startedAt < started.at
            ? 'still the process from before the upgrade'
            : undefined;
      if (problem) problems.push(`${node} ${component}: ${problem}`);
    }
  }
  figures.behind = problems.length;
  if (problems.length > 0)
    return verdict(
      'upgraded',
      false,
      `${problems.length} of ${figures.components} not at ${to}: ${problems.slice(0, 4).join('; ')}`,
      figures,
    );
  return verdict(
    'upgraded',
    true,
    `all ${figures.components} components on ${context.nodes.length} nodes run ${to}, each started after the upgrade began`,
    figures,
  );
}
