import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HaLabError } from '../../../src/core/errors.js';
import type { MachineEvent } from '../../../src/runtime/provider.js';
import { LAB_UNITS, signalScript } from '../../../src/runtime/ssh/service-power.js';
import { LAB, fakeHostsLab, inspectOutput, machineOf } from '../../support/fake-ssh-hosts.js';

const M0 = machineOf('master-0');
let dir: string;
let log: string;

/** A power command that appends its word to the test's log: a real argv, run without a shell. */
const note = (word: string) => [
  process.execPath,
  '-e',
  `require('node:fs').appendFileSync(${JSON.stringify(log)}, ${JSON.stringify(`${word}\n`)})`,
];
const logged = async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').slice(0, -1);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ha-lab-ssh-power-'));
  log = join(dir, 'power.log');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SCRIPT_RUN = 'sudo -n -- sh -ec ';

/** The script of a line that runs one through sudo, as the remote shell unquotes it. */
function unquoted(line: string): string {
  expect(line.startsWith(SCRIPT_RUN)).toBe(true);
  const quoted = line.slice(SCRIPT_RUN.length);
  return quoted.slice(1, -1).replaceAll(`'\\''`, `'`);
}

/** The one signal script run on the host (through sudo). */
function scriptRun(lines: string[]): string {
  const scripts = lines.filter((l) => l.startsWith(SCRIPT_RUN));
  expect(scripts).toHaveLength(1);
  return unquoted(scripts[0]!);
}

describe('SSH provider power with power commands', () => {
  it('kills with powerOff, drops the connection, and tells watchers the machine died', async () => {
    const lab = fakeHostsLab({ 'master-0': { powerOff: note('off'), powerOn: note('on') } });
    const events: MachineEvent[] = [];
    await lab.provider.watchEvents({ 'io.ha-lab.lab': LAB }, (e) => events.push(e));
    await lab.provider.runner('master-0', M0).exec(['true']);
    await lab.provider.power(M0, 'kill');
    expect(await logged()).toEqual(['off']);
    expect(lab.host('master-0').closes).toBe(1);
    // Nothing was signalled on the host: its power was switched off instead.
    expect(lab.host('master-0').lines).toEqual(['sudo -n -- true']);
    expect(events.map((e) => [e.action, e.name, e.labels['io.ha-lab.node']])).toEqual([
      ['die', M0, 'master-0'],
    ]);
    expect(lab.provider.powerMethod(M0)).toBe('power-command');
    expect(lab.provider.powerMethod(machineOf('master-1'))).toBe('service-signals');
  });

  it('starts with powerOn and returns once the host answers SSH again', async () => {
    const lab = fakeHostsLab({ 'master-0': { powerOff: note('off'), powerOn: note('on') } });
    const host = lab.host('master-0');
    host.answering = false;
    setTimeout(() => (host.answering = true), 1_500);
    const events: string[] = [];
    await lab.provider.watchEvents({}, (e) => events.push(e.action));
    await lab.provider.power(M0, 'start');
    expect(await logged()).toEqual(['on']);
    expect(host.connects).toBeGreaterThan(1);
    expect(host.connection?.isOpen).toBe(true);
    expect(events).toEqual(['start']);
  });

  it('restarts as off, then on', async () => {
    const lab = fakeHostsLab({ 'master-0': { powerOff: note('off'), powerOn: note('on') } });
    const events: string[] = [];
    await lab.provider.watchEvents({}, (e) => events.push(e.action));
    await lab.provider.power(M0, 'restart');
    expect(await logged()).toEqual(['off', 'on']);
    expect(events).toEqual(['die', 'start']);
  });

  it("fails in one line naming the machine, the command and stderr's first line", async () => {
    const failing = [
      process.execPath,
      '-e',
      'console.error("domain not found"); console.error("second line"); process.exit(3)',
    ];
    const lab = fakeHostsLab({ 'master-0': { powerOff: failing, powerOn: note('on') } });
    const error = await lab.provider.power(M0, 'stop').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HaLabError);
    expect((error as HaLabError).code).toBe('power-command-failed');
    expect((error as Error).message).toBe(
      `${M0}: \`${failing.join(' ')}\` exited 3: domain not found`,
    );
  });

  it('pauses with signals even when the host has power commands', async () => {
    const lab = fakeHostsLab({ 'master-0': { powerOff: note('off'), powerOn: note('on') } });
    await lab.provider.power(M0, 'pause');
    expect(scriptRun(lab.host('master-0').lines)).toContain('signal_all STOP');
    expect(await logged()).toEqual([]);
  });

  it('refuses a machine given only one of powerOff and powerOn, with exit 2', () => {
    expect(() => fakeHostsLab({ 'master-0': { powerOff: note('off') } as never })).toThrow(
      expect.objectContaining({ code: 'power-commands-incomplete', exitCode: 2 }),
    );
  });
});

describe('SSH provider power with service signals', () => {
  it('kills every lab process with SIGKILL, then stops the units so Restart= brings none back', async () => {
    const lab = fakeHostsLab();
    const events: string[] = [];
    await lab.provider.watchEvents({ 'io.ha-lab.node': 'master-0' }, (e) => events.push(e.action));
    await lab.provider.power(M0, 'kill');
    const line = scriptRun(lab.host('master-0').lines);
    const firstKill = line.indexOf('signal_all KILL\n');
    expect(firstKill).toBeGreaterThan(0);
    expect(line.indexOf('systemctl stop $(services)', firstKill)).toBeGreaterThan(firstKill);
    expect(line).not.toContain('signal_all TERM');
    for (const unit of ['kubelet', 'etcd', 'keepalived', 'halab-podnet', 'containerd']) {
      expect(line).toContain(unit);
    }
    // Pods (kubepods, either cgroup version) and shims are among what is killed.
    expect(line).toContain("-name 'kubepods*'");
    expect(line).toContain("pgrep '^containerd-shim'");
    expect(events).toEqual(['die']);
  });

  it('stops with SIGTERM first and the grace period given, then SIGKILL', async () => {
    const lab = fakeHostsLab();
    await lab.provider.power(M0, 'stop', 7);
    const line = scriptRun(lab.host('master-0').lines);
    const term = line.indexOf('signal_all TERM');
    expect(term).toBeGreaterThan(0);
    expect(line).toContain('deadline=$(( $(date +%s) + 7 ))');
    expect(line.indexOf('signal_all KILL')).toBeGreaterThan(term);
  });

  it('starts containerd first, then etcd, keepalived and the pod network if enabled, kubelet last', async () => {
    const lab = fakeHostsLab();
    await lab.provider.power(M0, 'start');
    const line = scriptRun(lab.host('master-0').lines);
    const at = (text: string) => line.indexOf(text);
    expect(at('systemctl start containerd.service')).toBeGreaterThan(0);
    expect(at('for u in etcd keepalived')).toBeGreaterThan(
      at('systemctl start containerd.service'),
    );
    expect(at('is-enabled --quiet "$u.service"')).toBeGreaterThan(0);
    expect(at('systemctl start halab-podnet.service')).toBeGreaterThan(at('for u in etcd'));
    expect(at('systemctl start --no-block kubelet.service')).toBeGreaterThan(
      at('systemctl start halab-podnet.service'),
    );
    expect(line).not.toMatch(/^signal_all [A-Z]/m);
  });

  it('restarts as stop, then start', async () => {
    const lab = fakeHostsLab();
    const events: string[] = [];
    await lab.provider.watchEvents({}, (e) => events.push(e.action));
    await lab.provider.power(M0, 'restart');
    const lines = lab.host('master-0').lines;
    expect(lines).toHaveLength(2);
    expect(unquoted(lines[0]!)).toContain('signal_all TERM');
    expect(unquoted(lines[1]!)).toContain('systemctl start containerd.service');
    expect(events).toEqual(['die', 'start']);
  });

  it('pauses and unpauses with SIGSTOP and SIGCONT, and inspect reports a stopped lab as paused', async () => {
    const lab = fakeHostsLab();
    const host = lab.host('master-0');
    const events: string[] = [];
    await lab.provider.watchEvents({}, (e) => events.push(e.action));
    await lab.provider.power(M0, 'pause');
    expect(unquoted(host.lines.at(-1)!)).toMatch(/^signal_all STOP$/m);
    host.script = (line) =>
      line.includes('containerd=%s') ? inspectOutput('active', 'TTTT') : undefined;
    expect(await lab.provider.inspectMachine(M0)).toMatchObject({ running: true, paused: true });
    await lab.provider.power(M0, 'unpause');
    expect(unquoted(host.lines.at(-1)!)).toMatch(/^signal_all CONT$/m);
    expect(events).toEqual(['pause', 'unpause']);
  });

  it('writes every script as valid POSIX sh', () => {
    for (const action of ['kill', 'stop', 'start', 'pause', 'unpause'] as const) {
      const check = spawnSync('sh', ['-n', '-c', signalScript(action)], { encoding: 'utf8' });
      expect(check.status, `${action}: ${check.stderr}`).toBe(0);
    }
    expect(LAB_UNITS).toEqual(['kubelet', 'etcd', 'keepalived', 'halab-podnet', 'containerd']);
  });
});
