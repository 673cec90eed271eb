#!/usr/bin/env bash
# The hostile-input tests against other PyYAML releases than the locked one: each release is installed into its own
# folder (never into .venv) and put first on the path, so the toolkit's own limits are shown to speak before any
# library's, whatever release a user's environment has. Usage: bash scripts/test-pyyaml.sh [VERSION...]
# (default: 6.0.1 6.0.2 and the newest). Needs the package registry; takes about two minutes a release.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(6.0.1 6.0.2 newest)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for version in "${versions[@]}"; do
  spec="PyYAML==$version"
  [ "$version" = newest ] && spec="PyYAML"
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps --target "$work/$version" "$spec"
  shown=$(PYTHONPATH="$work/$version" .venv/bin/python -c 'import yaml; print(yaml.__version__)')
  echo "test-pyyaml: PyYAML $shown"
  PYTHONPATH="$work/$version:$PWD" .venv/bin/python -m pytest -q -p no:cacheprovider tests/test_hostile.py -m "not slow and not browser"
done
