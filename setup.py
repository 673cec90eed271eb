"""Build hook: the wheel carries the project's data folders inside the package.

Everything else is declared in pyproject.toml. A wheel (pip install ., pipx install .) copies
questionnaire/, templates/, guidance/ and examples/ to builder/_data/, where builder.load.paths finds
them with importlib.resources. An editable install copies nothing: it reads the working copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_DIRS = ("questionnaire", "templates", "guidance", "examples")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


class build_py_with_data(build_py):  # noqa: N801  (setuptools' command naming)
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        here = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "builder" / "_data"
        for name in DATA_DIRS:
            if (here / name).is_dir():
                shutil.copytree(here / name, target / name, ignore=IGNORE, dirs_exist_ok=True)


setup(cmdclass={"build_py": build_py_with_data})
