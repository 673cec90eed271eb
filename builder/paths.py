"""Where the project's folders are: light enough to import before anything heavy."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The project root: questionnaire/, templates/ and guidance/ live here."""


class Project:
    """Where the questionnaire, templates and guidance live (a temporary copy in tests)."""

    def __init__(self, root: Path = ROOT):
        self.root = root.resolve()
        self.questionnaire_dir = self.root / "questionnaire"
        self.templates_dir = self.root / "templates"
        self.guidance_dir = self.root / "guidance"

    def rel(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return str(path)
