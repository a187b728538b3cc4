import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { inventoryJsonSchema } from '../../lab/inventory/schema.js';
import { scenarioInputSchema } from '../scenario/input-schema.js';
import { reportSchema } from './schema.js';

/**
 * The committed files under schemas/, generated from the zod schemas so they cannot
 * drift: a unit test compares them, and `UPDATE_SCHEMAS=1 npx vitest run --project unit
 * test/unit/chaos/json-schemas.test.ts` rewrites them.
 */
export function renderJsonSchemas(): Record<string, object> {
  return {
    'schemas/scenario.schema.json': {
      ...z.toJSONSchema(scenarioInputSchema, { io: 'input' }),
      title: 'ha-lab chaos scenario',
      description:
        'A chaos scenario file (scenarios/*.yaml): steps of faults and waits, and the expected outcome.',
    },
    'schemas/report.schema.json': z.toJSONSchema(reportSchema, { io: 'output' }),
    'schemas/inventory.schema.json': inventoryJsonSchema(),
  };
}

/** `format` lets the caller match the repository's formatter (the files are checked by it). */
export async function writeJsonSchemas(
  rootDir: string,
  format: (json: string) => Promise<string> | string = (json) => json,
): Promise<string[]> {
  const files = Object.entries(renderJsonSchemas());
  for (const [path, schema] of files) {
    const text = await format(`${JSON.stringify(schema, null, 2)}\n`);
    await writeFile(join(rootDir, path), text, { mode: 0o644 });
  }
  return files.map(([path]) => join(rootDir, path));
}
