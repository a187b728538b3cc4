import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildTopology, findNode } from '../../../src/core/topology.js';
import {
  APISERVER_ETCD_CLIENT_CERT,
  APISERVER_ETCD_CLIENT_KEY,
  KUBE_ETCD_CA_CERT,
} from '../../../src/provision/etcd.js';
import {
  KUBELET_RESOLV_CONF_PATH,
  renderInitConfig,
  renderJoinConfig,
  renderKubeletResolvConf,
  type InitConfigInput,
  type JoinConfigInput,
} from '../../../src/provision/kubeadm.js';

const topology = buildTopology('ha-lab', '172.30.5.0/24');
const master0 = findNode(topology, 'master-0');
const TOKEN = 'abcdef.0123456789abcdef';
const CERT_KEY = 'f'.repeat(64);
const CA_HASH = `sha256:${'1'.repeat(64)}`;

// The documents are plain data; tests index into them freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

function docs(text: string): Map<string, Doc> {
  const parsed = parseAllDocuments(text);
  const byKind = new Map<string, Doc>();
  for (const doc of Array.isArray(parsed) ? parsed : [parsed]) {
    expect(doc.errors).toEqual([]);
    const json = doc.toJS() as Doc;
    expect(byKind.has(json.kind)).toBe(false);
    byKind.set(json.kind, json);
  }
  return byKind;
}

const baseInit: InitConfigInput = {
  topology,
  node: master0,
  kubernetesVersion: 'v1.36.3',
  bootstrapToken: TOKEN,
  certificateKey: CERT_KEY,
  cgroupV1: false,
  ignorePreflightErrors: ['SystemVerification', 'Swap'],
};

describe('renderInitConfig', () => {
  const all = docs(renderInitConfig(baseInit));
  const init = all.get('InitConfiguration');
  const cluster = all.get('ClusterConfiguration');
  const kubelet = all.get('KubeletConfiguration');
  const proxy = all.get('KubeProxyConfiguration');

  it('holds the four documents under their API groups', () => {
    expect([...all.keys()]).toEqual([
      'InitConfiguration',
      'ClusterConfiguration',
      'KubeletConfiguration',
      'KubeProxyConfiguration',
    ]);
    expect(init.apiVersion).toBe('kubeadm.k8s.io/v1beta4');
    expect(cluster.apiVersion).toBe('kubeadm.k8s.io/v1beta4');
    expect(kubelet.apiVersion).toBe('kubelet.config.k8s.io/v1beta1');
    expect(proxy.apiVersion).toBe('kubeproxy.config.k8s.io/v1alpha1');
  });

  it('advertises the API server on the node IP, port 6443', () => {
    expect(init.localAPIEndpoint).toEqual({ advertiseAddress: '172.30.5.11', bindPort: 6443 });
  });

  it('registers the node by name on containerd with its IP and no image pulls', () => {
    expect(init.nodeRegistration.name).toBe('master-0');
    expect(init.nodeRegistration.criSocket).toBe('unix:///run/containerd/containerd.sock');
    expect(init.nodeRegistration.kubeletExtraArgs).toEqual([
      { name: 'node-ip', value: '172.30.5.11' },
    ]);
    expect(init.nodeRegistration.imagePullPolicy).toBe('Never');
    expect(init.nodeRegistration.ignorePreflightErrors).toEqual(['SystemVerification', 'Swap']);
  });

  it("keeps kubeadm's default control-plane taint unless told otherwise", () => {
    expect('taints' in init.nodeRegistration).toBe(false);
    const untainted = docs(renderInitConfig({ ...baseInit, taints: [] })).get('InitConfiguration');
    expect(untainted.nodeRegistration.taints).toEqual([]);
  });

  it('creates the bootstrap token for two hours and carries the certificate key', () => {
    expect(init.bootstrapTokens).toHaveLength(1);
    expect(init.bootstrapTokens[0].token).toBe(TOKEN);
    expect(init.bootstrapTokens[0].ttl).toBe('2h');
    expect(init.certificateKey).toBe(CERT_KEY);
  });

  it('fronts the cluster with the VIP and names it after the lab', () => {
    expect(cluster.kubernetesVersion).toBe('v1.36.3');
    expect(cluster.clusterName).toBe('ha-lab');
    expect(cluster.controlPlaneEndpoint).toBe('172.30.5.200:6443');
    expect(cluster.imageRepository).toBe('registry.k8s.io');
  });

  it('puts the VIP, every master IP, loopback and extra names in the API server certificate', () => {
    expect(cluster.apiServer.certSANs).toEqual([
      '172.30.5.200',
      '172.30.5.11',
      '172.30.5.12',
      '172.30.5.13',
      '127.0.0.1',
      'localhost',
    ]);
    const extra = docs(
      renderInitConfig({ ...baseInit, extraCertSans: ['ha-lab.local', '127.0.0.1'] }),
    );
    const sans = extra.get('ClusterConfiguration').apiServer.certSANs as string[];
    expect(sans).toContain('ha-lab.local');
    expect(new Set(sans).size).toBe(sans.length);
  });

  it('uses the external TLS etcd on the three masters with the API server client files', () => {
    expect(cluster.etcd).toEqual({
      external: {
        endpoints: [
          'https://172.30.5.11:2379',
          'https://172.30.5.12:2379',
          'https://172.30.5.13:2379',
        ],
        caFile: KUBE_ETCD_CA_CERT,
        certFile: APISERVER_ETCD_CLIENT_CERT,
        keyFile: APISERVER_ETCD_CLIENT_KEY,
      },
    });
  });

  it('sets the pod and service networks and leaves pod CIDRs to ha-lab', () => {
    expect(cluster.networking).toEqual({
      podSubnet: '10.244.0.0/16',
      serviceSubnet: '10.96.0.0/16',
      dnsDomain: 'cluster.local',
    });
    expect(cluster.controllerManager.extraArgs).toEqual([
      { name: 'allocate-node-cidrs', value: 'false' },
    ]);
  });

  it('configures kubelet for a container node that must never evict its preloaded images', () => {
    expect(kubelet.cgroupDriver).toBe('systemd');
    expect(kubelet.failSwapOn).toBe(false);
    expect(kubelet.imageGCHighThresholdPercent).toBe(100);
    expect(kubelet.evictionHard).toEqual({
      'nodefs.available': '0%',
      'imagefs.available': '0%',
      'nodefs.inodesFree': '0%',
    });
    expect(kubelet.serializeImagePulls).toBe(false);
  });

  it('points kubelet at the cluster DNS and a resolv.conf without a loopback resolver', () => {
    expect(kubelet.clusterDNS).toEqual(['10.96.0.10']);
    expect(kubelet.resolvConf).toBe('/etc/kubelet-resolv.conf');
    expect(KUBELET_RESOLV_CONF_PATH).toBe(kubelet.resolvConf);
  });

  it('tolerates cgroup v1 only on cgroup v1 hosts', () => {
    expect('failCgroupV1' in kubelet).toBe(false);
    const v1 = docs(renderInitConfig({ ...baseInit, cgroupV1: true })).get('KubeletConfiguration');
    expect(v1.failCgroupV1).toBe(false);
  });

  it('runs kube-proxy in iptables mode without touching the host conntrack limit', () => {
    expect(proxy.mode).toBe('iptables');
    expect(proxy.clusterCIDR).toBe('10.244.0.0/16');
    expect(proxy.conntrack).toEqual({ maxPerCore: 0 });
  });
});

describe('renderJoinConfig', () => {
  const base: JoinConfigInput = {
    topology,
    node: findNode(topology, 'worker-2'),
    bootstrapToken: TOKEN,
    caCertHashes: [CA_HASH],
    ignorePreflightErrors: ['SystemVerification'],
  };

  it('discovers the cluster through the VIP with the token and pinned CA', () => {
    const join = docs(renderJoinConfig(base)).get('JoinConfiguration');
    expect(join.apiVersion).toBe('kubeadm.k8s.io/v1beta4');
    expect(join.discovery).toEqual({
      bootstrapToken: {
        apiServerEndpoint: '172.30.5.200:6443',
        token: TOKEN,
        caCertHashes: [CA_HASH],
      },
    });
  });

  it('joins a worker as a plain node with its own name and IP', () => {
    const join = docs(renderJoinConfig(base)).get('JoinConfiguration');
    expect(join.controlPlane).toBeUndefined();
    expect(join.nodeRegistration).toEqual({
      name: 'worker-2',
      criSocket: 'unix:///run/containerd/containerd.sock',
      imagePullPolicy: 'Never',
      kubeletExtraArgs: [{ name: 'node-ip', value: '172.30.5.23' }],
      ignorePreflightErrors: ['SystemVerification'],
    });
  });

  it('joins a master as a control plane advertising its own IP, with the certificate key', () => {
    const master2 = findNode(topology, 'master-2');
    const join = docs(renderJoinConfig({ ...base, node: master2, certificateKey: CERT_KEY })).get(
      'JoinConfiguration',
    );
    expect(join.controlPlane).toEqual({
      localAPIEndpoint: { advertiseAddress: '172.30.5.13', bindPort: 6443 },
      certificateKey: CERT_KEY,
    });
    expect(join.nodeRegistration.name).toBe('master-2');
    expect(join.nodeRegistration.kubeletExtraArgs).toEqual([
      { name: 'node-ip', value: '172.30.5.13' },
    ]);
  });

  it('refuses to join a master without the certificate key', () => {
    expect(() => renderJoinConfig({ ...base, node: findNode(topology, 'master-1') })).toThrow(
      /certificate key/,
    );
  });
});

describe('renderKubeletResolvConf', () => {
  it('names only the lab gateway as resolver, never a loopback address', () => {
    const text = renderKubeletResolvConf(topology);
    const nameservers = text
      .split('\n')
      .filter((l) => l.startsWith('nameserver'))
      .map((l) => l.split(/\s+/)[1]);
    expect(nameservers).toEqual([topology.gateway]);
    expect(nameservers.some((ns) => ns?.startsWith('127.'))).toBe(false);
  });
});
