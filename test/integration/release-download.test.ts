import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, truncate } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RuntimeError } from '../../src/core/errors.js';
import type { LabEvent } from '../../src/core/events.js';
import { cacheRoot } from '../../src/core/paths.js';
import type { BuildContext } from '../../src/lab/artifacts/artifact-context.js';
import { checkEntry } from '../../src/lab/artifacts/cache-manifest.js';
import {
  downloadEtcdBinaries,
  downloadKubernetesBinaries,
  type ReleaseSource,
} from '../../src/lab/artifacts/release-download.js';
import {
  ETCD_VERSION,
  KUBERNETES_COMMANDS,
  resolveKubernetesVersion,
} from '../../src/lab/versions.js';

const run = promisify(execFile);
const K8S_VERSION = resolveKubernetesVersion('v1.36.3');
const ETCD_TARBALL = `etcd-${ETCD_VERSION}-linux-amd64.tar.gz`;

/** The built cache holds the real binaries this test serves; read before HA_LAB_CACHE_DIR is redirected. */
const BUILT_CACHE = cacheRoot();

/** Newest valid cache entry of a component and version, or a clear failure telling how to make one. */
async function builtEntry(component: string, version: string): Promise<string> {
  const parent = join(BUILT_CACHE, 'bin', component);
  const names = (await readdir(parent).catch(() => [] as string[])).filter(
    (n) => n.startsWith(`${version}-`) && !n.includes('.partial-'),
  );
  const entries: { dir: string; mtime: number }[] = [];
  for (const name of names) {
    const dir = join(parent, name);
    if ((await checkEntry(dir)).ok) entries.push({ dir, mtime: (await stat(dir)).mtimeMs });
  }
  const newest = entries.sort((a, b) => b.mtime - a.mtime)[0];
  if (!newest) {
    throw new Error(
      `no built ${component} ${version} binaries in ${parent}: run \`node dist/cli/main.js build\` before the integration tests`,
    );
  }
  return newest.dir;
}

type Body = { file: string } | { text: string } | { status: number } | { stall: true };

/** A stand-in for dl.k8s.io and the etcd release page: a path -> body table the cases edit. */
class ReleaseServer {
  readonly routes = new Map<string, Body>();
  readonly requests: string[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = req.url ?? '/';
      this.requests.push(path);
      const body = this.routes.get(path);
      if (body && 'stall' in body) {
        // Headers and a first chunk, then nothing: a mirror that hangs mid-transfer.
        res.writeHead(200, { 'content-length': String(1 << 20) });
        res.write('x');
      } else if (!body || 'status' in body) {
        res.writeHead(body?.status ?? 404).end('not found');
      } else if ('text' in body) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(body.text);
      } else {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        createReadStream(body.file).pipe(res);
      }
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  count(suffix: string): number {
    return this.requests.filter((r) => r.endsWith(suffix)).length;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const server = new ReleaseServer();
let work: string;
let previousCacheDir: string | undefined;
let realKubernetes: { dir: string; sums: Record<string, string> };
let realEtcd: { tarball: string; sha: string };

/** Fresh per case: every case starts from an empty cache. */
let ctx: BuildContext;
let events: LabEvent[];

function source(prefix: 'real' | 'fake'): ReleaseSource {
  return {
    kubernetesBaseUrl: `${server.url}/${prefix}/k8s`,
    etcdBaseUrl: `${server.url}/${prefix}/etcd`,
  };
}

const k8sPath = (prefix: string, command: string) =>
  `/${prefix}/k8s/${K8S_VERSION.version}/bin/linux/amd64/${command}`;
const etcdPath = (prefix: string, file: string) => `/${prefix}/etcd/${ETCD_VERSION}/${file}`;

/** Small stand-in binaries for the failure cases, so only the happy path moves 500 MB. */
function serveFakeKubernetes(): void {
  for (const command of KUBERNETES_COMMANDS) {
    const body = `#!/bin/sh\necho fake ${command}\n`;
    server.routes.set(k8sPath('fake', command), { text: body });
    server.routes.set(k8sPath('fake', `${command}.sha256`), { text: sha256(body) });
  }
}

async function cacheEntries(component: string): Promise<string[]> {
  return readdir(join(ctx.cacheRoot, 'bin', component)).catch(() => []);
}

async function failure(promise: Promise<unknown>): Promise<RuntimeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RuntimeError);
  return error as RuntimeError;
}

beforeAll(async () => {
  const kubernetesDir = await builtEntry('kubernetes', K8S_VERSION.version);
  const etcdDir = await builtEntry('etcd', ETCD_VERSION);
  work = await mkdtemp(join(tmpdir(), 'ha-lab-release-'));
  previousCacheDir = process.env.HA_LAB_CACHE_DIR;
  process.env.HA_LAB_CACHE_DIR = join(work, 'unused-cache');

  const manifest = JSON.parse(await readFile(join(kubernetesDir, 'manifest.json'), 'utf8')) as {
    files: Record<string, string>;
  };
  realKubernetes = { dir: kubernetesDir, sums: manifest.files };
  for (const command of KUBERNETES_COMMANDS) {
    const digest = realKubernetes.sums[command];
    if (!digest) throw new Error(`${kubernetesDir} has no ${command}`);
    server.routes.set(k8sPath('real', command), { file: join(kubernetesDir, command) });
    // dl.k8s.io serves a bare digest without a file name.
    server.routes.set(k8sPath('real', `${command}.sha256`), { text: digest });
  }

  // The official layout: etcd-vX-linux-amd64/{etcd,etcdctl,etcdutl} inside the tarball.
  const inner = join(work, 'tar', `etcd-${ETCD_VERSION}-linux-amd64`);
  await mkdir(inner, { recursive: true });
  for (const binary of ['etcd', 'etcdctl', 'etcdutl'])
    await symlink(join(etcdDir, binary), join(inner, binary));
  const tarball = join(work, ETCD_TARBALL);
  await run('tar', ['-czhf', tarball, '-C', join(work, 'tar'), `etcd-${ETCD_VERSION}-linux-amd64`]);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(tarball)) hash.update(chunk as Buffer);
  realEtcd = { tarball, sha: hash.digest('hex') };
  server.routes.set(etcdPath('real', ETCD_TARBALL), { file: tarball });
  server.routes.set(etcdPath('real', 'SHA256SUMS'), {
    text: `${'0'.repeat(64)}  etcd-${ETCD_VERSION}-darwin-arm64.zip\n${realEtcd.sha}  ${ETCD_TARBALL}\n`,
  });

  serveFakeKubernetes();
  await server.start();
}, 120_000);

beforeEach(async () => {
  events = [];
  ctx = {
    cacheRoot: await mkdtemp(join(work, 'cache-')),
    logDir: work,
    events: (e) => events.push(e),
  };
});

afterAll(async () => {
  await server.stop();
  if (previousCacheDir === undefined) delete process.env.HA_LAB_CACHE_DIR;
  else process.env.HA_LAB_CACHE_DIR = previousCacheDir;
  if (work) await rm(work, { recursive: true, force: true });
});

describe('downloadKubernetesBinaries', () => {
  it('downloads, verifies and caches the seven commands, then serves them from the cache', async () => {
    const set = await downloadKubernetesBinaries(K8S_VERSION, source('real'), ctx);
    expect([...set.files].sort()).toEqual([...KUBERNETES_COMMANDS].sort());
    expect(set.dir.startsWith(join(ctx.cacheRoot, 'bin', 'kubernetes'))).toBe(true);

    const check = await checkEntry(set.dir);
    expect(check.ok).toBe(true);
    expect(check.ok && check.manifest.source).toBe('release-download');
    expect(check.ok && check.manifest.files).toEqual(realKubernetes.sums);

    const { stdout } = await run(join(set.dir, 'kubeadm'), ['version', '-o', 'short']);
    expect(stdout.trim()).toBe('v1.36.3');

    const before = server.requests.length;
    expect(server.count('/real/k8s/v1.36.3/bin/linux/amd64/kubeadm')).toBe(1);
    const again = await downloadKubernetesBinaries(K8S_VERSION, source('real'), ctx);
    expect(again.dir).toBe(set.dir);
    expect(server.requests.length).toBe(before);
  });

  it('refuses a binary whose sha256 differs from the published one and caches nothing', async () => {
    server.routes.set(k8sPath('fake', 'kube-scheduler.sha256'), { text: sha256('something else') });
    try {
      const error = await failure(downloadKubernetesBinaries(K8S_VERSION, source('fake'), ctx));
      expect(error.code).toBe('checksum-mismatch');
      expect(error.message).toContain(`${server.url}${k8sPath('fake', 'kube-scheduler')}`);
      expect(await cacheEntries('kubernetes')).toEqual([]);
    } finally {
      serveFakeKubernetes();
    }
  });

  it('names the URL that answered 404 and caches nothing', async () => {
    server.routes.set(k8sPath('fake', 'kube-proxy'), { status: 404 });
    try {
      const error = await failure(downloadKubernetesBinaries(K8S_VERSION, source('fake'), ctx));
      expect(error.code).toBe('download-failed');
      expect(error.message).toContain(`${server.url}${k8sPath('fake', 'kube-proxy')}`);
      expect(error.message).toContain('404');
      // The commands before kube-proxy were downloaded, yet none of them may be left behind.
      expect(server.count(k8sPath('fake', 'kubeadm'))).toBeGreaterThan(0);
      expect(await cacheEntries('kubernetes')).toEqual([]);
    } finally {
      serveFakeKubernetes();
    }
  });

  it('refuses a .sha256 file that holds no digest', async () => {
    server.routes.set(k8sPath('fake', 'kubectl.sha256'), { text: '<html>Access denied</html>' });
    try {
      const error = await failure(downloadKubernetesBinaries(K8S_VERSION, source('fake'), ctx));
      expect(error.code).toBe('checksum-missing');
      expect(await cacheEntries('kubernetes')).toEqual([]);
    } finally {
      serveFakeKubernetes();
    }
  });
  it('gives up on a download that stalls mid-transfer once the build is interrupted, caching nothing', async () => {
    server.routes.set(k8sPath('fake', 'kubelet'), { stall: true });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('interrupted')), 1000);
    try {
      const started = Date.now();
      const error = await failure(
        downloadKubernetesBinaries(K8S_VERSION, source('fake'), {
          ...ctx,
          signal: controller.signal,
        }),
      );
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(error.code).toBe('download-failed');
      expect(error.message).toContain(k8sPath('fake', 'kubelet'));
      expect(await cacheEntries('kubernetes')).toEqual([]);
    } finally {
      clearTimeout(timer);
      serveFakeKubernetes();
    }
  });
});

describe('downloadEtcdBinaries', () => {
  it('unpacks etcd, etcdctl and etcdutl from the verified release tarball', async () => {
    const set = await downloadEtcdBinaries(source('real'), ctx);
    expect([...set.files].sort()).toEqual(['etcd', 'etcdctl', 'etcdutl']);
    expect((await checkEntry(set.dir)).ok).toBe(true);
    expect((await readdir(set.dir)).sort()).toEqual([
      'etcd',
      'etcdctl',
      'etcdutl',
      'manifest.json',
    ]);
    const { stdout } = await run(join(set.dir, 'etcd'), ['--version']);
    expect(stdout).toContain(`etcd Version: ${ETCD_VERSION.replace(/^v/, '')}`);
  });

  it('downloads again, with a warning, when a cached file was tampered with', async () => {
    const first = await downloadEtcdBinaries(source('real'), ctx);
    await truncate(join(first.dir, 'etcdctl'), 1000);
    const before = server.count(ETCD_TARBALL);
    const second = await downloadEtcdBinaries(source('real'), ctx);
    expect(server.count(ETCD_TARBALL)).toBe(before + 1);
    expect((await checkEntry(second.dir)).ok).toBe(true);
    expect(
      events.some(
        (e) =>
          e.kind === 'log' &&
          e.level === 'warn' &&
          e.message.includes('sha256 mismatch on etcdctl'),
      ),
    ).toBe(true);
  });

  it('refuses to download when SHA256SUMS does not list the tarball', async () => {
    const sums = etcdPath('real', 'SHA256SUMS');
    const original = server.routes.get(sums);
    server.routes.set(sums, {
      text: `${'1'.repeat(64)}  etcd-${ETCD_VERSION}-linux-arm64.tar.gz\n`,
    });
    try {
      const error = await failure(downloadEtcdBinaries(source('real'), ctx));
      expect(error.code).toBe('checksum-missing');
      expect(error.message).toContain(ETCD_TARBALL);
      expect(await cacheEntries('etcd')).toEqual([]);
    } finally {
      if (original) server.routes.set(sums, original);
    }
  });
});
