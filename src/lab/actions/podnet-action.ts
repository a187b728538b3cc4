import {
  CNI_CONFLIST_PATH,
  POD_NETWORK_SCRIPT_PATH,
  POD_NETWORK_UNIT_NAME,
  POD_NETWORK_UNIT_PATH,
  renderCniConflist,
  renderPodNetworkScript,
  renderPodNetworkUnit,
} from '../../provision/podnet.js';
import { KUBELET_RESOLV_CONF_PATH, renderKubeletResolvConf } from '../../provision/kubeadm.js';
import { run, writeNodeFile } from '../../runtime/node-runner.js';
import { type Action, onEachNode } from '../action.js';
import type { LabContext } from '../lab-context.js';

/** Per-node pod CIDR, CNI config and the VXLAN overlay; a unit re-applies it at every boot. */
export const podNetworkAction: Action<LabContext> = {
  name: 'pod-network',
  async run(ctx) {
    await onEachNode(ctx, ctx.topology.nodes, async (node, runner) => {
      await writeNodeFile(runner, CNI_CONFLIST_PATH, renderCniConflist(node));
      await writeNodeFile(
        runner,
        POD_NETWORK_SCRIPT_PATH,
        renderPodNetworkScript(ctx.topology, node),
        0o755,
      );
      await writeNodeFile(runner, POD_NETWORK_UNIT_PATH, renderPodNetworkUnit());
      await writeNodeFile(runner, KUBELET_RESOLV_CONF_PATH, renderKubeletResolvConf(ctx.topology));
      await run(runner, [
        'sh',
        '-c',
        `systemctl daemon-reload && systemctl enable --quiet ${POD_NETWORK_UNIT_NAME} && systemctl restart ${POD_NETWORK_UNIT_NAME}`,
      ]);
    });
  },
};
