import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderJsonSchemas, writeJsonSchemas } from '../../../src/chaos/report/json-schemas.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('committed JSON Schemas', () => {
  // UPDATE_SCHEMAS=1 rewrites the files from the zod schemas instead of comparing.
  if (process.env.UPDATE_SCHEMAS === '1') {
    it('regenerates schemas/ from the zod schemas', async () => {
      await writeJsonSchemas(ROOT);
    });
  }

  for (const [path, text] of Object.entries(renderJsonSchemas())) {
    it(`keeps ${path} equal to what the zod schema generates`, async () => {
      const committed = await readFile(join(ROOT, path), 'utf8');
      expect(
        committed,
        `${path} is stale: run UPDATE_SCHEMAS=1 npx vitest run --project unit test/unit/chaos/json-schemas.test.ts`,
      ).toBe(text);
    });
  }

  it('describes the scenario file as written, with duration strings and fault names', () => {
    const schema = JSON.parse(renderJsonSchemas()['schemas/scenario.schema.json']!) as Record<
      string,
      unknown
    >;
    const text = JSON.stringify(schema);
    expect(schema.required).toEqual(['name', 'description', 'steps']);
    expect(text).toContain('"block-vrrp"');
    expect(text).toContain('"all-masters"');
    expect(text).toContain('(ms|s|m)');
  });
});
