import { Box, useApp, useInput, type Key } from 'ink';
import { useCallback, useMemo, useRef, useState } from 'react';
import type { DashboardController } from './dashboard-controller.js';
import { DashboardHeader } from './dashboard-header.js';
import { IDLE, reduceKey, type Command, type Mode } from './dashboard-keys.js';
import { computeLayout, ETCD_PANEL_GAP, ETCD_PANEL_WIDTH } from './dashboard-layout.js';
import {
  isSplitBrain,
  selectedNode,
  type DashboardEvent,
  type DashboardState,
} from './dashboard-state.js';
import { EtcdPanel } from './etcd-panel.js';
import { EventTimeline } from './event-timeline.js';
import { rowCells } from './grid-columns.js';
import { HelpBar } from './help-bar.js';
import { HelpOverlay } from './help-overlay.js';
import { NodeGrid } from './node-grid.js';
import { ScenarioPicker } from './scenario-picker.js';
import { StatusLine } from './status-line.js';
import { ColorContext, colorEnabled } from './theme.js';

export interface DashboardProps {
  state: DashboardState;
  controller: DashboardController;
  /** UI-local events (selection, requests and their failures) go back through the reducer. */
  dispatch: (event: DashboardEvent) => void;
  /** Defaults to honouring NO_COLOR. */
  color?: boolean;
  /** Timestamps for UI-local events; injectable for tests. */
  clock?: () => number;
}

export function Dashboard({
  state,
  controller,
  dispatch,
  color,
  clock = Date.now,
}: DashboardProps) {
  const { exit } = useApp();
  const [mode, setMode] = useState<Mode>(IDLE);
  // The input handler reads the latest values through refs so it stays one stable function
  // and Ink does not re-subscribe to stdin on every render.
  const latest = useRef({ state, mode, controller, dispatch, clock });
  latest.current = { state, mode, controller, dispatch, clock };

  const run = useCallback(
    (command: Command) => {
      const { controller: ctl, dispatch: send, clock: now } = latest.current;
      switch (command.kind) {
        case 'select':
          send({ type: 'select', delta: command.delta });
          return;
        case 'quit':
          ctl.quit(command.undo);
          exit();
          return;
        case 'apply': {
          const { fault, target, service } = command.request;
          const label = service ? `${fault} ${service} on ${target}` : `${fault} ${target}`;
          send({
            type: 'fault-requested',
            at: now(),
            fault,
            target,
            ...(service ? { service } : {}),
          });
          settle(ctl.applyFault(command.request), label);
          return;
        }
        case 'restore':
          send({ type: 'fault-requested', at: now(), fault: 'restore', target: 'everything' });
          settle(ctl.restoreAll(), 'restore');
          return;
        case 'run-scenario':
          send({ type: 'fault-requested', at: now(), fault: 'scenario', target: command.name });
          send({ type: 'scenario-started', at: now(), name: command.name });
          settle(
            ctl
              .runScenario(command.name)
              .finally(() => send({ type: 'scenario-ended', at: now() })),
            `scenario ${command.name}`,
          );
          return;
      }
      function settle(work: Promise<void>, label: string): void {
        work.then(
          () => send({ type: 'fault-settled', at: now() }),
          (error: unknown) =>
            send({ type: 'fault-failed', at: now(), message: `${label}: ${errorMessage(error)}` }),
        );
      }
    },
    [exit],
  );

  const onInput = useCallback(
    (input: string, key: Key) => {
      const current = latest.current;
      const result = reduceKey(
        current.mode,
        {
          input,
          upArrow: key.upArrow,
          downArrow: key.downArrow,
          return: key.return,
          escape: key.escape,
          ctrl: key.ctrl,
        },
        {
          selected: selectedNode(current.state),
          activeFaults: current.state.activeFaults,
          scenario: current.state.scenario,
          listScenarios: () => current.controller.listScenarios(),
        },
      );
      latest.current.mode = result.mode;
      setMode(result.mode);
      if (result.command) run(result.command);
    },
    [run],
  );
  useInput(onInput);

  const nowSecond = Math.floor(state.now / 1000);
  const splitBrain = isSplitBrain(state);
  const cells = useMemo(
    () => state.nodes.map((row) => rowCells(row, nowSecond * 1000, splitBrain)),
    [state.nodes, nowSecond, splitBrain],
  );
  const layout = computeLayout(state.columns, state.rows, cells, state.etcd.members.length);
  const useColor = color ?? colorEnabled();
  const grid = (
    <NodeGrid
      nodes={state.nodes}
      selected={state.selected}
      columns={layout.grid}
      nowSecond={nowSecond}
      splitBrain={splitBrain}
    />
  );
  const areaLines = layout.timelineLines;

  return (
    <ColorContext.Provider value={useColor}>
      <Box flexDirection="column" width={layout.width}>
        <DashboardHeader
          labName={state.labName}
          vip={state.vip}
          api={state.api}
          writes={state.writes}
          activeFaults={state.activeFaults.length}
          nowSecond={nowSecond}
          width={layout.width}
        />
        {layout.etcdBeside ? (
          <Box flexDirection="row">
            {grid}
            <Box marginLeft={ETCD_PANEL_GAP}>
              <EtcdPanel etcd={state.etcd} beside width={ETCD_PANEL_WIDTH} />
            </Box>
          </Box>
        ) : (
          <>
            {grid}
            <EtcdPanel etcd={state.etcd} beside={false} width={layout.width} />
          </>
        )}
        {mode.kind === 'scenarios' ? (
          <ScenarioPicker items={mode.items} index={mode.index} lines={areaLines} />
        ) : mode.kind === 'help' ? (
          <HelpOverlay width={layout.width} lines={areaLines + 1} />
        ) : (
          <EventTimeline events={state.timeline} lines={areaLines} />
        )}
        <StatusLine
          mode={mode}
          notice={state.notice}
          activeFaults={state.activeFaults}
          now={state.now}
        />
        <HelpBar width={layout.width} />
      </Box>
    </ColorContext.Provider>
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
