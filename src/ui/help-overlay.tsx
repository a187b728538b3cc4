import { Box, Text } from 'ink';
import { fit } from './format.js';

const KEYS: ReadonlyArray<readonly [string, string]> = [
  ['↑/↓ j/k', 'select a node'],
  ['K', 'kill the container'],
  ['s', 'stop the container'],
  ['p', 'pause / unpause'],
  ['n', 'partition / heal network'],
  ['r', 'restart the container'],
  ['e', 'stop etcd (masters)'],
  ['a', 'stop kube-apiserver'],
  ['v', 'stop keepalived'],
  ['R', 'restore everything'],
  ['c', 'run a scenario'],
  ['q', 'quit (offers to undo)'],
];

export interface HelpOverlayProps {
  width: number;
  /** Lines available, title included. */
  lines: number;
}

/** Two columns when they fit, so the whole list fits the timeline's space at 80x24. */
export function HelpOverlay({ width, lines }: HelpOverlayProps) {
  const entry = ([key, what]: readonly [string, string]) => `${fit(key, 8)} ${what}`;
  const twoColumns = width >= 76;
  const rows: string[] = [];
  if (twoColumns) {
    const half = Math.ceil(KEYS.length / 2);
    for (let i = 0; i < half; i++) {
      const left = KEYS[i];
      const right = KEYS[i + half];
      rows.push(`${fit(left ? entry(left) : '', 36)}  ${right ? entry(right) : ''}`);
    }
  } else {
    rows.push(...KEYS.map(entry));
  }
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        Keys (destructive ones ask first; any key closes this)
      </Text>
      {rows.slice(0, Math.max(0, lines - 1)).map((row, i) => (
        <Text key={i} wrap="truncate">
          {row}
        </Text>
      ))}
    </Box>
  );
}
