import { afterEach, describe, expect, it, vi } from 'vitest';
import { isSplitBrain, type DashboardState } from '../../../src/ui/dashboard-state.js';
import { colorEnabled } from '../../../src/ui/theme.js';
import { initialStateFor, loadFixture, replay, stripAnsi } from './fixtures.js';
import { frameOf } from './render-helpers.js';

// Ink colours through chalk, which switches itself off when output is not a terminal (as
// under vitest) and decides once, on import. Forcing it on before any import lets these
// tests tell "NO_COLOR honoured" apart from "no terminal".
vi.hoisted(() => {
  process.env['FORCE_COLOR'] = '3';
});

// eslint-disable-next-line no-control-regex
const COLOR_CODE = /\u001B\[(3[0-79]|9[0-7]|38;)/;

function splitBrainState(): DashboardState {
  const fixture = loadFixture('partition-split-brain');
  const index = fixture.events.findIndex((_, i) => isSplitBrain(replay(fixture, i + 1)));
  return replay(fixture, index + 1);
}

describe('Dashboard colour', () => {
  const original = process.env['NO_COLOR'];
  afterEach(() => {
    if (original === undefined) delete process.env['NO_COLOR'];
    else process.env['NO_COLOR'] = original;
  });

  it('still shows SPLIT BRAIN, DOWN and the VIP badge as text when NO_COLOR is set', () => {
    process.env['NO_COLOR'] = '1';
    const frame = frameOf(splitBrainState());
    expect(frame).toContain('SPLIT BRAIN');
    expect(frame).toContain('DOWN');
    expect(frame).toContain('★ VIP');
    expect(frame).not.toMatch(COLOR_CODE);
  });

  it('uses colour when NO_COLOR is unset', () => {
    delete process.env['NO_COLOR'];
    expect(frameOf(splitBrainState())).toMatch(COLOR_CODE);
  });

  it('treats an empty NO_COLOR as unset, as the convention says', () => {
    expect(colorEnabled({ NO_COLOR: '' })).toBe(true);
    expect(colorEnabled({ NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({})).toBe(true);
  });

  it('marks timeline entries with text markers, not colour alone', () => {
    process.env['NO_COLOR'] = '1';
    const state = replay(loadFixture('kill-master-0-failover'), undefined, {
      columns: 80,
      rows: 40,
    });
    const frame = stripAnsi(frameOf(state));
    expect(frame).toContain('» fault: kill master-0');
    expect(frame).toContain('! VIP LOST');
    expect(frame).toContain('✓ VIP moved master-0 → master-1');
  });

  it('renders the empty starting state', () => {
    const frame = stripAnsi(frameOf(initialStateFor(loadFixture('kill-master-0-failover'))));
    expect(frame).toContain('etcd: no data yet');
    expect(frame).toContain('master-0');
  });
});
