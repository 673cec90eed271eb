"""Build hook: the wheel carries the project's data folders and the site's npm assets inside the package.

Everything else is declared in pyproject.toml. A wheel (pip install ., pipx install .) gets questionnaire/,
templates/, guidance/ and examples/ under builder/_data/, where builder.load.paths finds them, and the npm files
the site serves (with their licences) under builder/output/_vendor/, copied from node_modules after checking that
each is the version package-lock.json names. Both are mapped straight from the source tree on every build, so
nothing stale from an earlier build can reach a wheel. An editable install copies nothing: it reads the checkout.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

DATA_DIRS = ("questionnaire", "templates", "guidance", "examples", "schemas")  # as builder/load/paths.py


def _vendor_module(root: Path) -> Any:
    """builder/output/vendor.py, loaded by path: it needs only the standard library, unlike the package it sits in."""
    spec = importlib.util.spec_from_file_location("_readiness_vendor", root / "builder" / "output" / "vendor.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _data_files(root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in DATA_DIRS:
        for path in sorted((root / name).rglob("*")):
            rel = path.relative_to(root)
            if path.is_file() and not any(part.startswith(".") or part == "__pycache__" for part in rel.parts) and path.suffix != ".pyc":
                out[str(path)] = f"builder/_data/{rel.as_posix()}"
    return out


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        root = Path(self.root)
        vendor = _vendor_module(root)
        node_modules = root / "node_modules"
        if self.target_name == "wheel":
            build_data["force_include"].update(_data_files(root))
        if (root / "builder" / "site" / "_vendor").is_dir() and not node_modules.is_dir():
            return  # building from an sdist, which carries the vendored files already
        try:
            vendor.check_node_modules(node_modules, root / "package-lock.json")
        except vendor.VendorError as exc:
            raise SystemExit(f"build: {exc}") from None
        build_data["force_include"].update(vendor.wheel_files(node_modules))
