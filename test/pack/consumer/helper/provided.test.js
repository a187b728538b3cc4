import { writeFileSync } from 'node:fs';
import { expect, inject, test } from 'vitest';

test('the global setup provides the lab it brought up', async () => {
  const lab = inject('haLab');
  expect(lab.name).toBe(process.env.HA_LAB_UP_NAME);
  expect(lab.attached).toBe(false);
  expect(lab.kubeconfig).toMatch(/kubeconfig$/);
  if (process.env.LIB_MARKER) writeFileSync(process.env.LIB_MARKER, lab.name);
  if (process.env.LIB_FAIL === '1') expect('this suite').toBe('failing on purpose');
  // Held here until the outer test interrupts the run.
  if (process.env.LIB_HANG === '1') await new Promise(() => undefined);
});
