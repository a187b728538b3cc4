import type { CgroupMode } from '../../runtime/provider.js';
import type { Inventory, InventoryHost } from './model.js';
import { packagesFor } from './host-requirements.js';

/**
 * Everything `doctor --inventory` learns about a host comes from one shell script, run once
 * as root (one channel and one sudo per host, so a slow link or sudo is paid once). It prints
 * `key<TAB>value` lines and ends with `end`, so an answer cut short is told from a complete
 * one. It only reads: nothing on the host changes; masters also ping the VIP. Plain POSIX sh,
 * because dash is what Debian's /bin/sh is.
 *
 * The VIP gets three pings, not one: a host that asked for the address moments ago (a doctor
 * run before) keeps a failed ARP entry for a while and answers its next packet with "host
 * unreachable" at once, so a single ping would miss a VIP that was taken since.
 */
const SCRIPT = `set -u
export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
vip=$1 ping_vip=$2 packages=$3 commands=$4
put() { printf '%s\\t%s\\n' "$1" "$2"; }
put time "$(date +%s%3N)"
put uid "$(id -u)"
if [ -r /etc/os-release ]; then
  (. /etc/os-release; put os.id "\${ID:-}"; put os.version "\${VERSION_ID:-}"; put os.name "\${PRETTY_NAME:-}")
fi
put pid1 "$(cat /proc/1/comm 2>/dev/null)"
if command -v systemctl >/dev/null 2>&1; then
  put systemd.state "$(systemctl is-system-running 2>/dev/null)"
  systemctl list-units --state=failed --no-legend --plain 2>/dev/null |
    while read -r unit _; do put systemd.failed "$unit"; done
fi
put cgroup.fs "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)"
put cgroup.unified "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)"
for path in / /var; do
  df -Pk "$path" 2>/dev/null | awk -v p="$path" 'NR == 2 { printf "disk\\t%s %s %s\\n", p, $4, $6 }'
done
awk '/^(MemTotal|MemAvailable|SwapTotal):/ { printf "mem\\t%s %s\\n", $1, $2 }' /proc/meminfo
if command -v dpkg-query >/dev/null 2>&1; then
  put dpkg yes
  dpkg-query -W -f='pkg\\t\${Package} \${db:Status-Abbrev}\\n' $packages 2>/dev/null || true
fi
for c in $commands; do
  case $c in
    /*) if [ -x "$c" ]; then put cmd "$c 1"; else put cmd "$c 0"; fi ;;
    *) if command -v "$c" >/dev/null 2>&1; then put cmd "$c 1"; else put cmd "$c 0"; fi ;;
  esac
done
for i in /sys/class/net/*; do [ -e "$i" ] && put iface "\${i##*/}"; done
if command -v ip >/dev/null 2>&1; then
  ip -o -4 addr show 2>/dev/null | awk '{ printf "addr\\t%s %s\\n", $2, $4 }'
else
  put addr.tool missing
fi
if [ "$ping_vip" = yes ]; then
  if ! command -v ping >/dev/null 2>&1; then put vip.ping unavailable
  elif ping -n -q -c 3 -i 0.3 -W 1 "$vip" >/dev/null 2>&1; then put vip.ping answered
  else put vip.ping silent
  fi
fi
put time.end "$(date +%s%3N)"
put end ok
`;

/** The provider's modes, and `unknown` for a host whose /sys/fs/cgroup is neither. */
export type HostCgroupMode = CgroupMode | 'unknown';

export interface HostAddress {
  interface: string;
  address: string;
  prefix: number;
}

/** What the script found on one host; undefined where the host could not say. */
export interface HostFacts {
  /** The host's clock (ms since the epoch) at the start of the script. */
  timeMs?: number;
  /** How long the script ran by the host's clock (its pings take most of it). */
  durationMs?: number;
  /** Who the script ran as: 0 when sudo (or a root login) works. */
  uid?: number;
  os?: { id: string; versionId: string; name: string };
  /** The command name of PID 1 ("systemd" on a host ha-lab can use). */
  pid1: string;
  /** `systemctl is-system-running` and the failed units; undefined without systemctl. */
  systemd?: { state: string; failedUnits: string[] };
  cgroupMode: HostCgroupMode;
  /** Free space for `/` and `/var`, with the mount point each lives on. */
  disks: { path: string; mountPoint: string; availableBytes: number }[];
  memory?: { totalBytes: number; availableBytes: number; swapBytes: number };
  /** True when dpkg-query answered, so `installedPackages` is authoritative. */
  dpkg: boolean;
  installedPackages: string[];
  /** Each probed command or path: present or not. */
  commands: Record<string, boolean>;
  interfaces: string[];
  /** IPv4 addresses per interface; undefined when the host has no `ip` to list them. */
  addresses?: HostAddress[];
  /** Masters only: whether the VIP answered one ping from this host. */
  vipPing?: 'answered' | 'silent' | 'unavailable';
}

/** The argv that runs the script on `host` (through the runner, so as root). */
export function hostProbeCommand(inventory: Inventory, host: InventoryHost): string[] {
  const packages = packagesFor(host.role);
  return [
    'sh',
    '-c',
    SCRIPT,
    'ha-lab-doctor',
    inventory.vip.address,
    host.role === 'master' ? 'yes' : 'no',
    packages.map((p) => p.name).join(' '),
    packages.flatMap((p) => p.commands).join(' '),
  ];
}

/** Reads the script's answer; throws when it is cut short (no `end` line). */
export function parseHostFacts(output: string): HostFacts {
  const entries = output
    .split('\n')
    .map((line) => line.split('\t'))
    .filter((parts): parts is [string, string] => parts.length === 2)
    .map(([key, value]) => ({ key, value: value.trim() }));
  const all = (key: string) => entries.filter((e) => e.key === key).map((e) => e.value);
  const one = (key: string) => all(key)[0];
  if (one('end') !== 'ok') throw new Error('the host check ended before its last line');
  const facts: HostFacts = {
    pid1: one('pid1') ?? '',
    cgroupMode: cgroupModeOf(one('cgroup.fs') ?? '', one('cgroup.unified') ?? ''),
    disks: all('disk').flatMap(parseDisk),
    dpkg: one('dpkg') === 'yes',
    installedPackages: all('pkg')
      .map((line) => line.split(' '))
      .filter(([, status]) => status?.startsWith('ii') === true)
      .map(([name]) => name!),
    commands: Object.fromEntries(
      all('cmd').map((line) => [line.slice(0, line.lastIndexOf(' ')), line.endsWith(' 1')]),
    ),
    interfaces: all('iface'),
  };
  const time = wholeNumber(one('time'));
  if (time !== undefined) facts.timeMs = time;
  const end = wholeNumber(one('time.end'));
  if (time !== undefined && end !== undefined && end >= time) facts.durationMs = end - time;
  const uid = wholeNumber(one('uid'));
  if (uid !== undefined) facts.uid = uid;
  const osId = one('os.id');
  if (osId !== undefined) {
    facts.os = { id: osId, versionId: one('os.version') ?? '', name: one('os.name') ?? osId };
  }
  const state = one('systemd.state');
  if (state !== undefined) facts.systemd = { state, failedUnits: all('systemd.failed') };
  const memory = parseMemory(all('mem'));
  if (memory) facts.memory = memory;
  if (one('addr.tool') !== 'missing') facts.addresses = all('addr').flatMap(parseAddress);
  const ping = one('vip.ping');
  if (ping === 'answered' || ping === 'silent' || ping === 'unavailable') facts.vipPing = ping;
  return facts;
}

/** cgroup2fs at the root is v2; a v1 tmpfs with a cgroup2 `unified` mount beside it is hybrid. */
export function cgroupModeOf(rootFs: string, unifiedFs: string): HostCgroupMode {
  if (rootFs === 'cgroup2fs') return 'v2';
  if (rootFs === 'tmpfs') return unifiedFs === 'cgroup2fs' ? 'hybrid' : 'v1';
  return 'unknown';
}

function wholeNumber(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

function parseDisk(line: string): HostFacts['disks'] {
  const [path, kib, mountPoint] = line.split(' ');
  const free = wholeNumber(kib);
  if (!path || !mountPoint || free === undefined) return [];
  return [{ path, mountPoint, availableBytes: free * 1024 }];
}

function parseMemory(lines: string[]): HostFacts['memory'] {
  const kib = (name: string) =>
    wholeNumber(lines.find((l) => l.startsWith(`${name}: `))?.split(' ')[1]);
  const total = kib('MemTotal');
  const available = kib('MemAvailable');
  if (total === undefined || available === undefined) return undefined;
  return {
    totalBytes: total * 1024,
    availableBytes: available * 1024,
    swapBytes: (kib('SwapTotal') ?? 0) * 1024,
  };
}

function parseAddress(line: string): HostAddress[] {
  const [name, cidr] = line.split(' ');
  const match = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(cidr ?? '');
  if (!name || !match) return [];
  // Containers and VLANs show eth0@if23: the part before @ is the name users configure.
  return [{ interface: name.split('@')[0]!, address: match[1]!, prefix: Number(match[2]) }];
}
