"""A program the toolkit needs but cannot find is one clear line, exit 2, and nothing written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from builder.core.errors import Msg
from builder.load.project import ROOT
from builder.render.tools import TOOLS

NO_DOT = Msg.TOOL_MISSING.format(tool="Graphviz (dot)", needed_for=TOOLS["dot"][1])


def _without_graphviz(tmp_path: Path) -> dict[str, str]:
    """An environment whose PATH has this Python's folder and the basics, but no `dot`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("pdftotext", "node"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    env = {k: v for k, v in os.environ.items() if k != "READINESS_ROOT"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{bin_dir}"
    env["READINESS_CACHE"] = str(tmp_path / "cache")
    assert shutil.which("dot", path=env["PATH"]) is None
    return env


def test_pack_without_graphviz_says_so_and_writes_nothing(tmp_path: Path) -> None:
    env = _without_graphviz(tmp_path)
    out = tmp_path / "pack"
    run = subprocess.run([sys.executable, "-m", "builder", "pack", str(ROOT / "examples" / "riverside.yaml"), "-o", str(out), "--no-cache"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip().splitlines() == [f"dot: error: {NO_DOT}"]
    assert not out.exists()


@pytest.mark.slow
def test_site_build_without_graphviz_says_so_and_keeps_the_last_site(tmp_path: Path) -> None:
    env = _without_graphviz(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the last good build", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site)],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert run.returncode != 0
    errors = [line for line in run.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1 and f"error: {NO_DOT}" in errors[0], run.stderr
    assert "Traceback" not in run.stderr
    assert (site / "index.html").read_text(encoding="utf-8") == "the last good build", "a failed build leaves the last site in place"
