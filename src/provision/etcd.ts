import {
  ETCD_CLIENT_PORT,
  ETCD_PEER_PORT,
  masters,
  type NodeSpec,
  type Topology,
} from '../core/topology.js';

/** Where each master keeps etcd's own TLS files. */
export const ETCD_PKI_DIR = '/etc/etcd/pki';
export const ETCD_CA_CERT = `${ETCD_PKI_DIR}/ca.crt`;
export const ETCD_SERVER_CERT = `${ETCD_PKI_DIR}/server.crt`;
export const ETCD_SERVER_KEY = `${ETCD_PKI_DIR}/server.key`;
export const ETCD_PEER_CERT = `${ETCD_PKI_DIR}/peer.crt`;
export const ETCD_PEER_KEY = `${ETCD_PKI_DIR}/peer.key`;

/** Where kubeadm expects the API server's etcd client files (named in ClusterConfiguration). */
export const KUBE_ETCD_CA_CERT = '/etc/kubernetes/pki/etcd/ca.crt';
export const APISERVER_ETCD_CLIENT_CERT = '/etc/kubernetes/pki/apiserver-etcd-client.crt';
export const APISERVER_ETCD_CLIENT_KEY = '/etc/kubernetes/pki/apiserver-etcd-client.key';

export const ETCD_DATA_DIR = '/var/lib/etcd';
export const ETCD_UNIT_PATH = '/etc/systemd/system/etcd.service';
export const DEFAULT_ETCD_BIN = '/usr/local/bin/etcd';

export interface EtcdTuning {
  /** Milliseconds; etcd's default. */
  heartbeatIntervalMs?: number;
  /** Milliseconds; etcd wants at least 5x the heartbeat. */
  electionTimeoutMs?: number;
}

export function etcdClientUrl(node: NodeSpec): string {
  return `https://${node.ip}:${ETCD_CLIENT_PORT}`;
}

export function etcdPeerUrl(node: NodeSpec): string {
  return `https://${node.ip}:${ETCD_PEER_PORT}`;
}

/** The client endpoints of all members, for kubeadm and for probes. */
export function etcdEndpoints(topology: Topology): string[] {
  return masters(topology).map(etcdClientUrl);
}

/**
 * A systemd unit running one member of the three-member TLS cluster. Type=notify makes
 * `systemctl start` return only once the member serves, which needs quorum: start the
 * three together (`systemctl start --no-block`, then poll health), never one after another.
 */
export function renderEtcdUnit(
  topology: Topology,
  master: NodeSpec,
  clusterToken: string,
  etcdBinPath: string = DEFAULT_ETCD_BIN,
  tuning: EtcdTuning = {},
): string {
  const heartbeat = tuning.heartbeatIntervalMs ?? 100;
  const election = tuning.electionTimeoutMs ?? 1000;
  const initialCluster = masters(topology)
    .map((m) => `${m.name}=${etcdPeerUrl(m)}`)
    .join(',');
  const flags: [string, string][] = [
    ['name', master.name],
    ['data-dir', ETCD_DATA_DIR],
    ['listen-client-urls', `${etcdClientUrl(master)},https://127.0.0.1:${ETCD_CLIENT_PORT}`],
    ['advertise-client-urls', etcdClientUrl(master)],
    ['listen-peer-urls', etcdPeerUrl(master)],
    ['initial-advertise-peer-urls', etcdPeerUrl(master)],
    ['initial-cluster', initialCluster],
    // Ignored once the data dir exists, so a restarted member rejoins instead of re-bootstrapping.
    ['initial-cluster-state', 'new'],
    ['initial-cluster-token', clusterToken],
    ['client-cert-auth', 'true'],
    ['trusted-ca-file', ETCD_CA_CERT],
    ['cert-file', ETCD_SERVER_CERT],
    ['key-file', ETCD_SERVER_KEY],
    ['peer-client-cert-auth', 'true'],
    ['peer-trusted-ca-file', ETCD_CA_CERT],
    ['peer-cert-file', ETCD_PEER_CERT],
    ['peer-key-file', ETCD_PEER_KEY],
    ['heartbeat-interval', String(heartbeat)],
    ['election-timeout', String(election)],
  ];
  const execStart = [etcdBinPath, ...flags.map(([k, v]) => `--${k}=${v}`)].join(' \\\n  ');
  return `[Unit]
Description=etcd member ${master.name} (ha-lab ${topology.lab})
Documentation=https://etcd.io/docs/
Wants=network-online.target
After=network-online.target

[Service]
Type=notify
ExecStart=${execStart}
Restart=always
RestartSec=1s
# A member waits for its peers before it notifies readiness; no start timeout, so a lone
# member of a broken cluster keeps waiting instead of being killed and restarted in a loop.
TimeoutStartSec=0
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
`;
}

/**
 * The same unit with `--initial-cluster-state` set: "existing" lets a member with an empty
 * data dir join the running cluster it was just added to, instead of bootstrapping a new one.
 */
export function withInitialClusterState(unit: string, state: 'new' | 'existing'): string {
  const flag = /--initial-cluster-state=\w+/;
  if (!flag.test(unit)) throw new Error('the unit has no --initial-cluster-state flag');
  return unit.replace(flag, `--initial-cluster-state=${state}`);
}

export interface ExecStart {
  command: string;
  /** `--name=value` flags, name without dashes; a bare `--flag` maps to "true". */
  flags: Record<string, string>;
  /** Arguments that are not flags. */
  args: string[];
}

/** Reads the ExecStart= line of a unit (joining `\` continuations) back into flags. */
export function parseUnitExecStart(text: string): ExecStart {
  const joined = text.replace(/\\\n/g, ' ');
  const line = joined.split('\n').find((l) => /^ExecStart=\S/.test(l));
  if (!line) throw new Error('no non-empty ExecStart= line in unit');
  const words = line.slice('ExecStart='.length).trim().split(/\s+/);
  const [command = '', ...rest] = words;
  const flags: Record<string, string> = {};
  const args: string[] = [];
  for (const word of rest) {
    const match = /^--?([^=]+)(?:=(.*))?$/.exec(word);
    if (match?.[1] !== undefined) flags[match[1]] = match[2] ?? 'true';
    else args.push(word);
  }
  return { command, flags, args };
}
