/**
 * What the dashboard may ask of the lab. The CLI implements it over the chaos layer; the UI
 * only calls it, so the UI never touches Docker and tests pass a fake.
 */

export type FaultKind =
  'kill' | 'stop' | 'pause' | 'unpause' | 'restart' | 'partition' | 'heal' | 'service-stop';

export type ServiceName = 'etcd' | 'keepalived' | 'kube-apiserver';

export interface FaultRequest {
  fault: FaultKind;
  target: string;
  service?: ServiceName;
}

export interface DashboardController {
  /** Applies one fault; the resulting FaultRecord arrives through the event subscription. */
  applyFault(request: FaultRequest): Promise<void>;
  /** Undoes every active fault. */
  restoreAll(): Promise<void>;
  listScenarios(): string[];
  runScenario(name: string): Promise<void>;
  /**
   * Called once when the user quits; the dashboard exits right after, so the caller should
   * run the undo (when asked) after `waitUntilExit`, under its own time limit.
   */
  quit(undoFaults: boolean): void;
}
