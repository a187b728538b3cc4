import { describe, expect, it } from 'vitest';
import { RuntimeError, UsageError } from '../../../../src/core/errors.js';
import { doctorInventory } from '../../../../src/lab/inventory/doctor.js';
import type { ConnectHost } from '../../../../src/lab/inventory/host-session.js';
import { packagesFor } from '../../../../src/lab/inventory/host-requirements.js';
import type { InventoryHost } from '../../../../src/lab/inventory/index.js';
import type { ExecResult } from '../../../../src/runtime/node-runner.js';
import { T, labInventory } from './doctor-fixture.js';

const inventory = labInventory();

/** What the probe script prints on a healthy Debian 12 host. */
function answer(host: InventoryHost, timeMs = T): string {
  return [
    `time\t${timeMs}`,
    'uid\t0',
    'os.id\tdebian',
    'os.version\t12',
    'os.name\tDebian GNU/Linux 12 (bookworm)',
    'pid1\tsystemd',
    'systemd.state\trunning',
    'cgroup.fs\tcgroup2fs',
    'disk\t/ 41943040 /',
    'disk\t/var 41943040 /',
    'mem\tMemTotal: 8388608',
    'mem\tMemAvailable: 6291456',
    'mem\tSwapTotal: 0',
    'dpkg\tyes',
    ...packagesFor(host.role).map((p) => `pkg\t${p.name} ii `),
    'iface\tlo',
    'iface\teth0',
    `addr\teth0 ${host.nodeIp}/24`,
    'end\tok',
    '',
  ].join('\n');
}

interface Behaviour {
  connect?: () => Promise<void>;
  exec?: () => Promise<ExecResult>;
}

function connector(behaviours: Record<string, Behaviour>, log: string[]): ConnectHost {
  return async (host) => {
    log.push(`connect ${host.name}`);
    await behaviours[host.name]?.connect?.();
    return {
      usesSudo: true,
      upload: () => Promise.reject(new Error('doctor uploads nothing')),
      close: () => log.push(`close ${host.name}`),
      runner: {
        node: host.name,
        exec: async () =>
          (await behaviours[host.name]?.exec?.()) ?? {
            stdout: answer(host),
            stderr: '',
            exitCode: 0,
          },
      },
    };
  };
}

const run = (behaviours: Record<string, Behaviour>, log: string[] = [], signal?: AbortSignal) =>
  doctorInventory(inventory, {
    connect: connector(behaviours, log),
    signal: signal ?? new AbortController().signal,
    now: () => T,
  });

describe('doctorInventory: gathering', () => {
  it('checks every host, each failure becoming its own line, and closes every session', async () => {
    const log: string[] = [];
    const report = await run(
      {
        m0: {
          connect: () =>
            Promise.reject(
              new UsageError('unknown-host-key', 'm0 (10.0.0.11:22): unknown host key'),
            ),
        },
        m2: {
          connect: () =>
            Promise.reject(
              new RuntimeError(
                'ssh-unreachable',
                'm2 (10.0.0.13:22) is unreachable: no route to host',
              ),
            ),
        },
        w0: {
          exec: async () => ({ stdout: '', stderr: 'sh: 1: set: Illegal option -u', exitCode: 2 }),
        },
        w1: { exec: async () => ({ stdout: 'time\t1\n', stderr: '', exitCode: 0 }) },
      },
      log,
    );
    expect(report.hosts.map((h) => [h.name, h.status])).toEqual([
      ['m0', 'bad-input'],
      ['m1', 'checked'],
      ['m2', 'unreachable'],
      ['w0', 'unreachable'],
      ['w1', 'unreachable'],
    ]);
    expect(report.problems.map((p) => p.message)).toEqual([
      'm0 (10.0.0.11:22): unknown host key',
      'm2 (10.0.0.13:22) is unreachable: no route to host',
      'w0 (10.0.0.21:22): the host check exited 2: sh: 1: set: Illegal option -u',
      'w1 (10.0.0.22:22): the host check ended before its last line',
    ]);
    expect(report.exitCode).toBe(2);
    // The hosts that connected are closed again, whatever their check gave.
    expect(log.filter((l) => l.startsWith('close')).sort()).toEqual([
      'close m1',
      'close w0',
      'close w1',
    ]);
  });

  it('connects to all hosts at once, so a host that hangs until its timeout delays no other', async () => {
    const log: string[] = [];
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const pending = run({ m0: { connect: () => slow } }, log);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Every other host is done while m0 still waits.
    expect(log.filter((l) => l.startsWith('close')).length).toBe(4);
    release();
    expect((await pending).exitCode).toBe(0);
  });

  it('measures each clock against the round trip of its own script', async () => {
    const report = await run({
      w1: {
        exec: async () => ({
          stdout: answer(inventory.hosts[4]!, T + 4_000),
          stderr: '',
          exitCode: 0,
        }),
      },
    });
    expect(report.hosts[4]!.clock).toEqual({ offsetMs: 4_000, uncertaintyMs: 0 });
    expect(report.problems.map((p) => p.check)).toEqual(['clock']);
  });

  it('ends on Ctrl-C instead of calling the hosts unreachable', async () => {
    const controller = new AbortController();
    const interrupted = new Error('Ctrl-C');
    const pending = run(
      {
        m0: {
          connect: () =>
            new Promise((_, reject) =>
              controller.signal.addEventListener('abort', () => reject(controller.signal.reason)),
            ),
        },
      },
      [],
      controller.signal,
    );
    controller.abort(interrupted);
    await expect(pending).rejects.toBe(interrupted);
  });
});
