"""The route rules as a decision table: each rule's condition written out as rows a pen can follow, one cell a question.

Pure. The engines (engine.py's choose_route, engine.js) read the route rules themselves; this writes the same rules
out, so the table printed on the site and on paper cannot say anything the rules do not. A row holds when every one
of its cells holds (the answer is one of the cell's answers); the first row that holds decides the route, and when
none does, the default route applies. tests/test_decision_table.py checks the table against choose_route's own
answer for every combination of answers to the questions it reads, unknown and skipped included.
"""

from __future__ import annotations

from dataclasses import dataclass

from builder.core.conditions import tested
from builder.core.schema import All, AnyOf, Condition, Equals, In, Not, Questionnaire

NOT_ASKED = ""
"""A cell's answer for a question the routing skipped (no option id is empty): a 'not' holds for it."""


class DecisionTableError(Exception):
    """A route rule uses what a decision table of single answers cannot show (multi-choice tests, route or roles)."""


@dataclass(frozen=True)
class Row:
    route: str
    """The route this row decides."""
    rule: int
    """The index of the route rule it comes from (rows keep the rules' order)."""
    cells: tuple[tuple[str, frozenset[str]], ...]
    """(question, the answers that make the cell hold), in the questionnaire's order; a question not here: any answer."""


def _options(q: Questionnaire, qid: str) -> frozenset[str]:
    question = next(x for x in q.questions if x.id == qid)
    if question.type != "single":
        raise DecisionTableError(f"route rules read '{qid}', which is not a single-choice question")
    skippable = question.ask_if is not None
    return frozenset(o.id for o in question.options) | (frozenset([NOT_ASKED]) if skippable else frozenset())


def _terms(cond: Condition, q: Questionnaire) -> list[dict[str, frozenset[str]]]:
    """The condition as a list of alternatives (any one holding is enough), each a conjunction of cells."""
    if isinstance(cond, Equals | In):
        qid, chosen = tested(cond)
        _options(q, qid)
        return [{qid: frozenset(chosen)}]
    if isinstance(cond, Not):
        inner = cond.not_
        if isinstance(inner, Equals | In):
            qid, chosen = tested(inner)
            return [{qid: _options(q, qid) - set(chosen)}]
        raise DecisionTableError("a route rule negates more than one answer ('not' around 'all' or 'any')")
    if isinstance(cond, AnyOf):
        return [term for c in cond.any_ for term in _terms(c, q)]
    if isinstance(cond, All):
        out: list[dict[str, frozenset[str]]] = [{}]
        for c in cond.all:
            joined = []
            for left in out:
                for right in _terms(c, q):
                    merged = dict(left)
                    for qid, answers in right.items():
                        merged[qid] = merged[qid] & answers if qid in merged else answers
                    if all(merged.values()):  # a row no answer can satisfy is left out
                        joined.append(merged)
            out = joined
        return out
    raise DecisionTableError(f"a route rule uses '{type(cond).__name__}', which a decision table of single answers cannot show")


def route_table(q: Questionnaire) -> tuple[list[str], list[Row]]:
    """The questions the route rules read (the table's columns, in the questionnaire's order) and its rows."""
    order = {x.id: i for i, x in enumerate(q.questions)}
    rows = []
    for i, rule in enumerate(q.meta.routes.rules):
        for term in _terms(rule.when, q):
            rows.append(Row(rule.route, i, tuple(sorted(term.items(), key=lambda kv: order[kv[0]]))))
    columns = sorted({qid for r in rows for qid, _ in r.cells}, key=lambda qid: order[qid])
    return columns, rows


def table_route(q: Questionnaire, rows: list[Row], answers: dict[str, str | None]) -> str:
    """The route the table gives for these answers (None: not known yet, NOT_ASKED: skipped)."""
    for row in rows:
        if all(answers.get(qid) in cell for qid, cell in row.cells):
            return row.route
    return q.meta.routes.default.route
