import { describe, expect, it } from 'vitest';
import { buildTopology, findNode, masters } from '../../../src/core/topology.js';
import {
  APISERVER_ETCD_CLIENT_CERT,
  APISERVER_ETCD_CLIENT_KEY,
  ETCD_CA_CERT,
  ETCD_PEER_CERT,
  ETCD_PEER_KEY,
  ETCD_SERVER_CERT,
  ETCD_SERVER_KEY,
  etcdEndpoints,
  KUBE_ETCD_CA_CERT,
  parseUnitExecStart,
  renderEtcdUnit,
} from '../../../src/provision/etcd.js';
import { directive } from './unit-file.js';

const topology = buildTopology('ha-lab', '172.30.5.0/24');
const master1 = findNode(topology, 'master-1');

describe('renderEtcdUnit', () => {
  const unit = renderEtcdUnit(topology, master1, 'ha-lab-token-1');
  const { command, flags, args } = parseUnitExecStart(unit);

  it('runs the given etcd binary with flags only', () => {
    expect(command).toBe('/usr/local/bin/etcd');
    expect(args).toEqual([]);
    expect(parseUnitExecStart(renderEtcdUnit(topology, master1, 't', '/opt/etcd')).command).toBe(
      '/opt/etcd',
    );
  });

  it('names the member after its node and keeps data in /var/lib/etcd', () => {
    expect(flags.name).toBe('master-1');
    expect(flags['data-dir']).toBe('/var/lib/etcd');
  });

  it('serves clients over https on the node IP and loopback, and advertises the node IP', () => {
    expect(flags['listen-client-urls']?.split(',')).toEqual([
      'https://172.30.5.12:2379',
      'https://127.0.0.1:2379',
    ]);
    expect(flags['advertise-client-urls']).toBe('https://172.30.5.12:2379');
  });

  it('talks to peers over https on the node IP', () => {
    expect(flags['listen-peer-urls']).toBe('https://172.30.5.12:2380');
    expect(flags['initial-advertise-peer-urls']).toBe('https://172.30.5.12:2380');
  });

  it('bootstraps a new three-member cluster with the per-lab token', () => {
    const members = Object.fromEntries(
      (flags['initial-cluster'] ?? '').split(',').map((entry) => entry.split('=')),
    );
    expect(members).toEqual(
      Object.fromEntries(masters(topology).map((m) => [m.name, `https://${m.ip}:2380`])),
    );
    expect(flags['initial-cluster-state']).toBe('new');
    expect(flags['initial-cluster-token']).toBe('ha-lab-token-1');
  });

  it('requires client certificates from clients and peers, signed by the etcd CA', () => {
    expect(flags['client-cert-auth']).toBe('true');
    expect(flags['trusted-ca-file']).toBe(ETCD_CA_CERT);
    expect(flags['cert-file']).toBe(ETCD_SERVER_CERT);
    expect(flags['key-file']).toBe(ETCD_SERVER_KEY);
    expect(flags['peer-client-cert-auth']).toBe('true');
    expect(flags['peer-trusted-ca-file']).toBe(ETCD_CA_CERT);
    expect(flags['peer-cert-file']).toBe(ETCD_PEER_CERT);
    expect(flags['peer-key-file']).toBe(ETCD_PEER_KEY);
  });

  it('keeps its TLS files under /etc/etcd/pki and the API server client files where kubeadm looks', () => {
    expect([
      ETCD_CA_CERT,
      ETCD_SERVER_CERT,
      ETCD_SERVER_KEY,
      ETCD_PEER_CERT,
      ETCD_PEER_KEY,
    ]).toEqual([
      '/etc/etcd/pki/ca.crt',
      '/etc/etcd/pki/server.crt',
      '/etc/etcd/pki/server.key',
      '/etc/etcd/pki/peer.crt',
      '/etc/etcd/pki/peer.key',
    ]);
    expect(KUBE_ETCD_CA_CERT).toBe('/etc/kubernetes/pki/etcd/ca.crt');
    expect(APISERVER_ETCD_CLIENT_CERT).toBe('/etc/kubernetes/pki/apiserver-etcd-client.crt');
    expect(APISERVER_ETCD_CLIENT_KEY).toBe('/etc/kubernetes/pki/apiserver-etcd-client.key');
  });

  it('uses etcd default timings unless tuned', () => {
    expect(flags['heartbeat-interval']).toBe('100');
    expect(flags['election-timeout']).toBe('1000');
    const tuned = parseUnitExecStart(
      renderEtcdUnit(topology, master1, 't', undefined, {
        heartbeatIntervalMs: 50,
        electionTimeoutMs: 500,
      }),
    ).flags;
    expect(tuned['heartbeat-interval']).toBe('50');
    expect(tuned['election-timeout']).toBe('500');
  });

  it('is a notify service that systemd restarts after a second, with a raised file limit', () => {
    expect(directive(unit, 'Service', 'Type')).toEqual(['notify']);
    expect(directive(unit, 'Service', 'Restart')).toEqual(['always']);
    expect(directive(unit, 'Service', 'RestartSec')).toEqual(['1s']);
    expect(Number(directive(unit, 'Service', 'LimitNOFILE')[0])).toBeGreaterThanOrEqual(65536);
    expect(directive(unit, 'Install', 'WantedBy')).toEqual(['multi-user.target']);
  });
});

describe('etcdEndpoints', () => {
  it('lists the https client URL of every master', () => {
    expect(etcdEndpoints(topology)).toEqual([
      'https://172.30.5.11:2379',
      'https://172.30.5.12:2379',
      'https://172.30.5.13:2379',
    ]);
  });
});

describe('parseUnitExecStart', () => {
  it('joins continuation lines and reads bare flags as true', () => {
    const parsed = parseUnitExecStart('[Service]\nExecStart=/bin/x \\\n  --a=1 \\\n  --b pos\n');
    expect(parsed).toEqual({ command: '/bin/x', flags: { a: '1', b: 'true' }, args: ['pos'] });
  });

  it('skips the empty ExecStart= that resets a drop-in', () => {
    expect(parseUnitExecStart('ExecStart=\nExecStart=/bin/y --z=2\n').flags).toEqual({ z: '2' });
  });
});
