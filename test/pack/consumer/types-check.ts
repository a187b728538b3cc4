// Type-checked in the consumer against the installed package: exports, types, the vitest augmentation.
import { HaLab, UsageError, type ScenarioResult } from 'ha-lab';
import setup, { type ProvidedHaLab } from 'ha-lab/vitest';
import { inject } from 'vitest';

export async function demo(): Promise<ScenarioResult> {
  await using lab = await HaLab.attach('lib-x');
  const fault = await lab.inject('kill', 'master-0');
  await fault.undo();
  const provided: ProvidedHaLab = inject('haLab');
  void provided;
  void setup;
  if (lab.name === '') throw new UsageError('x', 'x');
  return lab.runScenario('kill-master0');
}
