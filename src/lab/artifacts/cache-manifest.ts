import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * Every cache entry is a directory with the artifact files and a manifest.json holding the
 * sha256 of each file. An entry counts only when every file matches: a truncated or tampered
 * file is detected and the entry rebuilt, never used.
 */
export const MANIFEST_FILE = 'manifest.json';

const manifestSchema = z.object({
  component: z.string(),
  version: z.string(),
  inputsHash: z.string(),
  source: z.enum(['go-build', 'release-download', 'image-build']),
  createdAt: z.string(),
  files: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
});
export type Manifest = z.infer<typeof manifestSchema>;

export type CacheCheck = { ok: true; manifest: Manifest } | { ok: false; reason: string };

export function hashInputs(parts: readonly (string | Buffer)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(String(Buffer.byteLength(part)));
    hash.update(':');
    hash.update(part);
  }
  return hash.digest('hex');
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The directory of one cache entry: <root>/<kind>/<component>/<version>-<inputs hash>. */
export function entryDir(
  root: string,
  kind: string,
  component: string,
  version: string,
  inputsHash: string,
): string {
  return join(root, kind, component, `${version}-${inputsHash.slice(0, 12)}`);
}

export async function checkEntry(dir: string): Promise<CacheCheck> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    return { ok: false, reason: code === 'ENOENT' ? 'not built yet' : 'manifest is unreadable' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // A half-written manifest is as malformed as a wrong-shaped one; "unreadable" means I/O.
    return { ok: false, reason: 'manifest is malformed' };
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'manifest is malformed' };
  const manifest = parsed.data;
  for (const [file, expected] of Object.entries(manifest.files)) {
    try {
      const actual = await sha256File(join(dir, file));
      if (actual !== expected) return { ok: false, reason: `sha256 mismatch on ${file}` };
    } catch {
      return { ok: false, reason: `${file} is missing` };
    }
  }
  return { ok: true, manifest };
}

/**
 * Builds an entry atomically: `produce` fills a scratch directory, its files are hashed into
 * the manifest, then the directory is renamed into place. A crash mid-build leaves only a
 * scratch directory, which the next build removes.
 */
export async function buildEntry(
  dir: string,
  meta: Omit<Manifest, 'files' | 'createdAt'>,
  produce: (scratchDir: string) => Promise<void>,
): Promise<Manifest> {
  const scratch = `${dir}.partial-${process.pid}`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  try {
    await produce(scratch);
    const files: Record<string, string> = {};
    for (const name of (await readdir(scratch)).sort()) {
      if ((await stat(join(scratch, name))).isFile())
        files[name] = await sha256File(join(scratch, name));
    }
    const manifest: Manifest = { ...meta, createdAt: new Date().toISOString(), files };
    await writeFile(join(scratch, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(scratch, dir);
    return manifest;
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
}
