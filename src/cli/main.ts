#!/usr/bin/env node
import { CommanderError } from 'commander';
import { ExitCode } from '../core/errors.js';
import { validateLabName } from '../core/topology.js';
import { readLabState } from '../lab/lab-state.js';
import { DockerProvider } from '../runtime/docker-provider.js';
import { openInventoryLab } from './inventory-lab.js';
import type { Provider } from '../runtime/provider.js';
import type { CliContext } from './cli-context.js';
import { failureOf } from './exit-status.js';
import { asTyped } from './prog-name.js';
import { buildProgram } from './program.js';
import { installSignalHandlers } from './signals.js';

/**
 * The thin entry point: run one command and map what it threw to the project's exit codes
 * (0 ok, 1 runtime, 2 usage, 3 check failed, 130/143 interrupted). One line, no stack trace,
 * unless --debug.
 */
async function main(argv: string[]): Promise<number> {
  const controller = installSignalHandlers();
  // The Docker engine today: one provider per command, handed down to everything below.
  let provider: Provider | undefined;
  const ctx: CliContext = {
    signal: controller.signal,
    usageErrors: [],
    stdout: process.stdout,
    stderr: process.stderr,
    provider: () => (provider ??= new DockerProvider()),
    reach: async () => {
      const reached = ctx.provider();
      await reached.ping();
      return reached;
    },
    labProvider: async (lab) => {
      const state = await readLabState(validateLabName(lab));
      if (!state?.inventory) return ctx.reach();
      const { knownHosts } = state.inventory;
      const access = await openInventoryLab(
        state,
        knownHosts === undefined ? {} : { knownHosts },
        controller.signal,
      );
      provider = access.provider;
      await access.provider.ping();
      return access.provider;
    },
  };
  const program = buildProgram(ctx);
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.exitCode === 0
      )
        return ExitCode.ok;
      const message = ctx.usageErrors.join(' ').replace(/^error:\s*/i, '') || error.message;
      process.stderr.write(asTyped(`ha-lab: ${message.split('\n')[0]} (see \`ha-lab --help\`)\n`));
      return ExitCode.usage;
    }
    const failure = failureOf(error, controller.signal);
    process.stderr.write(asTyped(`ha-lab: ${failure.message}\n`));
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return failure.exitCode;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
    // Idle sockets of the engine client can hold the loop open; never let them hang the CLI.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`ha-lab: ${String(error)}\n`);
    process.exitCode = ExitCode.runtime;
  },
);
