import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readLabState } from '../../src/lab/lab-state.js';
import {
  createBridgeNetwork,
  ensureMachineImage,
  inMachine,
  leftoversByLabel,
  machineRun,
  removeByLabel,
  startMachine,
} from '../support/machines.js';
import { type InProcessRun, runWithoutEngine } from '../support/in-process-cli.js';

/**
 * `up --inventory` on bad input: each case ends with its exit status and one line, no stack
 * trace, no lab state and nothing on the hosts. Four plain sshd machines (3 masters + 1
 * worker) stand in for the user's hosts; the CLI runs in-process with an engine that must
 * never be asked, and an empty cache, so a case that wrongly got past `connect` stops at the
 * host bundle instead of preparing the hosts.
 */
const { run: RUN, filter: RUN_LABEL, labels: LABELS } = machineRun('up-input');
const NAMES = ['m0', 'm1', 'm2', 'w0'] as const;
type Name = (typeof NAMES)[number];
const LAB = `upin-${process.pid.toString(36)}`;
/** What `up` would leave on a host once it got past `connect` (ledger, files, staging). */
const HOST_PATHS = [
  '/var/lib/ha-lab-host',
  '/var/lib/ha-lab',
  '/etc/ha-lab',
  '/home/lab/.cache/ha-lab',
  '/home/pw/.cache/ha-lab',
];

let dir: string;
let stateDir: string;
let prefix: string;
const machines = {} as Record<Name, { name: string; ip: string }>;

interface HostLine {
  name: string;
  address?: string;
  port?: number;
  user?: string;
  key?: string;
}

/**
 * Writes an inventory: line 1 the VIP, 2 knownHosts, 3 `hosts:`, then five lines per host
 * (six with a port), so the expected `file:line` of a problem can be counted.
 */
async function inventory(
  file: string,
  hosts: HostLine[] = NAMES.map((name) => ({ name })),
  { vip = `${prefix}.200`, knownHosts = './known_hosts' } = {},
): Promise<string> {
  const lines = hosts.flatMap((h) => [
    `  - name: ${h.name}`,
    `    address: ${h.address ?? machines[h.name as Name].ip}`,
    ...(h.port === undefined ? [] : [`    port: ${h.port}`]),
    `    user: ${h.user ?? 'lab'}`,
    `    identityFile: ./${h.key ?? 'id_ed25519'}`,
    `    role: ${h.name.startsWith('m') ? 'master' : 'worker'}`,
  ]);
  const text = [
    `vip: { address: ${vip}, interface: eth0, prefix: 24 }`,
    `knownHosts: ${knownHosts}`,
    'hosts:',
    ...lines,
    '',
  ];
  const path = join(dir, file);
  await writeFile(path, text.join('\n'));
  return path;
}

/** known_hosts with each machine's current key, the way `ssh-keyscan >> known_hosts` would. */
async function pinKeys(): Promise<void> {
  const lines = await Promise.all(
    NAMES.map(async (name) => {
      const m = machines[name];
      return `${m.ip} ${await inMachine(m.name, 'cat /etc/ssh/ssh_host_ed25519_key.pub')}`;
    }),
  );
  await writeFile(join(dir, 'known_hosts'), `${lines.join('\n')}\n`);
}

async function fingerprint(name: Name): Promise<string> {
  const line = await inMachine(
    machines[name].name,
    'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub',
  );
  return line.split(' ')[1]!;
}

/** `ha-lab up --inventory FILE` in-process, timed; an engine lookup would fail the test. */
async function up(file: string): Promise<InProcessRun & { tookMs: number }> {
  vi.stubEnv('DOCKER_HOST', 'tcp://127.0.0.1:9');
  const started = Date.now();
  try {
    const result = await runWithoutEngine(
      ['up', '--inventory', file, '--name', LAB, '--no-tui'],
      'up --inventory asked for the Docker engine',
    );
    return { ...result, tookMs: Date.now() - started };
  } finally {
    vi.unstubAllEnvs();
  }
}

/** Every host as usual but `name`, which gets `patch`. */
const withHost = (name: Name, patch: Omit<HostLine, 'name'>): HostLine[] =>
  NAMES.map((n) => ({ name: n, ...(n === name ? patch : {}) }));

/**
 * The refusal (`start`: how the message begins), then what it must not have left: a lab
 * state, anything of the lab in the state root (its lock included), anything on the hosts.
 * Last, the issue's "one line", counted as bad-input.test.ts counts it: stderr as a user sees
 * it, i.e. what the command printed, then main()'s `ha-lab: MESSAGE`.
 */
async function expectRefused(
  result: InProcessRun,
  exit: number,
  start: string | RegExp,
): Promise<void> {
  expect(result.exit, `${result.stdout}${result.message}`).toBe(exit);
  if (typeof start === 'string') expect(result.message.slice(0, start.length)).toBe(start);
  else expect(result.message).toMatch(start);
  expect(result.message).not.toContain('\n');
  expect(result.stdout).not.toMatch(/^\s+at /m);
  expect(await readLabState(LAB)).toBeUndefined();
  expect((await readdir(stateDir).catch(() => [])).filter((e) => e.startsWith(LAB))).toEqual([]);
  for (const name of NAMES) {
    const found = await inMachine(
      machines[name].name,
      `for p in ${HOST_PATHS.join(' ')}; do if [ -e "$p" ]; then echo "$p"; fi; done`,
    );
    expect(found, `written on ${name}`).toBe('');
  }
  const stderr = `${result.stdout}ha-lab: ${result.message}\n`;
  expect(stderr.split('\n').filter(Boolean), 'stderr of `ha-lab up --inventory`').toEqual([
    `ha-lab: ${result.message}`,
  ]);
}

describe('up --inventory on bad input', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ha-lab-up-input-'));
    stateDir = join(dir, 'state');
    process.env.HA_LAB_STATE_DIR = stateDir;
    // No host bundle to be found: a case that got past `connect` fails before writing.
    process.env.HA_LAB_CACHE_DIR = join(dir, 'cache');
    const image = await ensureMachineImage();
    const network = await createBridgeNetwork(`ha-lab-test-${RUN}`, LABELS);
    prefix = network.prefix;
    const started = await Promise.all(
      NAMES.map((name) => startMachine(image, `ha-lab-test-${RUN}-${name}`, network.name, LABELS)),
    );
    NAMES.forEach((name, i) => (machines[name] = started[i]!));
    const key = utils.generateKeyPairSync('ed25519');
    await writeFile(join(dir, 'id_ed25519'), key.private, { mode: 0o600 });
    // A well-formed key no host has in authorized_keys.
    const stranger = utils.generateKeyPairSync('ed25519');
    await writeFile(join(dir, 'wrong_id'), stranger.private, { mode: 0o600 });
    await writeFile(join(dir, 'empty_known_hosts'), '');
    await Promise.all(
      started.map((m) =>
        inMachine(
          m.name,
          'k=$(cat); for h in /home/lab /home/pw; do u=$(stat -c %U $h); ' +
            'printf "%s\\n" "$k" > $h/.ssh/authorized_keys; chown $u: $h/.ssh/authorized_keys; chmod 600 $h/.ssh/authorized_keys; done',
          key.public,
        ),
      ),
    );
    await pinKeys();
  });

  afterAll(async () => {
    await removeByLabel(RUN_LABEL);
    delete process.env.HA_LAB_STATE_DIR;
    delete process.env.HA_LAB_CACHE_DIR;
    if (dir) await rm(dir, { recursive: true, force: true });
    expect(await leftoversByLabel(RUN_LABEL)).toEqual({ containers: 0, networks: 0 });
  });

  it('exit 2 on an unknown host key, naming its fingerprint and --accept-new-host-keys', async () => {
    const file = await inventory('unknown.yaml', undefined, { knownHosts: './empty_known_hosts' });
    const result = await up(file);
    // All four are unknown; the first to answer is named.
    const match = /^(m0|m1|m2|w0) \((\S+):22\): unknown host key ED25519 key (SHA256:\S+): /.exec(
      result.message,
    );
    expect(match, result.message).not.toBeNull();
    const name = match![1] as Name;
    expect([match![2], match![3]]).toEqual([machines[name].ip, await fingerprint(name)]);
    await expectRefused(result, 2, /or pass --accept-new-host-keys$/);
  });

  it('exit 1 "host key changed" when a host presents another key than known_hosts has', async () => {
    const m1 = machines.m1;
    // sshd re-executes itself for every connection and reads the new key then: no restart.
    await inMachine(
      m1.name,
      "rm -f /etc/ssh/ssh_host_ed25519_key*; ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key",
    );
    try {
      const result = await up(await inventory('lab.yaml'));
      await expectRefused(
        result,
        1,
        `m1 (${m1.ip}:22): host key changed: the host presented ED25519 key ${await fingerprint('m1')}, not the key in ${join(dir, 'known_hosts')}:2; `,
      );
    } finally {
      await pinKeys();
    }
  });

  it('exit 1 when a host refuses the key, naming user@host and the key file', async () => {
    const result = await up(await inventory('wrong-key.yaml', withHost('w0', { key: 'wrong_id' })));
    await expectRefused(
      result,
      1,
      `w0: lab@${machines.w0.ip}:22 refused the key ${join(dir, 'wrong_id')}: add its public key`,
    );
  });

  it('exit 1 within 10 s for an address nothing answers on', async () => {
    const address = `${prefix}.250`;
    const result = await up(await inventory('nobody.yaml', withHost('w0', { address })));
    // Soft: a slow refusal still gets its other checks.
    expect.soft(result.tookMs, result.message).toBeLessThan(10_000);
    await expectRefused(result, 1, `w0 (${address}:22) is unreachable: `);
  });

  it('exit 1 within 10 s for a host that takes the TCP connection and never speaks SSH', async () => {
    // The slowest unreachable host (a firewall that drops SYNs is as slow): nothing refuses,
    // so only the connect timeout ends it.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const hosts = withHost('w0', { address: '127.0.0.1', port });
      const result = await up(await inventory('silent.yaml', hosts));
      expect.soft(result.tookMs, result.message).toBeLessThan(10_000);
      await expectRefused(result, 1, `w0 (127.0.0.1:${port}) is unreachable: `);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('exit 1 naming the host when its sudo asks for a password', async () => {
    const result = await up(await inventory('sudo.yaml', withHost('m1', { user: 'pw' })));
    await expectRefused(
      result,
      1,
      `m1 (pw@${machines.m1.ip}): sudo asks pw for a password: allow passwordless sudo for pw`,
    );
  });

  // The file alone is wrong: refused before any connection, at addresses no machine has.
  const offline = (names: readonly string[], octets = [10, 11, 12, 13]) =>
    names.map((name, i) => ({ name, address: `192.0.2.${octets[i]}` }));
  it.each([
    {
      what: 'two masters',
      hosts: offline(['m0', 'm1', 'w0']),
      vip: '192.0.2.200',
      // `hosts:` is line 3.
      line: '3: hosts: an inventory needs exactly 3 masters, found 2 (m0, m1)',
    },
    {
      what: 'two hosts at one address',
      hosts: offline(NAMES, [10, 10, 12, 13]),
      vip: '192.0.2.200',
      // hosts[1] starts on line 9, its address on line 10.
      line: '10: hosts[1].address: 192.0.2.10 is the address of both m0 and m1',
    },
    {
      what: "a VIP outside the hosts' subnet",
      hosts: offline(NAMES),
      vip: '198.51.100.200',
      line: "1: vip.address: 198.51.100.200 is outside 192.0.2.0/24, the subnet of m0 (192.0.2.10) with prefix 24: the VIP must be on the masters' network",
    },
  ])('exit 2 with file:line for $what', async ({ what, hosts, vip, line }) => {
    const file = await inventory(`${what.replaceAll(/\W+/g, '-')}.yaml`, hosts, { vip });
    const result = await up(file);
    // The whole message: one problem, so one line.
    expect(result.message).toBe(`${file}:${line}`);
    await expectRefused(result, 2, `${file}:${line}`);
  });
});
