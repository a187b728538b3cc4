import { Text } from 'ink';
import { memo } from 'react';
import {
  ERROR_GLYPH,
  renderSparkline,
  SERIES_SECONDS,
  summarise,
  type AvailabilityBucket,
} from './availability-series.js';
import type { ApiState, DashboardState, VipState } from './dashboard-state.js';
import { formatDuration, textWidth } from './format.js';
import { useToneProps } from './theme.js';

export interface DashboardHeaderProps {
  labName: string;
  vip: VipState;
  api: ApiState;
  writes: DashboardState['writes'];
  activeFaults: number;
  /** Whole seconds: the header only changes when the second does. */
  nowSecond: number;
  width: number;
}

/** Two lines: who holds the VIP (split brain unmissable), then a minute of API availability. */
export const DashboardHeader = memo(function DashboardHeader(props: DashboardHeaderProps) {
  const tone = useToneProps();
  const { vip, writes } = props;
  return (
    <>
      <Text wrap="truncate">
        <Text bold>ha-lab {props.labName}</Text>
        {'  VIP '}
        <VipHolders vip={vip} />
        {props.activeFaults > 0 ? (
          <Text
            {...tone('fault')}
          >{`  ! ${props.activeFaults} active fault${props.activeFaults === 1 ? '' : 's'}`}</Text>
        ) : null}
        <Text
          {...tone('dim')}
        >{`  writes ✓${writes.ok} ✗${writes.failed} ?${writes.unknown}`}</Text>
      </Text>
      <AvailabilityLine api={props.api} nowSecond={props.nowSecond} width={props.width} />
    </>
  );
});

function VipHolders({ vip }: { vip: VipState }) {
  const tone = useToneProps();
  if (!vip.observed) return <Text {...tone('dim')}>?</Text>;
  if (vip.holders.length >= 2) {
    return (
      <>
        <Text bold inverse {...tone('bad')}>
          {' SPLIT BRAIN '}
        </Text>
        <Text {...tone('bad')}>{` ★ ${vip.holders.join(' + ')}`}</Text>
      </>
    );
  }
  const holder = vip.holders[0];
  if (holder !== undefined) return <Text {...tone('accent')}>★ {holder}</Text>;
  const unreachable = vip.unknown.length > 0 ? ` (${vip.unknown.join(', ')} unreachable)` : '';
  return (
    <Text bold {...tone('bad')}>
      NONE{unreachable}
    </Text>
  );
}

const LABEL = 'API ';

function AvailabilityLine({
  api,
  nowSecond,
  width,
}: {
  api: ApiState;
  nowSecond: number;
  width: number;
}) {
  const tone = useToneProps();
  const now = nowSecond * 1000;
  const state =
    api.up === undefined
      ? 'no data'
      : api.up
        ? `up ${lastLatency(api.series)}`
        : `DOWN ${formatDuration(now - (api.downSince ?? now))}`;
  const minute = summarise(api.series, now);
  const share = minute.samples === 0 ? '' : ` ${Math.floor((100 * minute.ok) / minute.samples)}%`;
  const status = state + share;
  const sparkWidth = Math.max(
    0,
    Math.min(SERIES_SECONDS, width - textWidth(LABEL) - textWidth(status) - 2),
  );
  const spark = renderSparkline(api.series, now, sparkWidth);
  return (
    <Text wrap="truncate">
      {LABEL}
      {splitRuns(spark).map((run, i) => (
        <Text key={i} {...tone(run.error ? 'bad' : 'good')}>
          {run.text}
        </Text>
      ))}{' '}
      <Text bold={api.up === false} {...tone(api.up === false ? 'bad' : api.up ? 'good' : 'dim')}>
        {status}
      </Text>
    </Text>
  );
}

function lastLatency(series: readonly AvailabilityBucket[]): string {
  const last = series[series.length - 1];
  return last ? `${Math.round(last.maxLatencyMs)}ms` : '';
}

/** Groups the sparkline into error and non-error runs so each run is one styled segment. */
function splitRuns(spark: string): Array<{ text: string; error: boolean }> {
  const runs: Array<{ text: string; error: boolean }> = [];
  for (const glyph of spark) {
    const error = glyph === ERROR_GLYPH;
    const last = runs[runs.length - 1];
    if (last && last.error === error) last.text += glyph;
    else runs.push({ text: glyph, error });
  }
  return runs;
}
