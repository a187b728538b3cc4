import { RuntimeError } from '../../core/errors.js';
import type { Role } from '../../core/topology.js';
import { parseRelations } from '../../provision/deb-control.js';
import type { InstalledPackage } from '../../provision/deb-resolve.js';
import { type NodeRunner, run } from '../../runtime/node-runner.js';
import { type PackagePresence, packagesFor } from './host-requirements.js';

/**
 * What a host has installed, read in one command as root: its system, dpkg's architecture
 * and every package dpkg knows with its version, status and what it provides (the resolver
 * needs all of them, not only the required ones), and, for hosts without dpkg, which of the
 * required commands are on PATH. It only reads.
 */
const SCRIPT = `set -u
export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
commands=$1
put() { printf '%s\\t%s\\n' "$1" "$2"; }
if [ -r /etc/os-release ]; then
  (. /etc/os-release; put os.id "\${ID:-}"; put os.version "\${VERSION_ID:-}"; put os.name "\${PRETTY_NAME:-}")
fi
if command -v dpkg-query >/dev/null 2>&1; then
  put arch "$(dpkg --print-architecture)"
  dpkg-query -W -f='pkg\\t\${Package}\\t\${Architecture}\\t\${Version}\\t\${db:Status-Abbrev}\\t\${Provides}\\n'
fi
for c in $commands; do
  case $c in
    /*) if [ -x "$c" ]; then put cmd "$c 1"; else put cmd "$c 0"; fi ;;
    *) if command -v "$c" >/dev/null 2>&1; then put cmd "$c 1"; else put cmd "$c 0"; fi ;;
  esac
done
put end ok
`;

const READ_TIMEOUT_MS = 60_000;

export interface HostPackageState extends PackagePresence {
  os?: { id: string; versionId: string; name: string };
  /** dpkg's architecture (amd64, arm64 ...); undefined without dpkg. */
  architecture?: string;
  /** Installed packages of the host's architecture (or `all`), by name. */
  installed: ReadonlyMap<string, InstalledPackage>;
  installedPackages: string[];
}

export function hostPackageCommand(role: Role): string[] {
  const commands = packagesFor(role).flatMap((p) => p.commands);
  return ['sh', '-c', SCRIPT, 'ha-lab-packages', commands.join(' ')];
}

export async function readHostPackages(
  runner: NodeRunner,
  role: Role,
  signal: AbortSignal,
): Promise<HostPackageState> {
  const output = await run(runner, hostPackageCommand(role), {
    signal,
    timeoutMs: READ_TIMEOUT_MS,
  });
  try {
    return parseHostPackages(output);
  } catch (error) {
    throw new RuntimeError('host-check-failed', `${runner.node}: ${(error as Error).message}`);
  }
}

/** Reads the script's answer; throws when it is cut short (no `end` line). */
export function parseHostPackages(output: string): HostPackageState {
  const rows = output.split('\n').map((line) => line.split('\t'));
  const one = (key: string) => rows.find((r) => r[0] === key)?.[1]?.trim();
  if (one('end') !== 'ok') throw new Error('the package check ended before its last line');
  const architecture = one('arch');
  const installed = new Map<string, InstalledPackage>();
  for (const [key, name, arch, version, status, provides] of rows) {
    if (key !== 'pkg' || !name || !version) continue;
    // The second letter is the package's state: `i` = installed (ii, hi), whatever is wanted.
    if (status?.[1] !== 'i') continue;
    if (arch !== architecture && arch !== 'all') continue;
    installed.set(name, { name, version, provides: parseRelations(provides).flat() });
  }
  const commands: Record<string, boolean> = {};
  for (const [key, value] of rows) {
    if (key !== 'cmd' || value === undefined) continue;
    commands[value.slice(0, value.lastIndexOf(' '))] = value.endsWith(' 1');
  }
  const state: HostPackageState = {
    dpkg: architecture !== undefined,
    installed,
    installedPackages: [...installed.keys()],
    commands,
  };
  const osId = one('os.id');
  if (osId !== undefined) {
    state.os = { id: osId, versionId: one('os.version') ?? '', name: one('os.name') ?? osId };
  }
  if (architecture !== undefined) state.architecture = architecture;
  return state;
}
