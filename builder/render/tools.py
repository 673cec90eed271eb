"""The programs outside Python the toolkit calls, checked where they are used, reported in one line."""

from __future__ import annotations

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
