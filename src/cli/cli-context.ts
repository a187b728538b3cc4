/** What commands share: the abort signal (Ctrl-C) and where commander's own errors go. */
export interface CliContext {
  signal: AbortSignal;
  usageErrors: string[];
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}
