"""Shared fixtures: the shipped questionnaire, a temporary project copy, a CLI runner."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from builder.checks.project import load_questionnaire
from builder.core.answers import AnswerFile, parse_answers_text
from builder.core.schema import Questionnaire
from builder.load.project import ROOT, Project

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
TEMPLATE_IDS = [t.id for t in load_questionnaire().templates]
"""Every template the catalog offers, in its order."""

# CI replays the same examples every run (no example database carried between machines).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def q() -> Questionnaire:
    return load_questionnaire()


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A writable copy of the questionnaire, templates and guidance, to break on purpose."""
    for name in ("questionnaire", "templates", "guidance"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return Project(tmp_path)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace `old` (which must be present) in a project file."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str, last: bool = False) -> int:
    """The 1-based line of the first (or last) occurrence of `needle` in `path`."""
    hits = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    assert hits, f"{needle!r} not in {path}"
    return hits[-1] if last else hits[0]


def answers(q: Questionnaire, text: str) -> AnswerFile:
    return parse_answers_text(text, q)


# ------------------------------------------------------------------ browser and local servers

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-features=Translate,MediaRouter",
]


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Debian's headless Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class StaticServer:
    """A static file server on 127.0.0.1 that records every request path (for no-leak tests)."""

    def __init__(self, root: Path):
        import functools
        import http.server
        import threading

        self.requests: list[str] = []
        outer = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                outer.requests.append(self.path)

        handler = functools.partial(Handler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve():  # type: ignore[no-untyped-def]
    """serve(path) -> StaticServer; every server is shut down after the test."""
    servers: list[StaticServer] = []

    def start(root: Path) -> StaticServer:
        s = StaticServer(root)
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.close()


AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def site_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site's sources as `readiness site -o DIR --example riverside.yaml` writes them, once per session (read only)."""
    from click.testing import CliRunner

    from builder.cli.main import cli

    out = tmp_path_factory.mktemp("site-sources") / "docs"
    done = CliRunner().invoke(cli, ["site", "-o", str(out), "--example", str(ROOT / "examples" / "riverside.yaml")])
    assert done.exit_code == 0, done.output
    return out


@pytest.fixture
def wizard_page(browser, site_server: StaticServer):  # type: ignore[no-untyped-def]
    """A fresh browser context (empty localStorage) on the built site's wizard page; fails on any script error."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(site_server.url + "wizard.html")
    pg.wait_for_selector("#wizard .rw-screen .rw-heading")
    yield pg
    context.close()
    assert not errors, errors


MKDOCS_PROBLEM = re.compile(r"^(WARNING|ERROR) +-", re.M)
"""A warning or error in mkdocs' log. Not any line with WARNING in it: mkdocs-material's end-of-life notice, shown on
purpose (README, "The site generator"), names the variable that would hide it."""


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole site, built once per test session exactly as a user builds it."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("site")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert not MKDOCS_PROBLEM.search(run.stderr), run.stderr
    return out


@pytest.fixture(scope="session")
def site_server(built_site: Path):  # type: ignore[no-untyped-def]
    server = StaticServer(built_site)
    yield server
    server.close()


def run_axe(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """axe-core's WCAG 2.2 AA violations on the page as it is now, once it has settled: a transition still running (the
    theme's "Back to top" button fading in after a scroll) is measured half-transparent, a contrast no reader ever sees
    for long; the settled page is what is judged (found by a test that failed one run in four)."""
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')", timeout=10_000)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate("async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations", AXE_TAGS)


def describe_violations(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in violations)
