#!/usr/bin/env bash
# The README's second command (and CI's): typecheck, lint (with the layer rules), unit,
# integration and an e2e that brings a real lab up and proves kill-master0. Starts what the
# tests need (the engine) by itself. With CI set, a skipped test fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
bash scripts/bootstrap.sh
npm run --silent typecheck
npm run --silent lint
export TESTCONTAINERS_RYUK_DISABLED=true
# The TUI e2e drives the real dashboard in tmux.
command -v tmux >/dev/null || { apt-get install -y -qq tmux >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq tmux; }; }
# The report.html test renders pages in Debian's headless Chromium (no browser download).
[[ -x /usr/bin/chromium ]] || { apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }; }
# Warm cache: seconds. Cold: builds Kubernetes, etcd and CoreDNS from Go modules first.
node dist/cli/main.js build
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
node scripts/check-leftovers.mjs --record "$reports/before.txt"
json() { echo "--reporter=default --reporter=json --outputFile.json=$reports/$1.json"; }
# shellcheck disable=SC2046
npx vitest run --project unit --project integration $(json fast)
# The e2e lab gets the machine to itself: timing checks are measured, not mocked.
# shellcheck disable=SC2046
npx vitest run --project e2e $(json e2e)
# The inventory lab: six SSH machines, after the Docker lab is gone (never beside it).
# shellcheck disable=SC2046
npx vitest run --project inventory $(json inventory)
if [[ -n "${CI:-}" ]]; then node scripts/check-skipped.mjs "$reports"/*.json; fi
node scripts/check-leftovers.mjs --before "$reports/before.txt"
echo "ha-lab: tests passed in $(( $(date +%s) - started )) s"
