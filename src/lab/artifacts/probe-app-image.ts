import { mkdir } from 'node:fs/promises';
import { RuntimeError } from '../../core/errors.js';
import type { ArtifactContext } from './artifact-context.js';
import { checkEntry, hashInputs } from './cache-manifest.js';
import { buildRecipeImage, staticImageDockerfile } from './component-images.js';
import { ensureProbeAppBinary } from './go-binaries.js';

export const PROBE_APP_REPOSITORY = 'ha-lab/probe-app';

/**
 * The probe app (go/probe-app) as a lab image: a static binary FROM scratch, tagged by the hash
 * of its Dockerfile and binary, so a changed app gets a new tag and a node never runs a stale
 * image under an old name (imagePullPolicy Never cannot tell them apart). Returns the tag.
 */
export async function ensureProbeAppImage(ctx: ArtifactContext): Promise<string> {
  await mkdir(ctx.logDir, { recursive: true });
  const binary = await ensureProbeAppBinary(ctx);
  const check = await checkEntry(binary.dir);
  const binarySha = check.ok ? check.manifest.files['probe-app'] : undefined;
  if (binarySha === undefined)
    throw new RuntimeError(
      'artifact-missing',
      `the probe-app build in ${binary.dir} has no probe-app`,
    );
  // nobody: it only serves an unprivileged port and reads the world-readable service account CA.
  const dockerfile = staticImageDockerfile('probe-app', '/probe-app', '65534:65534');
  const tag = `${PROBE_APP_REPOSITORY}:${hashInputs([dockerfile, binarySha]).slice(0, 12)}`;
  await buildRecipeImage(
    { tag, binary: 'probe-app', binaryDir: binary.dir, dockerfile },
    binarySha,
    ctx,
  );
  return tag;
}
