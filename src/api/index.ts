/**
 * ha-lab as a library: `import { HaLab } from 'ha-lab'`. Everything a consumer needs is
 * exported from here (the package's "." export); nothing else under dist/ is public.
 */
import './dispose-symbol.js';

export { HaLab, type AttachOptions, type RunScenarioOptions } from './ha-lab.js';
export type { FaultHandle, FaultTarget, InjectOptions } from './fault-handle.js';
export type { ProviderOption, UpOptions } from './options.js';
export {
  checkRepeat,
  loadScenario,
  scenarioError,
  type ScenarioInput,
  type ScenarioResult,
} from './scenario.js';
export {
  CheckFailedError,
  ExitCode,
  HaLabError,
  InterruptedError,
  RuntimeError,
  UsageError,
  asHaLabError,
} from '../core/errors.js';
export { PhaseError } from '../lab/action.js';
export type { LabEvent } from '../core/events.js';
export type { FaultRecord, History, HistoryEntry, NoteRecord } from '../chaos/history.js';
export type { Report } from '../chaos/report/index.js';
export type { FaultKind, Scenario, Service } from '../chaos/scenario/index.js';
export type { LabStatus } from '../lab/status-schema.js';
export type { TeardownResult } from '../lab/teardown.js';
export type { UpgradeOutcome } from '../lab/upgrade/upgrade-lab.js';
export type { LiveVersion } from '../lab/upgrade/live-versions.js';
export type { Provider } from '../runtime/provider.js';
