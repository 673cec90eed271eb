"""The wizard's JavaScript weight: engine.js + ui.js raw, minified (terser) and gzipped, against the budget.

Run: python bench/wizard_size.py    (exits 1 when over budget, 2 when terser is missing)
terser comes from tests/browser (npm ci there installs it with axe-core).
"""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "builder" / "wizard" / "engine.js", ROOT / "builder" / "wizard" / "ui.js"]
TERSER = ROOT / "tests" / "browser" / "node_modules" / ".bin" / "terser"
BUDGET = 20 * 1024
"""Bytes, minified and gzipped, for engine.js and ui.js together."""
COMPARISON = "SurveyJS's core library alone is over 300 KB gzipped"


def minify(path: Path) -> bytes:
    done = subprocess.run([str(TERSER), str(path), "--compress", "--mangle", "--ecma", "2020"],
                          capture_output=True, check=False, timeout=120)
    if done.returncode != 0:
        raise SystemExit(f"{path.name}: terser failed:\n{done.stderr.decode(errors='replace')}")
    return done.stdout


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def main() -> int:
    if not TERSER.exists():
        print(f"terser is missing: run (cd {TERSER.parents[2].relative_to(ROOT)} && npm ci)", file=sys.stderr)
        return 2
    rows = []
    for path in FILES:
        raw = path.read_bytes()
        small = minify(path)
        rows.append((path.name, len(raw), len(small), gz(small)))
    total = ("total", *(sum(r[i] for r in rows) for i in (1, 2, 3)))
    print(f"{'file':<12}{'raw':>12}{'minified':>12}{'gzipped':>12}")
    for name, raw_n, min_n, gz_n in [*rows, total]:
        print(f"{name:<12}{kb(raw_n):>12}{kb(min_n):>12}{kb(gz_n):>12}")
    used = total[3]
    verdict = "within" if used <= BUDGET else "OVER"
    print(f"budget: {kb(BUDGET)} minified and gzipped; {kb(used)} used ({100 * used // BUDGET}%), {verdict} budget")
    print(f"for comparison: {COMPARISON}")
    return 0 if used <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
