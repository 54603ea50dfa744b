#!/usr/bin/env bash
# A virtualenv (.venv-ci, git-ignored) with the upstreams' own Python packages, pinned in
# test/python/requirements.txt; reinstalled only when that file changes.
set -uo pipefail
cd "$(dirname "$0")/.."
[ -f test/python/requirements.txt ] || exit 0
[ -x .venv-ci/bin/python ] || python3 -m venv .venv-ci || exit 1
stamp=.venv-ci/.requirements.sha1
want=$(sha1sum test/python/requirements.txt | cut -d' ' -f1)
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && exit 0
echo "installing Python test packages (test/python/requirements.txt)"
.venv-ci/bin/pip install -q --disable-pip-version-check -r test/python/requirements.txt >/tmp/nodescope-pip.log 2>&1 \
  || { tail -30 /tmp/nodescope-pip.log; echo "pip install failed"; exit 1; }
echo "$want" >"$stamp"
