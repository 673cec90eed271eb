"""Shared fixtures: the shipped questionnaire, a temporary project copy, a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.answers import AnswerFile, parse_answers_text
from builder.load import ROOT, Project, load_questionnaire
from builder.schema import Questionnaire

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


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
