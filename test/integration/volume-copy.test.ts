import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { LABEL_MANAGED, LABEL_TEST } from '../../src/core/topology.js';
import { copyVolume } from '../../src/runtime/volume-copy.js';

/**
 * The volume copy behind snapshots and seeds, on the real engine: what containerd never
 * rewrites is shared by hard links; every database it rewrites in place is a file of the copy's
 * own (a shared one made two containerds wait on one lock, and let a live node rewrite its
 * snapshot).
 */
const engine = new Docker();
const BASE_IMAGE = 'ha-lab/debian-base:bookworm';
const labels = { [LABEL_MANAGED]: 'true', [LABEL_TEST]: 'volume-copy' };
const suffix = process.pid.toString(36);
const from = `ha-lab-test-copy-from-${suffix}`;
const to = `ha-lab-test-copy-to-${suffix}`;

const FILES = {
  blob: 'io.containerd.content.v1.content/blobs/sha256/0a1b',
  layerFile: 'io.containerd.snapshotter.v1.overlayfs/snapshots/1/fs/etc/hostname',
  snapshotterDb: 'io.containerd.snapshotter.v1.overlayfs/metadata.db',
  metadataDb: 'io.containerd.metadata.v1.bolt/meta.db',
  criFile: 'io.containerd.grpc.v1.cri/sandboxes/x/state',
};

/** Runs a shell script in a throwaway container of the base image with `volume` at /v. */
async function inVolume(volume: string, script: string): Promise<string> {
  const container = await engine.createContainer({
    Image: BASE_IMAGE,
    Entrypoint: ['sh', '-c', script],
    // A terminal: logs come back as plain text, not the multiplexed stream's frames.
    Tty: true,
    Labels: labels,
    HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: volume, Target: '/v' }] },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const output = String(await container.logs({ stdout: true, stderr: true, follow: false }));
    expect(StatusCode, output).toBe(0);
    return output;
  } finally {
    await container.remove({ force: true });
  }
}

describe('volume copy (snapshots and seeds)', () => {
  afterAll(async () => {
    for (const v of [from, to])
      await engine
        .getVolume(v)
        .remove()
        .catch(() => undefined);
  });

  it('links what is never rewritten and copies every database containerd rewrites', async () => {
    await engine.createVolume({ Name: from, Labels: labels });
    const paths = Object.values(FILES);
    await inVolume(
      from,
      paths.map((p) => `mkdir -p "$(dirname /v/${p})" && echo ${p} > /v/${p}`).join(' && '),
    );
    await copyVolume(engine, from, to, labels, BASE_IMAGE);
    // Link counts as the copy sees them: 2 means shared with the source, 1 its own file.
    const counts = await inVolume(to, paths.map((p) => `stat -c %h /v/${p}`).join(' && '));
    const byName = Object.fromEntries(
      Object.keys(FILES).map((name, i) => [name, counts.trim().split(/\s+/)[i]]),
    );
    expect(byName).toEqual({
      blob: '2',
      layerFile: '2',
      snapshotterDb: '1',
      metadataDb: '1',
      criFile: '1',
    });
    // And the contents came across.
    expect(await inVolume(to, `cat /v/${FILES.snapshotterDb}`)).toContain(FILES.snapshotterDb);
  }, 120_000);
});
