import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTopology, findNode } from '../../../src/core/topology.js';
import { HOST_IMAGE_DIR } from '../../../src/lab/artifacts/host-bundle.js';
import { VRRP_STATE_FILE } from '../../../src/lab/evidence/node-facts.js';
import { HOST_DEB_DIR } from '../../../src/lab/inventory/host-deb-install.js';
import { stagingDir } from '../../../src/lab/upgrade/stage.js';
import {
  HOST_LEDGER_DIR,
  type HostLedger,
  emptyLedger,
} from '../../../src/provision/host-ledger.js';
import { NODE_FOOTPRINT, RULE_COMMENT_PREFIX } from '../../../src/provision/host-footprint.js';
import {
  type HostTeardownInput,
  renderHostCheck,
  renderHostTeardown,
} from '../../../src/provision/host-teardown.js';
import { renderPodNetworkScript } from '../../../src/provision/podnet.js';
import { blockVrrp, partition } from '../../../src/runtime/network-faults.js';
import type { NodeRunner } from '../../../src/runtime/node-runner.js';

/**
 * The scripts are never run here (they would tear down this machine): bash checks their
 * syntax, and evaluates only their variable assignments and pure text functions, so what
 * reaches the host is read back exactly as bash sees it.
 */
const ledger: HostLedger = {
  ...emptyLedger('lab1'),
  packages: ['containerd', 'runc', 'keepalived'],
  files: ['/usr/local/bin/kubeadm', '/etc/containerd/config.toml', "/opt/it's here/$(touch x)"],
  dirs: [HOST_LEDGER_DIR, '/etc/ha-lab'],
  backups: {
    '/etc/containerd/config.toml': `${HOST_LEDGER_DIR}/backup/etc/containerd/config.toml`,
  },
  units: ['kubelet.service', 'extra.service'],
  sysctls: { 'net.ipv4.ip_forward': '0', 'kernel.panic': '0' },
};
const input = (l: HostLedger | undefined): HostTeardownInput => ({
  ledger: l,
  vip: '10.1.2.200',
  vipPrefix: 24,
  vipInterface: 'ens3',
});

/** The words of a bash array the script assigns, as bash reads them. */
function array(script: string, name: string): string[] {
  const line = script.split('\n').find((l) => l.startsWith(`${name}=(`));
  if (!line) throw new Error(`no ${name}`);
  const out = execFileSync('bash', [
    '-c',
    `${line}\nfor w in "\${${name}[@]}"; do printf '%s\\0' "$w"; done`,
  ]);
  return out.toString().split('\0').slice(0, -1);
}

/** Runs one of the script's own definitions (everything before its first step) on `call`. */
function definitions(script: string, call: string, env: Record<string, string>): string {
  const head = script.slice(0, script.indexOf('\nstop_unit() {'));
  return execFileSync('bash', ['-c', `${head}\n${call} >&3`], { env: { ...env } }).toString();
}

describe('renderHostTeardown', () => {
  const script = renderHostTeardown(input(ledger));

  it('is valid bash, with and without a ledger', () => {
    for (const text of [script, renderHostTeardown(input(undefined))]) {
      expect(() => execFileSync('bash', ['-n', '-c', text])).not.toThrow();
    }
  });

  it("purges exactly the ledger's packages, and none without a ledger", () => {
    expect(array(script, 'PACKAGES')).toEqual(ledger.packages);
    expect(array(renderHostTeardown(input(undefined)), 'PACKAGES')).toEqual([]);
    expect(array(renderHostTeardown(input(emptyLedger('l'))), 'PACKAGES')).toEqual([]);
    // dpkg, which refuses to take the host's own dependants along, never apt.
    expect(script).toContain('dpkg --purge "${present[@]}"');
    expect(script).not.toMatch(/apt-get (purge|remove)/);
  });

  it('removes the HA footprint and the ledger entries, each path one word however it is spelt', () => {
    const files = array(script, 'FILES');
    const dirs = array(script, 'DIRS');
    expect(files).toEqual(expect.arrayContaining([...NODE_FOOTPRINT.files, ...ledger.files]));
    expect(files).toContain("/opt/it's here/$(touch x)");
    expect(dirs).toEqual(expect.arrayContaining([...NODE_FOOTPRINT.dirs, '/etc/ha-lab']));
    expect(new Set(files).size).toBe(files.length);
  });

  it('restores the backups after the purge, and removes the ledger (holding them) last', () => {
    expect(array(script, 'BACKUPS')).toEqual(Object.entries(ledger.backups).flat());
    expect(array(script, 'DIRS')).not.toContain(HOST_LEDGER_DIR);
    const at = (text: string) => script.indexOf(text);
    expect(at('dpkg --purge')).toBeLessThan(at('cp -a "$copy" "$f"'));
    // Rules are looked at while iptables and arptables (maybe ha-lab's) are still there.
    expect(at('\nrules_left\n')).toBeGreaterThan(at('-restore" --noflush'));
    expect(at('\nrules_left\n')).toBeLessThan(at('dpkg --purge'));
    // Not into a directory the purge took: that "original" was the package's own file.
    expect(script).toContain('[ ! -d "$(dirname "$f")" ] || { cp -a "$copy" "$f"');
    expect(script.trimEnd().split('\n').slice(-2)).toEqual([
      `remove '${HOST_LEDGER_DIR}'`,
      'exit 0',
    ]);
  });

  it('puts back the recorded sysctls, reloading the host files only for a ledger without them', () => {
    expect(array(script, 'SYSCTLS')).toEqual(['net.ipv4.ip_forward', '0', 'kernel.panic', '0']);
    expect(script).toContain('sysctl -q -w "$k=$v"');
    expect(script).toMatch(/if \[ \$\{#SYSCTLS\[@\]\} = 0 \] && .*sysctl -q --system/);
  });

  it('stops units before kubeadm reset, and containerd only after it and only when ha-lab installed it', () => {
    expect(array(script, 'UNITS')).toEqual([
      ...NODE_FOOTPRINT.units,
      'extra.service',
      'containerd.service',
    ]);
    const at = (text: string) => script.indexOf(text);
    expect(at('stop_unit "$u"')).toBeLessThan(at('kubeadm reset -f'));
    expect(at('kubeadm reset -f')).toBeLessThan(at('stop_unit containerd.service'));
    expect(script).toMatch(/timeout \d+ kubeadm reset/);
    expect(script).toContain('if has systemctl && true; then stop_unit containerd.service');
    const hostsOwn = renderHostTeardown(input({ ...ledger, packages: ['runc'] }));
    expect(array(hostsOwn, 'UNITS')).not.toContain('containerd.service');
    expect(array(hostsOwn, 'DIRS')).not.toContain('/var/lib/containerd');
    // The host's containerd ran with ha-lab's config: it is restarted with its own.
    expect(hostsOwn).toMatch(/if true && systemctl is-active -q containerd.service/);
  });

  it('releases exactly the VIP keepalived added, on the inventory interface', () => {
    expect(script).toContain("VIP='10.1.2.200' VIP_PREFIX='24' VIP_IF='ens3'");
    expect(script).toContain('ip addr del "$VIP/$VIP_PREFIX" dev "$VIP_IF"');
  });

  it("picks out kube-proxy's, CNI's and ha-lab's iptables rules, never the host's own", () => {
    const rules = [
      '-P INPUT ACCEPT',
      '-N KUBE-SERVICES',
      '-N CNI-HOSTPORT-DNAT',
      '-N DOCKER',
      '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      '-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
      '-A POSTROUTING -s 10.244.1.0/24 -o eth0 -m comment --comment "ha-lab pod to lab network" -j MASQUERADE',
      '-A INPUT -s 10.1.2.0/24 -m comment --comment ha-lab-partition -j DROP',
      '-A KUBE-SERVICES -j RETURN',
      '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
      '-A INPUT -p tcp --dport 22 -m comment --comment "ssh from kube-admins" -j ACCEPT',
    ].join('\n');
    expect(definitions(script, 'ours "$RULES"', { RULES: rules }).trim().split('\n')).toEqual([
      rules.split('\n')[4],
      rules.split('\n')[5],
      rules.split('\n')[6],
      rules.split('\n')[7],
    ]);
    expect(definitions(script, 'chains "$RULES"', { RULES: rules }).trim().split('\n')).toEqual([
      'KUBE-SERVICES',
      'CNI-HOSTPORT-DNAT',
    ]);
  });

  it('does nothing on a host without a ledger beyond what the HA phases leave', () => {
    const bare = renderHostTeardown(input(undefined));
    expect(array(bare, 'FILES')).toEqual([...NODE_FOOTPRINT.files]);
    expect(array(bare, 'BACKUPS')).toEqual([]);
    expect(array(bare, 'SYSCTLS')).toEqual([]);
  });
});

describe('NODE_FOOTPRINT', () => {
  it('holds the roots named in the layers above provision', () => {
    for (const path of [VRRP_STATE_FILE, HOST_IMAGE_DIR, stagingDir('v1.36.3'), HOST_DEB_DIR]) {
      expect(NODE_FOOTPRINT.dirs.some((d) => path.startsWith(`${d}/`))).toBe(true);
    }
    expect(NODE_FOOTPRINT.dirs).toEqual(
      expect.arrayContaining(['/etc/kubernetes', '/var/lib/etcd', '/etc/etcd', '/var/lib/kubelet']),
    );
    expect(NODE_FOOTPRINT.units).toEqual(
      expect.arrayContaining(['kubelet.service', 'etcd.service', 'halab-podnet.service']),
    );
    expect(NODE_FOOTPRINT.dirs).toContain(dirname(HOST_IMAGE_DIR));
  });

  it("matches every comment ha-lab puts on an iptables rule (faults and the pod network's)", async () => {
    const commands: string[] = [];
    const runner: NodeRunner = {
      node: 'm0',
      exec: async (command) => {
        commands.push(command.join(' '));
        return { stdout: '', stderr: '', exitCode: 0 };
      },
    };
    await partition(runner, '10.1.2.0/24');
    await blockVrrp(runner);
    const topology = buildTopology('ha-lab', '172.30.5.0/24');
    commands.push(renderPodNetworkScript(topology, findNode(topology, 'worker-0')));
    const comments = commands.join('\n').match(/--comment ["']?[^\s"']+/g) ?? [];
    expect(comments.length).toBeGreaterThanOrEqual(3);
    for (const c of comments) expect(c.replace(/^--comment ["']?/, '')).toMatch(/^ha-lab/);
    expect(RULE_COMMENT_PREFIX).toBe('ha-lab');
  });
});

describe('renderHostCheck', () => {
  const check = renderHostCheck(input(ledger));

  it('is valid bash that reads the same lists as the teardown', () => {
    expect(() => execFileSync('bash', ['-n', '-c', check])).not.toThrow();
    expect(array(check, 'PACKAGES')).toEqual(ledger.packages);
    expect(array(check, 'SYSCTLS')).toEqual(array(renderHostTeardown(input(ledger)), 'SYSCTLS'));
  });

  it('counts a restored original, and the directories holding it, as the host’s own', () => {
    const line = check.split('\n').find((l) => l.startsWith('for f in '))!;
    const words = execFileSync('bash', [
      '-c',
      `${line.replace(/; do$/, '')}; do printf '%s\\0' "$f"; done`,
    ])
      .toString()
      .split('\0')
      .slice(0, -1);
    expect(words).toContain('/etc/kubernetes');
    expect(words).toContain(HOST_LEDGER_DIR);
    expect(words).not.toContain('/etc/containerd/config.toml');
    expect(words).not.toContain('/etc/containerd');
  });
});
