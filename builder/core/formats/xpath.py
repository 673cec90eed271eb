"""Conditions as XPath 1.0 for an XLSForm's `relevant` column, keeping the engine's three-valued logic.

The engine asks a question only when its condition is *definitely* true: an unanswered question makes a
test unknown, and a question the routing skipped is definitely not any option. A plain translation
(`not(${info_access} = 'none')`) would be true while `info_access` is still blank, so each condition is
written twice: `true_(c)` holds exactly when the engine finds it true, `false_(c)` exactly when it finds
it false; unknown is neither. A question counts as answered only while its own condition holds, so a
value a form keeps for a question that has since become irrelevant never leaks into the routing.

Only XPath 1.0 core functions are used (no ODK extensions), so any XPath 1.0 evaluator agrees with
ODK Collect, Enketo and KoboToolbox on them.
"""

from __future__ import annotations

from builder.core.conditions import tested
from builder.core.schema import (
    All,
    AnyOf,
    Condition,
    Domain,
    HasRole,
    Not,
    Question,
    Questionnaire,
    RouteIs,
)

TRUE, FALSE = "true()", "false()"


def ref(qid: str) -> str:
    return "${" + qid + "}"


def _and(parts: list[str]) -> str:
    parts = [p for p in parts if p != TRUE]
    if FALSE in parts:
        return FALSE
    if not parts:
        return TRUE
    return parts[0] if len(parts) == 1 else " and ".join(f"({p})" if " or " in p else p for p in parts)


def _or(parts: list[str]) -> str:
    parts = [p for p in parts if p != FALSE]
    if TRUE in parts:
        return TRUE
    if not parts:
        return FALSE
    return parts[0] if len(parts) == 1 else " or ".join(f"({p})" if " and " in p else p for p in parts)


def _not(expr: str) -> str:
    return FALSE if expr == TRUE else TRUE if expr == FALSE else f"not({expr})"


class Translator:
    """Writes conditions over one questionnaire's questions (memoised per question: chains reuse their parents)."""

    def __init__(self, q: Questionnaire):
        self.q = q
        self._asked: dict[str, str] = {}
        self._skipped: dict[str, str] = {}

    def relevant(self, qu: Question) -> str:
        """The question's `relevant`: its condition definitely holds ('' when it is always asked)."""
        return "" if qu.ask_if is None else self.asked(qu.id)

    def asked(self, qid: str) -> str:
        if qid not in self._asked:
            qu = self._question(qid)
            self._asked[qid] = TRUE if qu.ask_if is None else self.true_(qu.ask_if)
        return self._asked[qid]

    def skipped(self, qid: str) -> str:
        if qid not in self._skipped:
            qu = self._question(qid)
            self._skipped[qid] = FALSE if qu.ask_if is None else self.false_(qu.ask_if)
        return self._skipped[qid]

    def _question(self, qid: str) -> Question:
        qu = self.q.question(qid)
        if qu is None:  # readiness check rules this out; say so plainly if it ever happens
            raise ValueError(f"condition refers to unknown question {qid!r}")
        return qu

    def _member(self, qid: str, options: list[str]) -> str:
        qu = self._question(qid)
        if qu.type == "multi":  # a select_multiple's value is its option ids separated by spaces
            return _or([f"contains(concat(' ', {ref(qid)}, ' '), ' {o} ')" for o in options])
        return _or([f"{ref(qid)} = '{o}'" for o in options])

    def true_(self, cond: Condition) -> str:
        if isinstance(cond, All):
            return _and([self.true_(c) for c in cond.all])
        if isinstance(cond, AnyOf):
            return _or([self.true_(c) for c in cond.any_])
        if isinstance(cond, Not):
            return self.false_(cond.not_)
        if isinstance(cond, (RouteIs, HasRole)):
            raise ValueError("route and role tests belong to actions and templates, never to ask_if")
        qid, options = tested(cond)
        return _and([self.asked(qid), self._member(qid, options)])

    def false_(self, cond: Condition) -> str:
        if isinstance(cond, All):
            return _or([self.false_(c) for c in cond.all])
        if isinstance(cond, AnyOf):
            return _and([self.false_(c) for c in cond.any_])
        if isinstance(cond, Not):
            return self.true_(cond.not_)
        if isinstance(cond, (RouteIs, HasRole)):
            raise ValueError("route and role tests belong to actions and templates, never to ask_if")
        qid, options = tested(cond)
        answered_otherwise = _and([self.asked(qid), f"{ref(qid)} != ''", _not(self._member(qid, options))])
        return _or([self.skipped(qid), answered_otherwise])


def _times(flag: str, points: int) -> str:
    """`points` while `flag` holds, else 0 (XPath 1.0 turns true into 1 in arithmetic)."""
    if flag == FALSE or points == 0:
        return ""
    return str(points) if flag == TRUE else f"({flag}) * {points}"


def _sum(parts: list[str]) -> str:
    parts = [p for p in parts if p]
    return " + ".join(parts) if parts else "0"


def domain_score(tr: Translator, d: Domain) -> str:
    """The domain's score as the engine computes it (builder/core/engine.py, readiness and _question_points), in XPath 1.0.

    Per scored question: its points while answered (a multiple choice's capped at its maximum), its
    points_when_skipped while the routing skips it, else 0; out of its maximum, unless its scored_if is
    definitely false, when it counts for neither. Then 100 * earned / available rounded half up, 0 when
    nothing is available.
    """
    earned: list[str] = []
    available: list[str] = []
    for qu in d.questions:
        if not qu.scored:
            continue
        counts = TRUE if qu.scored_if is None else _not(tr.false_(qu.scored_if))
        asked = tr.asked(qu.id)
        if qu.type == "multi":
            raw = _sum([_times(f"contains(concat(' ', {ref(qu.id)}, ' '), ' {o.id} ')", o.points or 0) for o in qu.options])
            capped = f"({raw}) - (({raw}) > {qu.max}) * (({raw}) - {qu.max})"
            points = f"({_times(asked, 1) or '0'}) * ({capped})" if asked != TRUE else capped
        else:
            points = _sum([_times(_and([asked, f"{ref(qu.id)} = '{o.id}'"]), o.points or 0) for o in qu.options])
        if qu.points_when_skipped is not None:
            points = _sum([points if points != "0" else "", _times(tr.skipped(qu.id), min(qu.points_when_skipped, qu.max))])
        earned.append(f"({points})" if counts == TRUE else f"({_times(counts, 1)}) * ({points})")
        available.append(_times(counts, qu.max))
    e = _sum(earned)
    if all(a.isdigit() for a in available if a):  # no scored_if: the total is a number, known now
        total = sum(int(a) for a in available if a)
        return f"round(100 * ({e}) div {total})" if total else "0"
    t = _sum(available)
    # round() is XPath's half-up rounding, as the engine's; ODK (JavaRosa) has no floor(). 100 * e / t is exact
    # whenever it ends in .5, so the halves round the same way in floating point.
    return f"(({t}) > 0) * round(100 * ({e}) div (({t}) + (({t}) = 0)))"
