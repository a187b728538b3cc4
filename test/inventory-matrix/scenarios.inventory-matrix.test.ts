import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haLab, testLabName } from '../support/cli.js';
import { NO_ENGINE, startInventoryMachines } from '../support/inventory-lab.js';
import { expectScenarioPasses } from '../support/passing-scenario.js';
import type { SystemdMachines } from '../support/systemd-machines.js';

/**
 * `npm run test:inventory-matrix`: every built-in scenario on one inventory lab of six SSH
 * machines, or its refusal. master-0's host has no power commands, so its kill, stop and
 * restart are signals to the lab's services on a host that stays up (the other hosts are
 * powered off and on): both ways are proven. No `--fresh` here: snapshots are a Docker
 * lab's; each scenario starts only once the lab is whole again, as it always does.
 */
const lab = testLabName('invmx');
/** Refused on an inventory lab before it starts (exit 2, why); every other must pass. */
const REFUSED = { 'upgrade-minor': 'an upgrade stages its images through a Docker engine' };
/** Every built-in scenario: the files the CLI ships, so a new one is covered without edits. */
const SCENARIOS = readdirSync(new URL('../../scenarios/', import.meta.url))
  .filter((file) => file.endsWith('.yaml'))
  .map((file) => file.slice(0, -'.yaml'.length))
  .filter((name) => !(name in REFUSED));
let machines: SystemdMachines;
let dir: string;

describe('the scenario matrix on an inventory lab', () => {
  beforeAll(async () => {
    let inventoryFile: string;
    ({ machines, dir, inventoryFile } = await startInventoryMachines('inv-mx', (m) => [
      m.machines[0]!.name,
    ]));
    const up = await haLab(['up', '--inventory', inventoryFile, '--name', lab, '--no-tui'], {
      env: NO_ENGINE,
      timeoutMs: 1_200_000,
    });
    expect(up.exitCode, up.stderr).toBe(0);
  });

  afterAll(async () => {
    await haLab(['down', '--name', lab, '--purge'], { env: NO_ENGINE, timeoutMs: 600_000 });
    await machines?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const scenario of SCENARIOS) {
    it(`passes ${scenario}`, async () => {
      const report = await expectScenarioPasses(lab, scenario, [], NO_ENGINE);
      const kills = report.history.entries.filter((e) => e.type === 'fault' && e.method);
      if (scenario === 'kill-master0') expect(kills.length).toBeGreaterThan(0);
      for (const kill of kills) {
        expect(kill.method).toBe(kill.target === 'master-0' ? 'service-signals' : 'power-command');
      }
    });
  }

  for (const [scenario, why] of Object.entries(REFUSED)) {
    it(`refuses ${scenario} before touching anything (exit 2, why)`, async () => {
      const run = await haLab(['scenario', 'run', scenario, '--name', lab], { env: NO_ENGINE });
      expect(run.exitCode).toBe(2);
      expect(run.stderr.trim()).toContain(
        `ha-lab: scenario "${scenario}" cannot run on an inventory lab (${why})`,
      );
    });
  }
});
