import type { Provider } from '../runtime/provider.js';

/** What commands share: the abort signal (Ctrl-C) and where commander's own errors go. */
export interface CliContext {
  signal: AbortSignal;
  usageErrors: string[];
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /**
   * The command's one provider, made on first use (so `--help` and usage errors never touch
   * the engine). `reach()` also pings it, so an absent engine is one clear line before work.
   */
  provider(): Provider;
  reach(): Promise<Provider>;
  /**
   * The provider of an existing lab, pinged: the SSH provider of an inventory lab (its hosts
   * and host keys as `up` recorded them), else the engine's.
   */
  labProvider(lab: string): Promise<Provider>;
}
