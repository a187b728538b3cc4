export type { Inventory, InventoryHost, InventoryVip } from './model.js';
export { loadInventory, parseInventory, type ParseOptions } from './parse.js';
export { inventoryJsonSchema, DEFAULT_SSH_PORT } from './schema.js';
export { inventoryTopology } from './topology.js';
