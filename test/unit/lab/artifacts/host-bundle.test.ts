import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HaLabError } from '../../../../src/core/errors.js';
import { buildEntry, sha256File } from '../../../../src/lab/artifacts/cache-manifest.js';
import type { Artifacts } from '../../../../src/lab/artifacts/ensure-artifacts.js';
import {
  bundleFilesFor,
  ensureHostBundle,
  findHostBundle,
} from '../../../../src/lab/artifacts/host-bundle.js';
import type { ImageStore } from '../../../../src/runtime/provider.js';

let root: string;
let saved: string[][];

const EXPECTED = {
  apiserver: 'registry.k8s.io/kube-apiserver:v1.36.3',
  controllerManager: 'registry.k8s.io/kube-controller-manager:v1.36.3',
  scheduler: 'registry.k8s.io/kube-scheduler:v1.36.3',
  proxy: 'registry.k8s.io/kube-proxy:v1.36.3',
  pause: 'registry.k8s.io/pause:3.10.2',
  coredns: 'registry.k8s.io/coredns/coredns:v1.14.2',
};

/** An image store that "saves" by writing the tags into the archive file. */
const images: ImageStore = {
  labels: async () => undefined,
  id: async () => undefined,
  build: async () => undefined,
  ensureBase: async () => undefined,
  save: async (tags, outFile) => {
    saved.push(tags);
    await writeFile(outFile, tags.join('\n'));
  },
};

async function artifacts(nodeImage: string): Promise<Artifacts> {
  const binaries = async (dir: string, names: string[]) =>
    buildEntry(
      dir,
      { component: 'x', version: 'v', inputsHash: 'h', source: 'go-build' },
      async (scratch) => {
        for (const name of names) await writeFile(join(scratch, name), `${name} bytes`);
      },
    );
  const kube = join(root, 'bin', 'kubernetes');
  const etcd = join(root, 'bin', 'etcd');
  await binaries(kube, ['kubeadm', 'kubelet', 'kubectl']);
  await binaries(etcd, ['etcd', 'etcdctl', 'etcdutl']);
  return {
    kubernetesVersion: 'v1.36.3',
    nodeImage,
    expected: EXPECTED,
    kubernetes: { component: 'kubernetes', version: 'v1.36.3', dir: kube, files: [] },
    etcd: { component: 'etcd', version: 'v3.6.16', dir: etcd, files: [] },
  };
}

const ctx = () => ({
  cacheRoot: root,
  logDir: join(root, 'logs'),
  events: () => undefined,
  images,
});

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ha-lab-bundle-'));
  saved = [];
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the host bundle', () => {
  it('gives each role only what it runs, each file with its sha256', async () => {
    const bundle = await ensureHostBundle(await artifacts('ha-lab/node:v1.36.3-aaaa'), ctx());
    const remote = (role: 'master' | 'worker') => bundleFilesFor(bundle, role).map((f) => f.remote);
    expect(remote('worker')).toEqual([
      '/usr/local/bin/kubeadm',
      '/usr/local/bin/kubelet',
      '/etc/containerd/config.toml',
      '/usr/lib/systemd/system/kubelet.service',
      '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf',
      '/var/lib/ha-lab/images/common.tar.gz',
    ]);
    expect(remote('master')).toEqual(
      expect.arrayContaining([
        '/usr/local/bin/kubectl',
        '/usr/local/bin/etcd',
        '/usr/local/bin/etcdutl',
        '/var/lib/ha-lab/images/control-plane.tar.gz',
      ]),
    );
    for (const file of bundle.files) {
      expect(await sha256File(file.local)).toBe(file.sentSha256);
      if (file.unpack) {
        // A binary travels gzip'd and is checked, once unpacked, against the build's sha256.
        const unpacked = gunzipSync(await readFile(file.local));
        expect(createHash('sha256').update(unpacked).digest('hex')).toBe(file.sha256);
      }
    }
    expect(bundle.files.filter((f) => f.unpack).map((f) => f.remote)).toEqual(
      ['kubeadm', 'kubelet', 'kubectl', 'etcd', 'etcdctl', 'etcdutl'].map(
        (b) => `/usr/local/bin/${b}`,
      ),
    );
    expect(saved).toEqual([
      [EXPECTED.pause, EXPECTED.coredns, EXPECTED.proxy],
      [EXPECTED.apiserver, EXPECTED.controllerManager, EXPECTED.scheduler],
    ]);
    expect(bundle.files.filter((f) => f.imageArchive).map((f) => f.remote)).toEqual([
      '/var/lib/ha-lab/images/common.tar.gz',
      '/var/lib/ha-lab/images/control-plane.tar.gz',
    ]);
  });

  it('is made once: a second call saves no image', async () => {
    const a = await artifacts('ha-lab/node:v1.36.3-aaaa');
    await ensureHostBundle(a, ctx());
    saved = [];
    const again = await ensureHostBundle(a, ctx());
    expect(saved).toEqual([]);
    expect(again.nodeImage).toBe('ha-lab/node:v1.36.3-aaaa');
  });

  it('is found without an engine: the newest complete one for the version', async () => {
    const older = await ensureHostBundle(await artifacts('ha-lab/node:v1.36.3-aaaa'), ctx());
    await new Promise((r) => setTimeout(r, 5));
    await ensureHostBundle(await artifacts('ha-lab/node:v1.36.3-bbbb'), ctx());
    expect((await findHostBundle(root, 'v1.36.3')).nodeImage).toBe('ha-lab/node:v1.36.3-bbbb');
    // A bundle whose archive was pruned from the cache is not offered.
    await rm(join(root, 'hosts', 'v1.36.3-bbbb', 'common.tar.gz'));
    expect((await findHostBundle(root, 'v1.36.3')).nodeImage).toBe(older.nodeImage);
  });

  it('says in one line how to get one when the cache has none', async () => {
    const error = await findHostBundle(root, 'v1.35.4').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HaLabError);
    expect((error as Error).message).toMatch(
      /^no host artifacts for Kubernetes v1\.35\.4 in .*: run `ha-lab build --kubernetes-version 1\.35\.4`/,
    );
    expect((error as Error).message).not.toContain('\n');
  });
});
