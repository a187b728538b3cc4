import { vi } from 'vitest';
import type { DashboardController } from '../../../src/ui/dashboard-controller.js';

/** A controller whose every action is a spy; kept apart from render-helpers so it loads no Ink. */
export function fakeController(overrides: Partial<DashboardController> = {}) {
  return {
    applyFault: vi.fn(async () => {}),
    restoreAll: vi.fn(async () => {}),
    listScenarios: vi.fn(() => ['kill-vip-holder', 'partition-master-0']),
    runScenario: vi.fn(async () => {}),
    quit: vi.fn(),
    ...overrides,
  } satisfies DashboardController;
}
