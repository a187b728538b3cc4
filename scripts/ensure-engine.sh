#!/usr/bin/env bash
# Makes sure a Docker engine answers. When none does and this is Debian with root, installs
# Debian's docker.io (once), starts dockerd in the background with a log file and waits.
# Exit: 0 engine answers, 1 could not start one (message says what to do).
set -euo pipefail
log_dir="${HA_LAB_ENGINE_LOG_DIR:-/var/log/ha-lab}"
say() { printf 'ha-lab: %s\n' "$*" >&2; }

engine_answers() { timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if engine_answers; then exit 0; fi
if [[ -n "${DOCKER_HOST:-}" ]]; then
  say "DOCKER_HOST=$DOCKER_HOST does not answer; start that engine or unset DOCKER_HOST"
  exit 1
fi
if [[ $(id -u) -ne 0 || ! -f /etc/debian_version ]]; then
  say "no Docker engine answers at /var/run/docker.sock; start Docker (or Docker Desktop) and retry"
  exit 1
fi
if ! command -v dockerd >/dev/null 2>&1; then
  say "no Docker engine found: installing Debian's docker.io (one time, about a minute)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq docker.io >/dev/null
fi
mkdir -p "$log_dir"
say "starting dockerd (log: $log_dir/dockerd.log)"
nohup dockerd >>"$log_dir/dockerd.log" 2>&1 &
for _ in $(seq 1 60); do
  if engine_answers; then exit 0; fi
  sleep 1
done
say "dockerd did not answer within 60 s; see $log_dir/dockerd.log"
exit 1
