export { formatDuration, parseDuration } from './duration.js';
export { defaultFaultId, expectationsInputSchema, scenarioInputSchema } from './input-schema.js';
export {
  builtinScenarioDir,
  listBuiltinScenarios,
  loadScenarioFile,
  parseScenario,
  resolveScenario,
  type BuiltinScenario,
  type LoadOptions,
} from './loader.js';
export {
  CHECK_NAMES,
  TIMING_PROFILES,
  expectationsFor,
  scenarioModel,
  type CheckName,
  type Expectations,
  type FaultKind,
  type FaultStep,
  type Scenario,
  type Service,
  type Step,
  type TimingProfile,
} from './model.js';
export { FAULT_KINDS, MASTER_NAMES, SERVICES, SPECIAL_TARGETS, TARGETS } from './names.js';
