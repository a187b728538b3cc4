import type { HostBundleFile } from '../artifacts/host-bundle.js';
import { type NodeRunner, nodeFileSha256, run } from '../../runtime/node-runner.js';
import type { HostSession } from './host-session.js';

/** Where packed binaries wait to be unpacked into place (removed by `down` with its parent). */
const INCOMING_DIR = '/var/lib/ha-lab/incoming';
const COMMAND_TIMEOUT_MS = 120_000;
/** Importing the control-plane archive unpacks ~270 MB of layers. */
const IMPORT_TIMEOUT_MS = 300_000;

export interface SendTally {
  filesSent: number;
  bytesSent: number;
}

/**
 * Puts one bundle file in place unless the host has it already. A gzip'd binary travels to
 * the incoming directory (so an interrupted upload resumes there) and is unpacked into place,
 * checked by its sha256, then the packed copy goes. Returns whether anything was sent.
 */
export async function sendFile(
  session: HostSession,
  file: HostBundleFile,
  tally: SendTally,
  signal: AbortSignal,
): Promise<boolean> {
  const { runner } = session;
  if (!file.unpack) {
    const sent = await session.upload(file.local, file.remote, {
      mode: file.mode,
      sha256: file.sentSha256,
      signal,
    });
    if (sent.skipped) return false;
    tally.filesSent += 1;
    tally.bytesSent += sent.bytesSent;
    return true;
  }
  const have = await nodeFileSha256(runner, file.remote, { timeoutMs: COMMAND_TIMEOUT_MS, signal });
  if (have === file.sha256) return false;
  const packed = `${INCOMING_DIR}/${file.remote.slice(file.remote.lastIndexOf('/') + 1)}.gz`;
  const sent = await session.upload(file.local, packed, {
    mode: 0o600,
    sha256: file.sentSha256,
    signal,
  });
  await run(
    runner,
    [
      'sh',
      '-ec',
      'gzip -dc -- "$1" > "$2.part"\necho "$3  $2.part" | sha256sum -c --quiet -\nchmod "$4" "$2.part"\nmv -f -- "$2.part" "$2"\nrm -f -- "$1"',
      'sh',
      packed,
      file.remote,
      file.sha256,
      file.mode.toString(8).padStart(4, '0'),
    ],
    { timeoutMs: COMMAND_TIMEOUT_MS, signal },
  );
  tally.filesSent += 1;
  tally.bytesSent += sent.bytesSent;
  return true;
}

/**
 * Imports an archive into containerd's k8s.io namespace once: a marker named by the
 * archive's sha256 lives in containerd's own directory, so a wiped containerd imports again.
 */
export async function importImages(
  runner: NodeRunner,
  archive: HostBundleFile,
  signal: AbortSignal,
): Promise<boolean> {
  const marker = `/var/lib/containerd/.ha-lab-imported-${archive.sha256.slice(0, 16)}`;
  if ((await runner.exec(['test', '-e', marker])).exitCode === 0) return false;
  await run(
    runner,
    [
      'bash',
      '-ec',
      'set -o pipefail\ngzip -dc -- "$1" | ctr --namespace k8s.io images import /dev/stdin >/dev/null\ntouch -- "$2"',
      'bash',
      archive.remote,
      marker,
    ],
    { timeoutMs: IMPORT_TIMEOUT_MS, signal },
  );
  return true;
}
