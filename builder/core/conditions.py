"""The small declarative condition language, evaluated in three-valued (Kleene) logic.

A condition is True, False or None (unknown: it depends on a question not yet answered).
Rules fire and questions are asked only on True. engine.js implements the same table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

from builder.core.schema import All, AnyOf, Condition, Equals, HasRole, In, Includes, IncludesAny, Not, RouteIs


class _Skipped:
    """The value of a question the routing skipped: definitely not any option."""

    def __repr__(self) -> str:
        return "SKIPPED"

    def __reduce__(self) -> str:
        return "SKIPPED"  # unpickles as the one module-level instance, so `is SKIPPED` holds in every process


SKIPPED = _Skipped()
Value = str | list[str] | _Skipped | None
"""An answer as conditions see it: option id, list of option ids, SKIPPED, or None (unknown)."""


Test = Callable[[Mapping[str, Value], "str | None", Sequence[str]], "bool | None"]
"""A compiled condition: (values, route, roles) -> True, False or None."""

def evaluate(cond: Condition, values: Mapping[str, Value], route: str | None = None, roles: Sequence[str] = ()) -> bool | None:
    """Evaluate `cond` over the answers in `values` (missing ids count as unknown).

    This compiles `cond` on every call: code that evaluates a questionnaire's conditions again and again reads their
    tests from the questionnaire compiled once at load (builder/core/compiled.py: compiled(q).evaluate)."""
    return compile_condition(cond)(values, route, roles)


def compile_condition(cond: Condition) -> Test:
    """`cond` as a closure, the same truth table as walking the tree each time, without the type tests.

    A review evaluates the same few hundred conditions for every one of thousands of files, so this
    is where its time goes; the table itself is the one engine.js implements. Each of a questionnaire's conditions is
    compiled once, at load (builder/core/compiled.py).
    """
    if isinstance(cond, (All, AnyOf)):
        # all: any False decides, else any unknown leaves it unknown, else True; any: the same with True and False swapped.
        decisive = isinstance(cond, AnyOf)
        parts = [compile_condition(c) for c in (cond.any_ if isinstance(cond, AnyOf) else cond.all)]

        def all_or_any(values: Mapping[str, Value], route: str | None, roles: Sequence[str]) -> bool | None:
            unknown = False
            for part in parts:
                r = part(values, route, roles)
                if r is decisive:
                    return decisive
                if r is None:
                    unknown = True
            return None if unknown else not decisive
        return all_or_any
    if isinstance(cond, Not):
        inner = compile_condition(cond.not_)

        def not_(values: Mapping[str, Value], route: str | None, roles: Sequence[str]) -> bool | None:
            r = inner(values, route, roles)
            return None if r is None else not r
        return not_
    if isinstance(cond, RouteIs):
        wanted_route = cond.route
        return lambda values, route, roles: route == wanted_route
    if isinstance(cond, HasRole):
        wanted_role = cond.role
        return lambda values, route, roles: wanted_role in roles
    qid, options = tested(cond)
    wanted = frozenset(options)
    if isinstance(cond, (Equals, In)):
        def single(values: Mapping[str, Value], route: str | None, roles: Sequence[str]) -> bool | None:
            value = values.get(qid)
            if value is None:
                return None
            if value is SKIPPED:
                return False
            return isinstance(value, str) and value in wanted
        return single

    if len(options) == 1:
        option = options[0]

        def one_of_many(values: Mapping[str, Value], route: str | None, roles: Sequence[str]) -> bool | None:
            value = values.get(qid)
            if value is None:
                return None
            if value is SKIPPED:
                return False
            return isinstance(value, list) and option in value
        return one_of_many

    def multiple(values: Mapping[str, Value], route: str | None, roles: Sequence[str]) -> bool | None:
        value = values.get(qid)
        if value is None:
            return None
        if value is SKIPPED:
            return False
        return isinstance(value, list) and not wanted.isdisjoint(value)
    return multiple


def question_test(cond: Condition) -> tuple[str, list[str]] | None:
    """(question id, option ids) of a question test (equals, in, includes, includes_any), or None for anything else.

    The one place a condition is unpacked: the engine, the wording, the paper, the logic map and the XLSForm and FHIR
    exports all read a test's question and options through it."""
    if isinstance(cond, Equals):
        return cond.equals[0], [cond.equals[1]]
    if isinstance(cond, In):
        return cond.in_[0], list(cond.in_[1])
    if isinstance(cond, Includes):
        return cond.includes[0], [cond.includes[1]]
    if isinstance(cond, IncludesAny):
        return cond.includes_any[0], list(cond.includes_any[1])
    return None


def tested(cond: Condition) -> tuple[str, list[str]]:
    """question_test for a condition known to be a question test."""
    parts = question_test(cond)
    if parts is None:
        raise TypeError(f"not a question test: {cond!r}")
    return parts


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
            qid, opts = tested(leaf)
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
