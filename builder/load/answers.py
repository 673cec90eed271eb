"""An answer file read from disk (or standard input) and validated against the questionnaire."""

from __future__ import annotations

from pathlib import Path

from builder.core.answers import AnswerFile, parse_answers
from builder.core.parse import LoadedFile
from builder.core.schema import Questionnaire
from builder.load.sources import load


def load_answers(path: Path, q: Questionnaire, display: str | None = None) -> tuple[AnswerFile, LoadedFile]:
    """The validated answer file and its loaded source (for the lines of later warnings); ReadinessError (exit 2) otherwise."""
    src = load(path, display or str(path))
    return parse_answers(src, q), src
