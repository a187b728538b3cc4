import { RuntimeError, UsageError } from '../../core/errors.js';
import { HOST_LEDGER_PATH, type HostLedger, parseLedger } from '../../provision/host-ledger.js';
import {
  type HostTeardownInput,
  renderHostCheck,
  renderHostTeardown,
} from '../../provision/host-teardown.js';
import { type NodeRunner, run } from '../../runtime/node-runner.js';

/**
 * Returns one inventory host to how ha-lab found it (provision/host-teardown.ts), then looks
 * again: what the teardown could not remove is named rather than assumed gone, so `down`
 * fails on a host that keeps something back and running it again finishes the job.
 */

export interface HostDownOptions {
  vip: string;
  vipPrefix: number;
  vipInterface: string;
  signal: AbortSignal;
  /** The lab being taken down: a host whose ledger names another lab is refused, untouched. */
  lab?: string;
}

export interface HostDownResult {
  host: string;
  /** One line per thing removed, stopped or restored; empty when there was nothing to do. */
  removed: string[];
  /** What is still there afterwards; empty when the host is clean. */
  leftovers: string[];
}

const READ_TIMEOUT_MS = 60_000;
/**
 * Units stopped (2 min each at worst), `kubeadm reset` (2 min), dpkg purging ~40 packages
 * and waiting up to 2 min for its lock: well inside this on any host that is not stuck.
 */
const TEARDOWN_TIMEOUT_MS = 900_000;
const CHECK_TIMEOUT_MS = 120_000;
const LEFTOVER = 'leftover ';

export async function downHost(
  runner: NodeRunner,
  options: HostDownOptions,
): Promise<HostDownResult> {
  const { signal } = options;
  const ledger = await readHostLedger(runner, signal);
  // ha-lab writes the ledger before its first change to a host: without one, whatever runs
  // there (someone's own Kubernetes, keepalived, containerd) is not ha-lab's to remove.
  if (!ledger) return { host: runner.node, removed: [], leftovers: [] };
  if (options.lab !== undefined && ledger.lab !== options.lab) {
    throw new UsageError(
      'host-in-other-lab',
      `${runner.node}: holds ha-lab lab "${ledger.lab}", not "${options.lab}": run \`ha-lab down --name ${ledger.lab}\` (or down --inventory with its file) instead`,
    );
  }
  const input: HostTeardownInput = {
    ledger,
    vip: options.vip,
    vipPrefix: options.vipPrefix,
    vipInterface: options.vipInterface,
  };
  const removed = await run(runner, ['bash', '-c', renderHostTeardown(input), 'ha-lab-down'], {
    timeoutMs: TEARDOWN_TIMEOUT_MS,
    signal,
  });
  const check = await run(runner, ['bash', '-c', renderHostCheck(input), 'ha-lab-check'], {
    timeoutMs: CHECK_TIMEOUT_MS,
    signal,
  });
  // The teardown names the rules it kept itself: once it purged iptables, no check can list them.
  const said = [...lines(removed), ...lines(check)];
  const leftover = (l: string) => l.startsWith(LEFTOVER);
  return {
    host: runner.node,
    removed: lines(removed).filter((l) => !leftover(l)),
    leftovers: [...new Set(said.filter(leftover).map((l) => l.slice(LEFTOVER.length)))],
  };
}

/**
 * The host's ledger, or undefined when it has none. One that is there but unreadable stops
 * the teardown: going on without it would leave the packages it names installed.
 */
export async function readHostLedger(
  runner: NodeRunner,
  signal?: AbortSignal,
): Promise<HostLedger | undefined> {
  // Exit 3 tells "no ledger" apart from a failing cat (or sudo).
  const read = 'if [ -e "$1" ]; then cat -- "$1"; else exit 3; fi';
  const result = await runner.exec(['sh', '-c', read, 'sh', HOST_LEDGER_PATH], {
    timeoutMs: READ_TIMEOUT_MS,
    signal,
  });
  if (result.exitCode === 3) return undefined;
  const ledger = result.exitCode === 0 ? parseLedger(result.stdout) : undefined;
  if (ledger || (result.exitCode === 0 && result.stdout.trim() === '')) return ledger;
  throw new RuntimeError(
    'host-ledger-unreadable',
    `${runner.node}: cannot read ${HOST_LEDGER_PATH} (what ha-lab installed there): ${(result.stderr.trim() || 'not a ledger').split('\n')[0]}; repair or remove it, then run down again`,
  );
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}
