import { ETCD_CLIENT_PORT } from '../../core/topology.js';
import { type TlsIdentity, tlsRequest } from './tls-request.js';

/**
 * etcd's JSON gateway (/v3/...) on the client port, with the probe's client certificate.
 * int64 fields arrive as strings; they are converted here.
 */
export interface EtcdMemberView {
  memberId: string;
  leaderId: string;
  raftTerm: number;
  raftIndex: number;
  /** The raft index this member has applied to its store (catching up = close to the leader's). */
  appliedIndex: number;
  dbSize: number;
  /** The store revision this member has applied. */
  revision: number;
}

function url(ip: string, path: string): string {
  return `https://${ip}:${ETCD_CLIENT_PORT}${path}`;
}

async function post(
  ip: string,
  path: string,
  identity: TlsIdentity,
  body: unknown,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const res = await tlsRequest(url(ip, path), identity, {
    method: 'POST',
    body: JSON.stringify(body),
    timeoutMs,
  });
  if (res.status !== 200)
    throw Object.assign(new Error(`HTTP ${res.status}`), { code: `HTTP_${res.status}` });
  return JSON.parse(res.body) as Record<string, unknown>;
}

export async function etcdStatus(
  ip: string,
  identity: TlsIdentity,
  timeoutMs = 1000,
): Promise<EtcdMemberView> {
  const r = await post(ip, '/v3/maintenance/status', identity, {}, timeoutMs);
  const header = (r.header ?? {}) as Record<string, string>;
  return {
    memberId: String(header.member_id ?? ''),
    leaderId: String(r.leader ?? ''),
    raftTerm: Number(r.raftTerm ?? header.raft_term ?? 0),
    raftIndex: Number(r.raftIndex ?? 0),
    appliedIndex: Number(r.raftAppliedIndex ?? r.raftIndex ?? 0),
    dbSize: Number(r.dbSize ?? 0),
    revision: Number(header.revision ?? 0),
  };
}

export async function etcdHealthy(
  ip: string,
  identity: TlsIdentity,
  timeoutMs = 1000,
): Promise<boolean> {
  const res = await tlsRequest(url(ip, '/health'), identity, { timeoutMs });
  return res.status === 200 && /"health"\s*:\s*"true"/.test(res.body);
}

export async function etcdMembers(
  ip: string,
  identity: TlsIdentity,
  timeoutMs = 2000,
): Promise<{ id: string; name: string }[]> {
  const r = await post(ip, '/v3/cluster/member/list', identity, {}, timeoutMs);
  const members = (r.members ?? []) as { ID?: string; name?: string }[];
  return members.map((m) => ({ id: String(m.ID ?? ''), name: m.name ?? '' }));
}

export async function etcdHashKv(
  ip: string,
  identity: TlsIdentity,
  revision = 0,
  timeoutMs = 5000,
): Promise<number> {
  const r = await post(
    ip,
    '/v3/maintenance/hashkv',
    identity,
    { revision: String(revision) },
    timeoutMs,
  );
  return Number(r.hash ?? Number.NaN);
}

/**
 * A linearizable read (etcd's default for range): it succeeds only through a leader that a
 * majority still follows, so it proves the cluster serves consistent requests, not merely
 * that a member answers.
 */
export async function etcdLinearizableRead(
  ip: string,
  identity: TlsIdentity,
  timeoutMs = 1000,
): Promise<boolean> {
  await post(
    ip,
    '/v3/kv/range',
    identity,
    { key: Buffer.from('ha-lab-probe').toString('base64') },
    timeoutMs,
  );
  return true;
}

/** Removes a member by id (as etcdMembers returns it); the survivors keep serving. */
export async function etcdMemberRemove(
  ip: string,
  identity: TlsIdentity,
  id: string,
  timeoutMs = 5000,
): Promise<void> {
  await post(ip, '/v3/cluster/member/remove', identity, { ID: id }, timeoutMs);
}

/** Adds a member that has not started yet; returns its new id. */
export async function etcdMemberAdd(
  ip: string,
  identity: TlsIdentity,
  peerUrls: string[],
  timeoutMs = 5000,
): Promise<string> {
  const r = await post(ip, '/v3/cluster/member/add', identity, { peerURLs: peerUrls }, timeoutMs);
  return String((r.member as { ID?: string } | undefined)?.ID ?? '');
}

/** Asks the leader (it must be the one asked) to hand leadership to another member. */
export async function etcdMoveLeader(
  leaderIp: string,
  identity: TlsIdentity,
  targetId: string,
  timeoutMs = 5000,
): Promise<void> {
  await post(
    leaderIp,
    '/v3/maintenance/transfer-leadership',
    identity,
    { targetID: targetId },
    timeoutMs,
  );
}

function b64(text: string): string {
  return Buffer.from(text).toString('base64');
}

/** Writes one key; used for ha-lab's own markers (`reset` checks one is rolled back). */
export async function etcdPut(
  ip: string,
  identity: TlsIdentity,
  key: string,
  value: string,
  timeoutMs = 2000,
): Promise<void> {
  await post(ip, '/v3/kv/put', identity, { key: b64(key), value: b64(value) }, timeoutMs);
}

/** How many keys exist at exactly `key` (0 or 1), read linearizably. */
export async function etcdKeyCount(
  ip: string,
  identity: TlsIdentity,
  key: string,
  timeoutMs = 2000,
): Promise<number> {
  const r = await post(
    ip,
    '/v3/kv/range',
    identity,
    { key: b64(key), count_only: true },
    timeoutMs,
  );
  return Number(r.count ?? 0);
}
