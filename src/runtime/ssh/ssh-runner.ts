import { RuntimeError } from '../../core/errors.js';
import type { ExecOptions, ExecResult, NodeRunner } from '../node-runner.js';
import type { LineStream } from '../provider.js';
import { shellJoin } from './shell-quote.js';
import type { SshConnection } from './ssh-connection.js';

/**
 * A node reached over SSH, for everything that provisions or probes it through NodeRunner.
 * Commands run as root: directly when the login is root, else through `sudo -n` (never a
 * prompt: a host whose sudo wants a password is named and refused, not left waiting).
 */
export class SshRunner implements NodeRunner {
  constructor(
    readonly connection: SshConnection,
    readonly node: string,
  ) {}

  /** True when commands need `sudo -n` to run as root. */
  get usesSudo(): boolean {
    return this.connection.target.user !== 'root';
  }

  async exec(command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const result = await this.connection.exec(this.commandLine(command), options);
    if (this.usesSudo) this.checkSudo(result);
    return result;
  }

  /** A long-running command as root whose stdout is read line by line (`ip monitor`). */
  async streamLines(command: string[], onLine: (line: string) => void): Promise<LineStream> {
    return this.connection.streamLines(this.commandLine(command), onLine);
  }

  private commandLine(command: string[]): string {
    if (command.length === 0) throw new TypeError(`${this.node}: an empty command`);
    return this.usesSudo ? `sudo -n -- ${shellJoin(command)}` : shellJoin(command);
  }

  /** sudo's own failures look like the command's; these two are told apart by sudo's words. */
  private checkSudo(result: ExecResult): void {
    const { user, address } = this.connection.target;
    const who = `${this.node} (${user}@${address})`;
    if (result.exitCode === 1 && /^sudo: (.*\b)?a password is required/m.test(result.stderr)) {
      throw new RuntimeError(
        'sudo-needs-password',
        `${who}: sudo asks ${user} for a password: allow passwordless sudo for ${user} (a line "${user} ALL=(ALL) NOPASSWD: ALL" in /etc/sudoers.d/)`,
      );
    }
    if (result.exitCode === 127 && /\bsudo: (command )?not found/.test(result.stderr)) {
      throw new RuntimeError(
        'sudo-missing',
        `${who}: sudo is not installed: install it and allow passwordless sudo for ${user}, or log in as root`,
      );
    }
  }
}
