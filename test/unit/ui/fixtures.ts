import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createDashboardState,
  reduceDashboard,
  type DashboardEvent,
  type DashboardState,
  type NodeSeed,
} from '../../../src/ui/dashboard-state.js';

/**
 * A recorded event sequence and what the dashboard must show after replaying it. Sequences
 * captured from real runs go into fixtures/ with the same shape; every test that iterates
 * fixtures picks them up.
 */
export interface DashboardFixture {
  name: string;
  description: string;
  labName: string;
  nodes: NodeSeed[];
  events: DashboardEvent[];
  expect: {
    /** Substrings that must appear in the timeline, each in a later event than the last. */
    timeline: string[];
    activeFaults: number;
    splitBrain: boolean;
    vipHolders: string[];
    /** Timeline substring -> its "since the last fault" label. */
    sinceFault?: Record<string, string>;
  };
}

const DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');

export function loadFixtures(): DashboardFixture[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as DashboardFixture);
}

export function loadFixture(name: string): DashboardFixture {
  const fixture = loadFixtures().find((f) => f.name === name);
  if (!fixture) throw new Error(`no fixture named ${name}`);
  return fixture;
}

export function initialStateFor(
  fixture: DashboardFixture,
  size: { columns: number; rows: number } = { columns: 80, rows: 24 },
): DashboardState {
  return createDashboardState({
    labName: fixture.labName,
    nodes: fixture.nodes,
    now: atOf(fixture.events[0]),
    ...size,
  });
}

/** Replays the first `count` events (all by default). */
export function replay(
  fixture: DashboardFixture,
  count = fixture.events.length,
  size?: { columns: number; rows: number },
): DashboardState {
  return fixture.events.slice(0, count).reduce(reduceDashboard, initialStateFor(fixture, size));
}

function atOf(event: DashboardEvent | undefined): number {
  return event && 'at' in event ? event.at : 0;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

export const settle = (ms = 30): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
