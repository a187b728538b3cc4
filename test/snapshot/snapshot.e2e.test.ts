import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Docker from 'dockerode';
import { haLab, testLabName } from '../support/cli.js';
import { NOTHING, leftovers } from '../support/leftovers.js';

/**
 * `npm run test:snapshot`: snapshots on a real six-node lab through the built CLI. A lab is
 * saved, damaged (an object created after the snapshot, a master killed), reset, and must be
 * proven pristine; then it is removed with its snapshots, and made again from a kept one.
 */
const lab = testLabName('sp');
const docker = new Docker();

async function snapshotParts(): Promise<number> {
  const filters = { label: [`io.ha-lab.lab=${lab}`, 'io.ha-lab.snapshot'] };
  const [images, volumes] = await Promise.all([
    docker.listImages({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return images.length + (volumes.Volumes?.length ?? 0);
}

describe('snapshot and reset on a real lab', () => {
  beforeAll(async () => {
    const up = await haLab(['up', '--name', lab, '--no-tui', '--snapshot'], {
      timeoutMs: 1_200_000,
    });
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/snapshot "pristine" saved in/);
    // The figures a reader of the run wants: up's phases and time, and the snapshot's cost apart.
    console.log(
      [...up.stderr.split('\n').filter((l) => l.includes('done in')), up.stdout].join('\n'),
    );
  });

  afterAll(async () => {
    await haLab(['down', '--name', lab, '--purge'], { timeoutMs: 180_000 });
    expect(await leftovers(lab)).toEqual(NOTHING);
    expect(await snapshotParts()).toBe(0);
  });

  it('lists the snapshot with the disk it takes', async () => {
    const list = await haLab(['snapshot', 'list', '--name', lab]);
    expect(list.exitCode, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^pristine\s+\S+\s+[\d.]+ (MiB|GiB)/m);
    expect(await snapshotParts()).toBe(12);
  });

  it('resets a damaged lab to the snapshot: the object made since is gone, the lab proven pristine', async () => {
    const made = await haLab(['kubectl', '--name', lab, 'create', 'configmap', 'after-snap']);
    expect(made.exitCode, made.stderr).toBe(0);
    await docker.getContainer(`${lab}-master-1`).kill();
    const reset = await haLab(['reset', '--name', lab], { timeoutMs: 600_000 });
    expect(reset.exitCode, reset.stderr).toBe(0);
    console.log(reset.stdout);
    expect(reset.stdout).toMatch(/hashes revision \d+ as the snapshot did/);
    expect(reset.stdout).toMatch(/canary rolled back; fault journal empty/);
    const gone = await haLab(['kubectl', '--name', lab, 'get', 'configmap', 'after-snap']);
    expect(gone.exitCode).not.toBe(0);
    expect(gone.stderr).toMatch(/NotFound/);
  });

  it('makes the lab again from a kept snapshot, on the same subnet only', async () => {
    const down = await haLab(['down', '--name', lab, '--keep-snapshots']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await snapshotParts()).toBe(12);
    const wrong = await haLab([
      'up',
      '--name',
      lab,
      '--from-snapshot',
      'pristine',
      '--subnet',
      '10.213.251.0/24',
    ]);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toMatch(/was taken on subnet/);
    const again = await haLab(['up', '--name', lab, '--from-snapshot', 'pristine'], {
      timeoutMs: 600_000,
    });
    expect(again.exitCode, again.stderr).toBe(0);
    console.log(`up --from-snapshot took ${(again.durationMs / 1000).toFixed(1)} s`);
    expect(again.stdout).toMatch(/made from snapshot "pristine"/);
  });
});
