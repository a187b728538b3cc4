/**
 * What ha-lab changed on an inventory host, kept on the host itself so that `down --inventory`
 * returns it to how it was found even when the operator's state is gone. Every entry is
 * recorded before the change it names is made, so an interrupted `up` leaves a ledger that
 * still covers everything it did. Pure: rendering and parsing only; the lab layer reads and
 * writes it over the host's runner.
 */
import { HOST_SYSCTLS } from './host-kernel.js';

export const HOST_LEDGER_DIR = '/var/lib/ha-lab-host';
export const HOST_LEDGER_PATH = `${HOST_LEDGER_DIR}/ledger.json`;

export interface HostLedger {
  schemaVersion: 1;
  /** The lab that owns the host; another lab's `up` on it is refused. */
  lab: string;
  /** Debian packages ha-lab installed (absent before): purged by `down`. */
  packages: string[];
  /** Files ha-lab put on the host (absolute paths): removed by `down`. */
  files: string[];
  /** Directories ha-lab created (absolute paths): removed with their content by `down`. */
  dirs: string[];
  /** Files that existed before ha-lab replaced them: path -> where the original was kept. */
  backups: Record<string, string>;
  /** systemd units ha-lab enabled or started: stopped and disabled by `down`. */
  units: string[];
  /**
   * Kernel settings as they were before ha-lab (or what it runs) changed them, key -> value:
   * put back by `down`. Removing ha-lab's sysctl.d file is not enough, since a value no file
   * sets (ip_forward on most hosts) would keep what ha-lab left. Keys the kernel lacked then
   * (a module not loaded yet) are absent.
   */
  sysctls: Record<string, string>;
  /**
   * Units of the host's own whose state ha-lab changes (its containerd, which it enables and
   * starts), unit -> `systemctl is-enabled` and `is-active` as found ("disabled inactive"):
   * put back by `down`. A ledger written before this has none: such units are left running.
   */
  unitStates: Record<string, string>;
}

export type LedgerEntries = Partial<Omit<HostLedger, 'schemaVersion' | 'lab'>>;

export function emptyLedger(lab: string): HostLedger {
  return {
    schemaVersion: 1,
    lab,
    packages: [],
    files: [],
    dirs: [],
    backups: {},
    units: [],
    sysctls: {},
    unitStates: {},
  };
}

/**
 * The ledger with `entries` added, each list kept unique and in first-recorded order. For a
 * backup, a sysctl or a unit state the first record wins: later ones see what ha-lab itself left.
 */
export function addToLedger(ledger: HostLedger, entries: LedgerEntries): HostLedger {
  const merge = (a: string[], b: string[] | undefined) => [...new Set([...a, ...(b ?? [])])];
  return {
    ...ledger,
    packages: merge(ledger.packages, entries.packages),
    files: merge(ledger.files, entries.files),
    dirs: merge(ledger.dirs, entries.dirs),
    backups: { ...entries.backups, ...ledger.backups },
    units: merge(ledger.units, entries.units),
    sysctls: { ...entries.sysctls, ...ledger.sysctls },
    unitStates: { ...entries.unitStates, ...ledger.unitStates },
  };
}

export function renderLedger(ledger: HostLedger): string {
  return `${JSON.stringify(ledger, null, 2)}\n`;
}

/** Undefined for an empty or unreadable ledger (a host ha-lab never touched). */
export function parseLedger(text: string): HostLedger | undefined {
  if (text.trim() === '') return undefined;
  try {
    const value = JSON.parse(text) as Partial<HostLedger>;
    if (value.schemaVersion !== 1 || typeof value.lab !== 'string') return undefined;
    const list = (v: unknown) =>
      Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    const record = (v: unknown): Record<string, string> =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(
            Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'),
          )
        : {};
    return {
      schemaVersion: 1,
      lab: value.lab,
      packages: list(value.packages),
      files: list(value.files),
      dirs: list(value.dirs),
      backups: record(value.backups),
      units: list(value.units),
      // A ledger written before ha-lab recorded sysctls has none: `down` then reloads the
      // host's own files instead.
      sysctls: record(value.sysctls),
      unitStates: record(value.unitStates),
    };
  } catch {
    return undefined;
  }
}

/**
 * The kernel settings a host's preparation records (`readSysctlsCommand`) before it changes
 * any: ha-lab's own (host-kernel.ts), those kubelet sets at start (its kernel tunables, since
 * protectKernelDefaults stays off), and those kube-proxy sets in iptables mode (route_localnet
 * for localhost NodePorts, its default conntrack TCP timeouts).
 */
export const RECORDED_SYSCTLS: readonly string[] = [
  ...Object.keys(HOST_SYSCTLS),
  'vm.overcommit_memory',
  'vm.panic_on_oom',
  'kernel.panic',
  'kernel.panic_on_oops',
  'kernel.keys.root_maxkeys',
  'kernel.keys.root_maxbytes',
  'net.ipv4.conf.all.route_localnet',
  'net.netfilter.nf_conntrack_tcp_timeout_established',
  'net.netfilter.nf_conntrack_tcp_timeout_close_wait',
];

/** Prints `key = value` for each recorded key the kernel has; `-e` skips the others. */
export function readSysctlsCommand(): string[] {
  return ['sysctl', '-e', ...RECORDED_SYSCTLS];
}

/** The `sysctls` entry for the ledger from `readSysctlsCommand`'s output. */
export function parseSysctls(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([\w.-]+) = (.*)$/.exec(line.trimEnd());
    if (match) values[match[1]!] = match[2]!;
  }
  return values;
}
