"""The optional `formats` extra: its packages are imported only when a command needs them, and named when missing."""

from __future__ import annotations

import importlib
from typing import Any

from builder.core.errors import Msg, Problem, ReadinessError

EXTRA = "formats"


def require(module: str, what: str) -> Any:
    """Import a package of the `formats` extra, or fail in one line naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ReadinessError([Problem("readiness", None, Msg.FORMATS_EXTRA_MISSING.format(what=what, extra=EXTRA))]) from None
