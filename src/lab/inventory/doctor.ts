import { asHaLabError } from '../../core/errors.js';
import { mapLimit } from '../../core/map-limit.js';
import { judgeInventory } from './doctor-judge.js';
import type { HostOutcome, InventoryDoctorReport } from './doctor-report.js';
import { hostProbeCommand, parseHostFacts } from './host-probe.js';
import type { ConnectHost, HostSession } from './host-session.js';
import type { Inventory, InventoryHost } from './model.js';

/**
 * An inventory has at most six hosts, so all are checked at once: a host that takes its full
 * connect timeout then delays nobody. The bound stays for when inventories grow.
 */
const DOCTOR_PARALLEL = 6;
/**
 * The bound is the whole command reporting an unreachable host within 10 s: the
 * handshake gets 8 s of it, the rest is Node starting and the inventory being read.
 */
const CONNECT_TIMEOUT_MS = 8_000;
/** The script reads files and runs a few short commands: 30 s means the host is stuck. */
const PROBE_TIMEOUT_MS = 30_000;

export interface InventoryDoctorOptions {
  connect: ConnectHost;
  signal: AbortSignal;
  parallel?: number;
  connectTimeoutMs?: number;
  probeTimeoutMs?: number;
  /** The operator's clock, for the clock offsets (tests hold it still). */
  now?: () => number;
}

/**
 * `doctor --inventory`: connects to every host, runs the one probe script on each and judges
 * what came back. A host that fails becomes a line in the report, never an exception, so one
 * bad host does not hide what the others have to say; only Ctrl-C ends the whole check.
 */
export async function doctorInventory(
  inventory: Inventory,
  options: InventoryDoctorOptions,
): Promise<InventoryDoctorReport> {
  const outcomes = await mapLimit(
    inventory.hosts,
    options.parallel ?? DOCTOR_PARALLEL,
    (host) => checkHost(inventory, host, options),
    options.signal,
  );
  return judgeInventory(inventory, outcomes);
}

async function checkHost(
  inventory: Inventory,
  host: InventoryHost,
  options: InventoryDoctorOptions,
): Promise<HostOutcome> {
  const now = options.now ?? Date.now;
  let session: HostSession | undefined;
  try {
    session = await options.connect(host, {
      signal: options.signal,
      timeoutMs: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    });
    const sentAtMs = now();
    const result = await session.runner.exec(hostProbeCommand(inventory, host), {
      timeoutMs: options.probeTimeoutMs ?? PROBE_TIMEOUT_MS,
      signal: options.signal,
    });
    const receivedAtMs = now();
    if (result.exitCode !== 0) {
      const said = (result.stderr.trim() || result.stdout.trim()).split('\n')[0] ?? '';
      return failed(host, 'host-check-failed', `the host check exited ${result.exitCode}: ${said}`);
    }
    let facts;
    try {
      facts = parseHostFacts(result.stdout);
    } catch (error) {
      return failed(host, 'host-check-failed', (error as Error).message);
    }
    return { host, reached: true, facts, usesSudo: session.usesSudo, sentAtMs, receivedAtMs };
  } catch (error) {
    // Ctrl-C is the user's, not the host's: it ends the command instead of becoming a line.
    options.signal.throwIfAborted();
    const { code, message, exitCode } = asHaLabError(error);
    return { host, reached: false, error: { code, message, exitCode } };
  } finally {
    session?.close();
  }
}

function failed(host: InventoryHost, code: string, why: string): HostOutcome {
  return {
    host,
    reached: false,
    error: { code, message: `${host.name} (${host.address}:${host.port}): ${why}`, exitCode: 1 },
  };
}
