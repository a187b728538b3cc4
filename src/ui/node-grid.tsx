import { Box, Text } from 'ink';
import { memo } from 'react';
import type { NodeRow } from './dashboard-state.js';
import { fit } from './format.js';
import { GRID_GAP, rowCells, type FittedColumn } from './grid-columns.js';
import { useToneProps } from './theme.js';

export interface NodeGridProps {
  nodes: readonly NodeRow[];
  selected: number;
  columns: readonly FittedColumn[];
  /** Whole seconds, so rows re-render at most once a second for their "ago" column. */
  nowSecond: number;
  splitBrain: boolean;
}

export function NodeGrid(props: NodeGridProps) {
  const gap = ' '.repeat(GRID_GAP);
  const columnsKey = props.columns.map((c) => `${c.key}:${c.width}`).join(',');
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {'  '}
        {props.columns.map((c) => fit(c.header, c.width)).join(gap)}
      </Text>
      {props.nodes.map((row, i) => (
        <GridRow
          key={row.name}
          row={row}
          selected={i === props.selected}
          columns={props.columns}
          columnsKey={columnsKey}
          nowSecond={row.lastChangeAt === undefined ? 0 : props.nowSecond}
          splitBrain={props.splitBrain && row.hasVip}
        />
      ))}
    </Box>
  );
}

interface GridRowProps {
  row: NodeRow;
  selected: boolean;
  columns: readonly FittedColumn[];
  /** Stands in for `columns` in the memo comparison: same widths, same output. */
  columnsKey: string;
  nowSecond: number;
  splitBrain: boolean;
}

const GridRow = memo(
  function GridRow({ row, selected, columns, nowSecond, splitBrain }: GridRowProps) {
    const tone = useToneProps();
    const cells = rowCells(row, nowSecond * 1000, splitBrain);
    return (
      <Text wrap="truncate" inverse={selected}>
        {selected ? '› ' : '  '}
        {columns.map((column, i) => {
          const cell = cells[column.key];
          return (
            <Text key={column.key} {...tone(cell.tone)}>
              {(i > 0 ? ' '.repeat(GRID_GAP) : '') + fit(cell.text, column.width)}
            </Text>
          );
        })}
      </Text>
    );
  },
  (a, b) =>
    a.row === b.row &&
    a.selected === b.selected &&
    a.columnsKey === b.columnsKey &&
    a.nowSecond === b.nowSecond &&
    a.splitBrain === b.splitBrain,
);
