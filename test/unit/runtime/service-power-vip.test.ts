import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type HeldAddress, signalScript } from '../../../src/runtime/ssh/service-power.js';

const VIP: HeldAddress = { address: '172.30.0.100', prefix: 24, interface: 'eth0' };
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs only what the kill script does after its last SIGKILL (the part that touches no
 * process) with a fake `ip` that shows `shown` addresses and records every call.
 */
function releaseCalls(script: string, shown: string): string[] {
  const tail = script.slice(script.lastIndexOf('signal_all KILL\n') + 'signal_all KILL\n'.length);
  const dir = mkdtempSync(join(tmpdir(), 'ha-lab-vip-'));
  dirs.push(dir);
  const log = join(dir, 'calls');
  writeFileSync(log, '');
  writeFileSync(
    join(dir, 'ip'),
    `#!/bin/sh\necho "$*" >> ${log}\nif [ "$1 $2" = "-o addr" ]; then printf '%s\\n' "${shown}"; fi\n`,
  );
  chmodSync(join(dir, 'ip'), 0o755);
  const ran = spawnSync('sh', ['-ec', tail], {
    encoding: 'utf8',
    env: { PATH: `${dir}:/usr/bin:/bin` },
  });
  expect(ran.status, ran.stderr).toBe(0);
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

describe('a kill by signals on a master', () => {
  it('takes the VIP off the interface when keepalived died holding it', () => {
    const calls = releaseCalls(
      signalScript('kill', 10, VIP),
      '2: eth0    inet 172.30.0.100/24 scope global secondary eth0',
    );
    expect(calls).toEqual(['-o addr show dev eth0', 'addr del 172.30.0.100/24 dev eth0']);
  });

  it('leaves the interface alone when the VIP is not there (a backup, or stop let keepalived release it)', () => {
    const calls = releaseCalls(
      signalScript('stop', 10, VIP),
      '2: eth0    inet 172.30.0.11/24 scope global eth0',
    );
    expect(calls).toEqual(['-o addr show dev eth0']);
  });

  it('touches no address on a worker, and not on start, pause or unpause', () => {
    expect(signalScript('kill', 10)).not.toContain('addr del');
    for (const action of ['start', 'pause', 'unpause'] as const) {
      expect(signalScript(action, 10, VIP)).not.toContain('addr del');
    }
  });

  it('quotes an interface name the shell would otherwise read', () => {
    const script = signalScript('kill', 10, { ...VIP, interface: 'br-lab;x' });
    expect(script).toContain("dev 'br-lab;x'");
    expect(spawnSync('sh', ['-n', '-c', script]).status).toBe(0);
  });
});
