import { PassThrough } from 'node:stream';
import { RuntimeError } from '../core/errors.js';
import type Docker from 'dockerode';
import { engineCall } from './docker-client.js';
import type { ExecOptions, ExecResult, NodeRunner } from './node-runner.js';

/** Largest stdin we pass through the environment (Linux caps one argument/env string at 128 KiB). */
const MAX_INPUT_BYTES = 96 * 1024;

/**
 * Runs commands in a node with `docker exec`. Stdin is passed base64-encoded through an
 * environment variable rather than a hijacked stream: half-closing a hijacked connection is
 * unreliable across engines and loses output.
 */
export class DockerExecRunner implements NodeRunner {
  constructor(
    private readonly docker: Docker,
    readonly node: string,
    private readonly containerName: string,
  ) {}

  async exec(command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const env: string[] = [];
    let cmd = command;
    if (options.input !== undefined) {
      const encoded = Buffer.from(options.input).toString('base64');
      if (encoded.length > MAX_INPUT_BYTES * 1.4) {
        throw new RuntimeError(
          'input-too-large',
          `${this.node}: input for ${command[0]} is too large`,
        );
      }
      env.push(`HALAB_STDIN=${encoded}`);
      cmd = ['sh', '-c', 'printf %s "$HALAB_STDIN" | base64 -d | "$@"', 'sh', ...command];
    }
    const timeoutMs = options.timeoutMs ?? 120_000;
    return engineCall(`exec on ${this.node}`, async () => {
      const container = this.docker.getContainer(this.containerName);
      const exec = await container.exec({
        Cmd: cmd,
        Env: env,
        AttachStdout: true,
        AttachStderr: true,
      });
      const stream = await exec.start({ hijack: true, stdin: false });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      const out = new PassThrough().on('data', (c: Buffer) => stdout.push(c));
      const err = new PassThrough().on('data', (c: Buffer) => stderr.push(c));
      this.docker.modem.demuxStream(stream, out, err);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          stream.destroy();
          reject(
            new RuntimeError(
              'exec-timeout',
              `${this.node}: \`${command.join(' ').slice(0, 80)}\` did not finish within ${Math.round(timeoutMs / 1000)} s`,
            ),
          );
        }, timeoutMs);
        const onAbort = () => {
          clearTimeout(timer);
          stream.destroy();
          reject(options.signal?.reason ?? new Error('aborted'));
        };
        options.signal?.addEventListener('abort', onAbort, { once: true });
        stream.on('end', () => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          resolve();
        });
        stream.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
      });
      const info = await exec.inspect();
      return {
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        exitCode: info.ExitCode ?? -1,
      };
    });
  }
}
