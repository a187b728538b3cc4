import { render } from 'ink';
import type { DashboardController } from './dashboard-controller.js';
import { DashboardApp, type Subscribe } from './dashboard-app.js';
import { createDashboardState, type NodeSeed } from './dashboard-state.js';

export interface StartDashboardOptions {
  labName: string;
  controller: DashboardController;
  subscribe: Subscribe;
  /** The topology's nodes, so all rows show before the first container snapshot. */
  nodes?: readonly NodeSeed[];
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Defaults to honouring NO_COLOR. */
  color?: boolean;
}

export interface DashboardHandle {
  /** Resolves once the user quits (after `controller.quit`) or `unmount` is called. */
  waitUntilExit(): Promise<unknown>;
  unmount(): void;
}

export function startDashboard(options: StartDashboardOptions): DashboardHandle {
  const stdout = options.stdout ?? process.stdout;
  const initialState = createDashboardState({
    labName: options.labName,
    now: Date.now(),
    columns: stdout.columns || 80,
    rows: stdout.rows || 24,
    ...(options.nodes ? { nodes: options.nodes } : {}),
  });
  const instance = render(
    <DashboardApp
      initialState={initialState}
      controller={options.controller}
      subscribe={options.subscribe}
      {...(options.color === undefined ? {} : { color: options.color })}
    />,
    {
      stdout,
      ...(options.stdin ? { stdin: options.stdin } : {}),
      // Ctrl-C goes through the quit prompt, so active faults are offered an undo first.
      exitOnCtrlC: false,
    },
  );
  return {
    waitUntilExit: () => instance.waitUntilExit(),
    unmount: () => instance.unmount(),
  };
}
