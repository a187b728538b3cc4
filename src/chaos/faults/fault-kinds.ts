import { UsageError } from '../../core/errors.js';
import { runnerFor } from '../../lab/node-access.js';
import type { OpenLab } from '../../lab/open-lab.js';
import { containerName } from '../../core/topology.js';
import { run } from '../../runtime/node-runner.js';

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

const MANIFESTS = '/etc/kubernetes/manifests';
const PARKED = '/etc/kubernetes/ha-lab-parked';

/** Whatever a fault did to the machine's power, it runs (and is not frozen) afterwards. */
async function ensureRunning(lab: OpenLab, node: string): Promise<void> {
  const name = containerName(lab.lab, node);
  const info = await lab.provider.inspectMachine(name);
  if (!info) return;
  if (info.paused) await lab.provider.power(name, 'unpause');
  else if (!info.running) await lab.provider.power(name, 'start');
}

const powerFault = (action: 'kill' | 'stop' | 'pause' | 'restart'): FaultKind => ({
  async apply(lab, spec) {
    await lab.provider.power(containerName(lab.lab, spec.node), action);
  },
  async undo(lab, spec) {
    await ensureRunning(lab, spec.node);
  },
});

/** Cut off from every other node and the host (see the provider's primitive). */
const partition: FaultKind = {
  async apply(lab, spec) {
    await lab.provider.partition(runnerFor(lab.runners, spec.node), lab.topology.subnet);
  },
  async undo(lab, spec) {
    await ensureRunning(lab, spec.node);
    await lab.provider.healPartition(runnerFor(lab.runners, spec.node));
  },
};

const blockVrrp: FaultKind = {
  async apply(lab, spec) {
    await lab.provider.blockVrrp(runnerFor(lab.runners, spec.node));
  },
  async undo(lab, spec) {
    await ensureRunning(lab, spec.node);
    await lab.provider.unblockVrrp(runnerFor(lab.runners, spec.node));
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
    const runner = runnerFor(lab.runners, spec.node);
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
    const runner = runnerFor(lab.runners, spec.node);
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
    const runner = runnerFor(lab.runners, spec.node);
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
    await run(runnerFor(lab.runners, spec.node), [
      'systemctl',
      'start',
      SYSTEMD_UNITS[service] ?? service,
    ]);
  },
};

export const FAULTS: Record<string, FaultKind> = {
  kill: powerFault('kill'),
  stop: powerFault('stop'),
  pause: powerFault('pause'),
  restart: powerFault('restart'),
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
