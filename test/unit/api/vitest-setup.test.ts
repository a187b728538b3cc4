import type { TestProject } from 'vitest/node';
import { afterEach, describe, expect, it } from 'vitest';
import { haLabGlobalSetup } from '../../../src/api/vitest.js';
import { fakeApiLab } from '../../support/fake-api-lab.js';

function fakeProject() {
  const provided: Record<string, unknown> = {};
  const project = {
    provide: (key: string, value: unknown) => (provided[key] = value),
  } as unknown as TestProject;
  return { project, provided };
}

const saved = process.env.HA_LAB_NAME;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  if (saved === undefined) delete process.env.HA_LAB_NAME;
  else process.env.HA_LAB_NAME = saved;
  await cleanup?.();
  cleanup = undefined;
});

describe('ha-lab/vitest global setup', () => {
  it('with HA_LAB_NAME attaches, provides name and kubeconfig, and leaves the lab in teardown', async () => {
    const fake = await fakeApiLab('attached-lab');
    cleanup = fake.cleanup;
    process.env.HA_LAB_NAME = 'attached-lab';
    const { project, provided } = fakeProject();
    const teardown = await haLabGlobalSetup({ provider: fake.provider })(project);
    expect(provided.haLab).toEqual({
      name: 'attached-lab',
      kubeconfig: `${fake.stateRoot}/attached-lab/kubeconfig`,
      attached: true,
    });
    await teardown();
    expect(fake.provider.machines.size).toBe(6);
    expect(fake.provider.calls.filter((c) => c.startsWith('remove'))).toEqual([]);
  });

  it('when up fails, the setup throws, leaves no signal handler and no machine behind', async () => {
    delete process.env.HA_LAB_NAME;
    const fake = await fakeApiLab('other-lab');
    cleanup = fake.cleanup;
    fake.provider.failOn(/^ping$/, () => new Error('no engine answers'));
    const listeners = process.listenerCount('SIGINT');
    const { project, provided } = fakeProject();
    await expect(
      haLabGlobalSetup({ provider: fake.provider, name: 'never-up' })(project),
    ).rejects.toThrow('no engine answers');
    expect(process.listenerCount('SIGINT')).toBe(listeners);
    expect(provided.haLab).toBeUndefined();
    expect([...fake.provider.machines.keys()].filter((m) => m.includes('never-up'))).toEqual([]);
  });
});
