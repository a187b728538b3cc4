import { CheckFailedError, RuntimeError, UsageError, type HaLabError } from '../../core/errors.js';
import type { HostReport, InventoryDoctorReport } from './doctor-report.js';
import { packagesFor } from './host-requirements.js';

const GiB = 1024 ** 3;
const gib = (bytes: number) => `${(bytes / GiB).toFixed(1)} GiB`;

/**
 * The report as the terminal shows it, like the engine's doctor: one line of facts per host,
 * then one line per problem and per warning, then the verdict.
 */
export function renderInventoryDoctor(report: InventoryDoctorReport): string[] {
  const logins = report.hosts.map((h) => `${h.user}@${h.address}:${h.port}`);
  const nameWidth = Math.max(...report.hosts.map((h) => h.name.length));
  const loginWidth = Math.max(...logins.map((l) => l.length));
  const lines = report.hosts.map(
    (host, i) =>
      `${host.name.padEnd(nameWidth)}  ${host.role.padEnd(6)}  ${logins[i]!.padEnd(loginWidth)}  ${hostFacts(host)}`,
  );
  lines.push(...report.problems.map((p) => `problem: ${p.message}`));
  lines.push(...report.warnings.map((w) => `warning: ${w.message}`));
  lines.push(verdict(report));
  return lines;
}

function hostFacts(host: HostReport): string {
  if (host.status !== 'checked' || !host.facts) {
    const why =
      host.error?.code === 'unknown-host-key'
        ? 'unknown host key'
        : host.status === 'no-sudo'
          ? 'no passwordless sudo'
          : host.status === 'bad-input'
            ? 'cannot connect with this input'
            : 'not reached';
    return `not checked: ${why}`;
  }
  const { facts } = host;
  const root = facts.disks.find((d) => d.path === '/');
  const varDisk = facts.disks.find((d) => d.path === '/var') ?? root;
  const disks = [
    ...(root && varDisk && root.mountPoint !== varDisk.mountPoint
      ? [`${gib(root.availableBytes)} free on /`]
      : []),
    ...(varDisk ? [`${gib(varDisk.availableBytes)} free on ${varDisk.mountPoint}`] : []),
  ];
  const missing = host.missingPackages ?? [];
  const needed = packagesFor(host.role).length;
  const parts = [
    facts.os?.name ?? 'unknown system',
    facts.pid1 === 'systemd'
      ? `systemd ${facts.systemd?.state ?? 'unknown'}`
      : `PID 1 ${facts.pid1 || 'unknown'}`,
    `cgroup ${facts.cgroupMode}`,
    ...disks,
    ...(facts.memory ? [`${gib(facts.memory.availableBytes)} memory available`] : []),
    ...(facts.memory ? [`swap ${facts.memory.swapBytes > 0 ? 'on' : 'off'}`] : []),
    ...(host.clock
      ? [`clock ${signed(host.clock.offsetMs)} ms ±${host.clock.uncertaintyMs} ms`]
      : []),
    missing.length === 0
      ? `all ${needed} packages`
      : `${missing.length} of ${needed} packages missing`,
    host.usesSudo ? 'root via sudo -n' : 'root login',
  ];
  return parts.join(', ');
}

function signed(ms: number): string {
  return ms >= 0 ? `+${ms}` : `${ms}`;
}

function verdict(report: InventoryDoctorReport): string {
  const count = report.hosts.length;
  const checked = report.hosts.filter((h) => h.status === 'checked').length;
  const problems = report.problems.length;
  if (problems === 0) return `no problems on the ${count} hosts`;
  const hosts = new Set(report.problems.map((p) => p.host)).size;
  return `${problems} problem${problems === 1 ? '' : 's'} on ${hosts} of ${count} hosts (${checked} checked)`;
}

/**
 * The error the command ends with, so its exit status says what kind of trouble it found
 * (2 input to fix, 1 a host not reached, 3 a failed check); undefined when there is none.
 * Its one line sums up; the report before it has the details.
 */
export function inventoryDoctorFailure(report: InventoryDoctorReport): HaLabError | undefined {
  const names = (status: HostReport['status']) =>
    report.hosts.filter((h) => h.status === status).map((h) => h.name);
  if (report.exitCode === 2) {
    const bad = report.hosts.filter((h) => h.status === 'bad-input');
    const keys = bad.every((h) => h.error?.code === 'unknown-host-key');
    return new UsageError(
      keys ? 'unknown-host-key' : 'inventory-input',
      keys
        ? `unknown host key on ${names('bad-input').join(', ')}: check the fingerprints above, then add the keys to known_hosts or pass --accept-new-host-keys`
        : `cannot connect to ${names('bad-input').join(', ')} with this input: see the problems above`,
    );
  }
  if (report.exitCode === 1) {
    const unreached = names('unreachable');
    return new RuntimeError(
      'hosts-not-reached',
      `${unreached.length} of ${report.hosts.length} hosts not reached (${unreached.join(', ')}): see the problems above`,
    );
  }
  if (report.exitCode === 3) {
    const hosts = [...new Set(report.problems.map((p) => p.host))];
    return new CheckFailedError(
      `${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} on ${hosts.join(', ')}: see the problems above`,
    );
  }
  return undefined;
}
