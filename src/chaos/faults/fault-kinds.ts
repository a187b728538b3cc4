import { UsageError } from '../../core/errors.js';
import type { OpenLab } from '../../lab/open-lab.js';
import { containerName } from '../../core/topology.js';
import { containerAction, inspectContainer } from '../../runtime/node-containers.js';
import { type NodeRunner, run } from '../../runtime/node-runner.js';

/** What one fault does to one node, and how to take it back. Undo is idempotent. */
export interface FaultSpec {
  fault: string;
  node: string;
  service?: string | undefined;
}

export interface FaultKind {
  apply(lab: OpenLab, spec: FaultSpec): Promise<void>;
  undo(lab: OpenLab, spec: FaultSpec): Promise<void>;
}

const PARTITION_TAG = 'ha-lab-partition';
const VRRP_TAG = 'ha-lab-block-vrrp';
const MANIFESTS = '/etc/kubernetes/manifests';
const PARKED = '/etc/kubernetes/ha-lab-parked';

function runnerOf(lab: OpenLab, node: string): NodeRunner {
  const runner = lab.runners[node];
  if (!runner) throw new UsageError('unknown-node', `unknown node "${node}"`);
  return runner;
}

async function ensureRunning(lab: OpenLab, node: string): Promise<void> {
  const name = containerName(lab.lab, node);
  const info = await inspectContainer(name);
  if (!info) return;
  if (info.State.Paused) await containerAction(name, 'unpause');
  else if (!info.State.Running) await containerAction(name, 'start');
}

/** Deletes every rule carrying our comment tag; safe to run when none is there. */
function removeTaggedRules(tag: string): string {
  return `for chain in INPUT OUTPUT; do
  while iptables -S "$chain" | grep -q -- '--comment ${tag}'; do
    rule=$(iptables -S "$chain" | grep -- '--comment ${tag}' | head -n1 | sed "s/^-A /-D /")
    eval "iptables $rule"
  done
done`;
}

const containerFault = (action: 'kill' | 'stop' | 'pause' | 'restart'): FaultKind => ({
  async apply(lab, spec) {
    await containerAction(containerName(lab.lab, spec.node), action);
  },
  async undo(lab, spec) {
    await ensureRunning(lab, spec.node);
  },
});

const partition: FaultKind = {
  // Drops everything to and from the lab subnet inside the node (peers, VXLAN, the host at
  // the gateway address), leaving loopback: the node is cut off from every other node and the
  // host. ARP is dropped too: iptables does not see it, and a partitioned master that still
  // answered ARP for the VIP would poison its neighbours' caches for after the heal.
  async apply(lab, spec) {
    const s = lab.topology.subnet;
    await run(runnerOf(lab, spec.node), [
      'sh',
      '-ec',
      `iptables -I INPUT 1 -s ${s} -m comment --comment ${PARTITION_TAG} -j DROP
iptables -I OUTPUT 1 -d ${s} -m comment --comment ${PARTITION_TAG} -j DROP
arptables -A INPUT -j DROP
arptables -A OUTPUT -j DROP`,
    ]);
  },
  async undo(lab, spec) {
    await ensureRunning(lab, spec.node);
    // ha-lab is the only user of arptables in a node, so flushing it is the exact undo.
    await run(runnerOf(lab, spec.node), [
      'bash',
      '-ec',
      `arptables -F\n${removeTaggedRules(PARTITION_TAG)}`,
    ]);
  },
};

const blockVrrp: FaultKind = {
  // IP protocol 112 is VRRP: with it dropped both ways, every master believes it is alone.
  async apply(lab, spec) {
    await run(runnerOf(lab, spec.node), [
      'sh',
      '-ec',
      `iptables -I INPUT 1 -p 112 -m comment --comment ${VRRP_TAG} -j DROP
iptables -I OUTPUT 1 -p 112 -m comment --comment ${VRRP_TAG} -j DROP`,
    ]);
  },
  async undo(lab, spec) {
    await ensureRunning(lab, spec.node);
    await run(runnerOf(lab, spec.node), ['bash', '-ec', removeTaggedRules(VRRP_TAG)]);
  },
};

const SYSTEMD_UNITS: Record<string, string> = {
  etcd: 'etcd',
  keepalived: 'keepalived',
  kubelet: 'kubelet',
  containerd: 'containerd',
};

function serviceOf(spec: FaultSpec): string {
  if (!spec.service) throw new UsageError('missing-service', `fault ${spec.fault} needs a service`);
  return spec.service;
}

const serviceStop: FaultKind = {
  async apply(lab, spec) {
    const service = serviceOf(spec);
    const runner = runnerOf(lab, spec.node);
    if (service === 'kube-apiserver') {
      // A static pod: kubelet stops it when its manifest leaves the directory (inotify).
      await run(runner, [
        'sh',
        '-ec',
        `mkdir -p ${PARKED} && mv ${MANIFESTS}/kube-apiserver.yaml ${PARKED}/`,
      ]);
      return;
    }
    await run(runner, ['systemctl', 'stop', SYSTEMD_UNITS[service] ?? service]);
  },
  async undo(lab, spec) {
    const service = serviceOf(spec);
    await ensureRunning(lab, spec.node);
    const runner = runnerOf(lab, spec.node);
    if (service === 'kube-apiserver') {
      await run(runner, [
        'sh',
        '-ec',
        `if [ -f ${PARKED}/kube-apiserver.yaml ]; then mv ${PARKED}/kube-apiserver.yaml ${MANIFESTS}/; fi`,
      ]);
      return;
    }
    await run(runner, ['systemctl', 'start', SYSTEMD_UNITS[service] ?? service]);
  },
};

const serviceKill: FaultKind = {
  async apply(lab, spec) {
    const service = serviceOf(spec);
    const runner = runnerOf(lab, spec.node);
    if (service === 'kube-apiserver') {
      await run(runner, ['sh', '-c', 'pkill -KILL -x kube-apiserver; true']);
      return;
    }
    await run(runner, ['systemctl', 'kill', '--signal=SIGKILL', SYSTEMD_UNITS[service] ?? service]);
  },
  // systemd (Restart=) or kubelet bring the process back; make sure it is started.
  async undo(lab, spec) {
    const service = serviceOf(spec);
    await ensureRunning(lab, spec.node);
    if (service === 'kube-apiserver') return;
    await run(runnerOf(lab, spec.node), ['systemctl', 'start', SYSTEMD_UNITS[service] ?? service]);
  },
};

export const FAULTS: Record<string, FaultKind> = {
  kill: containerFault('kill'),
  stop: containerFault('stop'),
  pause: containerFault('pause'),
  restart: containerFault('restart'),
  partition,
  'block-vrrp': blockVrrp,
  'service-stop': serviceStop,
  'service-kill': serviceKill,
};

export function faultKind(name: string): FaultKind {
  const kind = FAULTS[name];
  if (!kind)
    throw new UsageError(
      'unknown-fault',
      `unknown fault "${name}": use one of ${Object.keys(FAULTS).join(', ')}`,
    );
  return kind;
}
