import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { haLab, testLabName } from './cli.js';
import { NOTHING, leftovers } from './leftovers.js';

/**
 * The labs one test file makes, under a state directory of its own, so a user's labs are
 * never seen or touched. `newLab` names and records one; `stateExists` looks into the state
 * directory; `removeAll` is the file's afterAll: `down --purge` of every lab it made, each
 * checked to leave nothing, then the state directory itself.
 */
export async function testLabs(suite: string) {
  const stateRoot = await mkdtemp(join(tmpdir(), `ha-lab-${suite}-`));
  const env = { HA_LAB_STATE_DIR: stateRoot };
  const made: string[] = [];
  return {
    stateRoot,
    env,
    newLab(prefix: string): string {
      const lab = testLabName(prefix);
      made.push(lab);
      return lab;
    },
    stateExists: (...parts: string[]): Promise<boolean> =>
      access(join(stateRoot, ...parts)).then(
        () => true,
        () => false,
      ),
    async removeAll(): Promise<void> {
      for (const lab of made) {
        const down = await haLab(['down', '--name', lab, '--purge'], { env, timeoutMs: 120_000 });
        expect(down.exitCode, down.stderr).toBe(0);
        expect(await leftovers(lab)).toEqual(NOTHING);
      }
      await rm(stateRoot, { recursive: true, force: true });
    },
  };
}
