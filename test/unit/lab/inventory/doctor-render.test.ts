import { describe, expect, it } from 'vitest';
import { CheckFailedError, RuntimeError, UsageError } from '../../../../src/core/errors.js';
import { judgeInventory } from '../../../../src/lab/inventory/doctor-judge.js';
import {
  inventoryDoctorFailure,
  renderInventoryDoctor,
} from '../../../../src/lab/inventory/doctor-render.js';
import { failing, labInventory, outcomes } from './doctor-fixture.js';

const inventory = labInventory();

describe('doctor --inventory: what the terminal shows', () => {
  it('prints one line of facts per host, a line per problem and warning, then the verdict', () => {
    const all = failing(
      outcomes(inventory, {
        m1: (f) => {
          f.installedPackages = f.installedPackages.filter((p) => p !== 'containerd');
          f.cgroupMode = 'v1';
        },
        w1: (f) => (f.memory = { ...f.memory!, swapBytes: 1024 ** 3 }),
      }),
      'm2',
      {
        code: 'ssh-unreachable',
        message: 'm2 (10.0.0.13:22) is unreachable: connection refused',
        exitCode: 1,
      },
    );
    const lines = renderInventoryDoctor(judgeInventory(inventory, all));
    expect(lines).toEqual([
      'm0  master  debian@10.0.0.11:22  Debian GNU/Linux 12 (bookworm), systemd running, cgroup v2, 40.0 GiB free on /, 6.0 GiB memory available, swap off, clock +0 ms ±50 ms, all 12 packages, root via sudo -n',
      'm1  master  debian@10.0.0.12:22  Debian GNU/Linux 12 (bookworm), systemd running, cgroup v1, 40.0 GiB free on /, 6.0 GiB memory available, swap off, clock +0 ms ±50 ms, 1 of 12 packages missing, root via sudo -n',
      'm2  master  debian@10.0.0.13:22  not checked: not reached',
      'w0  worker  debian@10.0.0.21:22  Debian GNU/Linux 12 (bookworm), systemd running, cgroup v2, 40.0 GiB free on /, 6.0 GiB memory available, swap off, clock +0 ms ±50 ms, all 9 packages, root via sudo -n',
      'w1  worker  debian@10.0.0.22:22  Debian GNU/Linux 12 (bookworm), systemd running, cgroup v2, 40.0 GiB free on /, 6.0 GiB memory available, swap on, clock +0 ms ±50 ms, all 9 packages, root via sudo -n',
      'problem: m1: containerd missing (up --inventory installs them on Debian 12)',
      'problem: m2 (10.0.0.13:22) is unreachable: connection refused',
      expect.stringMatching(/^warning: w1: swap is on \(1\.0 GiB\)/),
      '2 problems on 2 of 5 hosts (4 checked)',
    ]);
  });

  it('says so when there is nothing to fix, and ends without an error', () => {
    const report = judgeInventory(inventory, outcomes(inventory));
    expect(renderInventoryDoctor(report).at(-1)).toBe('no problems on the 5 hosts');
    expect(inventoryDoctorFailure(report)).toBeUndefined();
  });

  it('ends with the error whose exit status matches the worst finding', () => {
    const unknownKey = { code: 'unknown-host-key', message: 'm0: unknown host key', exitCode: 2 };
    const unreachable = { code: 'ssh-unreachable', message: 'm2 is unreachable', exitCode: 1 };
    const input = inventoryDoctorFailure(
      judgeInventory(
        inventory,
        failing(failing(outcomes(inventory), 'm0', unknownKey), 'm2', unreachable),
      ),
    );
    expect(input).toBeInstanceOf(UsageError);
    expect(input?.exitCode).toBe(2);
    expect(input?.message).toBe(
      'unknown host key on m0: check the fingerprints above, then add the keys to known_hosts or pass --accept-new-host-keys',
    );
    const lost = inventoryDoctorFailure(
      judgeInventory(inventory, failing(outcomes(inventory), 'm2', unreachable)),
    );
    expect(lost).toBeInstanceOf(RuntimeError);
    expect(lost?.message).toBe('1 of 5 hosts not reached (m2): see the problems above');
    const check = inventoryDoctorFailure(
      judgeInventory(inventory, outcomes(inventory, { w0: (f) => (f.uid = 1000) })),
    );
    expect(check).toBeInstanceOf(CheckFailedError);
    expect(check?.exitCode).toBe(3);
    expect(check?.message).toBe('1 problem on w0: see the problems above');
  });
});
