/**
 * The lab's node names in a host's /etc/hosts, between two marker lines. kubeadm's preflight
 * looks the node name up (init and every join): on a host whose DNS does not answer (an
 * air-gapped lab, an internal network) each lookup waits out the resolver's timeout, 10 s per
 * node here; and kubelet, `kubectl logs` and the operator find nodes by name either way. The
 * block is written in place (a container's /etc/hosts is a bind mount: no rename), replaced
 * whole on a second `up`, and removed by `down` without touching the host's own lines.
 */
export const HOSTS_FILE = '/etc/hosts';
export const HOSTS_BLOCK_BEGIN = '# ha-lab node names: begin';
export const HOSTS_BLOCK_END = '# ha-lab node names: end';

export interface NamedAddress {
  name: string;
  ip: string;
}

/** The block itself, one line per node. */
export function renderHostsBlock(nodes: readonly NamedAddress[]): string {
  const lines = nodes.map((n) => `${n.ip}\t${n.name}`);
  return `${[HOSTS_BLOCK_BEGIN, ...lines, HOSTS_BLOCK_END].join('\n')}\n`;
}

/** sh: true when the block is there. */
export const HAS_HOSTS_BLOCK = `grep -qxF '${HOSTS_BLOCK_BEGIN}' ${HOSTS_FILE} 2>/dev/null`;

/** sh: /etc/hosts without the block (stdout). */
const WITHOUT_BLOCK = `sed '/^${HOSTS_BLOCK_BEGIN}$/,/^${HOSTS_BLOCK_END}$/d' ${HOSTS_FILE}`;

/** sh: replaces the block with stdin's (appended at the end); the file keeps its inode. */
export const WRITE_HOSTS_BLOCK = `kept=$(${WITHOUT_BLOCK}) && block=$(cat) && printf '%s\\n%s\\n' "$kept" "$block" > ${HOSTS_FILE}`;

/** sh: removes the block when there is one; true when it was there. */
export const REMOVE_HOSTS_BLOCK = `${HAS_HOSTS_BLOCK} && kept=$(${WITHOUT_BLOCK}) && printf '%s\\n' "$kept" > ${HOSTS_FILE}`;
