#!/usr/bin/env bash
# Prints the path of actionlint, built once from its Go module (no binary download) and kept
# under the ha-lab cache, keyed by version.
set -euo pipefail
version="${ACTIONLINT_VERSION:-v1.7.12}"
cache="${HA_LAB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ha-lab}/tools/actionlint-$version"
if [[ ! -x "$cache/actionlint" ]]; then
  mkdir -p "$cache"
  GOBIN="$cache" go install "github.com/rhysd/actionlint/cmd/actionlint@$version" >&2
fi
echo "$cache/actionlint"
