import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rewriteKubeconfigServer } from '../provision/kubeconfig.js';
import { kubeconfigPath } from './actions/kubeadm-actions.js';
import { updateLabState, writePrivateFile } from './lab-state.js';
import type { OpenLab } from './open-lab.js';
import { API_PORT, labLabels, networkName } from '../core/topology.js';

export function forwarderKubeconfigPath(stateDir: string): string {
  return join(stateDir, 'kubeconfig-forwarder');
}

/**
 * The Docker Desktop path: a forwarder on 127.0.0.1 (an address in the API certificate) and a
 * kubeconfig that uses it. The lab network stays internal; only the forwarder has a second,
 * ordinary network, and it publishes on loopback only.
 */
export async function enableForwarder(lab: OpenLab): Promise<{ port: number; kubeconfig: string }> {
  const port = await lab.provider.ensureForwarder({
    name: `${lab.lab}-api-forwarder`,
    image: lab.state.nodeImage,
    accessNetwork: `${lab.lab}-access`,
    labNetwork: networkName(lab.lab),
    target: lab.topology.vip,
    targetPort: API_PORT,
    labels: { ...labLabels(lab.lab), 'io.ha-lab.role': 'forwarder' },
  });
  const kubeconfig = forwarderKubeconfigPath(lab.stateDir);
  const admin = await readFile(kubeconfigPath(lab.stateDir), 'utf8');
  await writePrivateFile(kubeconfig, rewriteKubeconfigServer(admin, `https://127.0.0.1:${port}`));
  await updateLabState(lab.lab, { forwarderPort: port });
  return { port, kubeconfig };
}
