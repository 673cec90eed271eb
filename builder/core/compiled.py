"""The questionnaire compiled once, at load: every condition as a ready test, and the indexes each plan reads.

The loader attaches it to the validated Questionnaire (builder/load/project.py); `compiled(q)` hands it out. It replaces
caches keyed by id() that outlived their questionnaire: this object lives exactly as long as the questionnaire it holds.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from builder.core.conditions import Test, Value, compile_condition
from builder.core.schema import (
    All,
    AnyOf,
    Domain,
    Equals,
    GoLive,
    HasRole,
    In,
    Includes,
    IncludesAny,
    Not,
    Question,
    Questionnaire,
    RouteIs,
    Standard,
    Term,
)
from builder.core.wording import fill

_CONDITIONS = (All, AnyOf, Not, Equals, In, Includes, IncludesAny, RouteIs, HasRole)


@dataclass(frozen=True, slots=True)
class Compiled:
    """What evaluating a plan reads, built once from a validated questionnaire (read-only: callers must not change it)."""

    questionnaire: Questionnaire
    """The questionnaire this was compiled from: held, so every condition below (and its id) lives as long as this."""
    tests: Mapping[int, Test]
    """id(condition) -> its compiled test, for every condition anywhere in the questionnaire (planning files included)."""
    questions: tuple[Question, ...]
    """Every question, in order."""
    question_by_id: Mapping[str, Question]
    domain_by_question: Mapping[str, Domain]
    domain_order: Mapping[str, int]
    """Domain id -> its place in meta.domains (ties in a ranking keep this order)."""
    phase_order: Mapping[str, int]
    """Phase id -> its place in meta.phases."""
    go_live_by_id: Mapping[str, GoLive]
    action_standards: Mapping[str, list[str]]
    """Action id -> the standards it helps meet."""
    template_standards: Mapping[str, list[str]]
    action_details: Mapping[str, str]
    """Action id -> its detail as written (with {term} fields)."""
    terms: tuple[tuple[str, Term], ...]
    """The local terms, sorted by id (the order the plan's terms are worked out in)."""
    standards: tuple[tuple[str, Standard], ...]
    """The standards of the crosswalk, sorted by id."""
    terms_by_question: Mapping[str, list[str]]
    """Question id -> the local terms it sets, sorted."""
    option_ids: Mapping[str, Mapping[str, str]]
    """Choice question id -> {option id: the questionnaire's own string}: a review's thousands of answers share them."""
    option_labels: Mapping[str, Mapping[str, str]]
    """Choice question id -> {option id: its label}, in the question's order: how a review shows raters' answers."""
    action_titles: Mapping[str, str]
    """Every action's title by id, the plan's generated "Find out" actions included."""
    scored_singles: tuple[tuple[str, tuple[tuple[str, Mapping[str, float], tuple[float, ...]], ...]], ...]
    """Per domain, its scored single-choice questions as (id, points by option, every option's points in order): what
    a review's rater agreement reads for each clinic."""

    def test(self, cond: Any) -> Test:
        """The compiled test of a condition: from the table when it belongs to this questionnaire, else compiled now."""
        found = self.tests.get(id(cond))
        return found if found is not None else compile_condition(cond)

    def evaluate(self, cond: Any, values: Mapping[str, Value], route: str | None = None, roles: Sequence[str] = ()) -> bool | None:
        """conditions.evaluate, through the compiled table."""
        return self.test(cond)(values, route, roles)


def _conditions(node: Any) -> Iterator[Any]:
    """Every top-level condition in a model tree (a condition's own parts are compiled with it)."""
    if isinstance(node, _CONDITIONS):
        yield node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _conditions(getattr(node, name))
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _conditions(item)
    elif isinstance(node, dict):
        for item in node.values():
            yield from _conditions(item)


def compile_questionnaire(q: Questionnaire) -> Compiled:
    """Compile every condition and build every index, once."""
    meta = q.meta
    # From the domains, not q.questions: a model_copy carries its original's cached properties along.
    questions = [qu for d in q.domains for qu in d.questions]
    actions = [a for d in q.domains for a in d.actions]
    by_question: dict[str, list[str]] = {}
    for tid, term in sorted(q.local.terms.items()):
        by_question.setdefault(term.question, []).append(tid)
    titles = {a.id: a.title for a in actions}
    for qu in questions:
        titles[meta.find_out_prefix + qu.id] = fill(meta.messages.find_out_title, question=qu.text)
    return Compiled(
        questionnaire=q,
        tests={id(c): compile_condition(c) for c in _conditions(q)},
        questions=tuple(questions),
        question_by_id={qu.id: qu for qu in questions},
        domain_by_question={qu.id: d for d in q.domains for qu in d.questions},
        domain_order={did: i for i, did in enumerate(meta.domains)},
        phase_order={p.id: i for i, p in enumerate(meta.phases)},
        go_live_by_id={g.id: g for g in meta.go_live},
        action_standards={a.id: a.standards for a in actions},
        template_standards={t.id: t.standards for t in q.templates},
        action_details={a.id: a.detail for a in actions},
        terms=tuple(sorted(q.local.terms.items())),
        standards=tuple(sorted(meta.standards.items())),
        terms_by_question=by_question,
        option_ids={qu.id: {o.id: o.id for o in qu.options} for qu in questions if qu.type != "text"},
        option_labels={qu.id: {o.id: o.label for o in qu.options} for qu in questions if qu.type != "text"},
        action_titles=titles,
        scored_singles=tuple((d.id, tuple(_points(qu) for qu in d.questions if qu.type == "single" and qu.scored)) for d in q.domains),
    )


def _points(qu: Question) -> tuple[str, dict[str, float], tuple[float, ...]]:
    points = {o.id: float(o.points or 0) for o in qu.options}
    return qu.id, points, tuple(points[o.id] for o in qu.options)


def compiled(q: Questionnaire) -> Compiled:
    """The questionnaire's compiled form: the one the loader attached, or (for a questionnaire made another way, or a
    copy whose fields may differ) compiled now and attached, so it too is compiled only once."""
    held = q.attached()
    if isinstance(held, Compiled) and held.questionnaire is q:
        return held
    made = compile_questionnaire(q)
    q.attach(made)
    return made
