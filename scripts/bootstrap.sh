#!/usr/bin/env bash
# Everything a fresh machine needs before ha-lab runs: npm packages, the compiled CLI, a
# Docker engine (installed from Debian and started when absent). Quiet when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "ha-lab: installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
if [[ ! -f dist/cli/main.js ]] || [[ -n $(find src -newer dist/cli/main.js -name '*.ts*' -print -quit) ]]; then
  echo "ha-lab: compiling" >&2
  npx tsc -p tsconfig.build.json >&2
  chmod +x dist/cli/main.js
fi
bash scripts/ensure-engine.sh
