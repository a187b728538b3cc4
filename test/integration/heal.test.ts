import Docker from 'dockerode';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalPath, readJournal } from '../../src/chaos/faults/fault-journal.js';
import { containerName } from '../../src/core/topology.js';
import { haLab, testLabName } from '../support/cli.js';
import { leftovers } from '../support/leftovers.js';

/**
 * `ha-lab heal` after a scenario run was killed with a fault still applied: on a nodes-only
 * lab (no kubeconfig, no PKI), the journal's entry is undone and the journal emptied.
 */
const stateRoot = await mkdtemp(join(tmpdir(), 'ha-lab-heal-'));
const env = { HA_LAB_STATE_DIR: stateRoot };
const lab = testLabName('it');
const worker = () => new Docker().getContainer(containerName(lab, 'worker-1'));

/** The cgroup v1 freezer sometimes gives up on a busy container ("unable to freeze"); try again. */
async function pauseWorker(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await worker().pause();
      return;
    } catch (error) {
      if (attempt >= 5 || !String(error).includes('unable to freeze')) throw error;
      await setTimeout(1000);
    }
  }
}

describe('ha-lab heal on a nodes-only lab', () => {
  beforeAll(async () => {
    const up = await haLab(['up', '--name', lab, '--nodes-only', '--no-tui'], {
      env,
      timeoutMs: 240_000,
    });
    expect(up.exitCode, up.stderr).toBe(0);
  });

  afterAll(async () => {
    await worker()
      .unpause()
      .catch(() => undefined);
    const down = await haLab(['down', '--name', lab, '--purge'], { env, timeoutMs: 120_000 });
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await leftovers(lab)).toEqual({ containers: 0, networks: 0, volumes: 0 });
    await rm(stateRoot, { recursive: true, force: true });
  });

  it('unpauses a node a killed run left paused and empties the fault journal', async () => {
    expect(JSON.parse(await readFile(join(stateRoot, lab, 'state.json'), 'utf8'))).toMatchObject({
      phase: 'nodes-running',
    });
    const stateDir = join(stateRoot, lab);
    // What a run killed with -9 right after applying its fault leaves behind.
    await writeFile(
      journalPath(stateDir),
      `${JSON.stringify({ entries: [{ id: 'fault-2', runId: 'killed-run', fault: 'pause', node: 'worker-1', appliedAt: Date.now() - 60_000, state: 'applied' }] }, null, 2)}\n`,
    );
    await pauseWorker();
    expect((await worker().inspect()).State.Paused).toBe(true);

    const result = await haLab(['heal', '--name', lab], { env, timeoutMs: 120_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('undone: pause on worker-1');
    const state = (await worker().inspect()).State;
    expect(state.Paused).toBe(false);
    expect(state.Running).toBe(true);
    expect(await readJournal(stateDir)).toEqual([]);
  });

  it('says there is nothing to heal when the journal is empty', async () => {
    await writeFile(journalPath(join(stateRoot, lab)), '{ "entries": [] }\n');
    const result = await haLab(['heal', '--name', lab], { env, timeoutMs: 60_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe('nothing to heal');
  });
});
