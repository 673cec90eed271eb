"""The wizard's JavaScript weight, raw, minified and gzipped: what every visit loads against the budget,
what loads only on demand, and the wizard's own code in all.

The budget (20 KB gzipped, as served) is for what every visit to the wizard page loads: engine.js and
ui.js. It was raised to 22 KB while the engine took on the untrusted-text gate, the future-date rule and
messages worded with the labels a person sees (issues 22 and 24), and is back at 20 KB since opening an answer
file (its limits, the YAML reader's loader and its messages: files.js) loads only when a file is chosen.
The wizard's other own files load only when a visit needs them (planning.js and plan.js to
show a plan, tailor.js to fill in a template); they are listed one by one with when they load, and the total of all
the wizard's own code is shown too, so the split is visible rather than hidden. The vendored js-yaml
and nunjucks are third-party and on demand as well; they are listed apart.

Two minified figures: "served" is what the built site serves (builder.site.plugin.minify, the size the
budget is judged on), "terser" what a mangling minifier would reach, for comparison.

Run: python bench/wizard_size.py    (exits 1 when over budget, 2 when terser is missing)
terser comes from tests/browser (npm ci there installs it with axe-core).
"""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIZARD = ROOT / "builder" / "wizard"
EVERY_VISIT = ["engine.js", "ui.js"]
"""Loaded by every visit to the wizard page (guidance/wizard.md's script tags)."""
ON_DEMAND = {"planning.js": "to show a plan (the engine's budget, timeline, risks, indicators)",
             "plan.js": "to show check your answers, the confirmation page, a plan or the task list's go-live marks",
             "tailor.js": "to fill in a template",
             "documents.js": "on the filled-in documents page only (documents.html), not the wizard's",
             "word.js": "to download Word files from the filled-in documents page",
             "files.js": "to open an answer file (its limits, the YAML reader's loader and its messages)"}
"""The wizard's own files that ui.js loads only when needed, and when."""
VENDORED = {"js-yaml": ("js-yaml/dist/js-yaml.min.js", "to open a YAML file"),
            "nunjucks": ("nunjucks/browser/nunjucks.min.js", "to fill in a template"),
            "fflate": ("fflate/umd/index.js", "to download Word files (the zip)")}
TERSER = ROOT / "tests" / "browser" / "node_modules" / ".bin" / "terser"
BUDGET = 20 * 1024
"""Bytes, minified and gzipped as served, for what every visit loads (engine.js and ui.js together)."""
COMPARISON = "SurveyJS's core library alone is over 300 KB gzipped"


def terser(path: Path) -> bytes:
    done = subprocess.run([str(TERSER), str(path), "--compress", "--mangle", "--ecma", "2020"],
                          capture_output=True, check=False, timeout=120)
    if done.returncode != 0:
        raise SystemExit(f"{path.name}: terser failed:\n{done.stderr.decode(errors='replace')}")
    return done.stdout


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


Row = tuple[str, int, int, int, int, int]


def measure(name: str) -> Row:
    """A script as the site serves it: engine.js with pycompat.js at its start (site_sources.BUNDLES)."""
    import tempfile

    from builder.output.site_sources import minify, wizard_script

    source = wizard_script(name)
    raw = source.encode("utf-8")
    served = minify(name, source).encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(raw)
        small = terser(path)
    return (name, len(raw), len(served), gz(served), len(small), gz(small))


def total(label: str, rows: list[Row]) -> Row:
    return (label, *(sum(r[i] for r in rows) for i in range(1, 6)))  # type: ignore[return-value]


def show(row: Row, note: str = "") -> None:
    name, *sizes = row
    print(f"{name:<22}" + "".join(f"{kb(n):>{w}}" for n, w in zip(sizes, (10, 10, 11, 10, 11))) + (f"   {note}" if note else ""))


def main() -> int:
    sys.path.insert(0, str(ROOT))
    if not TERSER.exists():
        print(f"terser is missing: run (cd {TERSER.parents[2].relative_to(ROOT)} && npm ci)", file=sys.stderr)
        return 2
    from builder.output.site_sources import BUNDLED

    own = sorted(p.name for p in WIZARD.glob("*.js") if not p.name.startswith("review") and p.name not in BUNDLED)
    unlisted = set(own) - set(EVERY_VISIT) - set(ON_DEMAND)
    if unlisted:
        raise SystemExit(f"bench/wizard_size.py: say when {', '.join(sorted(unlisted))} loads (EVERY_VISIT or ON_DEMAND)")
    print(f"{'file':<22}{'raw':>10}{'served':>10}{'served gz':>11}{'terser':>10}{'terser gz':>11}")
    print("every visit loads:")
    visit = [measure(name) for name in EVERY_VISIT]
    for row in visit:
        show(row)
    every = total("  every visit", visit)
    show(every, "<- the budget")
    print("loaded only on demand:")
    demand = [measure(name) for name in ON_DEMAND]
    for row in demand:
        show(row, f"only {ON_DEMAND[row[0]]}")
    show(total("wizard's own code, all", visit + demand), "every visit + every on-demand file")
    print("vendored, third-party, only on demand:")
    for name, (vendored, when) in VENDORED.items():
        path = ROOT / "node_modules" / vendored
        if path.is_file():
            data = path.read_bytes()
            print(f"{name:<22}{'':>10}{kb(len(data)):>10}{kb(gz(data)):>11}   only {when}")
    used = every[3]
    verdict = "within" if used <= BUDGET else "OVER"
    print(f"budget: {kb(BUDGET)} minified and gzipped as served, for what every visit loads (engine.js + ui.js); "
          f"{kb(used)} used ({100 * used // BUDGET}%), {verdict} budget")
    plan_visit = used + sum(r[3] for r in demand if r[0] in ("plan.js", "planning.js"))
    print(f"a visit that shows a plan: {kb(plan_visit)} (engine.js + ui.js + planning.js + plan.js), outside the budget")
    print(f"for comparison: {COMPARISON}")
    return 0 if used <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
