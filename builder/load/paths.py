"""Where the project's folders are: light enough to import before anything heavy."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
"""The `builder` package itself: its code and the wizard's assets."""

CHECKOUT = PACKAGE.parent
"""The folder above the package: the project's working copy when run from a checkout."""

DATA_DIRS = ("questionnaire", "templates", "guidance", "examples", "schemas")
"""The project's data folders. A wheel carries a copy of each under builder/_data (hatch_build.py)."""


def is_checkout(path: Path) -> bool:
    """True for a working copy of the project: its data folders sit beside pyproject.toml."""
    return (path / "pyproject.toml").is_file() and (path / "questionnaire" / "questionnaire.yaml").is_file()


def default_root() -> Path:
    """The project whose questionnaire, templates and guidance are used when none is named.

    READINESS_ROOT wins; then the working copy, when the package runs from a checkout (an editable
    install or `python -m builder`), so edits to questionnaire/ and templates/ take effect at once;
    otherwise the copy shipped inside the installed package.
    """
    named = os.environ.get("READINESS_ROOT")
    if named:
        return Path(named).resolve()
    if is_checkout(CHECKOUT):
        return CHECKOUT
    return Path(str(files("builder") / "_data"))


ROOT = default_root()
"""The default project root: questionnaire/, templates/, guidance/ and examples/ live here."""


class Project:
    """Where the questionnaire, templates and guidance live (a temporary copy in tests).

    Each folder defaults to its name under `root`; the mkdocs plugin and the CLI can name them one by one.
    """

    def __init__(self, root: Path = ROOT, *, questionnaire_dir: Path | None = None, templates_dir: Path | None = None,
                 guidance_dir: Path | None = None):
        self.root = root.resolve()
        self.questionnaire_dir = (questionnaire_dir or self.root / "questionnaire").resolve()
        self.templates_dir = (templates_dir or self.root / "templates").resolve()
        self.guidance_dir = (guidance_dir or self.root / "guidance").resolve()

    def rel(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return str(path)
