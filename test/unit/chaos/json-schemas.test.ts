import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { renderJsonSchemas, writeJsonSchemas } from '../../../src/chaos/report/json-schemas.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const UPDATE =
  'UPDATE_SCHEMAS=1 npx vitest run --project unit test/unit/chaos/json-schemas.test.ts';

describe('committed JSON Schemas', () => {
  if (process.env.UPDATE_SCHEMAS === '1') {
    it('regenerates schemas/ from the zod schemas', async () => {
      const options = await prettier.resolveConfig(join(ROOT, 'schemas', 'x.json'));
      await writeJsonSchemas(ROOT, (json) => prettier.format(json, { ...options, parser: 'json' }));
    });
  }

  for (const [path, schema] of Object.entries(renderJsonSchemas())) {
    it(`keeps ${path} equal to what the zod schema generates`, async () => {
      const committed = JSON.parse(await readFile(join(ROOT, path), 'utf8')) as unknown;
      expect(committed, `${path} is stale: run ${UPDATE}`).toEqual(schema);
    });
  }

  it('describes the scenario file as written, with duration strings and fault names', () => {
    const schema = renderJsonSchemas()['schemas/scenario.schema.json'] as Record<string, unknown>;
    const text = JSON.stringify(schema);
    expect(schema.required).toEqual(['name', 'description', 'steps']);
    expect(text).toContain('"block-vrrp"');
    expect(text).toContain('"all-masters"');
    expect(text).toContain('(ms|s|m)');
  });

  it('describes the inventory file: hosts with a role, SSH port 22 by default, no unknown keys', () => {
    const schema = renderJsonSchemas()['schemas/inventory.schema.json'] as {
      required: string[];
      additionalProperties: boolean;
      properties: { hosts: { items: { properties: Record<string, { default?: unknown }> } } };
    };
    expect(schema.required).toEqual(['vip', 'hosts']);
    expect(schema.additionalProperties).toBe(false);
    const host = schema.properties.hosts.items.properties;
    expect(host.port?.default).toBe(22);
    expect(JSON.stringify(host.role)).toContain('"worker"');
  });
});
