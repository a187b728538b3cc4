import { Box, Text } from 'ink';
import { memo } from 'react';
import type { EtcdPanelState } from './dashboard-state.js';
import { fit, formatBytes } from './format.js';
import { useToneProps } from './theme.js';

export interface EtcdPanelProps {
  etcd: EtcdPanelState;
  /** Beside the grid: a titled block with one line per member. Below it: one summary line. */
  beside: boolean;
  width: number;
}

export const EtcdPanel = memo(function EtcdPanel({ etcd, beside, width }: EtcdPanelProps) {
  const tone = useToneProps();
  if (!etcd.observed) {
    return (
      <Text wrap="truncate" {...tone('dim')}>
        etcd: no data yet
      </Text>
    );
  }
  const quorum = etcd.healthy > etcd.total / 2;
  const health = `${etcd.healthy}/${etcd.total} healthy`;
  const quorumText = quorum ? 'quorum ok' : 'QUORUM LOST';
  const leader = etcd.leader ?? 'NONE';
  const term = etcd.raftTerm === undefined ? '?' : String(etcd.raftTerm);
  const db = etcd.dbSizeBytes === undefined ? '?' : formatBytes(etcd.dbSizeBytes);
  if (!beside) {
    return (
      <Text wrap="truncate">
        <Text bold>etcd</Text>
        {` ${health} `}
        <Text {...tone(quorum ? 'good' : 'bad')}>{quorumText}</Text>
        {' · leader '}
        <Text {...tone(etcd.leader ? 'accent' : 'bad')}>{leader}</Text>
        {` · term ${term} · db ${db}`}
      </Text>
    );
  }
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold>etcd</Text> {health}
      </Text>
      <Text wrap="truncate">
        <Text {...tone(quorum ? 'good' : 'bad')}>{quorumText}</Text>
        {' · leader '}
        <Text {...tone(etcd.leader ? 'accent' : 'bad')}>{leader}</Text>
      </Text>
      <Text wrap="truncate">{`term ${term} · db ${db}`}</Text>
      {etcd.members.map((m) => {
        const role = !m.healthy ? 'DOWN' : m.member === etcd.leader ? 'leader' : 'follower';
        return (
          <Text key={m.member} wrap="truncate" {...tone(m.healthy ? 'plain' : 'bad')}>
            {`${m.healthy ? '✓' : '✗'} ${fit(m.member, 10)} ${role}`}
          </Text>
        );
      })}
    </Box>
  );
});
