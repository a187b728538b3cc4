import { DEFAULT_LAB_NAME } from '../core/topology.js';
import { LEASE_FRESH_MS } from '../lab/evidence/judge-whole.js';
import type { LabStatus } from '../lab/status-schema.js';
import { progName } from './prog-name.js';

/** The end of `up` and the body of `status`: what is running and what to try next. */
export function printSummary(
  out: NodeJS.WritableStream,
  status: LabStatus,
  elapsedMs?: number,
): void {
  out.write(renderStatus(status));
  if (elapsedMs !== undefined) {
    out.write(`\nLab "${status.lab}" is up in ${(elapsedMs / 1000).toFixed(1)} s. Try:\n`);
    out.write(nextSteps(status.lab, progName()));
  }
}

/** Commands to try next, as the user can run them (`./ha-lab` in a clone). */
export function nextSteps(lab: string, prog: string): string {
  const name = lab === DEFAULT_LAB_NAME ? '' : ` --name ${lab}`;
  return [
    `kubectl get nodes${name}`,
    `status${name}`,
    `scenario run kill-master0${name}`,
    `tui${name}`,
    `down${name}`,
  ]
    .map((command) => `  ${prog} ${command}\n`)
    .join('');
}

export function renderStatus(s: LabStatus): string {
  if (!s.exists) return `lab "${s.lab}" does not exist\n`;
  const lines: string[] = [];
  lines.push(
    `lab ${s.lab}  phase ${s.phase ?? '?'}  kubernetes ${s.kubernetesVersion ?? '?'}  subnet ${s.subnet ?? '?'}  VIP ${s.vip ?? '?'}`,
  );
  const holders = s.vipHolders.length === 0 ? 'nobody' : s.vipHolders.join(', ');
  const unknown = s.vipUnknown.length > 0 ? `  (unknown on ${s.vipUnknown.join(', ')})` : '';
  lines.push(
    `VIP holder: ${holders}${unknown}${s.splitBrain ? '  ** SPLIT BRAIN: more than one holder **' : ''}`,
  );
  lines.push(`etcd leader: ${s.etcd.leader ?? 'none'}`);
  lines.push('');
  lines.push(
    `${'NODE'.padEnd(10)}${'ROLE'.padEnd(8)}${'IP'.padEnd(16)}${'CONTAINER'.padEnd(11)}${'SYSTEMD'.padEnd(10)}${'READY'.padEnd(7)}ETCD`,
  );
  for (const n of s.nodes) {
    const member = s.etcd.members.find((m) => m.name === n.name);
    const etcd = member ? (member.isLeader ? 'leader' : member.healthy ? 'follower' : 'down') : '';
    const vip = s.vipHolders.includes(n.name) ? ' *VIP' : '';
    lines.push(
      `${n.name.padEnd(10)}${n.role.padEnd(8)}${n.ip.padEnd(16)}${n.container.padEnd(11)}${n.systemd.padEnd(10)}${readyLabel(n).padEnd(7)}${etcd}${vip}${n.host ? `  on ${n.host}` : ''}`,
    );
  }
  if (s.api.length > 0) {
    lines.push('');
    lines.push(
      `API /readyz: ${s.api.map((a) => `${a.target} ${a.ok ? 'ok' : 'FAIL'} (${a.detail}${a.latencyMs !== null ? `, ${a.latencyMs} ms` : ''})`).join('; ')}`,
    );
  }
  if (s.kubeconfig) lines.push(`kubeconfig: ${s.kubeconfig}`);
  lines.push(`healthy: ${s.healthy ? 'yes' : 'NO'}`);
  for (const problem of s.problems) lines.push(`  - ${problem}`);
  return `${lines.join('\n')}\n`;
}

/** Ready is the API's last word; with an old lease it is stale and says so ("Ready?"). */
function readyLabel(n: LabStatus['nodes'][number]): string {
  if (n.ready === null) return '-';
  const stale = n.leaseAgeMs === null || n.leaseAgeMs > LEASE_FRESH_MS;
  return n.ready === 'True' ? (stale ? 'Ready?' : 'True') : n.ready;
}
