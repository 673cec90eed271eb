"""The input gate for templates: a Jinja loader that reads only files inside the templates folder.

Every name is resolved (symbolic links and '..' included) before it is read, and a file that
resolves outside the folder is refused, so `{% include %}` cannot put a file the user can read
into a rendered document, whatever links the folder holds. `readiness check` reports such links.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, TemplateNotFound

from builder.core.errors import Msg, ReadinessError
from builder.load.gate import read_text

MAX_TEMPLATE = 2_000_000
"""Largest template read, in bytes: the largest is a few tens of kilobytes."""


class TemplateOutside(TemplateNotFound):
    """A template name that resolves outside the templates folder."""


def inside(root: Path, name: str) -> Path | None:
    """The real path of `name` under `root`, or None when it resolves outside it (a link or '..')."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(os.path.join(real_root, *name.split("/")))
    return Path(real) if os.path.commonpath([real_root, real]) == real_root and real != real_root else None


class ContainedLoader(BaseLoader):
    """FileSystemLoader's job for one folder, through the input gate: contained, non-blocking, size-capped."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = inside(self.root, template)
        if path is None:
            raise TemplateOutside(template, Msg.TEMPLATE_OUTSIDE.format(name=template))
        try:
            mtime = path.stat().st_mtime
            source = read_text(path, f"templates/{template}", MAX_TEMPLATE)
        except FileNotFoundError:
            raise TemplateNotFound(template) from None
        except ReadinessError as exc:
            if exc.problems[0].message == Msg.NOT_FOUND:
                raise TemplateNotFound(template) from None
            raise TemplateNotFound(template, f"templates/{template}: {exc.problems[0].message}") from None

        def uptodate() -> bool:
            try:
                return path.stat().st_mtime == mtime
            except OSError:
                return False

        return source, str(path), uptodate


def links_outside(root: Path) -> list[str]:
    """Names under `root` (relative, '/'-separated) that are symbolic links resolving outside it, sorted."""
    out = []
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            full = os.path.join(folder, name)
            if os.path.islink(full):
                rel = os.path.relpath(full, root).replace(os.sep, "/")
                if inside(root, rel) is None:
                    out.append(rel)
    return sorted(out)
