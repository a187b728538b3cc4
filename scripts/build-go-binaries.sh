#!/usr/bin/env bash
# Builds static, version-stamped binaries from a Go wrapper module.
# Usage: build-go-binaries.sh MODULE_DIR OUTPUT LDFLAGS PKG...
#   OUTPUT ending in "/" is a directory (one binary per package), otherwise a file name.
# Called by the artifact builder (src/lab/artifacts); usable by hand.
set -euo pipefail
module_dir=$1 output=$2 ldflags=$3
shift 3
if [[ $output == */ ]]; then mkdir -p "$output"; else mkdir -p "$(dirname "$output")"; fi
cd "$module_dir"
export CGO_ENABLED=0 GOFLAGS=-mod=mod
exec go build -trimpath -ldflags "-s -w $ldflags" -o "$output" "$@"
