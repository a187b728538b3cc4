import { Text } from 'ink';
import type { Mode } from './dashboard-keys.js';
import type { ActiveFault, Notice } from './dashboard-state.js';
import { useToneProps } from './theme.js';

export interface StatusLineProps {
  mode: Mode;
  notice: Notice | undefined;
  activeFaults: readonly ActiveFault[];
  now: number;
}

/** Errors stay up this long, then the line goes back to the active-fault summary. */
const ERROR_NOTICE_MS = 15_000;

/** One line: the open prompt, else a hint or notice, else what is still broken. */
export function StatusLine({ mode, notice, activeFaults, now }: StatusLineProps) {
  const tone = useToneProps();
  if (mode.kind === 'confirm' || mode.kind === 'quit') {
    return (
      <Text bold wrap="truncate" {...tone('warn')}>
        {mode.question}
      </Text>
    );
  }
  if (mode.kind === 'idle' && mode.hint) {
    return (
      <Text wrap="truncate" {...tone('dim')}>
        {mode.hint}
      </Text>
    );
  }
  if (notice?.kind === 'pending') {
    return <Text wrap="truncate">{`… ${notice.text}`}</Text>;
  }
  if (notice?.kind === 'error' && now - notice.at < ERROR_NOTICE_MS) {
    return (
      <Text bold wrap="truncate" {...tone('bad')}>
        {`! ${notice.text}`}
      </Text>
    );
  }
  if (activeFaults.length === 0) {
    return (
      <Text wrap="truncate" {...tone('dim')}>
        no active faults
      </Text>
    );
  }
  const list = activeFaults
    .map((f) => `${f.fault} ${f.target}${f.undoError === undefined ? '' : ' (UNDO FAILED)'}`)
    .join(', ');
  return (
    <Text wrap="truncate" {...tone('fault')}>
      {`active: ${list}`}
    </Text>
  );
}
