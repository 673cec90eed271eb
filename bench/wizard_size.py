"""The wizard's JavaScript weight: engine.js + ui.js raw, minified and gzipped, against the budget.

Two minified figures: "served" is what the built site serves (builder.site.minify, the size the
budget is judged on), "terser" what a mangling minifier would reach, for comparison. tailor.js and
the vendored js-yaml and nunjucks load only when a YAML file is opened or a template filled in;
their served sizes are shown apart, outside the budget of what every visit loads.

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
    sys.path.insert(0, str(ROOT))
    from builder.site import minify as served_minify

    if not TERSER.exists():
        print(f"terser is missing: run (cd {TERSER.parents[2].relative_to(ROOT)} && npm ci)", file=sys.stderr)
        return 2
    rows = []
    for path in FILES:
        raw = path.read_bytes()
        small = minify(path)
        served = served_minify(path.name, raw.decode("utf-8")).encode("utf-8")
        rows.append((path.name, len(raw), len(served), gz(served), len(small), gz(small)))
    total = ("total", *(sum(r[i] for r in rows) for i in range(1, 6)))
    print(f"{'file':<12}{'raw':>10}{'served':>10}{'served gz':>11}{'terser':>10}{'terser gz':>11}")
    for name, *sizes in [*rows, total]:
        print(f"{name:<12}" + "".join(f"{kb(n):>{w}}" for n, w in zip(sizes, (10, 10, 11, 10, 11))))
    tailor = ROOT / "builder" / "wizard" / "tailor.js"
    data = served_minify(tailor.name, tailor.read_text(encoding="utf-8")).encode("utf-8")
    print(f"{tailor.name:<12}{kb(tailor.stat().st_size):>10}{kb(len(data)):>10}{kb(gz(data)):>11}   (loaded only to fill in a template)")
    for name, vendored, when in (("js-yaml", "js-yaml/dist/js-yaml.min.js", "to open a YAML file"),
                                 ("nunjucks", "nunjucks/browser/nunjucks.min.js", "to fill in a template")):
        path = ROOT / "node_modules" / vendored
        if path.is_file():
            data = path.read_bytes()
            print(f"{name:<12}{'':>10}{kb(len(data)):>10}{kb(gz(data)):>11}   (vendored, loaded only {when})")
    used = total[3]
    verdict = "within" if used <= BUDGET else "OVER"
    print(f"budget: {kb(BUDGET)} minified and gzipped, as served; {kb(used)} used ({100 * used // BUDGET}%), {verdict} budget")
    print(f"for comparison: {COMPARISON}")
    return 0 if used <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
