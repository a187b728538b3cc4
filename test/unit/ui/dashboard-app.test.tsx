import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { DashboardApp } from '../../../src/ui/dashboard-app.js';
import type { DashboardEvent } from '../../../src/ui/dashboard-state.js';
import { initialStateFor, loadFixture, settle, stripAnsi } from './fixtures.js';
import { fakeController } from './render-helpers.js';

const fixture = loadFixture('kill-master-0-failover');

/** A subscription the test can push events into, as the CLI's probe stream would. */
function eventSource() {
  const listeners = new Set<(event: DashboardEvent) => void>();
  return {
    subscribe: (listener: (event: DashboardEvent) => void) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    emit: (...events: DashboardEvent[]) => {
      for (const event of events) for (const listener of listeners) listener(event);
    },
    get listeners() {
      return listeners.size;
    },
  };
}

describe('DashboardApp', () => {
  it('shows subscribed events after the next tick', async () => {
    const source = eventSource();
    const start = initialStateFor(fixture);
    const { lastFrame } = render(
      <DashboardApp
        initialState={start}
        controller={fakeController()}
        subscribe={source.subscribe}
        tickMs={20}
        clock={() => start.now}
      />,
    );
    source.emit({ type: 'note', at: start.now, message: 'scenario kill-vip-holder started' });
    await settle(80);
    expect(stripAnsi(lastFrame() ?? '')).toContain('scenario kill-vip-holder started');
  });

  it('does not render again while nothing changes', async () => {
    const source = eventSource();
    const start = initialStateFor(fixture);
    const { frames } = render(
      <DashboardApp
        initialState={start}
        controller={fakeController()}
        subscribe={source.subscribe}
        tickMs={10}
        clock={() => start.now + 100}
      />,
    );
    await settle(60);
    const settled = frames.length;
    await settle(200);
    expect(frames.length).toBe(settled);
  });

  it('follows a terminal resize', async () => {
    const start = { ...initialStateFor(fixture), columns: 60 };
    const { stdout, lastFrame } = render(
      <DashboardApp
        initialState={start}
        controller={fakeController()}
        subscribe={() => () => {}}
        tickMs={60_000}
      />,
    );
    expect(stripAnsi(lastFrame() ?? '')).not.toContain('ROLE');
    stdout.emit('resize');
    await settle();
    // ink-testing-library's terminal is 100 columns wide: room for the role column again.
    expect(stripAnsi(lastFrame() ?? '')).toContain('ROLE');
  });

  it('unsubscribes when unmounted', () => {
    const source = eventSource();
    const { unmount } = render(
      <DashboardApp
        initialState={initialStateFor(fixture)}
        controller={fakeController()}
        subscribe={source.subscribe}
      />,
    );
    expect(source.listeners).toBe(1);
    unmount();
    expect(source.listeners).toBe(0);
  });
});
