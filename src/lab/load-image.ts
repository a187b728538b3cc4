import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { run } from '../runtime/node-runner.js';
import { runnerFor } from './node-access.js';
import type { OpenLab } from './open-lab.js';
import { containerName } from '../core/topology.js';

/**
 * Puts a locally built image into the nodes' containerd (like `kind load docker-image`), so a
 * workload can use it with imagePullPolicy IfNotPresent/Never: nothing is ever pulled.
 */
export async function loadImage(
  lab: OpenLab,
  image: string,
  nodes: string[],
  logFile: string,
): Promise<void> {
  if (!(await lab.provider.images.id(image)))
    throw new UsageError(
      'no-such-image',
      `image "${image}" is not in the local engine: build or tag it first`,
    );
  const dir = await mkdtemp(join(tmpdir(), 'ha-lab-load-'));
  try {
    const archive = join(dir, 'image.tar');
    await lab.provider.images.save([image], archive, logFile);
    await Promise.all(
      nodes.map(async (node) => {
        const runner = runnerFor(lab.runners, node);
        await lab.provider.copyIn(containerName(lab.lab, node), archive, '/var/tmp/');
        await run(
          runner,
          [
            'sh',
            '-ec',
            `ctr --namespace k8s.io images import /var/tmp/${basename(archive)} >/dev/null; rm -f /var/tmp/${basename(archive)}`,
          ],
          { timeoutMs: 300_000 },
        );
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
