import { RuntimeError } from '../../core/errors.js';
import { waitFor } from '../../core/wait.js';
import {
  KEEPALIVED_BOOTSTRAP_MARKER,
  KEEPALIVED_CHECK_SCRIPT_PATH,
  KEEPALIVED_CONF_PATH,
  KEEPALIVED_NOTIFY_SCRIPT_PATH,
  renderApiCheckScript,
  renderKeepalivedConf,
  renderNotifyScript,
} from '../../provision/keepalived.js';
import { VRRP_STATE_FILE } from '../evidence/node-facts.js';
import { run, writeNodeFile } from '../../runtime/node-runner.js';
import { type Action, onEachNode, onNode } from '../action.js';
import type { LabContext } from '../lab-context.js';
import { holdsVip } from '../vip-holders.js';
import { masters } from '../../core/topology.js';

export const keepalivedAction: Action<LabContext> = {
  name: 'keepalived',
  async run(ctx) {
    const group = masters(ctx.topology);
    const profile = ctx.state.timing;
    await onEachNode(ctx, group, async (master, runner) => {
      await writeNodeFile(
        runner,
        KEEPALIVED_CHECK_SCRIPT_PATH,
        renderApiCheckScript(ctx.topology, master, profile),
        0o755,
      );
      await writeNodeFile(
        runner,
        KEEPALIVED_NOTIFY_SCRIPT_PATH,
        renderNotifyScript(VRRP_STATE_FILE),
        0o755,
      );
      await writeNodeFile(
        runner,
        KEEPALIVED_CONF_PATH,
        renderKeepalivedConf(ctx.topology, master, profile, { preempt: ctx.state.preempt }),
      );
      // Before init no API server exists anywhere; the marker makes master-0's check pass
      // so it takes the VIP that `kubeadm init` needs as its endpoint.
      if (master.index === 0)
        await writeNodeFile(runner, KEEPALIVED_BOOTSTRAP_MARKER, 'bootstrapping\n');
      // keepalived accepts broken configs with a mere warning (host-notes.md): check first.
      const check = await runner.exec(['keepalived', '-t', '-f', KEEPALIVED_CONF_PATH], {
        timeoutMs: 15_000,
      });
      if (check.exitCode !== 0) {
        const why = (check.stderr || check.stdout).trim().split('\n').slice(-2).join(' | ');
        throw new RuntimeError(
          'keepalived-config',
          `keepalived -t rejected ${KEEPALIVED_CONF_PATH} (exit ${check.exitCode}): ${why}`,
        );
      }
      await run(runner, [
        'sh',
        '-c',
        'systemctl enable --quiet keepalived && systemctl restart keepalived',
      ]);
    });
  },
};

/**
 * `kubeadm init` needs the VIP as its endpoint. The keepalived phase only starts the daemons:
 * VRRP's first election (3 adverts and a skew, about 4 s) runs while the pod network and etcd
 * come up, and kubeadm-init waits here for whatever is left of it.
 */
export async function waitForMaster0Vip(ctx: LabContext): Promise<void> {
  const first = masters(ctx.topology)[0];
  const runner = first ? ctx.runners[first.name] : undefined;
  if (!first || !runner) throw new Error('no master-0');
  await onNode(first.name, () =>
    waitFor(async () => ((await holdsVip(runner, ctx.topology)) ? true : undefined), {
      what: `master-0 to hold the VIP ${ctx.topology.vip}`,
      timeoutMs: 30_000,
      intervalMs: 250,
      signal: ctx.signal,
    }),
  );
}

/** Once the API answers through the VIP, master-0's check asks the real API server again. */
export async function endBootstrap(ctx: LabContext): Promise<void> {
  const first = masters(ctx.topology)[0];
  const runner = first ? ctx.runners[first.name] : undefined;
  if (runner) await run(runner, ['rm', '-f', KEEPALIVED_BOOTSTRAP_MARKER]);
}
