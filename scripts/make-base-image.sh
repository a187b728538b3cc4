#!/usr/bin/env bash
# Makes the Debian base image NAME:TAG. Pulls it where the engine can pull; otherwise
# builds a minbase rootfs with debootstrap from the host's Debian mirror and imports it.
# Usage: make-base-image.sh IMAGE_REF SUITE MIRROR
set -euo pipefail
ref=$1 suite=${2:-bookworm} mirror=${3:-http://deb.debian.org/debian}
say() { printf 'ha-lab: %s\n' "$*" >&2; }

if docker image inspect "$ref" >/dev/null 2>&1; then exit 0; fi
if timeout 20 docker pull "debian:$suite" >/dev/null 2>&1; then
  docker tag "debian:$suite" "$ref"
  exit 0
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 && -f /etc/debian_version ]]; then
    say "installing debootstrap (no registry reachable, so the base image is built locally)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  else
    say "no registry reachable and debootstrap missing: install debootstrap and retry"
    exit 1
  fi
fi
rootfs=$(mktemp -d /tmp/ha-lab-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
say "building Debian $suite base image with debootstrap (about 30 s)"
debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || {
  say "debootstrap failed; see $rootfs.log"; exit 1; }
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
tar -C "$rootfs" -c . | docker import --change 'CMD ["/bin/bash"]' \
  --change 'LABEL io.ha-lab.managed=true' - "$ref" >/dev/null
rm -f "$rootfs.log"
