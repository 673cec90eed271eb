#!/usr/bin/env bash
# Set up, check the questionnaire, build the whole site into site/, then serve it locally.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"  # mkdocs-material's end-of-life notice shows on purpose: README, "The site generator"
readiness check
mkdocs build --strict
ADDR="${READINESS_ADDR:-127.0.0.1:8000}"
echo
echo "The site is built in site/ (open site/index.html straight from disk, or copy it to any web host)."
echo "Serving it now at http://${ADDR}/ (Ctrl+C to stop); edits to guidance/, questionnaire/ and templates/ reload the page."
exec mkdocs serve --dev-addr "$ADDR"
