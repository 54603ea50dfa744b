#!/usr/bin/env bash
# The README's test command: installs the system packages the tests need (when it can), builds,
# runs every suite, and ends with the plain line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/system-deps.sh || exit 1

[ -d node_modules ] || npm ci
npm run build >reports-build.log 2>&1 || { cat reports-build.log; echo "build failed"; rm -f reports-build.log; echo "0 passed, 1 failed"; exit 1; }
rm -f reports-build.log

mkdir -p reports
rm -f reports/*.json
status=0
npx vitest run --reporter=default --reporter=json --outputFile=reports/vitest.json || status=$?

node scripts/summarize-tests.mjs reports/*.json || status=1
exit $status
