import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { RuntimeError } from '../core/errors.js';
import { writePrivateFile } from './lab-state.js';

interface Named {
  name: string;
  [key: string]: unknown;
}
interface Kubeconfig {
  apiVersion?: string;
  kind?: string;
  clusters?: Named[];
  users?: Named[];
  contexts?: Named[];
  'current-context'?: string;
  [key: string]: unknown;
}

/** Pure: adds the lab's cluster, user and context as ha-lab-NAME, replacing an older copy. */
export function mergeKubeconfigText(
  targetText: string | undefined,
  labText: string,
  lab: string,
): string {
  const target = ((targetText ? parse(targetText) : undefined) ?? {
    apiVersion: 'v1',
    kind: 'Config',
  }) as Kubeconfig;
  const source = parse(labText) as Kubeconfig;
  const name = `ha-lab-${lab}`;
  const cluster = source.clusters?.[0];
  const user = source.users?.[0];
  if (!cluster || !user)
    throw new RuntimeError('invalid-kubeconfig', `the lab's kubeconfig has no cluster or user`);
  const replace = (list: Named[] | undefined, entry: Named) => [
    ...(list ?? []).filter((e) => e.name !== name),
    entry,
  ];
  target.clusters = replace(target.clusters, { ...cluster, name });
  target.users = replace(target.users, { ...user, name });
  target.contexts = replace(target.contexts, { name, context: { cluster: name, user: name } });
  target['current-context'] = name;
  return stringify(target);
}

export async function mergeKubeconfig(
  labKubeconfig: string,
  lab: string,
  targetPath?: string,
): Promise<string> {
  const target =
    targetPath ?? process.env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.kube', 'config');
  const existing = await readFile(target, 'utf8').catch(() => undefined);
  try {
    await writePrivateFile(
      target,
      mergeKubeconfigText(existing, await readFile(labKubeconfig, 'utf8'), lab),
    );
  } catch (error) {
    if ((error as { code?: string }).code === 'EACCES') {
      throw new RuntimeError(
        'kubeconfig-not-writable',
        `cannot write ${target}: choose a writable file with --merge FILE`,
      );
    }
    throw error;
  }
  return target;
}
