import { etcdMemberAdd, etcdMemberRemove, etcdMembers } from '../../lab/clients/etcd-client.js';
import { findNode, masters } from '../../core/topology.js';
import {
  ETCD_DATA_DIR,
  ETCD_UNIT_PATH,
  etcdPeerUrl,
  withInitialClusterState,
} from '../../provision/etcd.js';
import { run, writeNodeFile } from '../../runtime/node-runner.js';
import type { Operation } from './op-context.js';
import { waitForEtcdInSync } from './etcd-sync.js';

/** How long a new member may take to catch up and agree (the target is 60 s). */
const REJOIN_LIMIT_MS = 180_000;

/**
 * A member whose disk was lost: its etcd stopped and its data dir wiped, then, as etcd's
 * runtime-reconfiguration guide says, the old member removed, a new one added under the same
 * name and peer URL, and started with an empty data dir and `--initial-cluster-state=existing`
 * so it joins the running cluster and receives a snapshot from the leader.
 */
export const etcdMemberReplace: Operation = {
  restarts: ['etcd'],
  async run(ctx) {
    const [name] = ctx.targets;
    if (!name) throw new Error('etcd-member-replace needs one master');
    const node = findNode(ctx.lab.topology, name);
    const runner = ctx.runner(name);
    const survivors = masters(ctx.lab.topology).filter((m) => m.name !== name);
    const identity = ctx.lab.etcdProbe;
    // Ask the survivors in turn: whichever answers first does the membership change.
    const onSurvivor = async <T>(work: (ip: string) => Promise<T>): Promise<T> => {
      let last: unknown;
      for (const m of survivors) {
        try {
          return await work(m.ip);
        } catch (error) {
          last = error;
        }
      }
      throw last instanceof Error ? last : new Error('no surviving member answered');
    };

    // A lost disk is a crash, not a shutdown: SIGKILL, then stop so systemd does not restart
    // it. A graceful stop of the leader first tries to hand leadership over, which held the
    // survivors leaderless for 8 s in a real run, something a dying disk never does.
    await ctx.step('kill etcd', name, () =>
      run(runner, ['sh', '-c', 'systemctl kill --signal=SIGKILL etcd; systemctl stop etcd']),
    );
    await ctx.step('wipe data dir', name, () => run(runner, ['rm', '-rf', ETCD_DATA_DIR]));
    const removed = await ctx.step('member remove', name, () =>
      onSurvivor(async (ip) => {
        const members = await etcdMembers(ip, identity);
        const old = members.find((m) => m.name === name);
        if (!old) throw new Error(`no member named ${name} in the cluster`);
        await etcdMemberRemove(ip, identity, old.id);
        return { removedId: old.id };
      }),
    );
    const added = await ctx.step('member add', name, () =>
      onSurvivor(async (ip) => ({
        addedId: await etcdMemberAdd(ip, identity, [etcdPeerUrl(node)]),
      })),
    );
    ctx.log(`  member ${name}: ${removed.removedId} → ${added.addedId}`);
    await ctx.step('unit: initial-cluster-state existing', name, async () => {
      const unit = await run(runner, ['cat', ETCD_UNIT_PATH]);
      await writeNodeFile(runner, ETCD_UNIT_PATH, withInitialClusterState(unit, 'existing'));
      await run(runner, ['systemctl', 'daemon-reload']);
    });
    // --no-block: Type=notify returns only once the member serves; the wait below watches it.
    await ctx.step('start etcd', name, () =>
      run(runner, ['systemctl', 'start', '--no-block', 'etcd']),
    );
    await ctx.step('member healthy, hashkv equal', name, () =>
      waitForEtcdInSync(ctx.lab, REJOIN_LIMIT_MS, ctx.signal),
    );
  },
};
