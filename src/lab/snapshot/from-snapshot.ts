import { UsageError } from '../../core/errors.js';
import {
  LABEL_LAB,
  LABEL_MANAGED,
  buildTopology,
  labLabels,
  networkName,
  parseSubnet,
  validateLabName,
} from '../../core/topology.js';
import type { Provider } from '../../runtime/provider.js';
import { newLabContext } from '../lab-context.js';
import { lockLab } from '../lab-lock.js';
import { type LabState, ensureStateDir, readLabState, removeLabState } from '../lab-state.js';
import { assertSubnetFree } from '../subnets.js';
import { removeLabResources } from '../teardown.js';
import type { PristineProof } from './pristine.js';
import { chooseSnapshot, restoreAndProve } from './reset.js';
import { refuseUnsnapshottable, type SnapshotOptions } from './save.js';
import { listSnapshots } from './snapshot-admin.js';

export interface FromSnapshotResult {
  state: LabState;
  proof: PristineProof;
  tookMs: number;
}

/**
 * `up --from-snapshot NAME`: the lab made again from a snapshot kept by `down --keep-snapshots`.
 * Only under the same name and subnet: the certificates, kubeconfigs and etcd peer URLs in the
 * snapshot name the node IPs, so any other subnet is refused (exit 2) rather than half-working.
 */
export async function upFromSnapshot(
  provider: Provider,
  labName: string,
  snapshot: string,
  requestedSubnet: string | undefined,
  options: SnapshotOptions,
): Promise<FromSnapshotResult> {
  const lab = validateLabName(labName);
  refuseUnsnapshottable(provider, lab);
  const manifest = await chooseSnapshot(lab, snapshot);
  if (requestedSubnet !== undefined && parseSubnet(requestedSubnet).cidr !== manifest.subnet)
    throw new UsageError(
      'snapshot-subnet',
      `snapshot "${snapshot}" of lab "${lab}" was taken on subnet ${manifest.subnet}: drop --subnet or pass --subnet ${manifest.subnet}`,
    );
  await provider.ping();
  const unlock = await lockLab(lab, 'up --from-snapshot');
  try {
    const started = Date.now();
    const containers = await provider.listMachines({ [LABEL_MANAGED]: 'true', [LABEL_LAB]: lab });
    if (containers.length > 0 || (await readLabState(lab)))
      throw new UsageError(
        'lab-exists',
        `lab "${lab}" exists: \`ha-lab reset --name ${lab} --snapshot ${snapshot}\` returns it to the snapshot, or \`ha-lab down --name ${lab} --keep-snapshots\` first`,
      );
    const [row] = (await listSnapshots(provider, lab)).filter((r) => r.name === manifest.name);
    if (!row || row.missing.length > 0)
      throw new UsageError(
        'snapshot-damaged',
        `snapshot "${snapshot}" of lab "${lab}" lacks ${row?.missing.join(', ') ?? 'its images'}: remove it with \`ha-lab snapshot rm ${snapshot} --name ${lab}\``,
      );
    const networks = (await provider.listNetworks()).flatMap((n) =>
      n.subnets.map((subnet) => ({ name: n.name, subnet })),
    );
    try {
      assertSubnetFree(manifest.subnet, networks);
    } catch (error) {
      throw new UsageError(
        'snapshot-subnet',
        `snapshot "${snapshot}" needs subnet ${manifest.subnet}, which is taken (${(error as Error).message.split(':')[0]}): remove what uses it, then retry`,
      );
    }
    const topology = buildTopology(lab, manifest.subnet);
    try {
      await provider.createInternalNetwork({
        name: networkName(lab),
        subnet: topology.subnet,
        ipRange: topology.ipRange,
        gateway: topology.gateway,
        labels: labLabels(lab),
      });
      const stateDir = await ensureStateDir(lab);
      // A placeholder until the snapshot's own state file is restored (the first restore step).
      const placeholder = { lab, subnet: manifest.subnet } as LabState;
      const ctx = newLabContext({ provider, topology, state: placeholder, stateDir }, options);
      const proof = await restoreAndProve(ctx, manifest, undefined);
      return { state: ctx.state, proof, tookMs: Date.now() - started };
    } catch (error) {
      // Nothing half-made stays; the snapshot itself does (removeLabResources keeps snapshots).
      await removeLabResources(provider, lab).catch(() => undefined);
      await removeLabState(lab, { keepBundles: true, keepSnapshots: true }).catch(() => undefined);
      throw error;
    }
  } finally {
    await unlock().catch(() => undefined);
  }
}
