import { dirname, relative } from 'node:path';
import type Docker from 'dockerode';
import { RuntimeError } from '../core/errors.js';
import { engineCall } from './docker-client.js';
import { removeVolume } from './node-containers.js';
import type { Labels } from './provider.js';

/** Where the helper machine sees the engine's volumes directory. */
const MOUNT = '/ha-lab-volumes';

/**
 * What containerd rewrites in place: its bolt metadata, each snapshotter's own bolt database
 * and the CRI plugin's sandbox files. Everything else there is written once and never changed
 * in place: content blobs are addressed by their digest, committed image layers are read-only
 * lowers, and the read-write layers of the containers that ran are never used again after a
 * restore (the restored node starts new containers; the old layers are only deleted). So those
 * are shared by hard links, and only these are copied: a snapshot costs megabytes instead of a
 * gigabyte per node, and a restore seconds instead of a minute. A database shared by a link
 * would be one file for two containerds: the live node would rewrite the snapshot's copy, and
 * two nodes planted from one seed would wait on each other's lock (a real `up` hung in CRI's
 * "recovering state" until kubeadm's preflight gave up).
 */
const COPIED_IN_FULL = [
  'io.containerd.metadata.v1.bolt',
  'io.containerd.snapshotter.v1.overlayfs/metadata.db',
  'io.containerd.snapshotter.v1.native/metadata.db',
  'io.containerd.grpc.v1.cri',
];

/** A name Docker accepts for a volume, from an image tag or reference. */
export function volumeSafe(name: string): string {
  return name.replace(/[^a-zA-Z0-9_.-]+/g, '-');
}

/**
 * Fills `to` (created here with `labels`) from `from`: hard links for what is never rewritten,
 * real copies of the rest, and prints the bytes that are the copy's own (files linked nowhere
 * else). The helper machine sees the engine's whole volumes directory as one mount, because a
 * hard link cannot cross two mounts. It needs CAP_SYS_ADMIN for one reason: containerd's overlay
 * snapshots mark opaque directories with trusted.* extended attributes, which only it may write.
 */
export async function copyVolume(
  docker: Docker,
  from: string,
  to: string,
  labels: Labels,
  helperImage: string,
): Promise<number> {
  await removeVolume(docker, to);
  await engineCall(`creating volume ${to}`, () =>
    docker.createVolume({ Name: to, Labels: labels }),
  );
  const [source, created] = await Promise.all(
    [from, to].map((name) =>
      engineCall(`inspecting volume ${name}`, () => docker.getVolume(name).inspect()),
    ),
  );
  if (!source || !created) throw new RuntimeError('volume-copy-failed', `volume ${from} vanished`);
  const root = dirname(dirname(source.Mountpoint));
  const target = created.Mountpoint;
  if (dirname(dirname(target)) !== root)
    throw new RuntimeError(
      'volume-copy-failed',
      `volumes ${from} and ${to} live in different places`,
    );
  const src = `${MOUNT}/${relative(root, source.Mountpoint)}`;
  const dst = `${MOUNT}/${relative(root, target)}`;
  const script = [
    'set -e',
    `cp -al ${src}/. ${dst}/`,
    ...COPIED_IN_FULL.map(
      (d) => `if [ -e ${src}/${d} ]; then rm -rf ${dst}/${d}; cp -a ${src}/${d} ${dst}/${d}; fi`,
    ),
    `find ${dst} -type f -links 1 -printf '%s\\n' | awk '{ s += $1 } END { print s + 0 }'`,
  ].join('\n');
  const helper = await engineCall(`copying volume ${from}`, () =>
    docker.createContainer({
      Image: helperImage,
      Entrypoint: ['sh', '-c', script],
      Cmd: [],
      Tty: true,
      Labels: labels,
      HostConfig: {
        NetworkMode: 'none',
        CapAdd: ['SYS_ADMIN'],
        Mounts: [{ Type: 'bind', Source: root, Target: MOUNT }],
      },
    }),
  );
  try {
    await helper.start();
    const { StatusCode } = (await helper.wait()) as { StatusCode: number };
    const output = String(await helper.logs({ stdout: true, stderr: true, follow: false }));
    if (StatusCode !== 0)
      throw new RuntimeError(
        'volume-copy-failed',
        `copying volume ${from} to ${to} failed (exit ${StatusCode}): ${output.trim().split('\n').slice(-1)[0] ?? ''}`,
      );
    return Number(output.trim().split(/\s+/).pop() ?? 0) || 0;
  } finally {
    await helper.remove({ force: true }).catch(() => undefined);
  }
}
