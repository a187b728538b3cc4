import { Box, Text } from 'ink';
import { memo } from 'react';
import type { Severity, TimelineEvent } from './dashboard-state.js';
import { fit, formatClock, formatSince } from './format.js';
import { useToneProps, type Tone } from './theme.js';

export interface EventTimelineProps {
  events: readonly TimelineEvent[];
  /** Entry lines available; the newest that fit are shown. */
  lines: number;
}

/**
 * The newest events that fit, not <Static>: the dashboard owns the whole screen, and
 * <Static> output would scroll the grid away. Each line is memoised on its immutable event,
 * so only new lines render.
 */
export function EventTimeline({ events, lines }: EventTimelineProps) {
  if (lines <= 0) return null;
  const shown = events.slice(-lines);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {`EVENTS${events.length > shown.length ? ` (last ${shown.length} of ${events.length})` : ''}`}
      </Text>
      {shown.map((event) => (
        <TimelineLine key={event.id} event={event} />
      ))}
    </Box>
  );
}

/** Text markers carry the meaning; colour only repeats it. */
export const SEVERITY_MARKERS: Record<Severity, string> = {
  bad: '!',
  good: '✓',
  fault: '»',
  info: '·',
};

const SEVERITY_TONES: Record<Severity, Tone> = {
  bad: 'bad',
  good: 'good',
  fault: 'fault',
  info: 'plain',
};

export function timelineText(event: TimelineEvent): string {
  const since = event.sinceFaultMs === undefined ? '' : formatSince(event.sinceFaultMs);
  return `${formatClock(event.at)} ${fit(since, 7)} ${SEVERITY_MARKERS[event.severity]} ${event.text}`;
}

const TimelineLine = memo(function TimelineLine({ event }: { event: TimelineEvent }) {
  const tone = useToneProps();
  return (
    <Text wrap="truncate" bold={event.severity === 'bad'} {...tone(SEVERITY_TONES[event.severity])}>
      {timelineText(event)}
    </Text>
  );
});
