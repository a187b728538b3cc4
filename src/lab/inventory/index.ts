export type { Inventory, InventoryHost, InventoryVip } from './model.js';
export { loadInventory, parseInventory, type ParseOptions } from './parse.js';
export { inventoryJsonSchema, DEFAULT_SSH_PORT } from './schema.js';
export { inventoryTopology } from './topology.js';
export type { ConnectHost, ConnectOptions, HostSession } from './host-session.js';
export { doctorInventory, type InventoryDoctorOptions } from './doctor.js';
export type {
  DoctorCheck,
  DoctorFinding,
  HostOutcome,
  HostReport,
  HostStatus,
  InventoryDoctorReport,
} from './doctor-report.js';
export type { HostFacts } from './host-probe.js';
