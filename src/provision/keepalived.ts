import { API_PORT, labLink, masters, type NodeSpec, type Topology } from '../core/topology.js';

export const KEEPALIVED_CONF_PATH = '/etc/keepalived/keepalived.conf';
export const KEEPALIVED_CHECK_SCRIPT_PATH = '/etc/keepalived/check_apiserver.sh';
export const KEEPALIVED_NOTIFY_SCRIPT_PATH = '/etc/keepalived/notify_state.sh';
/**
 * While this file exists on a master, its health check passes without asking the API server.
 * Provisioning creates it on master-0 before `kubeadm init` (the VIP must be up for init to
 * reach its own API through it) and removes it once the API answers through the VIP.
 */
export const KEEPALIVED_BOOTSTRAP_MARKER = '/etc/keepalived/bootstrapping';
export const VRRP_INSTANCE = 'HA_LAB_API';

/**
 * default: VRRPv2, 1 s adverts (measured ~3.3 s VIP failover). fast: VRRPv3, 0.2 s adverts
 * (~0.7 s), a quicker check timeout and a single failed check to give the VIP away.
 */
export type KeepalivedProfile = 'default' | 'fast';

export interface KeepalivedOptions {
  /**
   * false (default): every master is BACKUP with `nopreempt`, so a master that returns does
   * not take the VIP back and cause a second disruption; the VIP stays on the survivor.
   * true: the highest healthy priority always holds the VIP (master-0 takes it back).
   */
  preempt?: boolean;
}

/** How much a failing health check lowers a master's priority when preempting. */
export const CHECK_WEIGHT = -60;

/**
 * A stable VRID per lab, 1..255. Labs live on separate Docker networks, so a collision would
 * be harmless, but a per-lab id keeps captures and logs of two labs apart.
 */
export function virtualRouterId(lab: string): number {
  let hash = 0x811c9dc5;
  for (const char of lab) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash % 255) + 1;
}

export function renderKeepalivedConf(
  topology: Topology,
  master: NodeSpec,
  profile: KeepalivedProfile = 'default',
  options: KeepalivedOptions = {},
): string {
  const preempt = options.preempt ?? false;
  const fast = profile === 'fast';
  const peers = masters(topology).filter((m) => m.name !== master.name);
  const globalDefs = [
    `router_id ${master.name}`,
    'script_user root',
    'enable_script_security',
    // Only valid here: inside vrrp_instance keepalived warns and runs without it.
    ...(fast ? ['vrrp_version 3'] : []),
  ];
  // With nopreempt a BACKUP ignores adverts of a lower priority (keepalived's
  // vrrp_state_backup), so a weight could never move the VIP off an unhealthy holder: there a
  // failing check must put the instance in FAULT (weight 0), which releases the VIP at once.
  // When preempting, a negative weight larger than the priority spread (150 - 130 = 20) drops
  // a failing master below every healthy one, and during bootstrap (no API server anywhere)
  // master-0 still wins with the highest reduced priority.
  const weight = preempt ? CHECK_WEIGHT : 0;
  const lines = [
    'global_defs {',
    ...indent(globalDefs, 1),
    '}',
    '',
    'vrrp_script chk_apiserver {',
    ...indent(
      [
        `script "${KEEPALIVED_CHECK_SCRIPT_PATH}"`,
        // keepalived 2.2 (bookworm) takes whole seconds for a script interval.
        'interval 1',
        'timeout 3',
        `fall ${fast ? 1 : 2}`,
        'rise 2',
        `weight ${weight}`,
        // A (re)started master counts as unhealthy until its API server has passed `rise`
        // checks, so it never grabs the VIP before it can serve.
        'init_fail',
      ],
      1,
    ),
    '}',
    '',
    `vrrp_instance ${VRRP_INSTANCE} {`,
    ...indent(
      [
        // All BACKUP: nopreempt only works from BACKUP, and priorities decide the election.
        'state BACKUP',
        ...(preempt ? [] : ['nopreempt']),
        `interface ${labLink(topology).interface}`,
        `virtual_router_id ${virtualRouterId(topology.lab)}`,
        `priority ${master.priority}`,
        `advert_int ${fast ? '0.2' : '1'}`,
        // Re-announce the VIP's MAC every few seconds while holding it: a neighbour whose ARP
        // cache still points at a former holder (after a partition or a split brain) is
        // corrected within this period instead of waiting for its cache to expire.
        `garp_master_refresh ${fast ? 2 : 5}`,
        // Multicast VRRP is dropped on Docker internal networks: talk to the peers directly.
        `unicast_src_ip ${master.ip}`,
        'unicast_peer {',
        // One peer per line: a one-line block is accepted but leaves the node with no peers.
        ...indent(
          peers.map((p) => p.ip),
          1,
        ),
        '}',
        'virtual_ipaddress {',
        ...indent(
          [`${topology.vip}/${labLink(topology).prefix} dev ${labLink(topology).interface}`],
          1,
        ),
        '}',
        'track_script {',
        ...indent(['chk_apiserver'], 1),
        '}',
        // keepalived's own account of its state (MASTER, BACKUP, FAULT, STOP) on every
        // transition: recovery checks read it from the node instead of guessing from the VIP.
        `notify "${KEEPALIVED_NOTIFY_SCRIPT_PATH}"`,
      ],
      1,
    ),
    '}',
  ];
  // No authentication block: VRRPv3 has none, and on a closed lab network v2's plain-text
  // password would add nothing.
  return `${lines.join('\n')}\n`;
}

/**
 * The health check keepalived tracks. Two questions, asked together so that the slower one
 * bounds the check's time:
 * - Does this master reach at least one peer master? One that reaches none is cut off, a
 *   minority of one that must not hold the VIP. Its API server would say so only seconds
 *   later: kube-apiserver probes etcd at most every 1 s and answers /readyz from the last
 *   probe's result meanwhile, so after a partition it reports ready, then hangs for its 2 s
 *   probe timeout, and fails fast only after that (measured: FAULT 3.7 s after the cut, while
 *   a peer took the VIP at 2.6 s). A ping fails at once or within 1 s.
 * - Is the local API server ready? --fail matters: without it curl exits 0 on a 500 from
 *   /readyz and an API server that cannot reach etcd would look healthy.
 */
export function renderApiCheckScript(
  topology: Topology,
  master: NodeSpec,
  profile: KeepalivedProfile = 'default',
): string {
  const maxTime = profile === 'fast' ? 1 : 2;
  const peers = masters(topology).filter((m) => m.name !== master.name);
  const pings = peers.map(
    (peer, i) => `ping -c 1 -W 1 -q ${peer.ip} >/dev/null 2>&1 & peer${i}=$!`,
  );
  const reached = peers.map((_, i) => `wait $peer${i}`).join(' || ');
  return `#!/bin/sh
[ -e ${KEEPALIVED_BOOTSTRAP_MARKER} ] && exit 0
${pings.join('\n')}
curl --fail --silent --max-time ${maxTime} -k https://127.0.0.1:${API_PORT}/readyz >/dev/null 2>&1 & api=$!
${reached} || exit 1
wait $api
`;
}

/**
 * keepalived calls this with "INSTANCE <name> <state> <priority>" on every transition. The
 * file lives on tmpfs, so a restarted node has none until its keepalived says something.
 */
export function renderNotifyScript(stateFile: string): string {
  const dir = stateFile.slice(0, stateFile.lastIndexOf('/'));
  return `#!/bin/sh
mkdir -p ${dir}
echo "$3" > ${stateFile}.tmp && mv ${stateFile}.tmp ${stateFile}
`;
}

/**
 * Which master should hold the VIP once a faulted master is back and healthy: with
 * preemption the highest priority (master-0), without it whoever took over during the fault.
 */
export function expectedVipHolderAfterRestore(
  topology: Topology,
  holderDuringFault: string,
  preempt: boolean,
): string {
  if (!preempt) return holderDuringFault;
  const best = [...masters(topology)].sort((a, b) => b.priority - a.priority)[0];
  return best?.name ?? holderDuringFault;
}

function indent(lines: string[], depth: number): string[] {
  return lines.map((l) => `${'    '.repeat(depth)}${l}`);
}

/** A statement of keepalived.conf: its words, and its children when it opens a block. */
export interface ConfNode {
  words: string[];
  children?: ConfNode[];
}

/**
 * A small line-based parser with keepalived's own rules: a block opens with `{` at the end
 * of a line and closes with a line holding only `}`; anything else (also `a { b c }` on one
 * line) is a plain statement. `#` and `!` start comments. Used to check rendered configs.
 */
export function parseKeepalivedConf(text: string): ConfNode[] {
  const root: ConfNode[] = [];
  const stack: ConfNode[][] = [root];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s[#!].*$|^[#!].*$/, '').trim();
    if (line === '') continue;
    const current = stack[stack.length - 1];
    if (!current) throw new Error('internal: parser stack empty');
    if (line === '}') {
      if (stack.length === 1) throw new Error('unbalanced "}" in keepalived config');
      stack.pop();
      continue;
    }
    const words = tokenize(line);
    if (words[words.length - 1] === '{') {
      const node: ConfNode = { words: words.slice(0, -1), children: [] };
      current.push(node);
      stack.push(node.children ?? []);
    } else {
      current.push({ words });
    }
  }
  if (stack.length !== 1) throw new Error('unclosed block in keepalived config');
  return root;
}

/** The first statement (or block) whose first word is `name`. */
export function confFind(nodes: ConfNode[] | undefined, name: string): ConfNode | undefined {
  return nodes?.find((n) => n.words[0] === name);
}

function tokenize(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"([^"]*)"|(\S+)/g)) {
    words.push(match[1] ?? match[2] ?? '');
  }
  return words;
}
