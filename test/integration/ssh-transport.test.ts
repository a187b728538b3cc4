import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { utils } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HaLabError, RuntimeError, UsageError } from '../../src/core/errors.js';
import { waitFor } from '../../src/core/wait.js';
import { HostKeyVerifier, type HostKeyPolicy } from '../../src/runtime/ssh/host-key-policy.js';
import { fileSha256, uploadFile } from '../../src/runtime/ssh/sftp-upload.js';
import { connectSsh } from '../../src/runtime/ssh/ssh-connect.js';
import type { SshConnection, SshTarget } from '../../src/runtime/ssh/ssh-connection.js';
import { SshRunner } from '../../src/runtime/ssh/ssh-runner.js';
import {
  createBridgeNetwork,
  ensureMachineImage,
  inMachine,
  leftoversByLabel,
  removeByLabel,
  startMachine,
  waitForPort,
} from '../support/machines.js';

/**
 * The SSH transport against a real sshd: a Debian "machine" container reached by its IP, a
 * key pair made by the test, host keys checked against what ssh-keygen says on the machine.
 */
const TEST_LABEL = 'io.ha-lab.test=ssh';
const LABELS = { 'io.ha-lab.managed': 'true', 'io.ha-lab.test': 'ssh' };
const suffix = process.pid.toString(36);
const MB = 1024 * 1024;

let dir: string;
let machine: { name: string; ip: string };
let unusedIp: string;
let identityFile: string;
let wrongIdentityFile: string;
let pinFile: string;
const open: SshConnection[] = [];

function target(user: string, overrides: Partial<SshTarget> = {}): SshTarget {
  return { name: 'm0', address: machine.ip, port: 22, user, identityFile, ...overrides };
}

function verifier(policy: Partial<HostKeyPolicy> = {}): HostKeyVerifier {
  return new HostKeyVerifier({
    knownHostsFile: join(dir, 'known_hosts'),
    pinFile,
    acceptNew: false,
    ...policy,
  });
}

async function connect(t: SshTarget, hostKeys: HostKeyVerifier): Promise<SshConnection> {
  const connection = await connectSsh(t, { hostKeys });
  open.push(connection);
  return connection;
}

async function failure(work: Promise<unknown>): Promise<HaLabError> {
  const error: unknown = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HaLabError);
  expect((error as Error).message).not.toContain('\n');
  return error as HaLabError;
}

async function machineFingerprint(): Promise<string> {
  const line = await inMachine(machine.name, 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
  return line.split(' ')[1]!;
}

describe('SSH transport against a real sshd', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ha-lab-ssh-'));
    pinFile = join(dir, 'state', 'host-keys.json');
    const image = await ensureMachineImage();
    const network = await createBridgeNetwork(`ha-lab-test-ssh-${suffix}`, LABELS);
    unusedIp = `${network.prefix}.250`;
    machine = await startMachine(image, `ha-lab-test-ssh-${suffix}`, network.name, LABELS);
    const key = utils.generateKeyPairSync('ed25519');
    const wrong = utils.generateKeyPairSync('ed25519');
    identityFile = join(dir, 'id_ed25519');
    wrongIdentityFile = join(dir, 'wrong_ed25519');
    await writeFile(identityFile, key.private, { mode: 0o600 });
    await writeFile(wrongIdentityFile, wrong.private, { mode: 0o600 });
    await inMachine(
      machine.name,
      'k=$(cat); for h in /home/lab /home/pw /root; do u=$(stat -c %U $h); ' +
        'printf "%s\\n" "$k" > $h/.ssh/authorized_keys; chown $u: $h/.ssh/authorized_keys; chmod 600 $h/.ssh/authorized_keys; done',
      key.public,
    );
  });

  afterAll(async () => {
    for (const connection of open) connection.close();
    await removeByLabel(TEST_LABEL);
    if (dir) await rm(dir, { recursive: true, force: true });
    expect(await leftoversByLabel(TEST_LABEL)).toEqual({ containers: 0, networks: 0 });
  });

  it('stops on an unknown host key with exit 2 and the fingerprint ssh-keygen computes on the host', async () => {
    const error = await failure(connectSsh(target('lab'), { hostKeys: verifier() }));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(2);
    const fingerprint = await machineFingerprint();
    expect(fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(error.message).toContain(`unknown host key ED25519 key ${fingerprint}`);
    expect(error.message).toContain(
      `ssh-keyscan -p 22 ${machine.ip} >> ${join(dir, 'known_hosts')}`,
    );
    expect(error.message).toContain('--accept-new-host-keys');
  });

  it('pins the key with --accept-new-host-keys (0600 in a 0700 dir) and trusts it afterwards', async () => {
    await connect(target('lab'), verifier({ acceptNew: true }));
    expect((await stat(pinFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'state'))).mode & 0o777).toBe(0o700);
    await connect(target('lab'), verifier());
  });

  it('runs commands as root through sudo -n, with argv intact and input through stdin', async () => {
    const runner = new SshRunner(await connect(target('lab'), verifier()), 'master-0');
    expect((await runner.exec(['id', '-u'])).stdout.trim()).toBe('0');
    const word = `it's "$HOME" \`id\` *`;
    expect((await runner.exec(['printf', '%s', word])).stdout).toBe(word);
    const secret = randomBytes(32).toString('hex');
    const written = await runner.exec(['sh', '-c', 'cat > /root/secret && cat /root/secret'], {
      input: secret,
    });
    expect(written).toEqual({ stdout: secret, stderr: '', exitCode: 0 });
    // Nothing of the input reached a command line the host's process list could show.
    expect(
      await inMachine(machine.name, 'cat /proc/[0-9]*/cmdline 2>/dev/null | tr "\\0" " "'),
    ).not.toContain(secret);
    expect((await runner.exec(['sh', '-c', 'exit 7'])).exitCode).toBe(7);
  });

  it("runs 24 overlapping commands on one connection past sshd's MaxSessions (10)", async () => {
    const runner = new SshRunner(await connect(target('lab'), verifier()), 'master-0');
    // Each holds its channel long enough for all of them to be asked for at once.
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) => runner.exec(['sh', '-c', `sleep 0.3; echo ${i}`])),
    );
    expect(results.map((r) => r.stdout.trim())).toEqual(
      Array.from({ length: 24 }, (_, i) => String(i)),
    );
  });

  it('names the host in one line when sudo asks user pw for a password', async () => {
    const runner = new SshRunner(await connect(target('pw'), verifier()), 'master-0');
    const error = await failure(runner.exec(['id', '-u']));
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error.code).toBe('sudo-needs-password');
    expect(error.message).toBe(
      `master-0 (pw@${machine.ip}): sudo asks pw for a password: allow passwordless sudo for pw (a line "pw ALL=(ALL) NOPASSWD: ALL" in /etc/sudoers.d/)`,
    );
  });

  it('ends a command at its timeout or abort, and the command does not run on', async () => {
    const runner = new SshRunner(await connect(target('lab'), verifier()), 'master-0');
    const started = Date.now();
    const timeout = await failure(runner.exec(['sleep', '301'], { timeoutMs: 1_000 }));
    expect(timeout.code).toBe('exec-timeout');
    expect(Date.now() - started).toBeLessThan(3_000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('Ctrl-C')), 500);
    await expect(runner.exec(['sleep', '302'], { signal: controller.signal })).rejects.toThrow(
      'Ctrl-C',
    );
    await waitFor(
      async () => ((await runner.exec(['pgrep', '-x', 'sleep'])).exitCode === 1 ? true : undefined),
      { what: 'the timed-out and aborted sleeps to end', timeoutMs: 5_000, intervalMs: 200 },
    );
  });

  it('refuses a wrong key with one line naming user@host and the key', async () => {
    const error = await failure(
      connectSsh(target('lab', { identityFile: wrongIdentityFile }), { hostKeys: verifier() }),
    );
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error.code).toBe('ssh-auth-failed');
    expect(error.message).toContain(`lab@${machine.ip}:22 refused the key ${wrongIdentityFile}`);
  });

  it('fails within 10 s on an address nothing answers on, and at once on a closed port', async () => {
    let started = Date.now();
    const silent = await failure(
      connectSsh(target('lab', { address: unusedIp }), { hostKeys: verifier() }),
    );
    expect(Date.now() - started).toBeLessThan(10_500);
    expect(silent.code).toBe('ssh-unreachable');
    expect(silent.exitCode).toBe(1);
    expect(silent.message).toMatch(
      new RegExp(`^m0 \\(${unusedIp.replaceAll('.', '\\.')}:22\\) is unreachable: `),
    );
    started = Date.now();
    const closed = await failure(
      connectSsh(target('lab', { port: 2222 }), { hostKeys: verifier() }),
    );
    expect(closed.message).toBe(`m0 (${machine.ip}:2222) is unreachable: connection refused`);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('uploads 20 MB through sudo with the right sha256 and mode, then skips it', async () => {
    const runner = new SshRunner(await connect(target('lab'), verifier()), 'master-0');
    const local = join(dir, 'blob');
    await writeFile(local, randomBytes(20 * MB));
    const first = await uploadFile(runner, local, '/opt/ha-lab-test/bin/blob', { mode: 0o750 });
    expect(first).toMatchObject({ skipped: false, bytesSent: 20 * MB, resumedFrom: 0 });
    const remote = await inMachine(
      machine.name,
      'sha256sum /opt/ha-lab-test/bin/blob; stat -c "%a %U" /opt/ha-lab-test/bin/blob',
    );
    expect(remote).toBe(`${await fileSha256(local)}  /opt/ha-lab-test/bin/blob\n750 root`);
    // Nothing is left in the staging directory.
    expect(await inMachine(machine.name, 'ls -A /home/lab/.cache/ha-lab/uploads')).toBe('');
    const second = await uploadFile(runner, local, '/opt/ha-lab-test/bin/blob', { mode: 0o750 });
    expect(second).toMatchObject({ skipped: true, bytesSent: 0 });
  });

  it('resumes an interrupted upload and sends only the rest (root login, no sudo)', async () => {
    const runner = new SshRunner(await connect(target('root'), verifier()), 'master-0');
    expect(runner.usesSudo).toBe(false);
    const local = join(dir, 'image.tar');
    await writeFile(local, randomBytes(20 * MB));
    const controller = new AbortController();
    const cut = uploadFile(runner, local, '/var/lib/ha-lab-test/image.tar', {
      signal: controller.signal,
      onProgress: (sent) => {
        if (sent >= 6 * MB) controller.abort(new Error('cut off'));
      },
    });
    await expect(cut).rejects.toThrow('cut off');
    const partSize = Number(
      await inMachine(machine.name, 'stat -c %s /var/lib/ha-lab-test/image.tar.part'),
    );
    expect(partSize).toBeGreaterThanOrEqual(6 * MB);
    expect(partSize).toBeLessThan(20 * MB);
    const resumed = await uploadFile(runner, local, '/var/lib/ha-lab-test/image.tar');
    expect(resumed).toMatchObject({
      skipped: false,
      resumedFrom: partSize,
      bytesSent: 20 * MB - partSize,
    });
    expect(await inMachine(machine.name, 'sha256sum < /var/lib/ha-lab-test/image.tar')).toBe(
      `${await fileSha256(local)}  -`,
    );
    expect(await inMachine(machine.name, 'ls /var/lib/ha-lab-test')).toBe('image.tar');
  });

  it('notices a host that stops answering through keepalive and fails the command running on it', async () => {
    const runner = new SshRunner(await connect(target('lab'), verifier()), 'master-0');
    await execa('docker', ['pause', machine.name]);
    try {
      const started = Date.now();
      const lost = await failure(runner.exec(['true'], { timeoutMs: 60_000 }));
      expect(lost.code).toBe('ssh-connection-lost');
      // 3 unanswered keepalives 5 s apart, well before the command's own 60 s.
      expect(Date.now() - started).toBeLessThan(25_000);
      expect(runner.connection.isOpen).toBe(false);
    } finally {
      await execa('docker', ['unpause', machine.name]);
    }
  });

  it('refuses a host whose key changed after it was pinned, with exit 1', async () => {
    const before = await machineFingerprint();
    await inMachine(
      machine.name,
      "rm -f /etc/ssh/ssh_host_ed25519_key*; ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key; kill -HUP $(pgrep -o -x sshd)",
    );
    const after = await machineFingerprint();
    expect(after).not.toBe(before);
    await waitForPort(machine.ip, 22);
    const error = await failure(
      connectSsh(target('lab'), { hostKeys: verifier({ acceptNew: true }) }),
    );
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain('host key changed');
    expect(error.message).toContain(after);
    expect(error.message).toContain(`(${before})`);
  });
});
