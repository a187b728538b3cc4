import { VXLAN_ID, VXLAN_PORT, labLink, type NodeSpec, type Topology } from '../core/topology.js';
import { CNI_CONF_DIR } from './containerd.js';

export const CNI_NETWORK_NAME = 'halab';
export const CNI_CONFLIST_PATH = `${CNI_CONF_DIR}/10-halab.conflist`;
export const CNI_BRIDGE = 'cni0';
export const VXLAN_DEVICE = 'halab-vx';
/** The lab link's 1500 minus VXLAN's 50 bytes of outer headers. */
export const POD_MTU = 1450;
export const POD_NETWORK_SCRIPT_PATH = '/usr/local/sbin/halab-podnet';
export const POD_NETWORK_UNIT_NAME = 'halab-podnet.service';
export const POD_NETWORK_UNIT_PATH = `/etc/systemd/system/${POD_NETWORK_UNIT_NAME}`;
const MASQUERADE_COMMENT = 'ha-lab pod to lab network';

/**
 * The node's CNI config: pods hang off a local bridge and get addresses from this node's
 * fixed pod CIDR; the bridge address is their gateway, and the overlay routes do the rest.
 */
export function renderCniConflist(node: NodeSpec): string {
  const conflist = {
    cniVersion: '1.0.0',
    name: CNI_NETWORK_NAME,
    plugins: [
      {
        type: 'bridge',
        bridge: CNI_BRIDGE,
        isGateway: true,
        // Pod traffic keeps its source address inside the cluster; only traffic onto the
        // lab network is masqueraded, by the pod network script.
        ipMasq: false,
        mtu: POD_MTU,
        // Lets a pod reach itself through a Service that picks it as the backend.
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: node.podCidr }]],
          routes: [{ dst: '0.0.0.0/0' }],
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
  return `${JSON.stringify(conflist, null, 2)}\n`;
}

/**
 * Idempotent boot script for the overlay. Pod addresses must never appear on the lab network
 * itself: the Docker host bridges it with bridge-nf-call-iptables on, and its isolation rules
 * drop frames whose addresses lie outside the lab subnet. So pod-to-pod traffic between nodes
 * is wrapped in VXLAN between node IPs, and pod traffic to node IPs (the API server behind a
 * Service, kubelets) is masqueraded to the node's own address.
 */
export function renderPodNetworkScript(topology: Topology, node: NodeSpec): string {
  const peers = topology.nodes.filter((n) => n.name !== node.name);
  const lines = [
    '#!/bin/bash',
    `# ha-lab pod network for ${node.name} (lab ${topology.lab}); safe to run again.`,
    'set -euo pipefail',
    '',
    'sysctl -qw net.ipv4.ip_forward=1',
    '',
    `if ! ip link show ${VXLAN_DEVICE} >/dev/null 2>&1; then`,
    // Learning stays on: the all-zero entries below only carry broadcast (ARP) and unknown
    // destinations; once a peer's MAC is learnt its frames go to that one node.
    `  ip link add ${VXLAN_DEVICE} type vxlan id ${VXLAN_ID} dstport ${VXLAN_PORT} dev ${labLink(topology).interface} local ${node.ip}`,
    'fi',
    `ip link set ${VXLAN_DEVICE} mtu ${POD_MTU}`,
    `ip addr replace ${node.overlayIp}/24 dev ${VXLAN_DEVICE}`,
    '',
    // No multicast group (multicast does not cross this network): one flood entry per peer.
    // The listing is read once into a variable: `bridge | grep -q` under pipefail could fail
    // on SIGPIPE and append a duplicate, which `bridge` rejects.
    `fdb="$(bridge fdb show dev ${VXLAN_DEVICE})"`,
    ...peers.map(
      (peer) =>
        `grep -q '^00:00:00:00:00:00 dst ${peer.ip.replaceAll('.', '\\.')} ' <<<"$fdb" ||\n` +
        `  bridge fdb append 00:00:00:00:00:00 dev ${VXLAN_DEVICE} dst ${peer.ip}`,
    ),
    `ip link set ${VXLAN_DEVICE} up`,
    '',
    ...peers.map(
      (peer) => `ip route replace ${peer.podCidr} via ${peer.overlayIp} dev ${VXLAN_DEVICE} onlink`,
    ),
    '',
    `rule=(-s ${node.podCidr} -o ${labLink(topology).interface} -m comment --comment '${MASQUERADE_COMMENT}' -j MASQUERADE)`,
    'iptables -t nat -C POSTROUTING "${rule[@]}" 2>/dev/null || iptables -t nat -A POSTROUTING "${rule[@]}"',
    '',
  ];
  return lines.join('\n');
}

/** Runs the script once per boot, before kubelet starts pods that would need the overlay. */
export function renderPodNetworkUnit(): string {
  return `[Unit]
Description=ha-lab pod network (VXLAN overlay, routes, egress masquerade)
Wants=network-online.target
After=network-online.target
Before=kubelet.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=${POD_NETWORK_SCRIPT_PATH}

[Install]
WantedBy=multi-user.target
`;
}
