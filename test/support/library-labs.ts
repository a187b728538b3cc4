import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { LABEL_LAB } from '../../src/core/topology.js';

const run = promisify(execFile);
const cli = resolve(import.meta.dirname, '../../dist/cli/main.js');

/** Names of the engine's containers (running or not) that carry the lab's label. */
export async function labContainers(lab: string): Promise<string[]> {
  const { stdout } = await run('docker', [
    'ps',
    '-a',
    '--filter',
    `label=${LABEL_LAB}=${lab}`,
    '--format',
    '{{.Names}}',
  ]);
  return stdout.split('\n').filter(Boolean);
}

/** `ha-lab down --name LAB` through the built CLI; a lab that does not exist is fine. */
export async function removeLab(lab: string): Promise<void> {
  await run('node', [cli, 'down', '--name', lab]).catch(() => undefined);
}
