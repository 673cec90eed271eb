#!/usr/bin/env bash
# Take new releases on purpose: re-lock every dependency (requirements.lock, with hashes) at the newest
# versions pyproject.toml allows, install them into .venv, and run the whole test suite. Commit the new
# lock only if the tests pass; `git checkout requirements.lock` undoes it. Run it monthly, or before a release.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9  # the locking tool itself is pinned too
bash scripts/setup.sh >/dev/null
.venv/bin/python -m pip install -q --disable-pip-version-check "uv==$UV_VERSION" \
  || { echo "upgrade-lock: error: could not install uv $UV_VERSION into .venv" >&2; exit 1; }
.venv/bin/uv pip compile pyproject.toml requirements/build.in --all-extras --generate-hashes --universal \
  --python-version 3.11 --no-header --upgrade -q -o requirements.lock
git --no-pager diff --stat -- requirements.lock || true
bash scripts/test.sh "$@"
echo "upgrade-lock: the tests pass with the new lock; review 'git diff requirements.lock' and commit it"
