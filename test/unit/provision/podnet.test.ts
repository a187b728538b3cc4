import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTopology, findNode, VXLAN_ID, VXLAN_PORT } from '../../../src/core/topology.js';
import {
  POD_NETWORK_SCRIPT_PATH,
  renderCniConflist,
  renderPodNetworkScript,
  renderPodNetworkUnit,
} from '../../../src/provision/podnet.js';
import { directive } from './unit-file.js';

const topology = buildTopology('ha-lab', '172.30.5.0/24');
const worker0 = findNode(topology, 'worker-0');
const peers = topology.nodes.filter((n) => n.name !== worker0.name);

describe('renderCniConflist', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const conf = JSON.parse(renderCniConflist(worker0)) as any;

  it('declares the halab network for CNI 1.0.0 with a bridge and portmap', () => {
    expect(conf.cniVersion).toBe('1.0.0');
    expect(conf.name).toBe('halab');
    expect(conf.plugins.map((p: { type: string }) => p.type)).toEqual(['bridge', 'portmap']);
    expect(conf.plugins[1].capabilities).toEqual({ portMappings: true });
  });

  it("bridges pods on cni0 as their gateway, without masquerading, at the overlay's MTU", () => {
    const bridge = conf.plugins[0];
    expect(bridge.bridge).toBe('cni0');
    expect(bridge.isGateway).toBe(true);
    expect(bridge.ipMasq).toBe(false);
    expect(bridge.mtu).toBe(1450);
    expect(bridge.hairpinMode).toBe(true);
  });

  it("allocates pod addresses from this node's pod CIDR with a default route", () => {
    expect(conf.plugins[0].ipam).toEqual({
      type: 'host-local',
      ranges: [[{ subnet: worker0.podCidr }]],
      routes: [{ dst: '0.0.0.0/0' }],
    });
  });
});

/**
 * Runs the script against stand-ins for ip, bridge, iptables and sysctl that log their calls
 * and keep the state the script reads back (link present, fdb entries, nat rules).
 */
function sandbox(): { run: () => string[]; fdb: () => string[]; nat: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'halab-podnet-'));
  dirs.push(dir);
  const state = join(dir, 'state');
  const bin = join(dir, 'bin');
  mkdirSync(state);
  mkdirSync(bin);
  const fakes: Record<string, string> = {
    sysctl: 'exit 0',
    ip: `case "$1 $2" in
  "link show") [ -e "$STATE/link" ] ;;
  "link add") touch "$STATE/link" ;;
esac`,
    bridge: `case "$1 $2" in
  "fdb show") cat "$STATE/fdb" 2>/dev/null || true ;;
  "fdb append")
    line="$3 dst $7 self permanent"
    if grep -qxF "$line" "$STATE/fdb" 2>/dev/null; then echo "File exists" >&2; exit 2; fi
    echo "$line" >> "$STATE/fdb" ;;
esac`,
    iptables: `op=$3; shift 4; rule="$*"
case $op in
  -C) grep -qxF -- "$rule" "$STATE/nat" 2>/dev/null ;;
  -A) echo "$rule" >> "$STATE/nat" ;;
esac`,
  };
  for (const [name, body] of Object.entries(fakes)) {
    const path = join(bin, name);
    writeFileSync(path, `#!/bin/bash\necho "${name} $*" >> "$STATE/log"\n${body}\n`);
    chmodSync(path, 0o755);
  }
  const script = join(dir, 'podnet.sh');
  writeFileSync(script, renderPodNetworkScript(topology, worker0));
  const lines = (file: string): string[] => {
    try {
      return readFileSync(join(state, file), 'utf8').trim().split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };
  return {
    run: () => {
      rmSync(join(state, 'log'), { force: true });
      execFileSync('bash', [script], {
        env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, STATE: state },
      });
      return lines('log');
    },
    fdb: () => lines('fdb'),
    nat: () => lines('nat'),
  };
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('renderPodNetworkScript', () => {
  it('creates the VXLAN device on eth0 from the node IP, with the overlay address', () => {
    const log = sandbox().run();
    expect(log).toContain(
      `ip link add halab-vx type vxlan id ${VXLAN_ID} dstport ${VXLAN_PORT} dev eth0 local ${worker0.ip}`,
    );
    expect(log).toContain('ip link set halab-vx mtu 1450');
    expect(log).toContain(`ip addr replace ${worker0.overlayIp}/24 dev halab-vx`);
    expect(log).toContain('ip link set halab-vx up');
    expect(log).toContain('sysctl -qw net.ipv4.ip_forward=1');
  });

  it("uses an inventory's interface for the VXLAN device and the masquerade rule", () => {
    const hosts = { ...topology, vipNetwork: { interface: 'ens3', prefix: 24 } };
    const script = renderPodNetworkScript(hosts, worker0);
    expect(script).toContain(`dev ens3 local ${worker0.ip}`);
    expect(script).toContain(`-s ${worker0.podCidr} -o ens3 -m comment`);
    expect(script).not.toContain('eth0');
  });

  it('floods to every other node and to no one else', () => {
    const box = sandbox();
    box.run();
    expect(box.fdb().sort()).toEqual(
      peers.map((p) => `00:00:00:00:00:00 dst ${p.ip} self permanent`).sort(),
    );
  });

  it("routes every other node's pod CIDR via its overlay address, and not its own", () => {
    const routes = sandbox()
      .run()
      .filter((l) => l.startsWith('ip route'));
    expect(routes.sort()).toEqual(
      peers
        .map((p) => `ip route replace ${p.podCidr} via ${p.overlayIp} dev halab-vx onlink`)
        .sort(),
    );
  });

  it('masquerades pod traffic leaving through eth0 only', () => {
    const box = sandbox();
    box.run();
    expect(box.nat()).toHaveLength(1);
    const rule = box.nat()[0]?.split(' ') ?? [];
    expect(rule.slice(0, 4)).toEqual(['-s', worker0.podCidr, '-o', 'eth0']);
    expect(rule.slice(-2)).toEqual(['-j', 'MASQUERADE']);
  });

  it('changes nothing when run a second time', () => {
    const box = sandbox();
    box.run();
    const [fdb, nat] = [box.fdb(), box.nat()];
    const second = box.run();
    expect(box.fdb()).toEqual(fdb);
    expect(box.nat()).toEqual(nat);
    expect(
      second.filter((l) => /^(ip link add|bridge fdb append|iptables .* -A )/.test(l)),
    ).toEqual([]);
  });
});

describe('renderPodNetworkUnit', () => {
  const unit = renderPodNetworkUnit();

  it('runs the script once per boot, after the network and before kubelet', () => {
    expect(directive(unit, 'Service', 'Type')).toEqual(['oneshot']);
    expect(directive(unit, 'Service', 'RemainAfterExit')).toEqual(['yes']);
    expect(directive(unit, 'Service', 'ExecStart')).toEqual([POD_NETWORK_SCRIPT_PATH]);
    expect(directive(unit, 'Unit', 'Before')).toEqual(['kubelet.service']);
    expect(directive(unit, 'Unit', 'After')).toEqual(['network-online.target']);
    expect(directive(unit, 'Install', 'WantedBy')).toEqual(['multi-user.target']);
  });
});
