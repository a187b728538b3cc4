import { Box, Static, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { FinishedItem, PhaseState, RunningPhase } from './phase-state.js';
import { formatDuration } from './format.js';
import { ColorContext, colorEnabled, useToneProps } from './theme.js';

export interface PhaseViewProps {
  state: PhaseState;
  /** For the elapsed time of running phases. */
  now: number;
  /** Defaults to honouring NO_COLOR. */
  color?: boolean;
}

/**
 * Live progress for `ha-lab up`: finished phases are printed once through <Static> and
 * scroll away like a log; only the running phases are redrawn.
 */
export function PhaseView({ state, now, color }: PhaseViewProps) {
  return (
    <ColorContext.Provider value={color ?? colorEnabled()}>
      <Static items={state.finished}>
        {(item) => <FinishedLine key={item.key} item={item} />}
      </Static>
      <Box flexDirection="column">
        {state.running.map((phase) => (
          <RunningLine key={phase.phase} phase={phase} now={now} />
        ))}
      </Box>
    </ColorContext.Provider>
  );
}

function FinishedLine({ item }: { item: FinishedItem }) {
  const tone = useToneProps();
  if (item.kind === 'log') {
    return item.level === 'warn' ? (
      <Text {...tone('warn')}>! {item.message}</Text>
    ) : (
      <Text {...tone('dim')}> {item.message}</Text>
    );
  }
  const where = item.node === undefined ? '' : ` on ${item.node}`;
  return (
    <Text>
      <Text {...tone(item.ok ? 'good' : 'bad')}>{item.ok ? '✓' : '✗'}</Text>
      {` ${item.phase}${where} `}
      <Text {...tone('dim')}>{formatDuration(item.durationMs)}</Text>
      {item.ok ? '' : <Text {...tone('bad')}>{` FAILED: ${item.message ?? ''}`}</Text>}
    </Text>
  );
}

function RunningLine({ phase, now }: { phase: RunningPhase; now: number }) {
  const tone = useToneProps();
  const nodes = phase.nodes.length > 0 ? ` (${phase.nodes.join(', ')})` : '';
  return (
    <Text wrap="truncate">
      <Text {...tone('accent')}>
        <Spinner type="dots" />
      </Text>
      {` ${phase.phase}${nodes} `}
      <Text {...tone('dim')}>{formatDuration(Math.max(0, now - phase.startedAt))}</Text>
      {phase.message === undefined ? '' : ` ${phase.message}`}
    </Text>
  );
}
