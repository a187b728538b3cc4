import {
  ADD_PARTITION_ARP_DROPS,
  ADD_PARTITION_ARP_EXEMPTION,
} from '../../src/core/partition-arp.js';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshConnector } from '../../src/cli/inventory-hosts.js';
import {
  downHost,
  ensureHostPackages,
  type HostDownOptions,
  type HostDownResult,
  type HostSession,
} from '../../src/lab/inventory/index.js';
import { ETCD_UNIT_PATH } from '../../src/provision/etcd.js';
import { HOSTS_FILE, WRITE_HOSTS_BLOCK, renderHostsBlock } from '../../src/provision/host-names.js';
import { POLICY_RC_MARKER, POLICY_RC_PATH } from '../../src/provision/host-footprint.js';
import { HOST_SYSCTL_PATH } from '../../src/provision/host-kernel.js';
import {
  HOST_LEDGER_DIR,
  HOST_LEDGER_PATH,
  addToLedger,
  emptyLedger,
  renderLedger,
} from '../../src/provision/host-ledger.js';
import { POD_NETWORK_UNIT_PATH } from '../../src/provision/podnet.js';
import { KUBELET_UNIT_PATH } from '../../src/provision/units.js';
import { HostKeyVerifier } from '../../src/runtime/ssh/index.js';
import { startEngine } from '../support/engine.js';
import {
  startSystemdMachines,
  type SystemdMachine,
  type SystemdMachines,
} from '../support/systemd-machines.js';

/**
 * `downHost` on plain Debian VMs (systemd machines reached over SSH as `lab`), each left the
 * way an inventory `up` leaves a master: units running, a pod's process and volume, kube-proxy,
 * CNI, fault and masquerade rules, partition ARP rules, the overlay devices, the VIP, a sysctl
 * and containerd's config replaced (its original kept in the ledger's backups, as host
 * preparation does). On m0 the worker's packages (containerd, iptables, arptables ...) were
 * the host's own and ha-lab installed only the master's extra ones; on m1 ha-lab installed
 * everything. What is left is looked at through the engine, not through the code under test.
 */
const LAB = 'hostdown';
const CONTAINERD_CONFIG = '/etc/containerd/config.toml';
const signal = new AbortController().signal;

interface Host {
  machine: SystemdMachine;
  session: HostSession;
  options: HostDownOptions;
  /** The packages the ledger says ha-lab installed. */
  packages: string[];
  originalConfig: string;
  forwardBefore: string;
  /** /etc/hosts before up wrote the lab's node names into it. */
  hostsBefore: string;
  first: HostDownResult;
}

let machines: SystemdMachines;
let own: Host;
let ours: Host;

async function inMachine(host: Host | SystemdMachine, script: string): Promise<string> {
  const container = 'container' in host ? host.container : host.machine.container;
  const { stdout } = await execa('docker', ['exec', container, 'bash', '-ec', script]);
  return stdout.trim();
}

const unit = (exec: string, type = 'simple') =>
  `[Service]\nType=${type}\nRemainAfterExit=${type === 'oneshot' ? 'yes' : 'no'}\nExecStart=${exec}\n[Install]\nWantedBy=multi-user.target\n`;

/** What the HA phases and a partition leave on a master, done from the test's side. */
function whatUpLeaves(m: SystemdMachine, vip: string, gateway: string, backup: string): string {
  return `
mkdir -p "$(dirname ${backup})" /etc/ha-lab /var/lib/ha-lab/images /etc/kubernetes/pki /var/lib/etcd/member /etc/cni/net.d
cp -a ${CONTAINERD_CONFIG} ${backup}
printf 'version = 2\\n# ha-lab\\n' > ${CONTAINERD_CONFIG}
systemctl enable --now -q containerd
printf '#!/bin/sh\\necho "$@" >> /root/kubeadm-args\\n' > /usr/local/bin/kubeadm; chmod 755 /usr/local/bin/kubeadm
echo role > /etc/ha-lab/role; echo ca > /etc/kubernetes/pki/ca.crt; echo db > /var/lib/etcd/member/db
echo '{}' > /etc/cni/net.d/10-halab.conflist
printf '%s' '${unit('/bin/sleep infinity')}' > ${KUBELET_UNIT_PATH}
printf '%s' '${unit('/bin/sleep infinity')}' > ${ETCD_UNIT_PATH}
printf '%s' '${unit('/bin/true', 'oneshot')}' > ${POD_NETWORK_UNIT_PATH}
systemctl daemon-reload
systemctl enable --now -q kubelet etcd halab-podnet
systemctl enable -q keepalived
# A container's process as kubelet's systemd cgroup driver places it.
setsid systemd-run -q --scope --slice=kubepods-besteffort.slice --unit=cri-containerd-test.scope /bin/sleep infinity >/dev/null 2>&1 &
mkdir -p /var/lib/kubelet/pods/p1/volumes/v && mount -t tmpfs tmpfs /var/lib/kubelet/pods/p1/volumes/v
echo secret > /var/lib/kubelet/pods/p1/volumes/v/token
iptables -t nat -N KUBE-TEST && iptables -t nat -A KUBE-TEST -j RETURN
iptables -t nat -A PREROUTING -m comment --comment "kubernetes test portals" -j KUBE-TEST
iptables -N KUBE-FIREWALL && iptables -A INPUT -j KUBE-FIREWALL
iptables -t nat -N CNI-HOSTPORT-DNAT && iptables -t nat -A OUTPUT -j CNI-HOSTPORT-DNAT
iptables -I INPUT 1 -s 10.9.9.0/24 -m comment --comment ha-lab-partition -j DROP
iptables -t nat -A POSTROUTING -s 10.244.9.0/24 -o eth0 -m comment --comment "ha-lab pod to lab network" -j MASQUERADE
iptables -A INPUT -s 10.8.8.0/24 -m comment --comment "host rule" -j ACCEPT
# The host's own arptables rule, then a partition with the operator's session exempted.
arptables -A INPUT -s 10.8.8.8 -j ACCEPT
hop=${gateway} host=${m.ip}
${ADD_PARTITION_ARP_EXEMPTION}
${ADD_PARTITION_ARP_DROPS}
ip link add halab-vx type vxlan id 4242 dstport 4789 dev eth0 2>/dev/null || ip link add halab-vx type dummy
ip link add cni0 type bridge && ip link add vethp1 type veth peer name eth9 && ip link set vethp1 master cni0
ip addr add ${vip}/24 dev eth0
echo 'net.ipv4.ip_forward = 1' > ${HOST_SYSCTL_PATH} && sysctl -qw net.ipv4.ip_forward=1
`;
}

async function prepare(m: SystemdMachine, vip: string, hostOwnsBase: boolean): Promise<Host> {
  const connect = sshConnector(
    new HostKeyVerifier({ knownHostsFile: machines.knownHostsFile, acceptNew: false }),
  );
  const session = await connect(
    {
      ...{ name: m.name, address: m.ip, port: 22, user: m.user, identityFile: m.keyFile },
      ...{ agent: false, role: 'master', nodeIp: m.ip },
    },
    { signal },
  );
  const forwardBefore = await inMachine(m, 'sysctl -n net.ipv4.ip_forward');
  if (hostOwnsBase) await ensureHostPackages(session, 'worker', { signal });
  const packages = (await ensureHostPackages(session, 'master', { signal })).installed.map(
    (p) => p.name,
  );
  const originalConfig = await inMachine(m, `cat ${CONTAINERD_CONFIG}`);
  const backup = `${HOST_LEDGER_DIR}/backup${CONTAINERD_CONFIG}`;
  const ledger = addToLedger(emptyLedger(LAB), {
    packages,
    files: ['/usr/local/bin/kubeadm', CONTAINERD_CONFIG, HOST_SYSCTL_PATH, KUBELET_UNIT_PATH],
    dirs: [HOST_LEDGER_DIR, '/etc/ha-lab', '/var/lib/ha-lab'],
    backups: { [CONTAINERD_CONFIG]: backup },
    units: ['kubelet.service', 'etcd.service', 'keepalived.service', 'halab-podnet.service'],
    sysctls: { 'net.ipv4.ip_forward': forwardBefore },
    // The host's own containerd was off when ha-lab came: `up` enabled and started it.
    ...(hostOwnsBase ? { unitStates: { 'containerd.service': 'disabled inactive' } } : {}),
  });
  const write = `mkdir -p ${HOST_LEDGER_DIR} && cat > ${HOST_LEDGER_PATH}`;
  await execa('docker', ['exec', '-i', m.container, 'sh', '-c', write], {
    input: renderLedger(ledger),
  });
  const gateway = machines.subnet.replace(/\.0\/24$/, '.1');
  const hostsBefore = await inMachine(m, `cat ${HOSTS_FILE}`);
  await inMachine(m, whatUpLeaves(m, vip, gateway, backup));
  const names = renderHostsBlock([{ name: 'master-0', ip: m.ip }]);
  await inMachine(
    m,
    `printf '%s' '${names}' | sh -c '${WRITE_HOSTS_BLOCK.replaceAll("'", "'\\''")}'`,
  );
  // An install whose host died under it left ha-lab's policy-rc.d; a host's own one stays.
  const policy = hostOwnsBase ? 'exit 0' : `${POLICY_RC_MARKER}\\nexit 101`;
  await inMachine(m, `printf '#!/bin/sh\\n${policy}\\n' > ${POLICY_RC_PATH}`);
  const options = { vip, vipPrefix: 24, vipInterface: 'eth0', signal, lab: LAB };
  const first = await downHost(session.runner, options);
  console.log(`${m.name} removed:\n  ${first.removed.join('\n  ')}`);
  return {
    machine: m,
    session,
    options,
    packages,
    originalConfig,
    forwardBefore,
    hostsBefore,
    first,
  };
}

async function packageStates(host: Host, names: string[]): Promise<Map<string, string>> {
  const status = await inMachine(
    host,
    `for p in ${names.join(' ')}; do echo "$p $(dpkg-query -W -f='\${db:Status-Status}' $p 2>/dev/null || echo not-installed)"; done`,
  );
  return new Map(status.split('\n').map((l) => l.split(' ') as [string, string]));
}

describe('downHost on prepared Debian machines', () => {
  beforeAll(async () => {
    await startEngine();
    machines = await startSystemdMachines({ prefix: 'hostdown', count: 2, signal });
    const [m0, m1] = machines.machines as [SystemdMachine, SystemdMachine];
    const vip = (last: number) => machines.subnet.replace(/\.0\/24$/, `.${last}`);
    // One after the other: two deb cache openings at once in one process race on its index.
    own = await prepare(m0, vip(200), true);
    ours = await prepare(m1, vip(201), false);
  });

  afterAll(async () => {
    own?.session.close();
    ours?.session.close();
    await machines?.cleanup();
  });

  it('leaves nothing the check can find, and says what it removed', () => {
    for (const host of [own, ours]) {
      expect(host.first.leftovers).toEqual([]);
      expect(host.first.removed).toEqual(
        expect.arrayContaining([
          'stopped kubelet.service',
          'disabled etcd.service',
          'disabled keepalived.service',
          'ran kubeadm reset',
          'unmounted 1 pod mounts',
          `released VIP ${host.options.vip}/24 from eth0`,
          'removed device vethp1',
          'removed device cni0',
          'removed device halab-vx',
          'removed 4 arptables rules',
          'removed /etc/kubernetes',
          'removed /var/lib/etcd',
          'purged package keepalived',
          `restored sysctl net.ipv4.ip_forward = ${host.forwardBefore}`,
          `removed ${HOST_LEDGER_DIR}`,
        ]),
      );
      expect(host.first.removed.some((l) => /^killed \d+ pod processes$/.test(l))).toBe(true);
    }
  });

  it('stops, disables and removes the units, and the pod and its volume', async () => {
    for (const host of [own, ours]) {
      const units =
        'systemctl list-unit-files --no-legend "kubelet*" "etcd*" "keepalived*" "halab*" || true';
      const pods = 'systemctl list-units --no-legend --all "kubepods*" "cri-containerd-*" || true';
      expect(await inMachine(host, `${units}; ${pods}`)).toBe('');
      expect(await inMachine(host, 'pgrep -x sleep || true')).toBe('');
      expect(await inMachine(host, 'grep /var/lib/kubelet /proc/self/mountinfo || true')).toBe('');
      expect(await inMachine(host, 'cat /root/kubeadm-args')).toMatch(/^reset -f /);
    }
  });

  it('removes the files and directories, and the ledger last', async () => {
    const paths = [
      ...['/etc/kubernetes', '/var/lib/etcd', '/var/lib/kubelet', '/etc/ha-lab', '/var/lib/ha-lab'],
      ...['/usr/local/bin/kubeadm', HOST_SYSCTL_PATH, ETCD_UNIT_PATH, KUBELET_UNIT_PATH],
      ...[POD_NETWORK_UNIT_PATH, HOST_LEDGER_DIR],
    ];
    for (const host of [own, ours]) {
      expect(await inMachine(host, `ls -d ${paths.join(' ')} 2>/dev/null || true`)).toBe('');
    }
    for (const host of [own, ours]) {
      expect(await inMachine(host, `cat ${HOSTS_FILE}`)).toBe(host.hostsBefore);
      expect(host.first.removed).toContain(`removed the lab's node names from ${HOSTS_FILE}`);
    }
    expect(await inMachine(ours, `ls ${POLICY_RC_PATH} 2>/dev/null || true`)).toBe('');
    expect(ours.first.removed).toContain(`removed ${POLICY_RC_PATH}`);
    expect(await inMachine(own, `cat ${POLICY_RC_PATH}`)).toBe('#!/bin/sh\nexit 0');
    // The CNI directory of the host's own containerd outlives ha-lab's config in it.
    expect(await inMachine(own, 'ls -A /etc/cni/net.d')).toBe('');
    expect(await inMachine(ours, 'ls -d /etc/cni /etc/containerd 2>/dev/null || true')).toBe('');
  });

  it("removes kube-proxy's, CNI's and ha-lab's rules and keeps the host's own", async () => {
    // m0 keeps iptables and arptables to look with; on m1 they went with ha-lab's packages.
    const rules = await inMachine(own, 'iptables-save');
    expect(rules).not.toMatch(/KUBE-|CNI-|ha-lab/);
    expect(rules).toContain('host rule');
    // Exactly the partition's four went: no flush took the host's own with them.
    expect(await inMachine(own, 'arptables -S | grep "^-A" || true')).toMatch(
      /^-A INPUT (-j ACCEPT -s 10\.8\.8\.8|-s 10\.8\.8\.8 -j ACCEPT)$/,
    );
  });

  it('releases the VIP and removes the overlay devices', async () => {
    for (const host of [own, ours]) {
      const devices = 'ip -o link show | grep -E "halab-vx|cni0|vethp1" || true';
      expect(await inMachine(host, devices)).toBe('');
      const address = `ip -o -4 addr show dev eth0 | grep -F " ${host.options.vip}/" || true`;
      expect(await inMachine(host, address)).toBe('');
      expect(await inMachine(host, 'sysctl -n net.ipv4.ip_forward')).toBe(host.forwardBefore);
    }
  });

  it("purges ha-lab's packages, and puts back a containerd of the host's own as it was found", async () => {
    const base = ['containerd', 'iptables', 'arptables'];
    const ownStates = await packageStates(own, [...own.packages, ...base]);
    for (const p of own.packages) expect([p, ownStates.get(p)]).toEqual([p, 'not-installed']);
    for (const p of base) expect([p, ownStates.get(p)]).toEqual([p, 'installed']);
    expect(await inMachine(own, `cat ${CONTAINERD_CONFIG}`)).toBe(own.originalConfig);
    const state = 'echo "$(systemctl is-enabled containerd) $(systemctl is-active containerd)"';
    expect(await inMachine(own, `${state} || true`)).toBe('disabled inactive');
    expect(own.first.removed).toEqual(
      expect.arrayContaining([
        'stopped containerd.service, as found',
        'disabled containerd.service, as found',
      ]),
    );

    expect(ours.packages).toEqual(expect.arrayContaining(base));
    const ourStates = await packageStates(ours, ours.packages);
    for (const p of ours.packages) expect([p, ourStates.get(p)]).toEqual([p, 'not-installed']);
    expect(ours.first.removed).toEqual(
      expect.arrayContaining(['stopped containerd.service', 'removed /var/lib/containerd']),
    );
    // The "original" config.toml was containerd's own package file: gone with the package.
    expect(ours.first.removed).not.toContain(`restored ${CONTAINERD_CONFIG}`);
    expect(await inMachine(ours, 'ls -A /var/lib/containerd; pgrep -x containerd || true')).toBe(
      '',
    );
  });

  it('finds nothing to do the second time', async () => {
    for (const host of [own, ours]) {
      const again = await downHost(host.session.runner, host.options);
      expect(again).toEqual({ host: host.machine.name, removed: [], leftovers: [] });
    }
  });
});
