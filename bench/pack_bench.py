"""Benchmark `readiness pack`: seconds per document and per page, against bare WeasyPrint renders.

Run: python bench/pack_bench.py [example ...]   (default: every file in examples/)

Targets (issue "Policy templates and the tailored plan as accessible PDFs"), on a 2-core machine:
  - a full pack (plan + its templates, PDF) in at most 1.3x the sum of bare WeasyPrint renders
    of the same HTML; parallel rendering should bring it under 1x;
  - a rerun with nothing changed, served from the content-keyed cache, in under 0.5 s.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from builder.checks.project import load_questionnaire  # noqa: E402
from builder.core.engine import evaluate_plan  # noqa: E402
from builder.load.answers import load_answers  # noqa: E402
from builder.output.pack import plan_html  # noqa: E402
from builder.render.documents import render_template  # noqa: E402

TARGET_RATIO = 1.3
TARGET_CACHED = 0.5


def bare_renders(htmls: list[str], templates_dir: Path) -> float:
    """The floor: each document rendered by plain WeasyPrint, one after another, in this process."""
    import weasyprint

    weasyprint.HTML(string="<p>warm up</p>").write_pdf()  # import and font discovery are not the floor
    start = time.perf_counter()
    for html in htmls:
        weasyprint.HTML(string=html, base_url=str(templates_dir) + os.sep).write_pdf()
    return time.perf_counter() - start


def run(cmd: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env={**os.environ, **(env or {})})
    return time.perf_counter() - start


def main(names: list[str]) -> int:
    q = load_questionnaire()
    templates_dir = ROOT / "templates"
    examples = [ROOT / "examples" / f"{n}.yaml" for n in names] or sorted((ROOT / "examples").glob("*.yaml"))
    print(f"cores: {os.cpu_count()}; targets: pack <= {TARGET_RATIO}x bare renders (aim < 1x), cached rerun < {TARGET_CACHED} s")
    print(f"{'example':22} {'docs':>4} {'pages':>5} {'bare s':>7} {'pack s':>7} {'ratio':>6} {'s/doc':>6} {'s/page':>7} {'+docx s':>8} {'cached s':>8}")
    worst_ratio = 0.0
    worst_cached = 0.0
    for path in examples:
        af, _ = load_answers(path, q)
        plan = evaluate_plan(q, af)
        htmls = [plan_html(q, plan, templates_dir)] + [render_template(q, templates_dir, t, plan) for t in plan["templates"]]
        floor = bare_renders(htmls, templates_dir)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out"
            cache = {"READINESS_CACHE": str(Path(tmp) / "cache")}
            cli = [sys.executable, "-m", "builder", "pack", str(path), "-o", str(out)]
            pack = run([*cli, "--no-cache", "--no-docx"])
            pages = sum(len(PdfReader(p).pages) for p in out.glob("*.pdf"))
            with_docx = run([*cli, "--no-cache"])
            run(cli, cache)  # fill the cache
            cached = statistics.median(run(cli, cache) for _ in range(5))
        docs = len(htmls)
        ratio = pack / floor
        worst_ratio, worst_cached = max(worst_ratio, ratio), max(worst_cached, cached)
        print(f"{path.stem:22} {docs:4d} {pages:5d} {floor:7.2f} {pack:7.2f} {ratio:6.2f} {pack / docs:6.2f} {pack / pages:7.3f} {with_docx:8.2f} {cached:8.2f}")
    ok_ratio = worst_ratio <= TARGET_RATIO
    ok_cached = worst_cached < TARGET_CACHED
    print(f"worst ratio {worst_ratio:.2f} (target <= {TARGET_RATIO}): {'met' if ok_ratio else 'NOT met'}; "
          f"worst cached rerun {worst_cached:.2f} s (target < {TARGET_CACHED} s): {'met' if ok_cached else 'NOT met'}")
    print("pack s: `readiness pack --no-cache --no-docx` end to end, process start included; +docx s: the same with the Word files.")
    return 0 if ok_ratio and ok_cached else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
