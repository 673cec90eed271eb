"""Documents that mirror the code or the data are tested against them, so they cannot quietly go stale."""

from __future__ import annotations

import re

from builder.core import limits
from builder.core.answers import FIRST_YEAR, LAST_YEAR
from builder.load.paths import CHECKOUT, PACKAGE

README = (CHECKOUT / "README.md").read_text(encoding="utf-8")
CONTRIBUTING = (CHECKOUT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n#", start + len(heading))
    return text[start:end if end > 0 else None]


def _n(value: int) -> str:
    return f"{value:,}"


def test_the_readmes_limits_table_states_the_limits_in_force() -> None:
    table = _section(README, "**Limits.**")
    expected = [f"{limits.MAX_BYTES // 1_000_000} MB", f"{limits.MAX_DEPTH} levels", _n(limits.MAX_KEYS), _n(limits.MAX_NODES),
                f"| {limits.MAX_ALIASES};", f"{_n(limits.MAX_STRING)} characters", f"role {limits.MAX_NAME}", f"answer {_n(limits.MAX_NOTE)}",
                f"{limits.MAX_DIGITS} characters", f"between {FIRST_YEAR} and {LAST_YEAR}", f"| {limits.MAX_CONDITION_DEPTH} levels",
                f"At most {limits.MAX_SHOWN} problems"]
    missing = [e for e in expected if e not in table]
    assert not missing, f"README.md's limits table does not state: {missing}; the values live in builder/core/limits.py"


def test_every_path_the_contributors_map_names_exists() -> None:
    named = set(re.findall(r"`((?:builder|questionnaire|templates|guidance|tests|bench|scripts|examples)/[\w./-]*)`", CONTRIBUTING))
    assert len(named) > 20
    missing = sorted(p for p in named if not (CHECKOUT / p).exists())
    assert not missing, f"CONTRIBUTING.md names paths that do not exist: {missing}"


def test_the_module_map_lists_every_package() -> None:
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")} | {"wizard"}
    listed = set(re.findall(r"^\| `builder/(\w+)/` \|", CONTRIBUTING, re.M))
    assert listed == packages, f"CONTRIBUTING.md's module map lists {sorted(listed)}; the package has {sorted(packages)}"
