import { render } from 'ink-testing-library';
import { Dashboard } from '../../../src/ui/dashboard.js';
import type { DashboardState } from '../../../src/ui/dashboard-state.js';
import { fakeController } from './fake-controller.js';

export { fakeController };

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
