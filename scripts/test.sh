#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite, browser tests included, from the project's .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
.venv/bin/python -m ruff check builder tests bench
.venv/bin/python -m mypy
.venv/bin/python -m pytest "$@"
