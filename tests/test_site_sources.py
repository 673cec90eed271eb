"""The site's sources independent of the generator: `readiness site` writes what the mkdocs plugin generates, as files,
and a plain mkdocs build of them (no readiness plugin at all) gives a working site."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli.main import cli
from builder.core.errors import Msg
from builder.core.schema import Questionnaire
from builder.load.project import ROOT

PLAIN = """site_name: Plain
docs_dir: {docs}
use_directory_urls: false
theme:
  name: material
markdown_extensions: [toc, attr_list, admonition, tables, def_list, md_in_html, footnotes]
extra_css: [assets/stylesheets/readiness.css]
"""


def test_site_refuses_a_folder_in_use(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    done = runner.invoke(cli, ["site", "-o", str(tmp_path)])
    assert done.exit_code == 2
    assert done.output == f"{tmp_path}: error: {Msg.SITE_FOLDER_USED}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


@pytest.fixture(scope="module")
def sources(site_sources: Path) -> Path:
    """The site's sources (tests/conftest.py's site_sources), read only."""
    return site_sources


@pytest.mark.slow
def test_the_plugin_and_the_command_make_the_same_files(sources: Path, built_site: Path) -> None:
    """What mkdocs serves from the plugin is byte for byte what `readiness site` wrote (pages aside: mkdocs renders them)."""
    compared = 0
    for path in sorted(p for p in sources.rglob("*") if p.is_file()):
        rel = path.relative_to(sources).as_posix()
        if rel.endswith(".md"):
            assert (built_site / rel.replace(".md", ".html")).is_file(), rel
            continue
        if rel.endswith((".pdf", ".docx")) or rel == "assets/stylesheets/readiness.css":  # documents: rendered once, cached;
            assert (built_site / rel).is_file(), rel                                        # the stylesheet is minified after
            continue
        assert (built_site / rel).read_bytes() == path.read_bytes(), rel
        compared += 1
    assert compared > 10


@pytest.mark.slow
@pytest.mark.browser
def test_a_plain_mkdocs_site_from_the_sources_works(sources: Path, tmp_path: Path, browser, serve, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    from builder.load.answers import load_answers

    from .test_wizard_ui import assert_gives_the_engines_plan, complete_by_keyboard

    (tmp_path / "mkdocs.yml").write_text(PLAIN.format(docs=sources), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "READINESS_ROOT"}
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "out")], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    assert not re.search(r"^(WARNING|ERROR) +-", built.stderr, re.M), built.stderr
    assert "plugins" not in (tmp_path / "mkdocs.yml").read_text(encoding="utf-8"), "no readiness plugin in this build"
    af, _ = load_answers(ROOT / "examples" / "riverside.yaml", q)
    server = serve(tmp_path / "out")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server.url + "wizard.html")
        page.wait_for_selector("#wizard .rw-screen .rw-heading")
        complete_by_keyboard(page, q, af)
        assert_gives_the_engines_plan(page, q, af)
        assert errors == []
    finally:
        context.close()


def test_no_wizard_script_nests_a_template_literal() -> None:
    """The site's minifier (rjsmin) takes a template literal nested inside another's ${...} for code and drops its
    spaces ('2 areas are' became '2areas are'): the scripts write such parts as plain strings instead."""
    from builder.output.site_sources import WIZARD_DIR

    nested = re.compile(r"\$\{[^{}`]*`")
    for path in sorted(WIZARD_DIR.glob("*.js")):
        text = path.read_text(encoding="utf-8")
        assert not nested.findall(text), f"{path.name}: a template literal inside ${{...}}; write it as a plain string"
