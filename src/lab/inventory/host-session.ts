import type { NodeRunner } from '../../runtime/node-runner.js';
import type { InventoryHost } from './model.js';

/**
 * One open connection to an inventory host, as the lab layer sees it: a runner whose commands
 * run as root, a way to put files there, and the way to close it. The CLI makes these (over
 * SSH, with the command's host key policy) and hands the lab a connector, as it hands a Docker
 * lab its provider.
 */
export interface HostSession {
  readonly runner: NodeRunner;
  /** True when commands go through `sudo -n` (the login is not root). */
  readonly usesSudo: boolean;
  /**
   * Puts a local file at `remotePath` (owned by root, `mode`, default 0644), atomically;
   * nothing is sent when the host already has a file with the same sha256.
   */
  upload(localPath: string, remotePath: string, options?: HostUploadOptions): Promise<HostUpload>;
  close(): void;
}

export interface HostUploadOptions {
  mode?: number;
  /** The local file's sha256, when the caller knows it already (saves hashing it again). */
  sha256?: string;
  signal?: AbortSignal | undefined;
}

export interface HostUpload {
  /** The host already had this exact file. */
  skipped: boolean;
  bytesSent: number;
}

export interface ConnectOptions {
  signal: AbortSignal;
  /** Connect and handshake budget; the connector's default when absent. */
  timeoutMs?: number;
}

/** Opens a session or fails with a HaLabError whose code says why (see src/runtime/ssh). */
export type ConnectHost = (host: InventoryHost, options: ConnectOptions) => Promise<HostSession>;
