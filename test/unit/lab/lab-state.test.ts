import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import {
  type LabState,
  readLabState,
  removeLabState,
  statePath,
  updateLabState,
  writeLabState,
  writePrivateFile,
} from '../../../src/lab/lab-state.js';

const STATE: LabState = {
  schemaVersion: 1,
  lab: 'unit',
  createdAt: '2030-01-15T12:00:00.000Z',
  phase: 'ready',
  subnet: '172.30.5.0/24',
  kubernetesVersion: 'v1.36.3',
  nodeImage: 'ha-lab/node:v1.36.3-abc',
  privilege: 'capabilities',
  cgroupV1: true,
  timing: 'default',
  preempt: false,
  accessMode: 'direct',
  clusterToken: 'ha-lab-unit-1234',
  bootstrapToken: 'abcdef.0123456789abcdef',
  certificateKey: 'f'.repeat(64),
  caCertHash: `sha256:${'0'.repeat(64)}`,
};

let stateDir: string;
let previous: string | undefined;

beforeEach(async () => {
  previous = process.env.HA_LAB_STATE_DIR;
  stateDir = await mkdtemp(join(tmpdir(), 'ha-lab-state-'));
  process.env.HA_LAB_STATE_DIR = stateDir;
});

afterEach(async () => {
  if (previous === undefined) delete process.env.HA_LAB_STATE_DIR;
  else process.env.HA_LAB_STATE_DIR = previous;
  await rm(stateDir, { recursive: true, force: true });
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('lab state file', () => {
  it('reads back exactly what was written, under HA_LAB_STATE_DIR', async () => {
    await writeLabState(STATE);
    expect(statePath('unit')).toBe(join(stateDir, 'unit', 'state.json'));
    expect(await readLabState('unit')).toEqual(STATE);
  });

  it('is readable by its owner only (file 0600, directory 0700)', async () => {
    await writeLabState(STATE);
    expect(await mode(statePath('unit'))).toBe(0o600);
    expect(await mode(dirname(statePath('unit')))).toBe(0o700);
  });

  it('returns undefined for a lab that has no state', async () => {
    expect(await readLabState('nope')).toBeUndefined();
  });

  it.each([
    ['half-written JSON', '{"schemaVersion": 1, "lab": "un'],
    ['JSON of the wrong shape', '{"schemaVersion": 2}'],
  ])('refuses %s with state-corrupted and tells the user to run ha-lab down', async (_, text) => {
    await writeLabState(STATE);
    await writeFile(statePath('unit'), text);
    const error = await readLabState('unit').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('state-corrupted');
    expect((error as UsageError).message).toContain('`ha-lab down --name unit`');
    expect((error as UsageError).message).toContain(statePath('unit'));
    expect((error as UsageError).message).not.toContain('\n');
  });

  it('merges a patch into the stored state', async () => {
    await writeLabState({ ...STATE, phase: 'provisioning' });
    const next = await updateLabState('unit', { phase: 'ready' });
    expect(next.phase).toBe('ready');
    expect(await readLabState('unit')).toEqual(STATE);
  });

  it('keeps failure bundles when asked and removes everything else', async () => {
    await writeLabState(STATE);
    await writePrivateFile(join(stateDir, 'unit', 'bundles', 'b1.tar'), 'x');
    await removeLabState('unit', { keepBundles: true });
    expect(await readLabState('unit')).toBeUndefined();
    expect((await stat(join(stateDir, 'unit', 'bundles', 'b1.tar'))).isFile()).toBe(true);
    await removeLabState('unit');
    await expect(stat(join(stateDir, 'unit'))).rejects.toThrow();
  });
});

describe('writePrivateFile', () => {
  it('tightens an existing file and directory to 0600/0700', async () => {
    const path = join(stateDir, 'keys', 'id_ed25519');
    await writePrivateFile(path, 'key');
    await writeFile(path, 'key', { mode: 0o644 });
    await writePrivateFile(path, 'key2');
    expect(await mode(path)).toBe(0o600);
    expect(await mode(dirname(path))).toBe(0o700);
  });
});
