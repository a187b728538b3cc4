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
export type { HostUpload, HostUploadOptions } from './host-session.js';
export {
  ensureHostPackages,
  fetchDebs,
  packagesToInstall,
  planHostPackages,
  type DebFetch,
  type HostNeeds,
  type HostPackagesOptions,
  type HostPackagesResult,
} from './host-packages.js';
export { readHostPackages, type HostPackageState } from './host-package-state.js';
export { HOST_DEB_DIR } from './host-deb-install.js';
export { downHost, type HostDownOptions, type HostDownResult } from './host-down.js';
