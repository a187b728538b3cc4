import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import type { DashboardController } from '../../../src/ui/dashboard-controller.js';
import { DashboardApp } from '../../../src/ui/dashboard-app.js';
import type { DashboardState } from '../../../src/ui/dashboard-state.js';
import { loadFixture, loadFixtures, replay, settle, stripAnsi } from './fixtures.js';
import { fakeController, frameOf } from './render-helpers.js';

const DOWN_ARROW = '\u001B[B';
const ENTER = '\r';
const ESC = '\u001B';

const noEvents = () => () => {};

/** Mounts the real app around a starting state, with no event source and a slow tick. */
function mount(initialState: DashboardState, controller: DashboardController) {
  return render(
    <DashboardApp
      initialState={initialState}
      controller={controller}
      subscribe={noEvents}
      tickMs={60_000}
      clock={() => initialState.now}
    />,
  );
}

async function press(stdin: { write(data: string): void }, ...keys: string[]): Promise<void> {
  // Ink attaches its input listener in an effect after the first render: on a loaded machine
  // a key written before that is lost, so each key waits for the previous render to settle.
  for (const key of keys) {
    await settle();
    stdin.write(key);
    await settle();
  }
}

const healthy = () => replay(loadFixture('kill-master-0-failover'), 60);
const withActiveFault = () => replay(loadFixture('pause-failed-undo'));

describe('Dashboard keys', () => {
  it('kills master-0 after K and a confirming y', async () => {
    const controller = fakeController();
    const { stdin, lastFrame } = mount(healthy(), controller);
    await press(stdin, 'K');
    await vi.waitFor(() => expect(stripAnsi(lastFrame() ?? '')).toContain('Kill master-0? [y/N]'));
    await press(stdin, 'y');
    expect(controller.applyFault).toHaveBeenCalledExactlyOnceWith({
      fault: 'kill',
      target: 'master-0',
    });
  });

  it('does not kill anything when K is answered with n', async () => {
    const controller = fakeController();
    const { stdin, lastFrame } = mount(healthy(), controller);
    await press(stdin, 'K', 'n');
    expect(controller.applyFault).not.toHaveBeenCalled();
    expect(stripAnsi(lastFrame() ?? '')).toContain('cancelled');
  });

  it('applies the fault to the node selected with j', async () => {
    const controller = fakeController();
    const { stdin } = mount(healthy(), controller);
    await press(stdin, 'j', DOWN_ARROW, 'k', 'r', 'y');
    expect(controller.applyFault).toHaveBeenCalledExactlyOnceWith({
      fault: 'restart',
      target: 'master-1',
    });
  });

  it('stops etcd on the selected master after e and y', async () => {
    const controller = fakeController();
    const { stdin, lastFrame } = mount(healthy(), controller);
    await press(stdin, 'e');
    expect(stripAnsi(lastFrame() ?? '')).toContain('Stop etcd on master-0? [y/N]');
    await press(stdin, 'y');
    expect(controller.applyFault).toHaveBeenCalledWith({
      fault: 'service-stop',
      target: 'master-0',
      service: 'etcd',
    });
  });

  it('offers unpause instead of pause on a paused node', async () => {
    const controller = fakeController();
    const { stdin, lastFrame } = mount(withActiveFault(), controller);
    await press(stdin, 'j', 'j', 'p');
    expect(stripAnsi(lastFrame() ?? '')).toContain('Unpause master-2? [y/N]');
  });

  it('asks to undo the active fault on q, and Y quits with undo', async () => {
    const controller = fakeController();
    const { stdin, lastFrame } = mount(withActiveFault(), controller);
    await press(stdin, 'q');
    expect(stripAnsi(lastFrame() ?? '')).toContain(
      'Undo 1 active fault before quitting? [Y/n/esc]',
    );
    expect(controller.quit).not.toHaveBeenCalled();
    await press(stdin, 'Y');
    expect(controller.quit).toHaveBeenCalledExactlyOnceWith(true);
  });

  it('quits without undo when the prompt is answered with n', async () => {
    const controller = fakeController();
    const { stdin } = mount(withActiveFault(), controller);
    await press(stdin, 'q', 'n');
    expect(controller.quit).toHaveBeenCalledExactlyOnceWith(false);
  });

  it('stays open when the undo prompt is dismissed with Esc', async () => {
    const controller = fakeController();
    const { stdin, lastFrame } = mount(withActiveFault(), controller);
    await press(stdin, 'q', ESC);
    expect(controller.quit).not.toHaveBeenCalled();
    expect(stripAnsi(lastFrame() ?? '')).not.toContain('Undo 1 active fault');
  });

  it('quits at once, without undo, when no fault is active', async () => {
    const controller = fakeController();
    const { stdin } = mount(healthy(), controller);
    await press(stdin, 'q');
    expect(controller.quit).toHaveBeenCalledExactlyOnceWith(false);
  });

  it('restores everything after R and y', async () => {
    const controller = fakeController();
    const { stdin } = mount(withActiveFault(), controller);
    await press(stdin, 'R', 'y');
    expect(controller.restoreAll).toHaveBeenCalledOnce();
  });

  it('runs the scenario chosen with the arrows and Enter', async () => {
    const controller = fakeController();
    const { stdin, lastFrame } = mount(healthy(), controller);
    await press(stdin, 'c');
    expect(stripAnsi(lastFrame() ?? '')).toContain('Run which scenario?');
    await press(stdin, DOWN_ARROW, ENTER);
    expect(controller.runScenario).toHaveBeenCalledExactlyOnceWith('partition-master-0');
  });

  it('closes the scenario picker on Esc without running anything', async () => {
    const controller = fakeController();
    const { stdin, lastFrame } = mount(healthy(), controller);
    await press(stdin, 'c', ESC);
    expect(controller.runScenario).not.toHaveBeenCalled();
    expect(stripAnsi(lastFrame() ?? '')).toContain('EVENTS');
  });

  it('shows a fault the controller could not apply', async () => {
    const controller = fakeController({
      applyFault: vi.fn(async () => Promise.reject(new Error('no such container'))),
    });
    const { stdin, lastFrame } = mount(healthy(), controller);
    await press(stdin, 's', 'y');
    expect(stripAnsi(lastFrame() ?? '')).toContain('! stop master-0: no such container');
  });

  it('refuses a service fault on a worker with a hint', async () => {
    const controller = fakeController();
    const { stdin, lastFrame } = mount(healthy(), controller);
    await press(stdin, 'j', 'j', 'j', 'v');
    expect(stripAnsi(lastFrame() ?? '')).toContain('keepalived runs on masters only');
    expect(controller.applyFault).not.toHaveBeenCalled();
  });
});

function assertFits(frame: string, columns: number, rows: number): void {
  const lines = stripAnsi(frame).split('\n');
  // One line to spare: Ink repaints the whole screen when the frame is as tall as the terminal.
  expect(lines.length).toBeLessThanOrEqual(rows - 1);
  for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(columns);
}

describe.each(loadFixtures())('Dashboard layout replaying $name', (fixture) => {
  const checkpoints = [1, 0.25, 0.5, 0.75, 1].map((f) =>
    Math.max(1, Math.round(fixture.events.length * f)),
  );

  it.each(checkpoints)('fits 80x24 after %i events', (count) => {
    assertFits(frameOf(replay(fixture, count, { columns: 80, rows: 24 })), 80, 24);
  });

  it('puts the etcd panel beside the grid on a wide terminal and still fits', () => {
    const frame = stripAnsi(frameOf(replay(fixture, undefined, { columns: 160, rows: 40 })));
    assertFits(frame, 160, 40);
    expect(frame.split('\n').some((line) => line.includes('NODE') && line.includes('etcd'))).toBe(
      true,
    );
  });

  it('shows every node row at 80x24', () => {
    const frame = stripAnsi(frameOf(replay(fixture, undefined, { columns: 80, rows: 24 })));
    for (const node of fixture.nodes) expect(frame).toContain(node.name);
  });
});

describe('Dashboard overlays', () => {
  it.each([
    ['help', ['?']],
    ['scenario picker', ['c']],
    ['kill prompt', ['K']],
  ])('keeps the %s within 80x24', async (_name, keys) => {
    const { stdin, lastFrame } = mount(
      replay(loadFixture('kill-master-0-failover')),
      fakeController(),
    );
    await press(stdin, ...keys);
    assertFits(lastFrame() ?? '', 80, 24);
  });
});
