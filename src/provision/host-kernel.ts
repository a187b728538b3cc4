/**
 * The kernel settings a node needs, as files an inventory host keeps across reboots (a node
 * container gets them from its entrypoint and the engine). `down --inventory` removes both
 * files and reloads the host's own settings.
 */
export const HOST_SYSCTL_PATH = '/etc/sysctl.d/99-ha-lab.conf';
export const HOST_MODULES_PATH = '/etc/modules-load.d/ha-lab.conf';

/** kube-proxy and the pod network route and filter bridged pod traffic. */
export const HOST_SYSCTLS: Readonly<Record<string, string>> = {
  'net.ipv4.ip_forward': '1',
  'net.bridge.bridge-nf-call-iptables': '1',
  'net.bridge.bridge-nf-call-ip6tables': '1',
};

/** overlay for containerd's snapshotter, br_netfilter for the bridge sysctls above. */
export const HOST_MODULES = ['overlay', 'br_netfilter'] as const;

export function renderHostSysctls(): string {
  const lines = Object.entries(HOST_SYSCTLS).map(([key, value]) => `${key} = ${value}`);
  return `# ha-lab: removed by \`ha-lab down --inventory\`\n${lines.join('\n')}\n`;
}

export function renderHostModules(): string {
  return `# ha-lab: removed by \`ha-lab down --inventory\`\n${HOST_MODULES.join('\n')}\n`;
}
