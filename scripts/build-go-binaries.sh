#!/usr/bin/env bash
# Builds static, version-stamped binaries from a Go wrapper module.
# Usage: build-go-binaries.sh MODULE_DIR OUT_DIR LDFLAGS PKG...
# Called by src/runtime (the artifact builder); kept as a script so a user can run it by hand.
set -euo pipefail
module_dir=$1 out_dir=$2 ldflags=$3
shift 3
mkdir -p "$out_dir"
cd "$module_dir"
export CGO_ENABLED=0 GOFLAGS=-mod=mod
go build -trimpath -ldflags "-s -w $ldflags" -o "$out_dir/" "$@"
