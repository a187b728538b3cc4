import { UsageError } from '../../core/errors.js';
import { upgradeLab } from '../../lab/upgrade/upgrade-lab.js';
import type { Operation } from './op-context.js';

/**
 * A rolling minor upgrade in kubeadm's HA order (lab/upgrade). The running versions read at
 * the end go into the history one sample each, so the `upgraded` check judges live processes.
 */
export const upgrade: Operation = {
  // Every kubelet restarts onto the new binary; each master's API server onto its new image.
  restarts: ['kubelet', 'kube-apiserver'],
  async run(ctx) {
    if (!ctx.to)
      throw new UsageError(
        'upgrade-needs-version',
        'the upgrade step needs `to:` (e.g. to: "1.36")',
      );
    const outcome = await upgradeLab(ctx.lab, ctx.to, ctx);
    // The `upgraded` check reads the target from this step's values.
    await ctx.step('versions', undefined, async () => ({
      from: outcome.from,
      to: outcome.to,
      order: outcome.order.join(','),
    }));
    const at = Date.now();
    for (const v of outcome.versions) ctx.record({ type: 'version', at, ...v });
  },
};
