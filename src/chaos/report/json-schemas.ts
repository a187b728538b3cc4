import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { scenarioInputSchema } from '../scenario/input-schema.js';
import { reportSchema } from './schema.js';

/**
 * The committed files under schemas/, generated from the zod schemas so they cannot
 * drift: a unit test compares them, and `UPDATE_SCHEMAS=1 npx vitest run --project unit
 * test/unit/chaos/json-schemas.test.ts` rewrites them.
 */
export function renderJsonSchemas(): Record<string, string> {
  const scenario = z.toJSONSchema(scenarioInputSchema, { io: 'input' });
  const report = z.toJSONSchema(reportSchema, { io: 'output' });
  return {
    'schemas/scenario.schema.json': render({
      ...scenario,
      $id: 'https://ha-lab.dev/schemas/scenario.schema.json',
      title: 'ha-lab chaos scenario',
      description:
        'A chaos scenario file (scenarios/*.yaml): steps of faults and waits, and the expected outcome.',
    }),
    'schemas/report.schema.json': render({
      ...report,
      $id: 'https://ha-lab.dev/schemas/report.schema.json',
    }),
  };
}

export async function writeJsonSchemas(rootDir: string): Promise<string[]> {
  const files = Object.entries(renderJsonSchemas());
  await Promise.all(
    files.map(([path, text]) => writeFile(join(rootDir, path), text, { mode: 0o644 })),
  );
  return files.map(([path]) => join(rootDir, path));
}

function render(schema: object): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
