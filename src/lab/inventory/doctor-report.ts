import type { Role } from '../../core/topology.js';
import type { HostFacts } from './host-probe.js';
import type { InventoryHost, InventoryVip } from './model.js';

/** What gathering got from one host: its facts, or why there are none. */
export type HostOutcome =
  | {
      host: InventoryHost;
      reached: true;
      facts: HostFacts;
      /** True when commands went through `sudo -n` (a login other than root). */
      usesSudo: boolean;
      /** The operator's clock just before the script started and just after it answered. */
      sentAtMs: number;
      receivedAtMs: number;
    }
  | {
      host: InventoryHost;
      reached: false;
      /** The HaLabError the connection or the script ended with, as plain data. */
      error: { code: string; message: string; exitCode: number };
    };

/**
 * - `checked`: the script ran as root and its facts are judged.
 * - `bad-input`: refused before a session for something the user fixes in their input (an
 *   unknown host key, an unusable key file): exit 2.
 * - `unreachable`: no session, or the session broke: nothing answers, the login or the host
 *   key was refused, the script did not finish: exit 1.
 * - `no-sudo`: logged in, but sudo needs a password or is missing: a failed check (exit 3).
 */
export type HostStatus = 'checked' | 'bad-input' | 'unreachable' | 'no-sudo';

export interface HostReport {
  name: string;
  role: Role;
  address: string;
  port: number;
  user: string;
  status: HostStatus;
  /** Why the host was not checked (status other than `checked`). */
  error?: { code: string; message: string };
  facts?: HostFacts;
  usesSudo?: boolean;
  /** Required packages (by Debian name) the host lacks. */
  missingPackages?: string[];
  /** The host's clock minus the operator's, and how far off that estimate can be. */
  clock?: { offsetMs: number; uncertaintyMs: number };
}

export type DoctorCheck =
  | 'connect'
  | 'sudo'
  | 'os'
  | 'packages'
  | 'systemd'
  | 'disk'
  | 'memory'
  | 'swap'
  | 'address'
  | 'interface'
  | 'vip'
  | 'clock';

/** One line of the report: `message` starts with the host's name. */
export interface DoctorFinding {
  host: string;
  check: DoctorCheck;
  message: string;
}

export type DoctorExitCode = 0 | 1 | 2 | 3;

export interface InventoryDoctorReport {
  /** The inventory file, as messages name it. */
  inventory: string;
  vip: InventoryVip;
  hosts: HostReport[];
  /** What must be fixed before `up --inventory`. */
  problems: DoctorFinding[];
  /** Worth knowing, not in the way. */
  warnings: DoctorFinding[];
  /** 2 bad input (wins), else 1 a host not reached, else 3 a problem, else 0. */
  exitCode: DoctorExitCode;
}
