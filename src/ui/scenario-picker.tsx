import { Box, Text } from 'ink';

export interface ScenarioPickerProps {
  items: readonly string[];
  index: number;
  /** Lines for items; the list scrolls to keep the highlighted one in view. */
  lines: number;
}

export function ScenarioPicker({ items, index, lines }: ScenarioPickerProps) {
  const visible = Math.max(1, lines);
  const start = Math.min(Math.max(0, index - visible + 1), Math.max(0, items.length - visible));
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        Run which scenario? (↑/↓ choose, Enter runs, Esc cancels)
      </Text>
      {items.slice(start, start + visible).map((name, i) => {
        const selected = start + i === index;
        return (
          <Text key={name} wrap="truncate" inverse={selected}>
            {`${selected ? '› ' : '  '}${name}`}
          </Text>
        );
      })}
    </Box>
  );
}
