#!/usr/bin/env bash
# Go tools the tests run as real upstreams, installed from the Go module proxy into a cache folder
# that survives later runs on the same machine. Each tool's line is added by the test that needs it.
set -uo pipefail
cd "$(dirname "$0")/.."
command -v go >/dev/null 2>&1 || { echo "go is required (https://go.dev/dl/); CI machines carry it"; exit 1; }
export GOBIN="${NODESCOPE_TOOLS:-$HOME/.cache/nodescope/bin}"
mkdir -p "$GOBIN"

# geth (backend-proxy/test/geth.real.test.ts runs `geth --dev`): a few minutes to build on 2 cores,
# so only when the binary is missing or another version
GETH_VERSION=1.17.10
geth_version=$("$GOBIN/geth" version 2>/dev/null)
if ! grep -qx "Version: $GETH_VERSION-stable" <<<"$geth_version"; then
  echo "go install geth v$GETH_VERSION into $GOBIN"
  go install "github.com/ethereum/go-ethereum/cmd/geth@v$GETH_VERSION" || { echo "geth install failed"; exit 1; }
fi

# lnd (backend-proxy/test/lnd.real.test.ts runs it without a chain backend): v0.18.3-beta.rc3 is the
# newest lnd tag the Go module proxy serves. Its go.mod replaces the nested sqldb module with ./sqldb,
# which module zips leave out (and which `go install pkg@version` refuses), so it is built from a copy
# of the downloaded module with the published sqldb v1.0.4 instead (~1-4 min on 2 cores)
LND_VERSION=0.18.3-beta.rc3
if ! "$GOBIN/lnd" --version 2>/dev/null | grep -q "version $LND_VERSION "; then
  echo "build lnd v$LND_VERSION into $GOBIN"
  lnd_mod=$(go mod download -json "github.com/lightningnetwork/lnd@v$LND_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  lnd_src=$(mktemp -d)
  cp -r "$lnd_mod/." "$lnd_src" && chmod -R u+w "$lnd_src" &&
    (cd "$lnd_src" && go mod edit -dropreplace github.com/lightningnetwork/lnd/sqldb -require github.com/lightningnetwork/lnd/sqldb@v1.0.4 &&
      GOFLAGS=-mod=mod go build -o "$GOBIN/lnd" ./cmd/lnd)
  lnd_status=$?
  rm -rf "$lnd_src"
  [ "$lnd_status" -eq 0 ] || { echo "lnd build failed"; exit 1; }
fi

# the datasource backend's and the harness bridge's modules (grafana-plugin-sdk-go,
# hashicorp/go-plugin, pinned in their go.sum) into the module cache, before npm run build compiles gpx_nodescope_* and go test runs
for mod in plugins/datasource e2e/grafana-bridge; do
  (cd "$mod" && go mod download) || { echo "go mod download ($mod) failed"; exit 1; }
done
exit 0
