#!/usr/bin/env bash
# Go tools the tests run as real upstreams, installed from the Go module proxy into a cache folder
# that survives later runs on the same machine. Each tool's line is added by the test that needs it.
set -uo pipefail
cd "$(dirname "$0")/.."
command -v go >/dev/null 2>&1 || { echo "go is required (https://go.dev/dl/); CI machines carry it"; exit 1; }
export GOBIN="${NODESCOPE_TOOLS:-$HOME/.cache/nodescope/bin}"
mkdir -p "$GOBIN"
exit 0
