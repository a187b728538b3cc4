import { HaLabError, RuntimeError } from '../../core/errors.js';
import type { SessionExemption } from '../network-faults.js';
import type { MachineInfo } from '../provider.js';
import type { HostRunner } from './host-links.js';
import { INSPECT_SCRIPT, parseInspect } from './service-power.js';

/** A host that does not answer SSH this fast counts as down (the bound of `docker inspect`). */
export const ANSWER_TIMEOUT_MS = 3_000;
/** The inspect script walks the cgroup tree; a busy host may take a moment more. */
const INSPECT_SCRIPT_TIMEOUT_MS = 6_000;

/**
 * The failures that mean "the host is not answering now" (powered off, rebooting, frozen),
 * as opposed to ones a retry would not change (a refused key, a changed host key, sudo
 * asking for a password), which are passed on.
 */
const NOT_ANSWERING = new Set([
  'ssh-unreachable',
  'ssh-connection-lost',
  'ssh-channel-closed',
  'ssh-channel-failed',
  'ssh-failed',
  'exec-timeout',
]);

export function notAnswering(error: unknown): boolean {
  return error instanceof HaLabError && NOT_ANSWERING.has(error.code);
}

/**
 * A host as `inspectMachine` reports it: running when it answers SSH and its containerd is
 * active (the machine's "power" is the lab's services); paused when the lab's processes are
 * stopped by a signal. No pid: nothing of the host is a process on the operator's machine.
 */
export async function inspectHost(runner: HostRunner, signal?: AbortSignal): Promise<MachineInfo> {
  const host = `${runner.target.user}@${runner.target.address}:${runner.target.port}`;
  try {
    const session = await runner.current(ANSWER_TIMEOUT_MS);
    const result = await session.exec(['sh', '-c', INSPECT_SCRIPT], {
      timeoutMs: INSPECT_SCRIPT_TIMEOUT_MS,
      signal,
    });
    const state = parseInspect(result.stdout);
    return {
      running: state.containerd === 'active',
      paused: state.stopped > 0,
      pid: undefined,
      details: { host, reachable: true, ...state },
    };
  } catch (error) {
    if (!notAnswering(error)) throw error;
    return {
      running: false,
      paused: false,
      pid: undefined,
      details: { host, reachable: false, error: (error as Error).message },
    };
  }
}

/** The IPv4 addresses on the host's lab interface; undefined when it does not answer. */
export async function interfaceAddresses(
  runner: HostRunner,
  iface: string,
): Promise<string[] | undefined> {
  try {
    const session = await runner.current(ANSWER_TIMEOUT_MS);
    const result = await session.exec(['ip', '-4', '-o', 'addr', 'show', 'dev', iface], {
      timeoutMs: ANSWER_TIMEOUT_MS,
    });
    if (result.exitCode !== 0) return undefined;
    return [...result.stdout.matchAll(/ inet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1]!);
  } catch {
    return undefined;
  }
}

/**
 * The operator's SSH session as the host sees it ($SSH_CONNECTION: client address and port,
 * server address and port), so a partition of the host can leave it alone: after NAT or a
 * port forward these differ from what the operator dialled. Read without sudo, which would
 * clear the variable. Undefined for a session over IPv6, which an IPv4 partition leaves be.
 */
export async function sessionExemption(
  runner: HostRunner,
  signal?: AbortSignal,
): Promise<SessionExemption | undefined> {
  const connection = (await runner.current()).connection;
  const result = await connection.exec('printf %s "$SSH_CONNECTION"', {
    timeoutMs: 10_000,
    signal,
  });
  const [operator, , host, port] = result.stdout.trim().split(/\s+/);
  if (result.exitCode !== 0 || !operator || !host || !port) {
    throw new RuntimeError(
      'partition-unsafe',
      `${runner.node}: cannot tell the addresses of ha-lab's SSH session (SSH_CONNECTION is unset), and a partition would cut it off the host: not partitioning`,
    );
  }
  if (operator.includes(':') || host.includes(':')) return undefined;
  return { operator, host, port: Number(port) };
}
