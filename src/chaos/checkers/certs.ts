import { samplesOf, type History, type TlsSample } from '../history.js';
import { VIP_TARGET } from './api-unavailable.js';
import { byTime, offset, verdict, type CheckContext, type Verdict } from './verdict.js';

/**
 * Error codes Node's TLS stack gives when a certificate is refused (expired, unknown issuer,
 * wrong name ...), and 401, which is how the API server answers a client certificate it no
 * longer trusts. A refused connection or a timeout is an outage, not a certificate problem.
 */
const CERT_ERROR =
  /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|DEPTH_ZERO|HOSTNAME|ERR_TLS|ERR_SSL|ERR_OSSL|^HTTP 401$/;

export function isCertError(detail: string): boolean {
  return CERT_ERROR.test(detail);
}

/** No request through the VIP or to a master failed because of a certificate. */
export function checkNoCertErrors(history: History, _e: boolean, _c: CheckContext): Verdict {
  const samples = samplesOf(history, 'api');
  const bad = byTime(samples.filter((s) => !s.ok && isCertError(s.detail)));
  const figures = {
    certErrors: bad.length,
    requests: samples.length,
    vipRequests: samples.filter((s) => s.target === VIP_TARGET).length,
  };
  if (samples.length === 0)
    return verdict('noCertErrors', false, 'no API requests were recorded', figures);
  const first = bad[0];
  if (first) {
    return verdict(
      'noCertErrors',
      false,
      `${bad.length} request(s) failed on a certificate, first at ${offset(history, first.at)} (${first.target}: ${first.detail})`,
      figures,
      first.at,
    );
  }
  return verdict(
    'noCertErrors',
    true,
    `none of ${samples.length} requests failed on a certificate`,
    figures,
  );
}

/**
 * Every endpoint that served a certificate before the operation's first restart serves one
 * with a later notAfter after its last, each seen in a live handshake (not read from a file:
 * a server still holding the old certificate in memory is exactly what this catches).
 */
export function checkCertsRenewed(history: History, _e: boolean, context: CheckContext): Verdict {
  const op = context.faults.find((f) => f.operation);
  const tls = byTime(samplesOf(history, 'tls'));
  const restarts = samplesOf(history, 'op').filter(
    (r) => r.id === op?.id && r.phase === 'step' && /^restart/.test(r.step ?? ''),
  );
  if (!op || restarts.length === 0) {
    return verdict('certsRenewed', false, 'no operation restarted a server', { endpoints: 0 });
  }
  const firstRestart = Math.min(...restarts.map((r) => r.startedAt ?? r.at));
  const lastRestart = Math.max(...restarts.map((r) => r.at));
  const endpoints = new Map<string, { before?: TlsSample; after?: TlsSample }>();
  for (const s of tls) {
    const key = `${s.node}:${s.port}`;
    const e = endpoints.get(key) ?? {};
    if (s.at <= firstRestart && s.notAfter !== null) e.before = s;
    if (s.at >= lastRestart && !e.after) e.after = s;
    endpoints.set(key, e);
  }
  const problems: string[] = [];
  let minAdvanceMs = Number.POSITIVE_INFINITY;
  for (const [key, { before, after }] of endpoints) {
    if (!before) problems.push(`${key}: no certificate seen before the first restart`);
    else if (!after || after.notAfter === null)
      problems.push(
        `${key}: no handshake after the last restart${after?.error ? ` (${after.error})` : ''}`,
      );
    else if (after.notAfter <= before.notAfter!)
      problems.push(`${key}: notAfter did not advance (${new Date(after.notAfter).toISOString()})`);
    else minAdvanceMs = Math.min(minAdvanceMs, after.notAfter - before.notAfter!);
  }
  const figures = {
    endpoints: endpoints.size,
    renewed: endpoints.size - problems.length,
    minAdvanceS: Number.isFinite(minAdvanceMs) ? Math.round(minAdvanceMs / 1000) : null,
  };
  if (endpoints.size === 0)
    return verdict('certsRenewed', false, 'no live handshake was recorded', figures);
  if (problems.length > 0)
    return verdict('certsRenewed', false, problems.slice(0, 4).join('; '), figures, lastRestart);
  return verdict(
    'certsRenewed',
    true,
    `all ${endpoints.size} endpoints serve a certificate with a later notAfter after the renewal (by ≥ ${figures.minAdvanceS} s)`,
    figures,
    lastRestart,
  );
}
