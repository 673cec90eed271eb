"""The programs outside Python the toolkit calls, checked where they are used, reported in one line."""

from __future__ import annotations

import importlib.util
import shutil

from builder.core.errors import Msg, Problem, ReadinessError

TOOLS = {
    "dot": ("Graphviz", "the referral diagram in plans and the logic map on the site"),
}
"""Each external program: what provides it, and what it is needed for."""


class ToolMissing(ReadinessError):
    """A program the toolkit needs is not installed: the user's machine, not their file, needs fixing."""

    exit_code = 2


def require(program: str) -> str:
    """The full path of `program`, or ToolMissing with the one line that says how to get it."""
    found = shutil.which(program)
    if found is None:
        package, needed_for = TOOLS[program]
        raise ToolMissing([Problem(program, None, Msg.TOOL_MISSING.format(tool=f"{package} ({program})", needed_for=needed_for))])
    return found


DISTRIBUTION = "peer-support-readiness"
"""The toolkit's distribution name (pyproject.toml), for the install line an ExtraMissing prints."""

EXTRAS: dict[str, tuple[str, ...]] = {
    "pdf": ("weasyprint", "matplotlib", "graphviz"),
    "docx": ("pypandoc", "docx", "lxml"),
    "site": ("mkdocs", "material", "rjsmin", "rcssmin"),
}
"""Each optional extra in pyproject.toml and the modules it brings (tests/test_extras.py checks the two agree). The core
(check, plan, assess, export, review --no-pdf, compare without -o) needs none of them."""


class ExtraMissing(ToolMissing):
    """A command needs an optional extra that is not installed: one line says which, and how to install it."""


def missing_modules(extra: str) -> list[str]:
    return [m for m in EXTRAS[extra] if importlib.util.find_spec(m) is None]


def require_extra(what: str, *extras: str, instead: str = "") -> None:
    """ExtraMissing, naming the first extra `what` (a command) needs that is not installed; `instead` offers a way round."""
    for extra in extras:
        missing = missing_modules(extra)
        if missing:
            raise ExtraMissing([Problem(what, None, Msg.EXTRA_MISSING.format(extra=extra, modules=", ".join(missing), dist=DISTRIBUTION,
                                                                              instead=f"; or {instead}" if instead else ""))])


def extra_of(module: str) -> str | None:
    """The extra that brings a top-level module, or None for a module the core needs."""
    top = module.split(".")[0]
    return next((extra for extra, modules in EXTRAS.items() if top in modules), None)
