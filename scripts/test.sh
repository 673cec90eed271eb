#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite, browser tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
python3 -m ruff check builder tests bench
python3 -m mypy
python3 -m pytest "$@"
