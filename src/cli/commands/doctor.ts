import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { cacheRoot } from '../../core/paths.js';
import { doctorReport } from '../../lab/doctor.js';
import { doctorInventory } from '../../lab/inventory/doctor.js';
import {
  inventoryDoctorFailure,
  renderInventoryDoctor,
} from '../../lab/inventory/doctor-render.js';
import { loadInventory } from '../../lab/inventory/index.js';
import type { CliContext } from '../cli-context.js';
import { HostKeyVerifier } from '../../runtime/ssh/index.js';
import { hostKeyPolicy, sshConnector } from '../inventory-hosts.js';

export interface DoctorFlags {
  json?: boolean;
  kubernetesVersion?: string;
  inventory?: string;
  knownHosts?: string;
  acceptNewHostKeys?: boolean;
}

/** Which doctor runs: the engine's, or the hosts' of an inventory; flags of the other refused. */
export type DoctorMode =
  | { kind: 'engine'; kubernetesVersion?: string }
  | { kind: 'inventory'; file: string; knownHosts?: string; acceptNewHostKeys: boolean };

export function doctorMode(flags: DoctorFlags): DoctorMode {
  if (flags.inventory === undefined) {
    const hostFlag =
      flags.knownHosts !== undefined
        ? '--known-hosts'
        : flags.acceptNewHostKeys
          ? '--accept-new-host-keys'
          : undefined;
    if (hostFlag) {
      throw new UsageError(
        'needs-inventory',
        `${hostFlag} is about SSH hosts: use it with --inventory FILE`,
      );
    }
    return {
      kind: 'engine',
      ...(flags.kubernetesVersion === undefined
        ? {}
        : { kubernetesVersion: flags.kubernetesVersion }),
    };
  }
  if (flags.kubernetesVersion !== undefined) {
    throw new UsageError(
      'engine-only',
      '--kubernetes-version plans a build on the Docker engine: leave it out with --inventory',
    );
  }
  return {
    kind: 'inventory',
    file: flags.inventory,
    ...(flags.knownHosts === undefined ? {} : { knownHosts: flags.knownHosts }),
    acceptNewHostKeys: flags.acceptNewHostKeys === true,
  };
}

export function registerDoctor(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description(
      'check the engine, cgroups, privileges, disk and memory, and what will be built; ' +
        'with --inventory, check your own hosts over SSH instead (no engine needed): OS, systemd, ' +
        'cgroups, disk, memory, packages, sudo, clocks, the VIP and its interface. ' +
        'Exit with --inventory: 0 no problem, 3 a problem on a host, 1 a host not reached ' +
        '(unreachable, login or host key refused), 2 bad input (invalid inventory, unknown host key)',
    )
    .option('--json', 'machine-readable output')
    .option('--kubernetes-version <version>', 'the version to plan a build for')
    .option('--inventory <file>', 'check the hosts of this inventory file over SSH')
    .option(
      '--known-hosts <file>',
      "known_hosts for the hosts' keys (default: the inventory's knownHosts, else ~/.ssh/known_hosts)",
    )
    .option(
      '--accept-new-host-keys',
      'trust and pin the key of a host no file knows yet (a later change is refused)',
    )
    .action(async (flags: DoctorFlags) => {
      const mode = doctorMode(flags);
      if (mode.kind === 'inventory') return inventoryDoctor(mode, flags.json === true, ctx);
      const report = await doctorReport(ctx.provider(), cacheRoot(), mode.kubernetesVersion);
      if (flags.json) {
        ctx.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      for (const line of report.lines) ctx.stdout.write(`${line}\n`);
    });
}

/** Never asks for the provider: an inventory's hosts are reached over SSH alone. */
async function inventoryDoctor(
  mode: Extract<DoctorMode, { kind: 'inventory' }>,
  json: boolean,
  ctx: CliContext,
): Promise<void> {
  const inventory = await loadInventory(mode.file);
  const policy = await hostKeyPolicy(mode.file, inventory, mode);
  const report = await doctorInventory(inventory, {
    connect: sshConnector(new HostKeyVerifier(policy)),
    signal: ctx.signal,
  });
  ctx.stdout.write(
    json ? `${JSON.stringify(report, null, 2)}\n` : `${renderInventoryDoctor(report).join('\n')}\n`,
  );
  const failure = inventoryDoctorFailure(report);
  if (failure) throw failure;
}
