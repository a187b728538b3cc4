import { describe, expect, it } from 'vitest';
import { buildTopology, masters, type NodeSpec } from '../../../src/core/topology.js';
import {
  confFind,
  expectedVipHolderAfterRestore,
  KEEPALIVED_BOOTSTRAP_MARKER,
  KEEPALIVED_CHECK_SCRIPT_PATH,
  parseKeepalivedConf,
  renderApiCheckScript,
  renderKeepalivedConf,
  virtualRouterId,
  type ConfNode,
  type KeepalivedOptions,
  type KeepalivedProfile,
} from '../../../src/provision/keepalived.js';

const topology = buildTopology('ha-lab', '172.30.5.0/24');

interface Parsed {
  globalDefs: ConfNode[];
  script: ConfNode[];
  instance: ConfNode[];
}

function render(
  master: NodeSpec,
  profile: KeepalivedProfile = 'default',
  options: KeepalivedOptions = {},
): Parsed {
  const conf = parseKeepalivedConf(renderKeepalivedConf(topology, master, profile, options));
  const blocks = conf.filter((n) => n.children);
  expect(blocks.map((b) => b.words[0])).toEqual(['global_defs', 'vrrp_script', 'vrrp_instance']);
  return {
    globalDefs: confFind(conf, 'global_defs')?.children ?? [],
    script: confFind(conf, 'vrrp_script')?.children ?? [],
    instance: confFind(conf, 'vrrp_instance')?.children ?? [],
  };
}

/** The single value of a one-argument statement. */
function value(nodes: ConfNode[], key: string): string | undefined {
  const node = confFind(nodes, key);
  expect(node?.children, `${key} is a statement`).toBeUndefined();
  return node?.words[1];
}

function has(nodes: ConfNode[], key: string): boolean {
  return confFind(nodes, key) !== undefined;
}

const profiles: KeepalivedProfile[] = ['default', 'fast'];

describe('renderKeepalivedConf', () => {
  it.each(profiles)(
    'lists exactly the two other masters as unicast peers, one per line (%s)',
    (p) => {
      for (const master of masters(topology)) {
        const { instance } = render(master, p);
        expect(value(instance, 'unicast_src_ip')).toBe(master.ip);
        const peers = confFind(instance, 'unicast_peer');
        expect(peers?.children?.every((c) => c.words.length === 1)).toBe(true);
        const others = masters(topology).filter((m) => m.name !== master.name);
        expect(peers?.children?.map((c) => c.words[0]).sort()).toEqual(
          others.map((m) => m.ip).sort(),
        );
      }
    },
  );

  it('gives the masters distinct priorities from the topology', () => {
    const priorities = masters(topology).map((m) => Number(value(render(m).instance, 'priority')));
    expect(priorities).toEqual(masters(topology).map((m) => m.priority));
    expect(new Set(priorities).size).toBe(3);
  });

  it('shares one virtual router id per lab, within 1..255 and stable', () => {
    const ids = masters(topology).map((m) => value(render(m).instance, 'virtual_router_id'));
    expect(new Set(ids).size).toBe(1);
    expect(Number(ids[0])).toBe(virtualRouterId('ha-lab'));
    expect(virtualRouterId('ha-lab')).toBe(virtualRouterId('ha-lab'));
    for (const lab of ['a', 'ha-lab', 'lab-2', 'x'.repeat(30)]) {
      expect(virtualRouterId(lab)).toBeGreaterThanOrEqual(1);
      expect(virtualRouterId(lab)).toBeLessThanOrEqual(255);
    }
    expect(virtualRouterId('lab-1')).not.toBe(virtualRouterId('lab-2'));
  });

  it.each(profiles)('puts the VIP on eth0 with the lab prefix length (%s)', (p) => {
    const { instance } = render(masters(topology)[0] as NodeSpec, p);
    expect(value(instance, 'interface')).toBe('eth0');
    expect(confFind(instance, 'virtual_ipaddress')?.children).toEqual([
      { words: ['172.30.5.200/24', 'dev', 'eth0'] },
    ]);
  });

  it("puts an inventory's VIP on the hosts' interface with the inventory's prefix", () => {
    const hosts = {
      ...topology,
      vip: '192.168.8.50',
      vipNetwork: { interface: 'ens3', prefix: 22 },
    };
    const conf = parseKeepalivedConf(renderKeepalivedConf(hosts, masters(hosts)[0] as NodeSpec));
    const instance = confFind(conf, 'vrrp_instance')?.children ?? [];
    expect(value(instance, 'interface')).toBe('ens3');
    expect(confFind(instance, 'virtual_ipaddress')?.children).toEqual([
      { words: ['192.168.8.50/22', 'dev', 'ens3'] },
    ]);
  });

  it('uses VRRPv2 with 1 s adverts by default', () => {
    const { globalDefs, instance } = render(masters(topology)[0] as NodeSpec);
    expect(has(globalDefs, 'vrrp_version')).toBe(false);
    expect(value(instance, 'advert_int')).toBe('1');
  });

  it('switches to VRRPv3 in global_defs, never in the instance, for 0.2 s adverts when fast', () => {
    const { globalDefs, instance } = render(masters(topology)[0] as NodeSpec, 'fast');
    expect(value(globalDefs, 'vrrp_version')).toBe('3');
    expect(has(instance, 'vrrp_version')).toBe(false);
    expect(value(instance, 'advert_int')).toBe('0.2');
  });

  it('re-announces the VIP while holding it, faster in the fast profile', () => {
    expect(value(render(masters(topology)[0] as NodeSpec).instance, 'garp_master_refresh')).toBe(
      '5',
    );
    expect(
      value(render(masters(topology)[0] as NodeSpec, 'fast').instance, 'garp_master_refresh'),
    ).toBe('2');
  });

  it.each(profiles)('has no authentication block (%s)', (p) => {
    expect(has(render(masters(topology)[0] as NodeSpec, p).instance, 'authentication')).toBe(false);
  });

  it('runs scripts as root with script security and names the router after the node', () => {
    for (const master of masters(topology)) {
      const { globalDefs } = render(master);
      expect(value(globalDefs, 'router_id')).toBe(master.name);
      expect(value(globalDefs, 'script_user')).toBe('root');
      expect(has(globalDefs, 'enable_script_security')).toBe(true);
    }
  });

  it('tracks the API server check script it defines', () => {
    const { script, instance } = render(masters(topology)[0] as NodeSpec);
    expect(value(script, 'script')).toBe(KEEPALIVED_CHECK_SCRIPT_PATH);
    expect(confFind(instance, 'track_script')?.children).toEqual([{ words: ['chk_apiserver'] }]);
    expect(value(script, 'interval')).toBe('1');
    expect(value(script, 'timeout')).toBe('3');
    expect(value(script, 'rise')).toBe('2');
    expect(has(script, 'init_fail')).toBe(true);
  });

  it('gives the VIP away after two failed checks by default and after one when fast', () => {
    expect(value(render(masters(topology)[0] as NodeSpec).script, 'fall')).toBe('2');
    expect(value(render(masters(topology)[0] as NodeSpec, 'fast').script, 'fall')).toBe('1');
  });

  describe('without preemption (default)', () => {
    it('starts every master as BACKUP with nopreempt', () => {
      for (const master of masters(topology)) {
        const { instance } = render(master);
        expect(value(instance, 'state')).toBe('BACKUP');
        expect(has(instance, 'nopreempt')).toBe(true);
      }
    });

    it('puts a master with a failing check into FAULT (weight 0), since nobody would preempt it', () => {
      expect(value(render(masters(topology)[0] as NodeSpec).script, 'weight')).toBe('0');
    });
  });

  describe('with preemption', () => {
    it('starts every master as BACKUP without nopreempt', () => {
      for (const master of masters(topology)) {
        const { instance } = render(master, 'default', { preempt: true });
        expect(value(instance, 'state')).toBe('BACKUP');
        expect(has(instance, 'nopreempt')).toBe(false);
      }
    });

    it('drops a master with a failing check below every healthy master', () => {
      for (const failing of masters(topology)) {
        const weight = Number(
          value(render(failing, 'default', { preempt: true }).script, 'weight'),
        );
        const healthy = masters(topology).filter((m) => m.name !== failing.name);
        for (const other of healthy) expect(failing.priority + weight).toBeLessThan(other.priority);
      }
    });

    it('still elects master-0 while no API server is up anywhere (bootstrap)', () => {
      const weight = Number(
        value(
          render(masters(topology)[0] as NodeSpec, 'default', { preempt: true }).script,
          'weight',
        ),
      );
      const effective = masters(topology).map((m) => ({ name: m.name, p: m.priority + weight }));
      const winner = [...effective].sort((a, b) => b.p - a.p)[0];
      expect(winner?.name).toBe('master-0');
      expect(winner?.p).toBeGreaterThan(0);
    });
  });
});

const master0 = masters(topology)[0] as NodeSpec;
const checkScript = (profile: KeepalivedProfile = 'default') =>
  renderApiCheckScript(topology, master0, profile);

describe('renderApiCheckScript', () => {
  it('fails on any non-2xx /readyz from the local API server within the time limit', () => {
    const lines = checkScript().trim().split('\n');
    expect(lines[0]).toBe('#!/bin/sh');
    const curl = lines.find((l) => /\bcurl\b/.test(l)) ?? '';
    expect(curl.split(/\s+/)).toEqual(
      expect.arrayContaining(['--fail', '--silent', '-k', 'https://127.0.0.1:6443/readyz']),
    );
    expect(/--max-time 2\b/.test(curl)).toBe(true);
    expect(/--max-time 1\b/.test(checkScript('fast'))).toBe(true);
  });

  it('pings exactly the two peer masters, never itself', () => {
    const pinged = [...checkScript().matchAll(/ping .* (\d+\.\d+\.\d+\.\d+) /g)].map((m) => m[1]);
    expect(pinged).toEqual(
      masters(topology)
        .slice(1)
        .map((m) => m.ip),
    );
  });

  it('passes while the bootstrap marker exists, before asking anything', () => {
    const lines = checkScript().trim().split('\n');
    const marker = lines.findIndex((l) => l.includes(KEEPALIVED_BOOTSTRAP_MARKER));
    const firstProbe = lines.findIndex((l) => /\b(curl|ping)\b/.test(l));
    expect(marker).toBeGreaterThan(0);
    expect(marker).toBeLessThan(firstProbe);
    expect(lines[marker]).toMatch(/exit 0$/);
  });
});

describe('expectedVipHolderAfterRestore', () => {
  it('keeps the VIP on the survivor without preemption', () => {
    expect(expectedVipHolderAfterRestore(topology, 'master-1', false)).toBe('master-1');
  });

  it('returns the VIP to the highest priority master with preemption', () => {
    expect(expectedVipHolderAfterRestore(topology, 'master-1', true)).toBe('master-0');
  });
});

describe('parseKeepalivedConf', () => {
  it('reads a one-line unicast_peer block as a statement, as keepalived does (no peers)', () => {
    const conf = parseKeepalivedConf('vrrp_instance X {\n  unicast_peer { 1.2.3.4 1.2.3.5 }\n}\n');
    const peer = confFind(confFind(conf, 'vrrp_instance')?.children, 'unicast_peer');
    expect(peer?.children).toBeUndefined();
  });

  it('ignores comments and keeps quoted words whole', () => {
    const conf = parseKeepalivedConf('# c\nvrrp_script s {\n  script "/a b/c" # why\n! x\n}\n');
    expect(confFind(conf, 'vrrp_script')?.children).toEqual([{ words: ['script', '/a b/c'] }]);
  });

  it('rejects unbalanced braces', () => {
    expect(() => parseKeepalivedConf('a {\n')).toThrow(/unclosed/);
    expect(() => parseKeepalivedConf('}\n')).toThrow(/unbalanced/);
  });
});
