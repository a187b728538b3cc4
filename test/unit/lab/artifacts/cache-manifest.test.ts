import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildEntry,
  checkEntry,
  entryDir,
  hashInputs,
  MANIFEST_FILE,
  sha256File,
} from '../../../../src/lab/artifacts/cache-manifest.js';

const META = {
  component: 'kubernetes',
  version: 'v1.36.3',
  inputsHash: 'abc',
  source: 'go-build',
} as const;

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ha-lab-cache-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function produceTwo(scratch: string): Promise<void> {
  await writeFile(join(scratch, 'kubeadm'), 'kubeadm binary bytes');
  await writeFile(join(scratch, 'kubelet'), 'kubelet binary bytes, a little longer');
}

describe('buildEntry and checkEntry', () => {
  it('records the sha256 of every produced file and accepts the untouched entry', async () => {
    const dir = entryDir(root, 'bin', 'kubernetes', 'v1.36.3', 'f'.repeat(64));
    const manifest = await buildEntry(dir, META, produceTwo);
    expect(Object.keys(manifest.files)).toEqual(['kubeadm', 'kubelet']);
    expect(manifest.files.kubeadm).toBe(await sha256File(join(dir, 'kubeadm')));
    const check = await checkEntry(dir);
    expect(check).toEqual({ ok: true, manifest });
    expect(JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8'))).toEqual(manifest);
  });

  it('reports a truncated file as a sha256 mismatch naming that file', async () => {
    const dir = join(root, 'entry');
    await buildEntry(dir, META, produceTwo);
    await truncate(join(dir, 'kubelet'), 5);
    expect(await checkEntry(dir)).toEqual({ ok: false, reason: 'sha256 mismatch on kubelet' });
  });

  it('reports a file removed from the entry as missing', async () => {
    const dir = join(root, 'entry');
    await buildEntry(dir, META, produceTwo);
    await rm(join(dir, 'kubeadm'));
    expect(await checkEntry(dir)).toEqual({ ok: false, reason: 'kubeadm is missing' });
  });

  it('says "not built yet" when there is no manifest', async () => {
    expect(await checkEntry(join(root, 'nothing-here'))).toEqual({
      ok: false,
      reason: 'not built yet',
    });
  });

  it('refuses a manifest that is JSON but not a manifest', async () => {
    const dir = join(root, 'entry');
    await buildEntry(dir, META, produceTwo);
    const manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as {
      files: Record<string, string>;
    };
    manifest.files.kubeadm = 'not-a-digest';
    await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(manifest));
    expect(await checkEntry(dir)).toEqual({ ok: false, reason: 'manifest is malformed' });
  });

  it('refuses a manifest that is not JSON at all', async () => {
    const dir = join(root, 'entry');
    await buildEntry(dir, META, produceTwo);
    await writeFile(join(dir, MANIFEST_FILE), '{"component": "kuber');
    expect(await checkEntry(dir)).toEqual({ ok: false, reason: 'manifest is malformed' });
  });

  it('leaves neither the entry nor a partial directory when the producer fails', async () => {
    const dir = join(root, 'bin', 'kubernetes', 'v1.36.3-abc');
    await expect(
      buildEntry(dir, META, async (scratch) => {
        await writeFile(join(scratch, 'kubeadm'), 'half');
        throw new Error('go build failed');
      }),
    ).rejects.toThrow('go build failed');
    expect(await readdir(join(root, 'bin', 'kubernetes'))).toEqual([]);
    expect((await checkEntry(dir)).ok).toBe(false);
  });

  it('keeps a valid older entry when a rebuild fails', async () => {
    const dir = join(root, 'entry');
    const first = await buildEntry(dir, META, produceTwo);
    await expect(buildEntry(dir, META, () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    expect(await checkEntry(dir)).toEqual({ ok: true, manifest: first });
    expect(await readdir(root)).toEqual(['entry']);
  });

  it('replaces an older entry whole, dropping files the new build no longer makes', async () => {
    const dir = join(root, 'entry');
    await buildEntry(dir, META, produceTwo);
    await buildEntry(dir, META, (scratch) => writeFile(join(scratch, 'kubectl'), 'x'));
    expect((await readdir(dir)).sort()).toEqual(['kubectl', MANIFEST_FILE]);
  });
});

describe('hashInputs', () => {
  it('distinguishes inputs that only differ in where one part ends', () => {
    expect(hashInputs(['ab', 'c'])).not.toBe(hashInputs(['a', 'bc']));
    expect(hashInputs(['ab', 'c'])).toBe(hashInputs(['ab', 'c']));
  });
});
