#!/usr/bin/env bash
# Install everything the toolkit and its tests need on a fresh Debian machine.
# Python packages go into the project's own .venv: a system Python is never modified
# (Debian's python3 refuses system-wide pip installs, PEP 668). Safe to run again:
# it skips what is already there. Any failed step stops here with one line saying
# what failed and how to fix it; "setup: ready" is printed only when all is done.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "setup: error: $1" >&2; exit 1; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || fail "not root and no sudo; run this as root or install sudo"
  SUDO="sudo"
fi
APT_UPDATED=""
apt_install() {
  [ -n "$APT_UPDATED" ] || { $SUDO apt-get update -qq >/dev/null || fail "apt-get update failed; check the network and /etc/apt/sources.list"; APT_UPDATED=1; }
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null \
    || fail "apt-get install $* failed; run it by hand to see why"
}

# Debian packages: Chromium for the browser tests, Graphviz for diagrams, poppler-utils
# to look at PDFs, fonts and Pango for WeasyPrint, LibreOffice Writer to check the Word
# files, python3-venv for the project's virtual environment.
APT_PACKAGES="chromium graphviz poppler-utils fonts-dejavu-core fonts-liberation2 libpango-1.0-0 libpangoft2-1.0-0 libreoffice-writer-nogui libreoffice-calc-nogui python3-venv default-jre-headless"
missing=""
for pkg in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  echo "setup: installing Debian packages:$missing"
  # shellcheck disable=SC2086
  apt_install $missing
fi
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { echo "setup: installing Node.js and npm"; apt_install nodejs npm; }

# Python: the project's own virtual environment. PYTHON picks the interpreter (default
# python3, Debian's own on a fresh machine); it must be 3.11 or newer.
PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null 2>&1 || fail "$PYTHON not found; install Debian's python3 (apt-get install python3)"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || fail "$("$PYTHON" -V 2>&1) is too old; the toolkit needs Python 3.11 or newer"
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys' >/dev/null 2>&1; then
  rm -rf .venv
  echo "setup: creating the virtual environment .venv"
  if ! "$PYTHON" -m venv .venv >/dev/null 2>&1; then
    rm -rf .venv
    apt_install python3-venv
    "$PYTHON" -m venv .venv || fail "could not create .venv with $PYTHON; install python3-venv (apt-get install python3-venv)"
  fi
fi

# Install the locked versions (requirements.lock: every package, with its hashes, that the tests
# passed with), then the toolkit itself, editable, so the checkout's questionnaire/ and templates/
# are the ones used. Only when the lock or pyproject.toml changed since the last successful install.
# To take new releases on purpose: bash scripts/upgrade-lock.sh (it re-locks, then runs the tests).
stamp=".venv/.installed-$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing the locked packages (requirements.lock) and the toolkit into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes --no-deps -r requirements.lock \
    || fail "pip could not install requirements.lock into .venv; see the lines above"
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e . \
    || fail "pip install -e . failed in .venv; see the lines above"
  .venv/bin/python -m pip check >/dev/null \
    || fail "the installed packages do not fit together ($(.venv/bin/python -m pip check 2>&1 | head -1)); run bash scripts/upgrade-lock.sh"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
.venv/bin/readiness --version >/dev/null 2>&1 || fail ".venv/bin/readiness does not run; delete .venv and run setup again"

# npm: the site's own browser assets (iframe-worker's shim, js-yaml, nunjucks: package-lock.json), and the
# test tools, axe-core and Lighthouse among them (tests/browser/package-lock.json). Installed again
# whenever a lock file changes.
npm_install() {  # folder
  local lock_stamp
  lock_stamp="$1/node_modules/.installed-$(sha256sum "$1/package-lock.json" | cut -c1-16)"
  if [ ! -f "$lock_stamp" ]; then
    (cd "$1" && npm ci --silent --no-audit --no-fund) || fail "npm ci failed in $1; see the lines above"
    rm -f "$1"/node_modules/.installed-*
    touch "$lock_stamp"
  fi
}
npm_install .
npm_install tests/browser
echo "setup: ready (run the toolkit as .venv/bin/readiness, or 'source .venv/bin/activate' first)"
