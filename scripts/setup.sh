#!/usr/bin/env bash
# Install everything the toolkit and its tests need on a fresh Debian machine.
# Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: Chromium for the browser tests, Graphviz for diagrams,
# poppler-utils to look at PDFs, fonts and Pango for WeasyPrint.
APT_PACKAGES="chromium graphviz poppler-utils fonts-dejavu-core fonts-liberation2 libpango-1.0-0 libpangoft2-1.0-0"
missing=""
for pkg in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  echo "setup: installing Debian packages:$missing"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

# Python: the toolkit (editable, so `readiness` finds questionnaire/ and templates/) and its test tools.
python3 -m pip install -q --disable-pip-version-check -e '.[test]' 2>&1 | grep -v -E "^(WARNING: (Running pip as|Location))" || true

# npm: the site's own copy of the iframe-worker shim (package-lock.json), and the
# test tools, axe-core among them (tests/browser/package-lock.json).
if [ ! -f node_modules/iframe-worker/shim/index.js ]; then
  npm ci --silent --no-audit --no-fund
fi
if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ] || [ ! -x tests/browser/node_modules/.bin/terser ]; then
  (cd tests/browser && npm ci --silent --no-audit --no-fund)
fi
echo "setup: ready"
