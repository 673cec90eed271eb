"""Lighthouse (mobile) performance and accessibility, and axe-core violations, for the home page, a guidance
page, the wizard and its states, and the filled-in documents page, served with gzip from 127.0.0.1 as any
web host serves them.

Run: python bench/lighthouse.py [--site DIR] [--runs N] [--pages home guidance wizard question tasks check done documents glossary]
Builds the site into a temporary folder unless --site names a built one. Exits 1 when a page is below
performance 95 or accessibility 100, or axe finds a violation; 2 when a tool is missing.
Lighthouse and axe-core come from tests/browser (npm ci there); Chromium is Debian's /usr/bin/chromium.
Lighthouse's default mobile settings: a mid-range phone, simulated slow 4G, 4x CPU slowdown.
The median of --runs runs (default 3) is reported, as Lighthouse's own guidance recommends. Lighthouse
scales the CPU time it observes, so a loaded machine lowers the scores: note `uptime` alongside them.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "tests" / "browser" / "node_modules" / ".bin" / "lighthouse"
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
PAGES = {"home": "index.html", "guidance": "domains/resource.html", "wizard": "wizard.html",
         # Wizard states an address alone reaches (Lighthouse starts with empty storage): a question page, the
         # task list, check answers and the confirmation page. The states that need answers (the plan, a
         # question's error, the filled-in documents) are checked with axe in tests/test_wizard_ui.py.
         "question": "wizard.html#q/budget", "tasks": "wizard.html#tasks", "check": "wizard.html#check",
         "done": "wizard.html#done", "documents": "documents.html", "glossary": "glossary.html"}
TARGETS = {"performance": 95, "accessibility": 100}
METRICS = ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index"]
COMPRESSIBLE = (".html", ".js", ".css", ".json", ".svg", ".xml", ".txt")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped when the browser accepts it (as every real host does)."""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.is_file() and path.suffix in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "max-age=600")
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


def build(out: Path) -> None:
    env = dict(os.environ)
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(out)],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"mkdocs build failed:\n{done.stderr}")


def lighthouse(url: str, report: Path) -> dict[str, object]:
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    done = subprocess.run([str(LIGHTHOUSE), url, "--only-categories=performance,accessibility", "--output=json",
                           f"--output-path={report}", "--quiet", "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                          capture_output=True, text=True, env=env, timeout=300)
    if done.returncode != 0 or not report.is_file():
        raise SystemExit(f"lighthouse failed on {url}:\n{done.stderr[-2000:]}")
    return dict(json.loads(report.read_text(encoding="utf-8")))


def axe_violations(url: str) -> list[str]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        page = b.new_page(viewport={"width": 390, "height": 800}, is_mobile=True)
        page.goto(url)
        page.wait_for_load_state("load")
        page.add_script_tag(path=str(AXE))
        tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
        found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", tags)["violations"]
        b.close()
    return [f"{v['id']} ({len(v['nodes'])} nodes)" for v in found]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site folder (default: build one now)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", nargs="+", choices=list(PAGES), default=list(PAGES), help="which pages (default: all)")
    args = parser.parse_args()
    for tool in (LIGHTHOUSE, AXE):
        if not tool.exists():
            print(f"{tool.name} is missing: run (cd tests/browser && npm ci)", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or Path(tmp) / "site"
        if args.site is None:
            build(site)
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(site)))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"
        ok = True
        print(f"{'page':<10}{'perf':>6}{'a11y':>6}  {'FCP':>7}{'LCP':>7}{'TBT':>7}{'CLS':>7}  axe  (median of {args.runs} Lighthouse runs, mobile)")
        try:
            for name, path in ((n, PAGES[n]) for n in args.pages):
                runs = [lighthouse(base + path, Path(tmp) / f"{name}-{i}.json") for i in range(args.runs)]
                perf = [round(100 * r["categories"]["performance"]["score"]) for r in runs]  # type: ignore[index]
                median_run = runs[perf.index(sorted(perf)[len(perf) // 2])]
                audits = median_run["audits"]
                a11y = round(100 * median_run["categories"]["accessibility"]["score"])  # type: ignore[index]
                scores = {"performance": int(statistics.median(perf)), "accessibility": a11y}
                m = {k: audits[k]["numericValue"] for k in METRICS}  # type: ignore[index]
                axe = axe_violations(base + path)
                print(f"{name:<10}{scores['performance']:>6}{a11y:>6}  {m['first-contentful-paint'] / 1000:>6.1f}s{m['largest-contentful-paint'] / 1000:>6.1f}s"
                      f"{m['total-blocking-time']:>5.0f}ms{m['cumulative-layout-shift']:>7.3f}  {len(axe)}")
                failing = [a["id"] for a in audits.values() if a.get("score") == 0 and a["id"] in {  # type: ignore[union-attr]
                    ref["id"] for ref in median_run["categories"]["accessibility"]["auditRefs"]}]  # type: ignore[index]
                for what in failing + axe:
                    print(f"{'':<10}  failing: {what}")
                if any(scores[k] < t for k, t in TARGETS.items()) or axe:
                    ok = False
        finally:
            httpd.shutdown()
    print("targets: performance >= 95, accessibility 100, axe 0 violations:", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
