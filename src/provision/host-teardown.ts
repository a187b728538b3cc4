import { dirname } from 'node:path';
import { REMOVE_PARTITION_ARP } from '../core/partition-arp.js';
import { CNI_CONF_DIR } from './containerd.js';
import {
  POLICY_RC_IS_OURS,
  POLICY_RC_PATH,
  RULE_COMMENT_PREFIX,
  planHostTeardown,
} from './host-footprint.js';
import { HOST_LEDGER_DIR, type HostLedger } from './host-ledger.js';
import { HOST_SYSCTL_PATH } from './host-kernel.js';
import { HAS_HOSTS_BLOCK, HOSTS_FILE, REMOVE_HOSTS_BLOCK } from './host-names.js';
import { CRI_SOCKET } from './kubeadm.js';
import { CNI_BRIDGE, VXLAN_DEVICE } from './podnet.js';
/**
 * `down --inventory` for one host as a bash script: what the HA phases did (as on a node
 * container) and what the ledger says ha-lab changed, undone. Each step checks before it
 * acts, so a clean, half-prepared or torn-down host passes; stdout gets one line per thing
 * removed (and `leftover ...` per rule kept), all else goes to stderr. `renderHostCheck`
 * lists what is still there after.
 */

/** What kubelet, CNI and containerd mount for pods (containerd's own only for k8s.io). */
const POD_MOUNTS =
  '^(/var/lib/kubelet/|/(var/)?run/netns/cni-|/run/containerd/io\\.containerd\\.(runtime\\.v2\\.task/k8s\\.io|grpc\\.v1\\.cri)/)';

export interface HostTeardownInput {
  /** The host's ledger; undefined when it has none (never prepared, or torn down already). */
  ledger: HostLedger | undefined;
  vip: string;
  /** The prefix keepalived adds the VIP with: exactly that address is deleted. */
  vipPrefix: number;
  vipInterface: string;
}

/** The host's tables: nft-backed ones always, legacy ones only when loaded (listing loads them). */
const IPTABLES = `ipts() {
  local v t
  for v in iptables:ip ip6tables:ip6; do
    t=\${v#*:} v=\${v%:*}
    if has "$v-nft"; then echo "$v-nft"; elif has "$v"; then echo "$v"; fi
    [ -z "$(cat /proc/net/\${t}_tables_names 2>/dev/null)" ] || ! has "$v-legacy" || echo "$v-legacy"
  done
}
# Rules outside KUBE-/CNI- chains that jump into one or carry ha-lab's comment: $1 the rules (-S).
ours() { grep -E -- '^-A ' <<<"$1" | grep -vE -- '^-A (KUBE|CNI)-' | grep -E -- ' -[jg] (KUBE|CNI)-|--comment "?${RULE_COMMENT_PREFIX}'; }
chains() { sed -n 's/^-N \\(\\(KUBE\\|CNI\\)-[^ ]*\\)$/\\1/p' <<<"$1"; }
# ha-lab's rules still there, as leftover lines: the teardown asks before it purges the tools.
rules_left() {
  local ipt table rules n c
  for ipt in $(ipts); do for table in filter nat mangle raw; do
    rules=$("$ipt" -t "$table" -S 2>/dev/null) || continue
    n=$(ours "$rules" | grep -c .); c=$(chains "$rules" | grep -c .)
    [ "$n$c" = 00 ] || say "leftover $ipt $table: $n rules, $c KUBE-/CNI- chains"
  done; done
  if has arptables; then n=$(arptables -S 2>/dev/null | grep -cE '^-A .*-j DROP$'); [ "$n" = 0 ] || say "leftover $n arptables DROP rules"; fi
}`;

function prelude(input: HostTeardownInput, p: ReturnType<typeof planHostTeardown>): string {
  const pairs = (record: Record<string, string> | undefined) =>
    list(Object.entries(record ?? {}).flat());
  return `set -u
export LC_ALL=C DEBIAN_FRONTEND=noninteractive PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
exec 3>&1 1>&2
say() { printf '%s\\n' "$*" >&3; }
has() { command -v "$1" >/dev/null 2>&1; }
VIP=${quote(input.vip)} VIP_PREFIX=${quote(String(input.vipPrefix))} VIP_IF=${quote(input.vipInterface)}
UNITS=(${list(p.units)})
FILES=(${list(p.files)})
DIRS=(${list(p.dirs)})
PACKAGES=(${list(p.packages)})
SYSCTLS=(${pairs(input.ledger?.sysctls)})
BACKUPS=(${pairs(input.ledger?.backups)})
${IPTABLES}
pkg_present() { case "$(dpkg-query -W -f='\${db:Status-Status}' "$1" 2>/dev/null)" in ''|not-installed) return 1;; esac; }
vip_here() { ip -o -4 addr show dev "$VIP_IF" 2>/dev/null | grep -qF " inet $VIP/"; }
`;
}

/** The teardown script, run as root with bash. */
export function renderHostTeardown(input: HostTeardownInput): string {
  const p = planHostTeardown(input.ledger);
  // A containerd of the host's own ran with ha-lab's configuration until now.
  const configured = (input.ledger?.files ?? []).some((f) => f.startsWith('/etc/containerd/'));
  const restartContainerd = !p.ownContainerd && configured;
  return `${prelude(input, p)}
stop_unit() {
  local state=$(systemctl show -p ActiveState --value "$1" 2>/dev/null)
  if [ -n "$state" ] && [ "$state" != inactive ] && [ "$state" != failed ]; then timeout 120 systemctl stop "$1" && say "stopped $1"; fi
  if [ "$(systemctl is-enabled "$1" 2>/dev/null)" = enabled ]; then systemctl disable -q "$1" && say "disabled $1"; fi
  # A half-removed unit cannot be disabled by name any more: its links go by hand.
  rm -f /etc/systemd/system/*.wants/"$1"; systemctl reset-failed "$1" 2>/dev/null
}
remove() {
  [ -e "$1" ] || [ -L "$1" ] || return 0
  # Never across a mount (a pod volume left mounted): what is not ours stays.
  rm -rf --one-file-system -- "$1" 2>/dev/null
  if [ -e "$1" ] && ! { mountpoint -q "$1" && [ -z "$(ls -A "$1")" ]; }; then echo "could not remove $1"; else say "removed $1"; fi
}

if has systemctl; then for u in "\${UNITS[@]}"; do [ "$u" = containerd.service ] || stop_unit "$u"; done; fi

# Before containerd stops: kubeadm removes the pods through the CRI. Without --kubeconfig it
# would first ask the (maybe gone) API server for the cluster's configuration.
if has kubeadm && { [ -e /etc/kubernetes ] || [ -e /var/lib/kubelet ]; }; then
  timeout 120 kubeadm reset -f --kubeconfig=/dev/null --cri-socket=${quote(CRI_SOCKET)} && say "ran kubeadm reset"
fi
if has systemctl && ${p.ownContainerd}; then stop_unit containerd.service; fi

# What survived the reset: pod processes by their cgroup (v1 and v2, either cgroup driver),
# and the k8s.io namespace's shims (another namespace's, such as Docker's, are not ours).
for round in 1 2 3; do
  pids=$({ find /sys/fs/cgroup -path '*kubepods*' -name cgroup.procs -exec cat {} + 2>/dev/null; pgrep -f -- '[c]ontainerd-shim.* -namespace k8s[.]io'; } | sort -un)
  [ -n "$pids" ] || break
  kill -9 $pids 2>/dev/null; say "killed $(wc -w <<<"$pids") pod processes"
done
if has systemctl && [ "$(systemctl show -p LoadState --value kubepods.slice 2>/dev/null)" = loaded ]; then timeout 60 systemctl stop kubepods.slice; fi
has systemctl && systemctl reset-failed 'kubepods*' 'cri-containerd-*' 2>/dev/null
find /sys/fs/cgroup -depth -mindepth 1 -type d -path '*kubepods*' -exec rmdir {} + 2>/dev/null

mounts=$(awk '{ print $5 }' /proc/self/mountinfo | while read -r m; do printf '%b\\n' "$m"; done | grep -E ${quote(POD_MOUNTS)} | sort -r)
[ -z "$mounts" ] || say "unmounted $(grep -c . <<<"$mounts") pod mounts"
while IFS= read -r m; do [ -z "$m" ] || umount "$m" 2>/dev/null || umount -l "$m"; done <<<"$mounts"
for ns in /run/netns/cni-*; do [ -e "$ns" ] || continue; ip netns delete "\${ns##*/}" 2>/dev/null || rm -f "$ns"; say "removed network namespace \${ns##*/}"; done

if vip_here; then ip addr del "$VIP/$VIP_PREFIX" dev "$VIP_IF" && say "released VIP $VIP/$VIP_PREFIX from $VIP_IF"; fi
for v in $(ip -o link show master ${CNI_BRIDGE} 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do ip link del "$v" && say "removed device $v"; done
for d in ${CNI_BRIDGE} ${VXLAN_DEVICE}; do if ip link show "$d" >/dev/null 2>&1; then ip link del "$d" && say "removed device $d"; fi; done

for ipt in $(ipts); do
  for table in filter nat mangle raw; do
    rules=$("$ipt" -t "$table" -S 2>/dev/null) || continue
    del=$(ours "$rules" | sed 's/^-A /-D /'); ch=$(chains "$rules")
    [ -n "$del$ch" ] || continue
    # iptables-restore parses the quoted comments itself: no eval of what the host holds.
    { echo "*$table"; [ -z "$del" ] || echo "$del"; for c in $ch; do echo "-F $c"; done; for c in $ch; do echo "-X $c"; done; echo COMMIT; } |
      "$ipt-restore" --noflush && say "removed $ipt $table: $(grep -c . <<<"$del") rules, $(wc -w <<<"$ch") KUBE-/CNI- chains"
  done
done
if has arptables; then # a partition left in place: exactly its rules, as the heal does
  n=$(arptables -S 2>/dev/null | grep -c '^-A ' || true)
${REMOVE_PARTITION_ARP}
  left=$(arptables -S 2>/dev/null | grep -c '^-A ' || true)
  [ "$n" = "$left" ] || say "removed $((n - left)) arptables rules"
fi

had_sysctl_file=no; [ ! -e ${quote(HOST_SYSCTL_PATH)} ] || had_sysctl_file=yes
for f in "\${FILES[@]}" "\${DIRS[@]}"; do remove "$f"; done
for f in /var/lib/containerd/.ha-lab-imported-*; do [ ! -e "$f" ] || remove "$f"; done
! ${POLICY_RC_IS_OURS} || remove ${POLICY_RC_PATH}
if ${REMOVE_HOSTS_BLOCK}; then say "removed the lab's node names from ${HOSTS_FILE}"; fi
# A containerd of the host's own made (or had made) its CNI directory: that one stays.
${p.ownContainerd} && for d in ${CNI_CONF_DIR} ${dirname(CNI_CONF_DIR)}; do [ -d "$d" ] && rmdir "$d" 2>/dev/null && say "removed $d"; done

for ((i = 0; i < \${#SYSCTLS[@]}; i += 2)); do
  k=\${SYSCTLS[i]} v=\${SYSCTLS[i + 1]}
  [ "$(sysctl -n "$k" 2>/dev/null)" = "$v" ] || { sysctl -q -w "$k=$v" && say "restored sysctl $k = $v"; }
done
# A ledger older than recorded sysctls: the host's own files are applied again (not all values).
if [ \${#SYSCTLS[@]} = 0 ] && [ "$had_sysctl_file" = yes ]; then sysctl -q --system && say "reloaded the host's sysctl settings"; fi

rules_left
present=(); for p in "\${PACKAGES[@]}"; do pkg_present "$p" && present+=("$p"); done
if [ \${#present[@]} -gt 0 ]; then
  # dpkg, not apt: apt would also remove packages of the host's own that depend on these.
  # Its lock is waited for, as a VM's unattended-upgrades may hold it.
  for try in $(seq 24); do out=$(dpkg --purge "\${present[@]}" 2>&1) && break; grep -q lock <<<"$out" || break; sleep 5; done
  echo "$out"
  for p in "\${present[@]}"; do pkg_present "$p" || say "purged package $p"; done
fi
# An original's directory is the host's own; gone, the "original" was a purged package's file.
for ((i = 0; i < \${#BACKUPS[@]}; i += 2)); do
  f=\${BACKUPS[i]} copy=\${BACKUPS[i + 1]}
  [ ! -e "$copy" ] || [ ! -d "$(dirname "$f")" ] || { cp -a "$copy" "$f" && say "restored $f"; }
done
has systemctl && systemctl daemon-reload
# The host's own containerd: running with its own configuration again, or as it was found.
found=${quote(input.ledger?.unitStates['containerd.service'] ?? '')}
if [ "\${found#* }" = inactive ] && systemctl is-active -q containerd.service; then systemctl stop containerd.service && say "stopped containerd.service, as found"
elif ${restartContainerd} && systemctl is-active -q containerd.service; then systemctl restart containerd.service && say "restarted containerd.service with its own configuration"; fi
if [ "\${found% *}" = disabled ] && [ "$(systemctl is-enabled containerd.service 2>/dev/null)" = enabled ]; then systemctl disable -q containerd.service && say "disabled containerd.service, as found"; fi
remove ${quote(HOST_LEDGER_DIR)}
exit 0
`;
}

/** Prints `leftover <what>` for each thing of ha-lab's still on the host; nothing when clean. */
export function renderHostCheck(input: HostTeardownInput): string {
  const p = planHostTeardown(input.ledger);
  // A restored original, and the directories holding it, are the host's own again.
  const restored = Object.keys(input.ledger?.backups ?? {});
  const paths = [...p.files, ...p.dirs, HOST_LEDGER_DIR].filter(
    (f) => !restored.some((r) => r === f || r.startsWith(`${f}/`)),
  );
  return `${prelude(input, p)}
left() { say "leftover $*"; }
if has systemctl; then
  for u in "\${UNITS[@]}"; do
    # A unit file ha-lab wrote is among the paths, a package's unit goes with the package.
    active=$(systemctl show -p ActiveState --value "$u" 2>/dev/null)
    case "\${active:-inactive}" in inactive) ;; *) left "unit $u $active";; esac
    [ "$(systemctl is-enabled "$u" 2>/dev/null)" != enabled ] || left "unit $u enabled"
  done
fi
for f in ${list(paths)}; do
  if { [ -e "$f" ] || [ -L "$f" ]; } && ! { mountpoint -q "$f" && [ -z "$(ls -A "$f")" ]; }; then left "$f"; fi
done
for p in "\${PACKAGES[@]}"; do pkg_present "$p" && left "package $p"; done
! ${POLICY_RC_IS_OURS} || left ${POLICY_RC_PATH}
! ${HAS_HOSTS_BLOCK} || left "node names in ${HOSTS_FILE}"
rules_left
for d in ${CNI_BRIDGE} ${VXLAN_DEVICE}; do ip link show "$d" >/dev/null 2>&1 && left "device $d"; done
vip_here && left "VIP $VIP on $VIP_IF"
for ((i = 0; i < \${#SYSCTLS[@]}; i += 2)); do k=\${SYSCTLS[i]} v=\${SYSCTLS[i + 1]} cur=$(sysctl -n "\${SYSCTLS[i]}" 2>/dev/null)
  [ -z "$cur" ] || [ "$cur" = "$v" ] || left "sysctl $k = $cur (was $v)"; done
exit 0
`;
}

/** One shell word for any string (the runtime's shellQuote is out of this layer's reach). */
function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function list(words: readonly string[]): string {
  return words.map(quote).join(' ');
}
