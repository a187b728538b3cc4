import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLabState } from '../../src/lab/lab-state.js';
import { fakeMachines, fakeState } from './fake-lab.js';
import type { FakeProvider } from './fake-provider.js';

/**
 * A ready lab as the API finds it on disk (state file, kubeconfig, etcd probe credentials
 * under a private HA_LAB_STATE_DIR) whose six machines live in a FakeProvider.
 */
export async function fakeApiLab(lab: string): Promise<{
  provider: FakeProvider;
  stateRoot: string;
  cleanup: () => Promise<void>;
}> {
  const previous = process.env.HA_LAB_STATE_DIR;
  const stateRoot = await mkdtemp(join(tmpdir(), 'ha-lab-api-'));
  process.env.HA_LAB_STATE_DIR = stateRoot;
  await writeLabState(fakeState(lab));
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  await writeFile(
    join(stateRoot, lab, 'kubeconfig'),
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: admin',
      'clusters:',
      `- name: lab\n  cluster:\n    server: https://10.213.7.10:6443\n    certificate-authority-data: ${b64('CA')}`,
      `users:\n- name: admin\n  user:\n    client-certificate-data: ${b64('CERT')}\n    client-key-data: ${b64('KEY')}`,
      'contexts:\n- name: admin\n  context:\n    cluster: lab\n    user: admin',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const etcd = join(stateRoot, lab, 'pki', 'etcd');
  await mkdir(etcd, { recursive: true, mode: 0o700 });
  for (const file of ['ca.crt', 'probe-client.crt', 'probe-client.key'])
    await writeFile(join(etcd, file), 'PEM', { mode: 0o600 });
  const { provider } = await fakeMachines(lab);
  return {
    provider,
    stateRoot,
    cleanup: async () => {
      if (previous === undefined) delete process.env.HA_LAB_STATE_DIR;
      else process.env.HA_LAB_STATE_DIR = previous;
      await rm(stateRoot, { recursive: true, force: true });
    },
  };
}
