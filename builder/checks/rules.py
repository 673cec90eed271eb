"""The conditions of a questionnaire as rules to check, and the search for answers under which a condition holds."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from builder.core.compiled import Compiled, compiled
from builder.core.conditions import SKIPPED, Value, question_refs
from builder.core.parse import LoadedFile
from builder.core.schema import Condition, Question, Questionnaire

ENUMERATION_LIMIT = 200_000
"""Beyond this many answer combinations a satisfiability check is skipped (never reached by real data)."""


@dataclass
class Rule:
    """A condition somewhere in the questionnaire, with where it lives for error messages."""

    where: str
    source: LoadedFile
    path: tuple[Any, ...]
    cond: Condition | None
    before: int | None
    """Questions at index >= before may not be referred to (ask_if); None: any question."""
    plan_ops: bool
    """Whether route/role tests are allowed (actions and template rules)."""
    kind: str


def _domain_values(qu: Question, referenced: set[str]) -> list[Value]:
    """The answers that can make a difference to conditions mentioning `referenced` options."""
    values: list[Value] = []
    if qu.type == "single":
        values = [o.id for o in qu.options]
    elif qu.type == "multi":
        refs = [o for o in qu.options if o.id in referenced]
        others = [o for o in qu.options if o.id not in referenced and not o.exclusive]
        for r in range(len(refs) + 1):
            for combo in itertools.combinations(refs, r):
                if any(o.exclusive for o in combo) and len(combo) > 1:
                    continue
                ids = [o.id for o in combo]
                if not ids:
                    if not others:
                        continue
                    ids = [others[0].id]
                values.append(ids)
    if qu.ask_if is not None:
        values.append(SKIPPED)
    return values


def witness(q: Questionnaire, cond: Condition, plan_ops: bool = False) -> dict[str, Value] | None:
    """An answer assignment under which `cond` holds on a consistent path, or None if none exists.

    Only the questions `cond` depends on (through ask_if, transitively) are enumerated, and
    for multiple choice only the options any of those conditions mention.
    """
    questions = {qu.id: qu for qu in q.questions}
    order = {qu.id: i for i, qu in enumerate(q.questions)}
    needed: set[str] = set()
    mentioned: dict[str, set[str]] = {}
    todo = [cond]
    while todo:
        c = todo.pop()
        for qid, opts, _op, _p in question_refs(c):
            mentioned.setdefault(qid, set()).update(opts)
            if qid not in needed and qid in questions:
                needed.add(qid)
                if questions[qid].ask_if is not None:
                    todo.append(questions[qid].ask_if)  # type: ignore[arg-type]
    var_ids = sorted(needed, key=order.__getitem__)
    domains = [_domain_values(questions[v], mentioned.get(v, set())) for v in var_ids]
    routes: list[str | None] = [r.id for r in q.meta.routes.options] if plan_ops else [None]
    role_sets: list[list[str]] = [[]]
    if plan_ops:
        ids = [r.id for r in q.meta.roles.options]
        role_sets = [list(c) for n in range(len(ids) + 1) for c in itertools.combinations(ids, n)]
    total = len(routes) * len(role_sets)
    for dv in domains:
        total *= max(len(dv), 1)
    if total > ENUMERATION_LIMIT:
        return {}
    compiled_q = compiled(q)
    test = compiled_q.test(cond)  # compiled once: the loops below may try thousands of answer sets
    for combo in itertools.product(*domains):
        values = dict(zip(var_ids, combo))
        if not _consistent(values, var_ids, questions, compiled_q):
            continue
        for route in routes:
            for roles in role_sets:
                if test(values, route, roles) is True:
                    return values
    return None


def _consistent(values: dict[str, Value], var_ids: list[str], questions: dict[str, Question], c: Compiled) -> bool:
    for v in var_ids:
        cond = questions[v].ask_if
        if cond is None:
            continue
        shown = c.evaluate(cond, values)
        if (values[v] is SKIPPED) == (shown is True):
            return False
    return True
