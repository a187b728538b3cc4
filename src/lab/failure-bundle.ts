import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redactSecrets } from '../provision/redact.js';
import type { NodeRunner } from '../runtime/node-runner.js';
import type { LabContext } from './lab-context.js';
import { writePrivateFile } from './lab-state.js';
import { containerName } from '../core/topology.js';

const UNITS = ['etcd', 'keepalived', 'kubelet', 'containerd', 'halab-podnet', 'halab-preload'];

async function journal(runner: NodeRunner): Promise<string> {
  const args = [
    'journalctl',
    '--no-pager',
    '-o',
    'short-precise',
    '-n',
    '400',
    ...UNITS.flatMap((u) => ['-u', u]),
  ];
  const result = await runner
    .exec(args, { timeoutMs: 20_000 })
    .catch((e: Error) => ({ stdout: '', stderr: e.message, exitCode: -1 }));
  const failed = await runner
    .exec(['systemctl', '--failed', '--no-legend', '--plain'], { timeoutMs: 10_000 })
    .catch(() => ({ stdout: '' }));
  return `# failed units\n${failed.stdout}\n# journal (${UNITS.join(', ')})\n${result.stdout}${result.stderr}`;
}

/**
 * Saves what is needed to understand a failure: journals of the key units, kubeadm output,
 * container inspect, all with tokens, certificate keys and private keys redacted.
 * Returns the bundle directory.
 */
export async function saveFailureBundle(
  ctx: Pick<LabContext, 'lab' | 'topology' | 'provider' | 'runners' | 'stateDir'>,
  error: unknown,
  label = 'up',
  targetDir?: string,
): Promise<string> {
  const stamp = new Date().toISOString().replaceAll(':', '-').replace(/\..+/, '');
  const dir = targetDir ?? join(ctx.stateDir, 'bundles', `${stamp}-${label}`);
  const message = error instanceof Error ? error.message : String(error);
  await writePrivateFile(join(dir, 'error.txt'), `${redactSecrets(message)}\n`);
  await Promise.all(
    ctx.topology.nodes.map(async (node) => {
      const runner = ctx.runners[node.name];
      const inspect = await ctx.provider
        .inspectMachine(containerName(ctx.lab, node.name))
        .catch(() => undefined);
      await writePrivateFile(
        join(dir, `${node.name}.inspect.json`),
        redactSecrets(JSON.stringify(inspect?.details ?? null, null, 2)),
      );
      if (runner && inspect?.running) {
        await writePrivateFile(
          join(dir, `${node.name}.journal.txt`),
          redactSecrets(await journal(runner)),
        );
      }
    }),
  );
  const logs = join(ctx.stateDir, 'logs');
  const entries = await readdir(logs, { withFileTypes: true }).catch(() => []);
  // Files only: a bundle kept under logs/ (or any directory there) is not a log to copy.
  for (const file of entries.filter((e) => e.isFile()).map((e) => e.name)) {
    await writePrivateFile(
      join(dir, file),
      redactSecrets(await readFile(join(logs, file), 'utf8')),
    );
  }
  return dir;
}
