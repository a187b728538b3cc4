import type { NodeRunner } from '../../runtime/node-runner.js';
import type { InventoryHost } from './model.js';

/**
 * One open connection to an inventory host, as the lab layer sees it: a runner whose commands
 * run as root, and the way to close it. The CLI makes these (over SSH, with the command's host
 * key policy) and hands the lab a connector, as it hands a Docker lab its provider.
 */
export interface HostSession {
  readonly runner: NodeRunner;
  /** True when commands go through `sudo -n` (the login is not root). */
  readonly usesSudo: boolean;
  close(): void;
}

export interface ConnectOptions {
  signal: AbortSignal;
  /** Connect and handshake budget; the connector's default when absent. */
  timeoutMs?: number;
}

/** Opens a session or fails with a HaLabError whose code says why (see src/runtime/ssh). */
export type ConnectHost = (host: InventoryHost, options: ConnectOptions) => Promise<HostSession>;
