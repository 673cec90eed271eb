"""The small declarative condition language, evaluated in three-valued (Kleene) logic.

A condition is True, False or None (unknown: it depends on a question not yet answered).
Rules fire and questions are asked only on True. engine.js implements the same table.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from .schema import All, AnyOf, Condition, Equals, HasRole, In, Includes, IncludesAny, Not, RouteIs


class _Skipped:
    """The value of a question the routing skipped: definitely not any option."""

    def __repr__(self) -> str:
        return "SKIPPED"


SKIPPED = _Skipped()
Value = str | list[str] | _Skipped | None
"""An answer as conditions see it: option id, list of option ids, SKIPPED, or None (unknown)."""


def evaluate(cond: Condition, values: Mapping[str, Value], route: str | None = None, roles: Sequence[str] = ()) -> bool | None:
    """Evaluate `cond` over the answers in `values` (missing ids count as unknown)."""
    if isinstance(cond, All):
        results = [evaluate(c, values, route, roles) for c in cond.all]
        return False if False in results else (None if None in results else True)
    if isinstance(cond, AnyOf):
        results = [evaluate(c, values, route, roles) for c in cond.any_]
        return True if True in results else (None if None in results else False)
    if isinstance(cond, Not):
        inner = evaluate(cond.not_, values, route, roles)
        return None if inner is None else not inner
    if isinstance(cond, RouteIs):
        return route == cond.route
    if isinstance(cond, HasRole):
        return cond.role in roles
    qid, wanted = _leaf(cond)
    value = values.get(qid)
    if value is None:
        return None
    if isinstance(value, _Skipped):
        return False
    if isinstance(cond, (Equals, In)):
        return isinstance(value, str) and value in wanted
    return isinstance(value, list) and any(w in value for w in wanted)


def _leaf(cond: Condition) -> tuple[str, list[str]]:
    if isinstance(cond, Equals):
        return cond.equals[0], [cond.equals[1]]
    if isinstance(cond, In):
        return cond.in_[0], list(cond.in_[1])
    if isinstance(cond, Includes):
        return cond.includes[0], [cond.includes[1]]
    if isinstance(cond, IncludesAny):
        return cond.includes_any[0], list(cond.includes_any[1])
    raise TypeError(f"not a question test: {cond!r}")


def leaves(cond: Condition | None, path: tuple[str | int, ...] = ()) -> Iterator[tuple[Condition, tuple[str | int, ...]]]:
    """Every operator node of `cond` with its key path (for error lines), depth first."""
    if cond is None:
        return
    if isinstance(cond, All):
        for i, c in enumerate(cond.all):
            yield from leaves(c, (*path, "all", i))
    elif isinstance(cond, AnyOf):
        for i, c in enumerate(cond.any_):
            yield from leaves(c, (*path, "any", i))
    elif isinstance(cond, Not):
        yield from leaves(cond.not_, (*path, "not"))
    else:
        yield cond, path


_OP_NAMES = {"Equals": "equals", "In": "in", "Includes": "includes", "IncludesAny": "includes_any"}


def question_refs(cond: Condition | None) -> list[tuple[str, list[str], str, tuple[str | int, ...]]]:
    """(question, options, operator, path) for each question test in `cond`."""
    out = []
    for leaf, path in leaves(cond):
        if isinstance(leaf, (Equals, In, Includes, IncludesAny)):
            qid, opts = _leaf(leaf)
            op = _OP_NAMES[type(leaf).__name__]
            out.append((qid, opts, op, path))
    return out


def plan_refs(cond: Condition | None) -> list[tuple[str, str, tuple[str | int, ...]]]:
    """('route'|'role', id, path) for each test of the plan's own decisions."""
    out = []
    for leaf, path in leaves(cond):
        if isinstance(leaf, RouteIs):
            out.append(("route", leaf.route, path))
        elif isinstance(leaf, HasRole):
            out.append(("role", leaf.role, path))
    return out
