#!/usr/bin/env bash
# The README's test command: installs what the tests need (when it can), builds, runs every
# suite — vitest, `go test` for every Go module, pytest against the upstreams' own Python
# packages — and ends with the plain line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/system-deps.sh || exit 1
[ -d node_modules ] || npm ci
# Go modules and tools (geth), then the Python virtualenv (freqtrade, pyasic): each installs only what is missing
bash scripts/go-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
bash scripts/python-deps.sh || { echo "0 passed, 1 failed"; exit 1; }

npm run build >reports-build.log 2>&1 || { cat reports-build.log; echo "build failed"; rm -f reports-build.log; echo "0 passed, 1 failed"; exit 1; }
rm -f reports-build.log

mkdir -p reports
rm -f reports/*.json reports/*.gojson reports/*.xml
status=0
npx vitest run --reporter=default --reporter=json --outputFile=reports/vitest.json || status=$?

# every Go module outside node_modules (the datasource backend, tools)
i=0
while IFS= read -r mod; do
  dir=$(dirname "$mod")
  i=$((i + 1))
  echo "go test ./... in $dir"
  (cd "$dir" && go test -json -count=1 ./... >"$OLDPWD/reports/go-$i.gojson" 2>"$OLDPWD/reports/go-$i.stderr") || status=1
  grep -h '"Action":"fail"' "reports/go-$i.gojson" | head -20
done < <(find . -name go.mod -not -path '*/node_modules/*' -not -path './.venv*' | sort)

# pytest: checks against upstream Python packages (freqtrade's models, pyasic as a second client)
if [ -d test/python ]; then
  .venv-ci/bin/python -m pytest -q test/python --junitxml=reports/pytest.xml || status=1
fi

node scripts/summarize-tests.mjs reports/*.json reports/*.gojson reports/*.xml 2>&1 | tail -n 40 || status=1
exit $status
