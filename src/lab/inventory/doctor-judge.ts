import { cidrsOverlap } from '../subnets.js';
import { subnetOf } from './checks.js';
import { clockFindings, clockOf, vipFindings } from './doctor-cross.js';
import type {
  DoctorExitCode,
  DoctorFinding,
  HostOutcome,
  HostReport,
  HostStatus,
  InventoryDoctorReport,
} from './doctor-report.js';
import type { HostFacts } from './host-probe.js';
import {
  MIN_AVAILABLE_MEMORY_BYTES,
  MIN_ROOT_FREE_BYTES,
  MIN_VAR_FREE_BYTES,
  isSupportedOs,
  missingRequiredPackages,
  unsupportedOsText,
} from './host-requirements.js';
import type { Inventory, InventoryHost } from './model.js';

/**
 * The verdict of `doctor --inventory`, from the gathered outcomes alone (no I/O, so every
 * rule is unit-tested with made-up hosts). Per host first, then what needs several hosts
 * (clocks, the VIP). Hosts that were not checked only contribute why.
 */
export function judgeInventory(
  inventory: Inventory,
  outcomes: readonly HostOutcome[],
): InventoryDoctorReport {
  const problems: DoctorFinding[] = [];
  const warnings: DoctorFinding[] = [];
  const hosts = outcomes.map((outcome) => {
    const judged = judgeHost(inventory, outcome);
    problems.push(...judged.problems);
    warnings.push(...judged.warnings);
    return judged.report;
  });
  problems.push(...vipFindings(inventory, outcomes), ...clockFindings(outcomes));
  return {
    inventory: inventory.file,
    vip: { ...inventory.vip },
    hosts,
    problems,
    warnings,
    exitCode: exitCodeOf(hosts, problems),
  };
}

export function exitCodeOf(
  hosts: readonly Pick<HostReport, 'status'>[],
  problems: readonly DoctorFinding[],
): DoctorExitCode {
  // The user's input comes first: until a host key is trusted, nothing else about that host
  // is known, and no amount of retrying helps.
  if (hosts.some((h) => h.status === 'bad-input')) return 2;
  if (hosts.some((h) => h.status === 'unreachable')) return 1;
  return problems.length > 0 ? 3 : 0;
}

/** How a failed host counts, from the error it failed with. */
export function statusOf(error: { code: string; exitCode: number }): HostStatus {
  if (error.exitCode === 2) return 'bad-input';
  if (error.code === 'sudo-needs-password' || error.code === 'sudo-missing') return 'no-sudo';
  return 'unreachable';
}

interface Judged {
  report: HostReport;
  problems: DoctorFinding[];
  warnings: DoctorFinding[];
}

function judgeHost(inventory: Inventory, outcome: HostOutcome): Judged {
  const { host } = outcome;
  const base = {
    name: host.name,
    role: host.role,
    address: host.address,
    port: host.port,
    user: host.user,
  };
  if (!outcome.reached) {
    const status = statusOf(outcome.error);
    const { code, message } = outcome.error;
    return {
      report: { ...base, status, error: { code, message } },
      problems: [{ host: host.name, check: status === 'no-sudo' ? 'sudo' : 'connect', message }],
      warnings: [],
    };
  }
  const { facts } = outcome;
  const problems: DoctorFinding[] = [];
  const warnings: DoctorFinding[] = [];
  const problem = (check: DoctorFinding['check'], text: string) =>
    problems.push({ host: host.name, check, message: `${host.name}: ${text}` });
  const warning = (check: DoctorFinding['check'], text: string) =>
    warnings.push({ host: host.name, check, message: `${host.name}: ${text}` });

  if (facts.uid !== 0) {
    const how = outcome.usesSudo ? 'sudo -n' : 'the login';
    problem('sudo', `commands through ${how} run as uid ${facts.uid ?? '?'}, not as root`);
  }
  const missing = missingPackages(host, facts);
  if (isSupportedOs(facts.os)) {
    if (missing.length > 0) {
      problem(
        'packages',
        `${missing.join(', ')} missing (up --inventory installs them on Debian 12)`,
      );
    }
  } else {
    const text = unsupportedOsText(facts.os?.name, host.role);
    if (missing.length > 0) problem('os', `${text}; missing: ${missing.join(', ')}`);
    else warning('os', `${text} (they are)`);
  }
  systemdFindings(facts, problem, warning);
  resourceFindings(host, facts, problem, warning);
  addressFindings(inventory, host, facts, problem);
  const clock = clockOf(outcome);
  const report: HostReport = {
    ...base,
    status: 'checked',
    facts,
    usesSudo: outcome.usesSudo,
    missingPackages: missing,
    ...(clock ? { clock } : {}),
  };
  return { report, problems, warnings };
}

type Say = (check: DoctorFinding['check'], text: string) => void;

/** The required packages `host` lacks, by the rule both doctor and `up` apply. */
export function missingPackages(host: Pick<InventoryHost, 'role'>, facts: HostFacts): string[] {
  return missingRequiredPackages(host.role, facts);
}

function systemdFindings(facts: HostFacts, problem: Say, warning: Say): void {
  if (facts.pid1 !== 'systemd') {
    problem(
      'systemd',
      `PID 1 is ${facts.pid1 || 'unknown'}, not systemd: ha-lab runs containerd, etcd, keepalived and kubelet as systemd units`,
    );
    return;
  }
  const state = facts.systemd?.state ?? 'unknown';
  if (state === 'running') return;
  // A failed unit of the host's own (a mount, a timer) does not stop ha-lab's units: say it,
  // but do not refuse a host for it, as the Docker nodes (where ha-lab owns every unit) are.
  if (state === 'degraded') {
    const failed = facts.systemd?.failedUnits ?? [];
    warning(
      'systemd',
      `systemd is degraded${failed.length > 0 ? ` (failed: ${failed.join(', ')})` : ''}: check that none of them is needed`,
    );
    return;
  }
  problem('systemd', `systemd is ${state}, not running: wait until the host has booted, or fix it`);
}

const GiB = 1024 ** 3;
const gib = (bytes: number) => `${(bytes / GiB).toFixed(1)} GiB`;

function resourceFindings(host: InventoryHost, facts: HostFacts, problem: Say, warning: Say): void {
  const root = facts.disks.find((d) => d.path === '/');
  const varDisk = facts.disks.find((d) => d.path === '/var') ?? root;
  const needVar = MIN_VAR_FREE_BYTES[host.role];
  if (!varDisk) {
    warning('disk', 'free disk space could not be read (df)');
  } else if (varDisk.availableBytes < needVar) {
    problem(
      'disk',
      `${gib(varDisk.availableBytes)} free on ${varDisk.mountPoint === '/var' ? '/var' : `${varDisk.mountPoint} (which holds /var)`}: a ${host.role} needs ${gib(needVar)} there for containerd's images${host.role === 'master' ? ", etcd's data" : ''} and logs`,
    );
  }
  if (root && varDisk && root.mountPoint !== varDisk.mountPoint) {
    if (root.availableBytes < MIN_ROOT_FREE_BYTES) {
      problem(
        'disk',
        `${gib(root.availableBytes)} free on /: ha-lab's binaries need ${gib(MIN_ROOT_FREE_BYTES)} under /usr/local`,
      );
    }
  }
  const memory = facts.memory;
  const needMemory = MIN_AVAILABLE_MEMORY_BYTES[host.role];
  if (!memory) {
    warning('memory', 'available memory could not be read (/proc/meminfo)');
  } else {
    if (memory.availableBytes < needMemory) {
      problem(
        'memory',
        `${gib(memory.availableBytes)} of memory available: a ${host.role} needs ${gib(needMemory)}`,
      );
    }
    if (memory.swapBytes > 0) {
      warning(
        'swap',
        `swap is on (${gib(memory.swapBytes)}): kubelet is told to tolerate it, but an etcd or API server that swaps misses its deadlines; swapoff -a is safer`,
      );
    }
  }
}

/** The cluster address must be the host's, and a master's VIP interface must be on its subnet. */
function addressFindings(
  inventory: Inventory,
  host: InventoryHost,
  facts: HostFacts,
  problem: Say,
): void {
  const where = inventory.file;
  const addresses = facts.addresses;
  if (addresses && !addresses.some((a) => a.address === host.nodeIp)) {
    const has = addresses
      .filter((a) => a.interface !== 'lo')
      .map((a) => `${a.address} on ${a.interface}`);
    problem(
      'address',
      `${host.nodeIp}, its cluster address in ${where}, is not an address of the host (it has ${has.join(', ') || 'none but loopback'}): fix ${host.internalAddress === undefined ? 'address or add internalAddress' : 'internalAddress'}`,
    );
  }
  if (host.role !== 'master') return;
  const name = inventory.vip.interface;
  if (!facts.interfaces.includes(name)) {
    problem(
      'interface',
      `has no interface ${name} (vip.interface in ${where}) for keepalived to put the VIP on; it has ${facts.interfaces.join(', ') || 'none'}`,
    );
    return;
  }
  if (!addresses) return;
  const subnet = subnetOf(inventory.vip.address, inventory.vip.prefix);
  const onSubnet = addresses.some(
    (a) => a.interface === name && cidrsOverlap(`${a.address}/32`, subnet),
  );
  if (!onSubnet) {
    problem(
      'interface',
      `${name} has no address in ${subnet}, the VIP's subnet: keepalived could not reach the other masters through it; set vip.interface to the interface on that subnet`,
    );
  }
}
