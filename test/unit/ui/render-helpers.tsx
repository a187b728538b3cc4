import { render } from 'ink-testing-library';
import { vi } from 'vitest';
import type { DashboardController } from '../../../src/ui/dashboard-controller.js';
import { Dashboard } from '../../../src/ui/dashboard.js';
import type { DashboardState } from '../../../src/ui/dashboard-state.js';

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

/** One frame of the dashboard for a fixed state (no input, no clock). */
export function frameOf(state: DashboardState, color?: boolean): string {
  const { lastFrame, unmount } = render(
    <Dashboard
      state={state}
      controller={fakeController()}
      dispatch={() => {}}
      {...(color === undefined ? {} : { color })}
    />,
  );
  const frame = lastFrame() ?? '';
  unmount();
  return frame;
}
