import { UsageError } from '../../core/errors.js';
import { PRELOADED_MARKER, type NodeSpec } from '../../core/topology.js';
import {
  HOST_LEDGER_DIR,
  HOST_LEDGER_PATH,
  type HostLedger,
  type LedgerEntries,
  addToLedger,
  emptyLedger,
  parseSysctls,
  readSysctlsCommand,
  renderLedger,
} from '../../provision/host-ledger.js';
import { NODE_FOOTPRINT } from '../../provision/host-footprint.js';
import {
  type NamedAddress,
  WRITE_HOSTS_BLOCK,
  renderHostsBlock,
} from '../../provision/host-names.js';
import { KEEPALIVED_CONF_PATH } from '../../provision/keepalived.js';
import {
  HOST_SYSCTL_PATH,
  HOST_MODULES_PATH,
  renderHostModules,
  renderHostSysctls,
} from '../../provision/host-kernel.js';
import { type NodeRunner, run, writeNodeFile } from '../../runtime/node-runner.js';
import { type HostBundle, bundleFilesFor } from '../artifacts/host-bundle.js';
import { type SendTally, importImages, sendFile } from './host-files.js';
import { HOST_DEB_DIR } from './host-deb-install.js';
import { readHostLedger } from './host-down.js';
import { ensureHostPackages, type HostPackagesOptions } from './host-packages.js';
import type { HostSession } from './host-session.js';

/**
 * Makes one of the user's hosts what a node container is when it boots from the node image:
 * the packages, binaries, kubelet units, containerd configured as kubelet expects, the
 * kernel settings, and the role's component images imported into containerd. Every change is
 * first entered in the host's ledger (provision/host-ledger.ts), so `down --inventory` can
 * undo exactly this; every step skips what the host already has, so a second run resumes an
 * interrupted one without sending again what arrived.
 */

const CONTAINERD_CONFIG = '/etc/containerd/config.toml';
const ROLE_FILE = '/etc/ha-lab/role';
const CONTAINERD_UNIT = 'containerd.service';
const BACKUP_DIR = `${HOST_LEDGER_DIR}/backup`;
const COMMAND_TIMEOUT_MS = 120_000;

export interface HostPrepareOptions {
  lab: string;
  bundle: HostBundle;
  /** With the deb index already opened and filled for every host (`fetchDebs`), if any lacked one. */
  packages: HostPackagesOptions;
  /** The packages `fetchDebs` planned for this host, entered in the ledger before installing. */
  plannedPackages: string[];
  /** Every node's name and address, for the host's /etc/hosts (provision/host-names.ts). */
  nodeNames: NamedAddress[];
  signal: AbortSignal;
}

export interface HostPrepareResult {
  node: string;
  packagesInstalled: number;
  filesSent: number;
  bytesSent: number;
  filesSkipped: number;
  imagesImported: number;
  cgroupV2: boolean;
  kernelConfig: boolean;
  /** Where the time went: apt, the large files arriving (from the start), the imports. */
  packagesMs: number;
  filesMs: number;
  imagesMs: number;
  durationMs: number;
}

class Ledger {
  constructor(
    private readonly runner: NodeRunner,
    private ledger: HostLedger,
  ) {}
  get current(): HostLedger {
    return this.ledger;
  }
  /** Written (0600: it names what the host runs) before the change it records is made. */
  async record(entries: LedgerEntries): Promise<void> {
    const next = addToLedger(this.ledger, entries);
    if (JSON.stringify(next) === JSON.stringify(this.ledger)) return;
    await writeNodeFile(this.runner, HOST_LEDGER_PATH, renderLedger(next), 0o600);
    this.ledger = next;
  }
}

/** Opens the host's ledger for `lab`; a host another lab holds is refused (exit 2). */
async function openLedger(runner: NodeRunner, lab: string, host: string): Promise<Ledger> {
  const found = await readHostLedger(runner);
  if (found && found.lab !== lab) {
    throw new UsageError(
      'host-in-other-lab',
      `${host}: already holds ha-lab lab "${found.lab}": run \`ha-lab down --name ${found.lab}\` (or down --inventory with its file) first`,
    );
  }
  const ledger = new Ledger(runner, found ?? emptyLedger(lab));
  if (!found) await ledger.record({ dirs: [HOST_LEDGER_DIR] });
  return ledger;
}

export async function prepareHost(
  session: HostSession,
  node: NodeSpec,
  options: HostPrepareOptions,
): Promise<HostPrepareResult> {
  const started = Date.now();
  const { runner } = session;
  const { signal } = options;
  const ledger = await openLedger(runner, options.lab, node.host?.name ?? node.name);

  // What is the host's own is set aside before a package or a file of ours replaces it.
  await backUpForeignFile(runner, ledger, CONTAINERD_CONFIG);
  if (node.role === 'master') await backUpForeignFile(runner, ledger, KEEPALIVED_CONF_PATH);
  if (Object.keys(ledger.current.sysctls).length === 0) {
    const values = await run(runner, readSysctlsCommand(), {
      timeoutMs: COMMAND_TIMEOUT_MS,
      signal,
    });
    await ledger.record({ sysctls: parseSysctls(values) });
  }
  await ledger.record({ packages: options.plannedPackages, dirs: [HOST_DEB_DIR] });
  const files = bundleFilesFor(options.bundle, node.role);
  await ledger.record({
    files: [...files.map((f) => f.remote), ROLE_FILE, HOST_SYSCTL_PATH, HOST_MODULES_PATH],
    dirs: ['/var/lib/ha-lab', '/etc/ha-lab'],
    units: [...NODE_FOOTPRINT.units],
  });
  const tally: SendTally = { filesSent: 0, bytesSent: 0 };
  const timing = { packagesMs: 0, filesMs: 0, imagesMs: 0 };
  // The large files travel while apt installs (they need nothing it brings), archives first,
  // one after the other; each archive is imported as soon as it and containerd are there.
  const large = files
    .filter((f) => f.unpack || f.imageArchive)
    .sort((a, b) => Number(b.imageArchive) - Number(a.imageArchive));
  let chain: Promise<unknown> = Promise.resolve();
  const arrived = large.map(
    (file) => (chain = chain.then(() => sendFile(session, file, tally, signal))),
  );
  for (const sent of arrived) sent.catch(() => undefined);
  const uploadsDone = Promise.allSettled(arrived).then(
    () => (timing.filesMs = Date.now() - started),
  );
  try {
    const packagesStarted = Date.now();
    const packages = await ensureHostPackages(session, node.role, options.packages);
    // What apt really installed, in case the plan and the install disagree.
    await ledger.record({ packages: packages.installed.map((p) => p.name) });
    timing.packagesMs = Date.now() - packagesStarted;
    let configChanged = false;
    for (const file of files.filter((f) => !f.unpack && !f.imageArchive)) {
      if (await sendFile(session, file, tally, signal))
        configChanged ||= file.remote === CONTAINERD_CONFIG;
    }
    await writeNodeFile(runner, ROLE_FILE, `${node.role}\n`);
    await run(runner, ['sh', '-c', WRITE_HOSTS_BLOCK], {
      input: renderHostsBlock(options.nodeNames),
      signal,
    });
    await writeNodeFile(runner, HOST_SYSCTL_PATH, renderHostSysctls());
    await writeNodeFile(runner, HOST_MODULES_PATH, renderHostModules());
    const facts = await applyKernelSettings(runner, signal);
    await run(runner, ['systemctl', 'daemon-reload'], { timeoutMs: COMMAND_TIMEOUT_MS, signal });
    await recordOwnUnitState(runner, ledger, CONTAINERD_UNIT);
    await run(runner, ['systemctl', 'enable', '--quiet', 'containerd'], { signal });
    await run(runner, ['systemctl', configChanged ? 'restart' : 'start', 'containerd'], {
      timeoutMs: COMMAND_TIMEOUT_MS,
      signal,
    });
    let imagesImported = 0;
    for (const [i, file] of large.entries()) {
      if (!file.imageArchive) continue;
      await arrived[i];
      const importStarted = Date.now();
      if (await importImages(runner, file, signal)) imagesImported += 1;
      timing.imagesMs += Date.now() - importStarted;
    }
    await Promise.all(arrived);
    await run(runner, ['touch', PRELOADED_MARKER], { signal });
    return {
      node: node.name,
      packagesInstalled: packages.installed.length,
      ...tally,
      filesSkipped: files.length - tally.filesSent,
      imagesImported,
      ...timing,
      ...facts,
      durationMs: Date.now() - started,
    };
  } finally {
    // Nothing of this host's keeps running once the call is over, success or not.
    await uploadsDone;
  }
}

/**
 * A unit of the host's own (a package ha-lab did not install) is entered as found, enabled or
 * not and running or not, before ha-lab enables and starts it, so `down` puts that back.
 */
async function recordOwnUnitState(runner: NodeRunner, ledger: Ledger, unit: string) {
  const { packages, unitStates } = ledger.current;
  if (packages.includes(unit.replace(/\.service$/, '')) || unit in unitStates) return;
  const found = await runner.exec([
    'sh',
    '-c',
    'echo "$(systemctl is-enabled "$1" 2>/dev/null) $(systemctl is-active "$1" 2>/dev/null)"',
    'sh',
    unit,
  ]);
  await ledger.record({ unitStates: { [unit]: found.stdout.trim() } });
}

/**
 * A file ha-lab is about to replace that the host had before (a containerd config of its
 * own) is copied aside once and entered as a backup, so `down` puts it back.
 */
async function backUpForeignFile(runner: NodeRunner, ledger: Ledger, path: string): Promise<void> {
  const known = ledger.current.files.includes(path) || path in ledger.current.backups;
  if (known) return;
  const copy = `${BACKUP_DIR}${path}`;
  const exists = (await runner.exec(['test', '-e', path])).exitCode === 0;
  if (!exists) return;
  await run(runner, [
    'sh',
    '-ec',
    'mkdir -p "$(dirname "$2")" && cp -a "$1" "$2"',
    'sh',
    path,
    copy,
  ]);
  await ledger.record({ backups: { [path]: copy } });
}

/**
 * Loads the modules and sysctls just written (a kernel with them built in has no modules to
 * load: not an error) and reads what the cluster configuration depends on: the cgroup mode
 * and whether a kernel config is readable for kubeadm's SystemVerification.
 */
async function applyKernelSettings(
  runner: NodeRunner,
  signal: AbortSignal,
): Promise<{ cgroupV2: boolean; kernelConfig: boolean }> {
  const out = await run(
    runner,
    [
      'sh',
      '-c',
      `for m in $(grep -v '^#' "$1"); do modprobe "$m" 2>/dev/null || true; done
sysctl -q -e -p "$2" >/dev/null 2>&1 || true
echo "cgroup $(stat -fc %T /sys/fs/cgroup)"
if [ -r /proc/config.gz ] || [ -r "/boot/config-$(uname -r)" ]; then echo kconfig yes; else echo kconfig no; fi`,
      'sh',
      HOST_MODULES_PATH,
      HOST_SYSCTL_PATH,
    ],
    { timeoutMs: COMMAND_TIMEOUT_MS, signal },
  );
  return { cgroupV2: /cgroup cgroup2fs/.test(out), kernelConfig: /kconfig yes/.test(out) };
}
