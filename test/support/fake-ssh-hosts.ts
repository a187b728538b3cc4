import { RuntimeError } from '../../src/core/errors.js';
import {
  containerName,
  LABEL_LAB,
  LABEL_MANAGED,
  LABEL_NODE,
  LABEL_ROLE,
} from '../../src/core/topology.js';
import type { ExecResult } from '../../src/runtime/node-runner.js';
import type { LineStream } from '../../src/runtime/provider.js';
import { unreachable } from '../../src/runtime/ssh/connect-errors.js';
import type { ConnectFn } from '../../src/runtime/ssh/host-links.js';
import { HostKeyVerifier } from '../../src/runtime/ssh/host-key-policy.js';
import type { SshConnection, SshTarget } from '../../src/runtime/ssh/ssh-connection.js';
import { SshProvider, type SshMachine } from '../../src/runtime/ssh/ssh-provider.js';

/** Answers a command line run on a host; undefined means "exit 0, no output". */
export type HostScript = (line: string) => Partial<ExecResult> | undefined;

/**
 * A host behind the SSH connection layer, for unit tests of the SSH provider: it records
 * every command line and stream it is given, answers from a script, counts its connections
 * and can stop answering or drop the connection it has (a power cycle).
 */
export class FakeSshHost {
  /** Every command line, in order, on whichever connection it came. */
  readonly lines: string[] = [];
  readonly streams: { line: string; onLine: (line: string) => void; close: () => void }[] = [];
  connects = 0;
  closes = 0;
  answering = true;
  script: HostScript = () => undefined;
  connection: FakeConnection | undefined;

  constructor(readonly target: SshTarget) {}

  open(): FakeConnection {
    this.connects++;
    if (!this.answering) throw unreachable(this.target, 'connection refused');
    this.connection = new FakeConnection(this);
    return this.connection;
  }

  /** The connection breaks under the provider, as a power cycle breaks it. */
  lose(): void {
    if (this.connection) this.connection.isOpen = false;
  }
}

export class FakeConnection {
  isOpen = true;

  constructor(private readonly host: FakeSshHost) {}

  get target(): SshTarget {
    return this.host.target;
  }

  async exec(line: string): Promise<ExecResult> {
    if (!this.isOpen) {
      throw new RuntimeError(
        'ssh-connection-lost',
        `${this.target.name}: the SSH connection was lost`,
      );
    }
    this.host.lines.push(line);
    return { stdout: '', stderr: '', exitCode: 0, ...this.host.script(line) };
  }

  async streamLines(line: string, onLine: (line: string) => void): Promise<LineStream> {
    let end!: () => void;
    const ended = new Promise<void>((resolve) => {
      end = resolve;
    });
    this.host.streams.push({ line, onLine, close: () => end() });
    return { ended, close: () => end() };
  }

  async sftp(): Promise<never> {
    throw new Error('the fake host has no SFTP');
  }

  close(): void {
    this.isOpen = false;
    this.host.closes++;
  }
}

export const LAB = 'fake-lab';
export const NODES = [
  { node: 'master-0', role: 'master' },
  { node: 'master-1', role: 'master' },
  { node: 'worker-0', role: 'worker' },
] as const;

/** The machine name of a node of the fake lab. */
export const machineOf = (node: string): string => containerName(LAB, node);

export interface FakeHostsLab {
  provider: SshProvider;
  hosts: Map<string, FakeSshHost>;
  host(node: string): FakeSshHost;
}

/**
 * An SSH provider over fake hosts, one per node, logged in as `lab` (so through sudo);
 * `power` gives a node power commands.
 */
export function fakeHostsLab(
  power: Record<string, { powerOff: string[]; powerOn: string[] }> = {},
): FakeHostsLab {
  const hosts = new Map<string, FakeSshHost>();
  const machines: SshMachine[] = NODES.map(({ node, role }, i) => {
    const target: SshTarget = {
      name: node,
      address: `10.0.0.${10 + i}`,
      port: 22,
      user: 'lab',
      identityFile: '/nonexistent/id_ed25519',
    };
    hosts.set(node, new FakeSshHost(target));
    return {
      machine: machineOf(node),
      node,
      target,
      labels: { [LABEL_MANAGED]: 'true', [LABEL_LAB]: LAB, [LABEL_NODE]: node, [LABEL_ROLE]: role },
      interface: 'ens3',
      ...(power[node] ?? {}),
    };
  });
  const connect: ConnectFn = async (target) =>
    hosts.get(target.name)!.open() as unknown as SshConnection;
  const provider = new SshProvider({
    address: '/tmp/lab.yaml',
    machines,
    hostKeys: new HostKeyVerifier({ knownHostsFile: '/nonexistent/known_hosts', acceptNew: false }),
    connect,
  });
  return { provider, hosts, host: (node) => hosts.get(node)! };
}

/** What the inspect script prints for a host in this state. */
export function inspectOutput(containerd: string, states = ''): Partial<ExecResult> {
  return { stdout: `containerd=${containerd}\n${states ? `states=${states}\n` : ''}` };
}
