import { shellQuote } from './shell-quote.js';

/**
 * Power actions on a host that has no power switch ha-lab may use: the host keeps running
 * (and answering SSH), and what a machine's power would take down is taken down by signals
 * instead: the lab's systemd services and every pod process. Each action is one shell
 * script, run as root on the host.
 */

/**
 * The lab's units on a host, in the order they are stopped: kubelet first, so it starts no
 * pod again; containerd last, as the others need it. Units a host lacks (a worker has no
 * etcd or keepalived; halab-podnet is only there with ha-lab's pod network) are skipped.
 */
export const LAB_UNITS = ['kubelet', 'etcd', 'keepalived', 'halab-podnet', 'containerd'] as const;

/** The units brought back by start, besides containerd (first) and kubelet (last). */
const MIDDLE_UNITS = ['etcd', 'keepalived'];

export type SignalAction = 'kill' | 'stop' | 'start' | 'pause' | 'unpause';

/** The VIP as keepalived adds it on a master: what a dead machine no longer holds. */
export interface HeldAddress {
  address: string;
  prefix: number;
  interface: string;
}

/**
 * Defines `present` (the lab's units this host has) and `lab_pids`: every process of those
 * units, every pod process (the kubepods cgroups, at their cgroup v2 place or under a v1
 * controller, either cgroup driver) and the containerd shims, which containerd's
 * KillMode=process leaves outside any unit once it is stopped. Never PID 1 or this shell.
 */
const PRELUDE = `present=''
for u in ${LAB_UNITS.join(' ')}; do
  if [ "$(systemctl show -p LoadState --value "$u.service" 2>/dev/null)" = loaded ]; then present="$present $u"; fi
done
has() { case " $present " in *" $1 "*) return 0;; esac; return 1; }
services() { for u in $present; do printf '%s.service ' "$u"; done; }
lab_pids() {
  {
    for u in $present; do
      cg=$(systemctl show -p ControlGroup --value "$u.service" 2>/dev/null)
      case "$cg" in ''|/) continue;; esac
      for root in /sys/fs/cgroup /sys/fs/cgroup/systemd /sys/fs/cgroup/unified; do
        if [ -d "$root$cg" ]; then find "$root$cg" -name cgroup.procs -exec cat {} + 2>/dev/null; fi
      done
    done
    for d in $(find /sys/fs/cgroup -maxdepth 2 -type d -name 'kubepods*' -prune 2>/dev/null); do
      find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null
    done
    pgrep '^containerd-shim' 2>/dev/null
  } | sort -un | awk -v self=$$ '$1 != 1 && $1 != self'
}
signal_all() {
  pids=$(lab_pids)
  if [ -n "$pids" ]; then kill -s "$1" $pids 2>/dev/null || true; fi
}
`;

/**
 * kill: SIGKILL at once, then \`systemctl stop\` so Restart= brings nothing back, then SIGKILL
 * again for whatever systemd restarted in between (etcd restarts after 1 s).
 * stop: SIGTERM (and SIGCONT, so a paused process sees it), the units stopped without
 * waiting so none restarts while it exits, up to `graceS` for everything to end, then the
 * same as kill for what is left.
 */
function takeDown(action: 'kill' | 'stop', graceS: number, held?: HeldAddress): string {
  const grace =
    action === 'stop'
      ? `signal_all TERM
signal_all CONT
if [ -n "$present" ]; then systemctl stop --no-block $(services) || true; fi
deadline=$(( $(date +%s) + ${Math.max(0, Math.round(graceS))} ))
while [ -n "$(lab_pids)" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
`
      : '';
  return `${grace}signal_all KILL
if [ -n "$present" ]; then systemctl stop $(services) || true; fi
signal_all KILL
${held === undefined ? '' : releaseVip(held)}`;
}

/**
 * A keepalived killed by SIGKILL leaves the VIP on the interface, and the host, still up,
 * would go on answering ARP for it beside the new holder. A powered-off machine holds no
 * address, so neither does a host whose lab was killed. (stop's SIGTERM lets keepalived
 * release it itself; this is then a no-op.)
 */
function releaseVip(held: HeldAddress): string {
  const cidr = shellQuote(`${held.address}/${held.prefix}`);
  const dev = shellQuote(held.interface);
  return `if ip -o addr show dev ${dev} | grep -qF ' ${held.address}/'; then ip addr del ${cidr} dev ${dev} || true; fi
`;
}

/**
 * containerd first (and waited for: everything else needs it), then etcd and keepalived and
 * the pod network where the host has them enabled, then kubelet. etcd is not waited for: it
 * is ready only with a quorum, which may need a member that is still down.
 */
const START = `if has containerd; then systemctl start containerd.service; fi
for u in ${MIDDLE_UNITS.join(' ')}; do
  if has "$u" && systemctl is-enabled --quiet "$u.service"; then systemctl start --no-block "$u.service"; fi
done
if has halab-podnet && systemctl is-enabled --quiet halab-podnet.service; then systemctl start halab-podnet.service; fi
if has kubelet; then systemctl start --no-block kubelet.service; fi
`;

/** The script doing `action` on a host (run with `sh -ec`, as root). */
export function signalScript(action: SignalAction, graceS = 10, held?: HeldAddress): string {
  switch (action) {
    case 'kill':
    case 'stop':
      return PRELUDE + takeDown(action, graceS, held);
    case 'start':
      return PRELUDE + START;
    case 'pause':
      return `${PRELUDE}signal_all STOP\n`;
    case 'unpause':
      return `${PRELUDE}signal_all CONT\n`;
  }
}

/** Reads what inspect reports: containerd's unit state and the lab processes' states. */
export const INSPECT_SCRIPT = `${PRELUDE}printf 'containerd=%s\\n' "$(systemctl is-active containerd.service 2>/dev/null)"
pids=$(lab_pids)
if [ -n "$pids" ]; then printf 'states=%s\\n' "$(ps -o stat= -p "$(echo $pids)" 2>/dev/null | cut -c1 | tr -d '\\n')"; fi
`;

export interface HostPowerState {
  /** containerd's unit state as systemctl says it ("active", "inactive", "failed" ...). */
  containerd: string;
  /** How many processes of the lab run (units, pods, shims). */
  processes: number;
  /** How many of them are stopped by a signal (state T): a paused lab. */
  stopped: number;
}

export function parseInspect(stdout: string): HostPowerState {
  const value = (key: string) =>
    stdout
      .split('\n')
      .find((line) => line.startsWith(`${key}=`))
      ?.slice(key.length + 1)
      .trim() ?? '';
  const states = value('states');
  return {
    containerd: value('containerd') || 'unknown',
    processes: states.length,
    stopped: [...states].filter((s) => s === 'T').length,
  };
}
