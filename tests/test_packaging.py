"""A real package: the wheel carries its data, and `readiness` works from any folder outside the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from builder.load.paths import CHECKOUT, DATA_DIRS, is_checkout

pytestmark = pytest.mark.slow

_SKIP_ANYWHERE = shutil.ignore_patterns(".git", ".venv", "node_modules", ".cache", "dist", "*.egg-info", "__pycache__",
                                       ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis")
_SKIP_AT_TOP = {"site", "build", "out"}
"""Build output at the checkout's top only: builder/site/ is the mkdocs plugin's own package."""


def SKIP(folder: str, names: list[str]) -> set[str]:  # noqa: N802  (used as shutil's ignore= callback)
    skipped = set(_SKIP_ANYWHERE(folder, names))
    if Path(folder).resolve() == CHECKOUT.resolve():
        skipped |= _SKIP_AT_TOP & set(names)
    return skipped


def _python_for_venv() -> str:
    """Debian's own python3 where there is one (the interpreter a fresh machine has), else this one."""
    return "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built as a wheel from a copy of the working tree and installed into a clean venv."""
    if not is_checkout(CHECKOUT):
        pytest.fail("these tests build the wheel from the project's working copy; run them from a checkout")
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    shutil.copytree(CHECKOUT, src, ignore=SKIP)
    env = {k: v for k, v in os.environ.items() if k not in ("READINESS_ROOT", "PYTHONPATH")}
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(base / "dist"), str(src)],
                   check=True, env=env, capture_output=True)
    wheels = list((base / "dist").glob("*.whl"))
    assert len(wheels) == 1, wheels
    env_dir = base / "venv"
    subprocess.run([_python_for_venv(), "-m", "venv", str(env_dir)], check=True)
    subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheels[0])],
                   check=True, env=env, capture_output=True)
    return env_dir


def _run(env_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("READINESS_ROOT", "PYTHONPATH", "VIRTUAL_ENV")}
    env["READINESS_CACHE"] = str(cwd / "cache")
    return subprocess.run([str(env_dir / "bin" / "readiness"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_wheel_ships_the_data_and_the_wizard(installed: Path) -> None:
    site = next(installed.glob("lib/python3*/site-packages"))
    data = site / "builder" / "_data"
    for name in DATA_DIRS:
        assert (data / name).is_dir(), f"{name}/ is not in the wheel"
    assert (data / "questionnaire" / "questionnaire.yaml").is_file()
    assert (data / "templates" / "catalog.yaml").is_file()
    wizard = sorted(p.name for p in (CHECKOUT / "builder" / "wizard").iterdir() if p.suffix in (".js", ".css", ".html"))
    assert {"engine.js", "planning.js", "ui.js", "plan.js", "documents.html"} <= set(wizard)
    for name in wizard:  # every wizard file the site serves, the on-demand ones (plan.js, planning.js, tailor.js) included
        assert (site / "builder" / "wizard" / name).is_file(), f"builder/wizard/{name} is not in the wheel"


def test_installed_readiness_checks_plans_and_packs_outside_the_checkout(installed: Path, tmp_path: Path) -> None:
    example = CHECKOUT / "examples" / "riverside.yaml"
    shutil.copy(example, tmp_path / "answers.yaml")

    checked = _run(installed, tmp_path, "check")
    assert checked.returncode == 0, checked.stderr
    assert "ok:" in checked.stdout

    planned = _run(installed, tmp_path, "plan", "answers.yaml", "--format", "json")
    assert planned.returncode == 0, planned.stderr
    here = subprocess.run([sys.executable, "-m", "builder", "plan", str(example), "--format", "json"], capture_output=True, text=True,
                          cwd=CHECKOUT, check=True)
    assert planned.stdout == here.stdout, "the installed copy's plan differs from the checkout's: the wheel carries stale data"

    packed = _run(installed, tmp_path, "pack", "answers.yaml", "-o", "pack", "--no-docx")
    assert packed.returncode == 0, packed.stderr
    assert (tmp_path / "pack" / "plan.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "pack" / "plan.md").is_file()
    assert (tmp_path / "pack" / "role_description.pdf").is_file()
