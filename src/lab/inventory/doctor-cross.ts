import { CERT_BACKDATE_MS } from '../../provision/pki.js';
import type { DoctorFinding, HostOutcome } from './doctor-report.js';
import { MAX_CLOCK_SKEW_MS } from './host-requirements.js';
import type { Inventory } from './model.js';

/** The checks that need more than one host: clocks that agree, and a VIP nobody holds yet. */

export interface ClockEstimate {
  /** The host's clock minus the operator's, at the middle of the window below. */
  offsetMs: number;
  /**
   * Half the window in which the host read its clock: the true offset is within this of
   * `offsetMs`, whatever the link and sudo took on either leg.
   */
  uncertaintyMs: number;
}

/**
 * The host read its clock at the start of the script, after the operator sent it and at least
 * the script's own duration before the answer came back: that window, not the whole round
 * trip, bounds the reading. So the masters' VIP pings (a second or two) cost no precision.
 */
export function clockOf(outcome: HostOutcome): ClockEstimate | undefined {
  if (!outcome.reached || outcome.facts.timeMs === undefined) return undefined;
  const { sentAtMs, receivedAtMs } = outcome;
  const latest = Math.max(sentAtMs, receivedAtMs - (outcome.facts.durationMs ?? 0));
  return {
    offsetMs: Math.round(outcome.facts.timeMs - (sentAtMs + latest) / 2),
    uncertaintyMs: Math.round((latest - sentAtMs) / 2),
  };
}

/** The least two clocks can differ by, given both estimates' uncertainty. */
export function clockGapMs(a: ClockEstimate, b: ClockEstimate): number {
  return Math.max(0, Math.abs(a.offsetMs - b.offsetMs) - a.uncertaintyMs - b.uncertaintyMs);
}

const NTP = 'run NTP (systemd-timesyncd or chrony) on every host';

/**
 * Any two hosts more than 2 s apart is a problem. Each host is held against the median
 * clock, so one wrong clock is named alone rather than in a line per pair; when none is far
 * from the median but the two extremes are from each other, those two are named.
 */
export function clockFindings(outcomes: readonly HostOutcome[]): DoctorFinding[] {
  const clocks = outcomes
    .map((outcome) => ({ name: outcome.host.name, clock: clockOf(outcome) }))
    .filter((c): c is { name: string; clock: ClockEstimate } => c.clock !== undefined);
  const findings: DoctorFinding[] = clocks
    .filter(({ clock }) => clock.offsetMs + clock.uncertaintyMs < -CERT_BACKDATE_MS)
    .map(({ name, clock }) => ({
      host: name,
      check: 'clock',
      message: `${name}: clock ${seconds(-clock.offsetMs)} behind this machine's: certificates ha-lab signs here (valid from ${CERT_BACKDATE_MS / 60_000} min back) would not be valid there yet; ${NTP}`,
    }));
  if (clocks.length < 2) return findings;
  const sorted = [...clocks].sort((a, b) => a.clock.offsetMs - b.clock.offsetMs);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const skewed = clocks.filter(
    (c) => c !== median && clockGapMs(c.clock, median.clock) > MAX_CLOCK_SKEW_MS,
  );
  const pairs = skewed.map((c) => ({ host: c, reference: median }));
  const low = sorted[0]!;
  const high = sorted[sorted.length - 1]!;
  if (pairs.length === 0 && clockGapMs(high.clock, low.clock) > MAX_CLOCK_SKEW_MS) {
    pairs.push({ host: high, reference: low });
  }
  for (const { host, reference } of pairs) {
    const difference = host.clock.offsetMs - reference.clock.offsetMs;
    findings.push({
      host: host.name,
      check: 'clock',
      message: `${host.name}: clock ${seconds(Math.abs(difference))} ${difference > 0 ? 'ahead of' : 'behind'} ${reference.name}'s: hosts must agree within ${MAX_CLOCK_SKEW_MS / 1000} s (etcd leases, certificates); ${NTP}`,
    });
  }
  return findings;
}

function seconds(ms: number): string {
  return ms >= 120_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The VIP must be free before keepalived takes it: a host of the inventory holding it (seen in
 * its addresses), or anything answering it (a ping from a master), means another owner.
 */
export function vipFindings(
  inventory: Inventory,
  outcomes: readonly HostOutcome[],
): DoctorFinding[] {
  const vip = inventory.vip.address;
  const findings: DoctorFinding[] = [];
  for (const outcome of outcomes) {
    if (!outcome.reached) continue;
    const held = outcome.facts.addresses?.find((a) => a.address === vip);
    if (!held) continue;
    const name = outcome.host.name;
    findings.push({
      host: name,
      check: 'vip',
      message: `${name}: already holds the VIP ${vip} on ${held.interface}: the VIP must be an address nothing uses yet (keepalived of a lab already up holds it too)`,
    });
  }
  if (findings.length > 0) return findings;
  const answered = outcomes.find((o) => o.reached && o.facts.vipPing === 'answered');
  if (answered) {
    const name = answered.host.name;
    findings.push({
      host: name,
      check: 'vip',
      message: `${name}: the VIP ${vip} answers its ping: a machine already uses that address; pick a free one for vip.address`,
    });
  }
  return findings;
}
