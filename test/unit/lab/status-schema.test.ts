import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { statusJsonSchema, statusSchema } from '../../../src/lab/status-schema.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const FILE = join(ROOT, 'schemas', 'status.schema.json');

describe('`status --json` schema', () => {
  if (process.env.UPDATE_SCHEMAS === '1') {
    it('regenerates schemas/status.schema.json', async () => {
      await writeFile(FILE, `${JSON.stringify(statusJsonSchema(), null, 2)}\n`);
    });
  }

  it('keeps schemas/status.schema.json equal to what the zod schema generates', async () => {
    const committed = JSON.parse(await readFile(FILE, 'utf8')) as unknown;
    expect(
      committed,
      'stale: run UPDATE_SCHEMAS=1 npx vitest run --project unit test/unit/lab/status-schema.test.ts',
    ).toEqual(statusJsonSchema());
  });

  it('rejects a status whose VIP holders are not a list', () => {
    const valid = {
      schemaVersion: 1,
      lab: 'x',
      exists: true,
      phase: 'ready',
      kubernetesVersion: 'v1.36.3',
      subnet: '172.30.0.0/24',
      vip: '172.30.0.200',
      kubeconfig: null,
      nodes: [],
      vipHolders: ['master-0'],
      vipUnknown: [],
      splitBrain: false,
      etcd: { leader: 'master-0', members: [] },
      api: [],
      healthy: true,
      problems: [],
    };
    expect(statusSchema.safeParse(valid).success).toBe(true);
    expect(statusSchema.safeParse({ ...valid, vipHolders: 'master-0' }).success).toBe(false);
    expect(statusSchema.safeParse({ ...valid, schemaVersion: 2 }).success).toBe(false);
  });
});
