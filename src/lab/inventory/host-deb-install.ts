import { basename } from 'node:path';
import { RuntimeError } from '../../core/errors.js';
import type { EventSink } from '../../core/events.js';
import { mapLimit } from '../../core/map-limit.js';
import type { DebPackage } from '../../provision/deb-index.js';
import { POLICY_RC_MARKER, POLICY_RC_PATH } from '../../provision/host-footprint.js';
import { mib, packagesProgress } from '../debs/events.js';
import type { HostSession } from './host-session.js';

/** Where the .debs wait on the host until apt installs them (removed once it has). */
export const HOST_DEB_DIR = '/var/cache/ha-lab/debs';
/** Uploads to one host at once: each holds an SFTP channel and a few exec channels, and sshd allows 10 per connection. */
const UPLOAD_PARALLEL = 3;
/** apt unpacking and configuring about 40 packages takes well under a minute on a VM. */
const INSTALL_TIMEOUT_MS = 600_000;

/**
 * Installs the uploaded .debs with apt, from the files alone: the host's sources are
 * switched off for the command, so apt knows no archive to download from (the host needs
 * no sources and no internet), yet it still orders Pre-Depends and checks every dependency,
 * which `dpkg -i` would not. Not `--no-download`: apt 2.6 then loses the path of a local
 * .deb ("Internal Error, Pathname to install is not absolute"; tried on Debian 12.15).
 * Around it:
 * - a policy-rc.d answering 101 keeps the packages' services from starting: ha-lab starts
 *   them itself once their configuration is written, and a host without systemd as PID 1
 *   (a container) would otherwise fail keepalived's postinst. A policy-rc.d of the host's
 *   own is left alone; ours carries a marker, so one left by a killed run is reused and
 *   removed;
 * - `dpkg --configure -a` first finishes what an interrupted earlier run left unpacked;
 * - `--force-confold` keeps configuration files the host already changed;
 * - the dpkg lock is waited for (2 min), since a VM's unattended-upgrades may hold it.
 */
const INSTALL_SCRIPT = `set -eu
export LC_ALL=C DEBIAN_FRONTEND=noninteractive PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
policy=${POLICY_RC_PATH}
marker='${POLICY_RC_MARKER}'
ours=no
cleanup() { if [ "$ours" = yes ]; then rm -f "$policy"; fi; }
trap cleanup EXIT
trap 'exit 130' HUP INT TERM
if [ ! -e "$policy" ] || grep -qxF "$marker" "$policy"; then
  ours=yes
  printf '#!/bin/sh\\n%s\\nexit 101\\n' "$marker" > "$policy.tmp"
  chmod 0755 "$policy.tmp"
  mv -f "$policy.tmp" "$policy"
fi
# An interrupted earlier run's dpkg may still be finishing on the host (its SSH session went,
# it did not): dpkg itself does not wait for its lock, so wait for it here (2 min at most).
i=0
while pgrep -x 'dpkg|apt-get|apt' >/dev/null 2>&1 && [ "$i" -lt 240 ]; do i=$((i + 1)); sleep 0.5; done
dpkg --force-confold --configure -a
apt-get install -y -q --no-install-recommends \\
  -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=/dev/null \\
  -o Dpkg::Options::=--force-confold -o Dpkg::Options::=--force-confdef \\
  -o DPkg::Lock::Timeout=120 "$@"
`;

export interface InstallOptions {
  signal: AbortSignal;
  events?: EventSink;
}

/**
 * Uploads `debs` (each skipped when the host holds it already, so an interrupted run resends
 * nothing that arrived), installs them, and removes them from the host once installed. They
 * stay after a failure, for the next run to reuse.
 */
export async function installDebs(
  session: HostSession,
  debs: readonly DebPackage[],
  localPath: (deb: DebPackage) => string,
  options: InstallOptions,
): Promise<{ uploadedFiles: number; uploadedBytes: number }> {
  const host = session.runner.node;
  const { signal } = options;
  const remote = debs.map((deb) => `${HOST_DEB_DIR}/${basename(deb.filename)}`);
  const total = debs.reduce((sum, d) => sum + d.size, 0);
  packagesProgress(
    options.events,
    `${host}: uploading ${debs.length} packages (${mib(total)}; files the host holds are skipped)`,
  );
  const uploads = await mapLimit(
    debs,
    UPLOAD_PARALLEL,
    (deb, i) => session.upload(localPath(deb), remote[i]!, { sha256: deb.sha256, signal }),
    signal,
  );
  packagesProgress(options.events, `${host}: installing ${debs.map((d) => d.name).join(', ')}`);
  const result = await session.runner.exec(
    ['sh', '-c', INSTALL_SCRIPT, 'ha-lab-install', ...remote],
    {
      signal,
      timeoutMs: INSTALL_TIMEOUT_MS,
    },
  );
  if (result.exitCode !== 0) {
    const said = (result.stderr.trim() || result.stdout.trim()).split('\n');
    const errors = said.filter((l) => /^(E|dpkg): /.test(l));
    throw new RuntimeError(
      'package-install-failed',
      `${host}: apt-get install exited ${result.exitCode}: ${(errors.length > 0 ? errors : said.slice(-3)).join(' | ')}`,
    );
  }
  await session.runner.exec(['rm', '-f', '--', ...remote], { signal, timeoutMs: 60_000 });
  const sent = uploads.filter((u) => !u.skipped);
  return {
    uploadedFiles: sent.length,
    uploadedBytes: sent.reduce((sum, u) => sum + u.bytesSent, 0),
  };
}
