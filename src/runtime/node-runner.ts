/** A node is "something you can run a command on" (kind's model). Provisioning sees only this. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface ExecOptions {
  /** Bytes fed to the command's stdin (used to write files without a shell quoting dance). */
  input?: string | Buffer;
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
}

export interface NodeRunner {
  readonly node: string;
  exec(command: string[], options?: ExecOptions): Promise<ExecResult>;
}

export class NodeCommandError extends Error {
  constructor(
    readonly node: string,
    readonly command: string[],
    readonly result: ExecResult,
  ) {
    const tail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).join(' | ');
    super(`${node}: \`${command.join(' ')}\` exited ${result.exitCode}: ${tail}`);
    this.name = 'NodeCommandError';
  }
}

/** Runs a command and fails on a non-zero exit; returns stdout. */
export async function run(
  runner: NodeRunner,
  command: string[],
  options?: ExecOptions,
): Promise<string> {
  const result = await runner.exec(command, options);
  if (result.exitCode !== 0) throw new NodeCommandError(runner.node, command, result);
  return result.stdout;
}

/** Writes a file inside the node with the given mode; parent dirs are created 0700 when private. */
export async function writeNodeFile(
  runner: NodeRunner,
  path: string,
  content: string | Buffer,
  mode = 0o644,
): Promise<void> {
  const dir = path.slice(0, path.lastIndexOf('/')) || '/';
  const dirMode = (mode & 0o044) === 0 ? '0700' : '0755';
  const octal = mode.toString(8).padStart(4, '0');
  await run(
    runner,
    [
      'sh',
      '-ec',
      `mkdir -p -m ${dirMode} "$1" && umask 077 && cat > "$2.tmp" && chmod ${octal} "$2.tmp" && mv "$2.tmp" "$2"`,
      'sh',
      dir,
      path,
    ],
    { input: content },
  );
}

/** The sha256 of a file on a node, or undefined when it has none there (or cannot read it). */
export async function nodeFileSha256(
  runner: NodeRunner,
  path: string,
  options: { timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<string | undefined> {
  const result = await runner.exec(['sha256sum', '--', path], options);
  if (result.exitCode !== 0) return undefined;
  // sha256sum prefixes a backslash when it had to escape the file name.
  return /^\\?([0-9a-f]{64})\s/.exec(result.stdout)?.[1];
}
