import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/chaos/checkers/index.js';
import type { History } from '../../../src/chaos/history.js';
import { historySchema } from '../../../src/chaos/report/schema.js';
import { expectationsInputSchema } from '../../../src/chaos/scenario/index.js';

/**
 * Every *.json under test/fixtures/histories (captured/ included) is a history with the
 * verdict each check must reach on it. Dropping a captured run in there tests it.
 */
const ROOT = join(import.meta.dirname, '..', '..', 'fixtures', 'histories');

interface Fixture {
  description?: string;
  history: History;
  expect: unknown;
  shouldPass: Record<string, boolean>;
}

const files = readdirSync(ROOT, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('checkers on recorded histories', () => {
  it('finds the hand-made fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  for (const file of files) {
    const fixture = JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Fixture;
    const label = relative(ROOT, join(ROOT, file));
    describe(label, () => {
      it('is a valid history with at least one verdict to reach', () => {
        expect(historySchema.safeParse(fixture.history).error).toBeUndefined();
        expect(Object.keys(fixture.shouldPass).length).toBeGreaterThan(0);
      });

      const verdicts = runChecks(fixture.history, expectationsInputSchema.parse(fixture.expect));
      for (const [check, shouldPass] of Object.entries(fixture.shouldPass)) {
        it(`${shouldPass ? 'passes' : 'fails'} ${check}`, () => {
          const verdict = verdicts.find((v) => v.check === check);
          expect(verdict, `no verdict for ${check}; is it in "expect"?`).toBeDefined();
          expect(verdict!.passed, verdict!.summary).toBe(shouldPass);
          expect(verdict!.summary.length).toBeGreaterThan(0);
        });
      }
    });
  }
});
