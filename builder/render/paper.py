"""The paper toolkit's logic, derived from the questionnaire: numbered questions, routing a pen can follow, the scoring sheet.

Pure: no I/O and no rendering. Every instruction comes from the questionnaire's own `ask_if`
conditions and every number from its points, bands, weights and gates, evaluated with the
engine's own condition logic, so the paper and the engine cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from builder.core.compiled import compiled
from builder.core.conditions import SKIPPED, Value, plan_refs, question_refs, question_test
from builder.core.decision import route_table
from builder.core.engine import GO_LIVE_CAP, round_pct
from builder.core.schema import All, Condition, Equals, Gate, In, Not, Question, Questionnaire
from builder.core.wording import Voice, option_label
from builder.core.wording import describe as describe_in
from builder.render.logicmap import cell_text

MAX_MULTI_OPTIONS = 12
"""Multi questions with more combinable options than this get no per-tick jumps (2^n answer sets to check);
their followers' 'Answer only if' lines still route the pen exactly."""


# ---------------------------------------------------------------- numbering and conditions in words


def numbers(q: Questionnaire) -> dict[str, int]:
    """Question id -> its printed number, 1 to n in questionnaire order."""
    return {qu.id: i for i, qu in enumerate(q.questions, start=1)}


def _reader_leaf(leaf: Condition, negated: bool, q: Questionnaire) -> str | None:
    """'at question 12 you ticked “None of these”': a test the reader checks against their own ticks."""
    parts = question_test(leaf)
    if parts is None:
        return None
    qid, opts = parts
    if isinstance(leaf, (Equals, In)):
        verb, joiner = ("you did not tick" if negated else "you ticked"), " or "
        if negated and len(opts) > 1:
            verb, joiner = "you ticked none of", ", "
    else:
        verb = ("you ticked none of" if len(opts) > 1 else "you did not tick") if negated else ("you ticked any of" if len(opts) > 1 else "you ticked")
        joiner = ", "
    return f"at question {numbers(q)[qid]} {verb} " + joiner.join(option_label(q, qid, o) for o in opts)


READER = Voice(leaf=_reader_leaf, negation="it is not so that ({text})", route="your plan's route is “{title}”",
               role="{title} is among your recommended roles")
"""The paper questionnaire's voice: questions by number, answers as the reader's own ticks."""


def describe(cond: Condition | None, q: Questionnaire) -> str:
    """A condition in words a reader checks against their own ticks: 'at question 12 you ticked “None of these”'."""
    return describe_in(cond, q, READER)


# ---------------------------------------------------------------- routing a pen can follow


@dataclass(frozen=True)
class Jump:
    """A printed 'go to' at an answer: when the reader ticked (or did not tick) `option`, skip ahead."""

    option: str
    label: str
    ticked: bool
    """True: 'If you ticked …'; False (multi questions): 'If you did not tick …'."""
    target: int | None
    """The question number to go to; None: past the last question."""
    skips: tuple[str, ...]
    """The questions this jump passes over, all of which the engine skips on every such path."""


@dataclass(frozen=True)
class Guard:
    """A question's own 'Answer only if …' check, for paths where no earlier answer has already jumped past it."""

    text: str
    target: int | None
    """Where to go when the condition does not hold; None: past the last question."""


@dataclass(frozen=True)
class PaperQuestion:
    number: int
    question: Question
    jumps: tuple[Jump, ...]
    guard: Guard | None

    def jump_for(self, option: str) -> Jump | None:
        return next((j for j in self.jumps if j.ticked and j.option == option), None)

    @property
    def unticked_jumps(self) -> tuple[Jump, ...]:
        return tuple(j for j in self.jumps if not j.ticked)


def _skip_run(q: Questionnaire, index: int, values: Mapping[str, Value]) -> tuple[int, tuple[str, ...]]:
    """From question `index`, given only `values`: the next question that may be asked, and those certainly skipped before it.

    Three-valued logic makes this safe: a condition that is False while other answers are
    unknown stays False whatever they turn out to be.
    """
    qs = q.questions
    seen: dict[str, Value] = dict(values)
    skipped: list[str] = []
    j = index + 1
    c = compiled(q)
    while j < len(qs):
        cond = qs[j].ask_if
        if cond is None or c.evaluate(cond, seen) is not False:
            break
        seen[qs[j].id] = SKIPPED
        skipped.append(qs[j].id)
        j += 1
    return j, tuple(skipped)


def _answer_sets(qu: Question) -> Iterator[list[str]]:
    """Every answer a multi question accepts: an exclusive option alone, or any non-empty set of the others."""
    for o in qu.options:
        if o.exclusive:
            yield [o.id]
    free = [o.id for o in qu.options if not o.exclusive]
    for size in range(1, len(free) + 1):
        for combo in combinations(free, size):
            yield list(combo)


def paper_questions(q: Questionnaire) -> list[PaperQuestion]:
    """Every question with its printed number, the jumps printed at its answers and its own guard."""
    qs = q.questions
    n = len(qs)
    out: list[PaperQuestion] = []

    def number(j: int) -> int | None:
        return j + 1 if j < n else None

    for i, qu in enumerate(qs):
        jumps: list[Jump] = []
        if qu.type == "single":
            for o in qu.options:
                j, skips = _skip_run(q, i, {qu.id: o.id})
                if skips:
                    jumps.append(Jump(o.id, o.label, True, number(j), skips))
        elif qu.type == "multi" and sum(1 for o in qu.options if not o.exclusive) <= MAX_MULTI_OPTIONS:
            runs = [(set(s), _skip_run(q, i, {qu.id: s})) for s in _answer_sets(qu)]
            for o in qu.options:
                for ticked in (True, False):
                    outcomes = {run for chosen, run in runs if (o.id in chosen) == ticked}
                    if len(outcomes) == 1:
                        j, skips = next(iter(outcomes))
                        if skips:
                            jumps.append(Jump(o.id, o.label, ticked, number(j), skips))
        guard = None
        if qu.ask_if is not None:
            j, _ = _skip_run(q, i, {qu.id: SKIPPED})
            guard = Guard(describe(qu.ask_if, q), number(j))
        out.append(PaperQuestion(i + 1, qu, tuple(jumps), guard))
    return out


# ---------------------------------------------------------------- the scoring sheet


@dataclass(frozen=True)
class ScoreRow:
    number: int
    question: Question
    points: tuple[tuple[str, int], ...]
    """(option label, points) as printed."""
    max: int
    """Most points the question can give (multi answers count up to this)."""


@dataclass(frozen=True)
class GateLine:
    gate: Gate
    text: str
    """The condition in words, with question numbers."""
    cap: str | None
    overall: str | None


@dataclass(frozen=True)
class DomainSheet:
    id: str
    title: str
    rows: tuple[ScoreRow, ...]
    max: int
    green_from: int
    """Fewest points that score green."""
    amber_from: int
    scores: tuple[int, ...]
    """scores[p]: the domain score for p points."""
    gates: tuple[GateLine, ...]
    weight: int


@dataclass(frozen=True)
class Feed:
    """What ticking one answer brings into the plan."""

    number: int
    question: Question
    label: str
    """The statement in words: 'you ticked “No space at the moment”'."""
    option: str
    ticked: bool
    """The statement is 'you ticked `option`' (True) or 'you did not tick `option`' (False)."""
    actions: tuple[str, ...]
    templates: tuple[tuple[str, str], ...]
    """(template id, title)."""
    maybe: bool = False
    """True when it also depends on other answers, the route or the roles."""


@dataclass(frozen=True)
class PlanFeed:
    """Actions and templates that depend only on the plan's route or roles."""

    text: str
    actions: tuple[str, ...]
    templates: tuple[tuple[str, str], ...]
    heading: str = "Route and roles"
    """The row's heading on the sheet: what the statement depends on."""


@dataclass(frozen=True)
class RouteLine:
    text: str
    route: str
    title: str


@dataclass(frozen=True)
class RoleLine:
    text: str
    role: str
    title: str
    points: int


@dataclass(frozen=True)
class ScoringSheet:
    domains: tuple[DomainSheet, ...]
    green: int
    amber: int
    labels: dict[str, str]
    total_weight: int
    overall_green_from: int
    """Smallest weighted total (sum of score x weight) whose overall score is green."""
    overall_amber_from: int
    overall_gates: tuple[GateLine, ...]
    any_red_caps_at: str
    feeds: tuple[Feed, ...]
    always_actions: tuple[str, ...]
    always_templates: tuple[tuple[str, str], ...]
    plan_feeds: tuple[PlanFeed, ...]
    routes: tuple[RouteLine, ...]
    """Route rules in order: the first that holds decides."""
    route_default: RouteLine
    roles: tuple[RoleLine, ...]
    role_min_points: int
    role_fallback: str
    role_titles: dict[str, str] = field(default_factory=dict)
    route_columns: tuple[str, ...] = ()
    """The route as a decision table (builder/core/decision.py): the questions its cells read…"""
    route_rows: tuple[tuple[tuple[str, ...], str], ...] = ()
    """…and its rows in order: each cell in words ('' for any answer), and the route's title."""


def _band(score: int, green: int, amber: int) -> str:
    return "green" if score >= green else ("amber" if score >= amber else "red")


def _first(scores: list[int], floor: int) -> int:
    """The first index whose score reaches `floor` (len(scores) if none does)."""
    return next((p for p, s in enumerate(scores) if s >= floor), len(scores))


def scoring_sheet(q: Questionnaire) -> ScoringSheet:
    """The scoring sheet's content: every number a reader needs to rate by hand, as the engine does."""
    num = numbers(q)
    bands = q.meta.ratings
    weights = q.meta.overall.weights
    domains = []
    for d in q.domains:
        rows = tuple(ScoreRow(num[qu.id], qu, tuple((o.label, o.points or 0) for o in qu.options), qu.max) for qu in d.questions if qu.scored)
        top = sum(r.max for r in rows)
        scores = [round_pct(p, top) for p in range(top + 1)]
        gates = tuple(GateLine(g, describe(g.when, q), g.cap, g.overall) for g in d.gates)
        domains.append(DomainSheet(d.id, d.title, rows, top, _first(scores, bands.green), _first(scores, bands.amber),
                                   tuple(scores), gates, weights[d.id]))
    total_weight = sum(weights[did] for did in q.meta.domains)
    weighted = [round_pct(t, 100 * total_weight) for t in range(100 * total_weight + 1)]
    overall_gates = tuple(GateLine(g, describe(g.when, q), g.cap, g.overall) for g in q.meta.overall.gates)
    feeds, always_actions, always_templates, plan_feeds = _feeds(q)
    route_titles = {r.id: r.title for r in q.meta.routes.options}
    role_titles = {r.id: r.title for r in q.meta.roles.options}
    routes = tuple(RouteLine(describe(r.when, q), r.route, route_titles[r.route]) for r in q.meta.routes.rules)
    default = q.meta.routes.default
    roles = tuple(RoleLine(describe(r.when, q), r.role, role_titles[r.role], r.points) for r in q.meta.roles.rules)
    return ScoringSheet(tuple(domains), bands.green, bands.amber, bands.labels.model_dump(), total_weight,
                        _first(weighted, bands.green), _first(weighted, bands.amber), overall_gates,
                        q.meta.overall.any_red_caps_at, feeds, always_actions, always_templates, plan_feeds,
                        routes, RouteLine(default.reason, default.route, route_titles[default.route]), roles,
                        q.meta.roles.min_points, role_titles[q.meta.roles.fallback.role], role_titles,
                        *_route_table(q, route_titles))


def _route_table(q: Questionnaire, route_titles: dict[str, str]) -> tuple[tuple[str, ...], tuple[tuple[tuple[str, ...], str], ...]]:
    columns, rows = route_table(q)
    titles, num = {x.id: x.title for x in q.questions}, numbers(q)
    return (tuple(f"{num[c]}. {titles[c]}" for c in columns),
            tuple((tuple(cell_text(q, c, dict(r.cells)[c]) if c in dict(r.cells) else "" for c in columns), route_titles[r.route]) for r in rows))


def _cases(qu: Question) -> Iterator[tuple[str, str, bool, list[Value]]]:
    """The statements a reader can make about one question: (words, option, ticked, every answer it covers)."""
    if qu.type == "single":
        for o in qu.options:
            yield f"you ticked “{o.label}”", o.id, True, [o.id]
    elif qu.type == "multi" and sum(1 for o in qu.options if not o.exclusive) <= MAX_MULTI_OPTIONS:
        sets: list[Value] = list(_answer_sets(qu))
        for o in qu.options:
            yield f"you ticked “{o.label}”", o.id, True, [s for s in sets if isinstance(s, list) and o.id in s]
            if not o.exclusive:
                yield f"you did not tick “{o.label}”", o.id, False, [s for s in sets if isinstance(s, list) and o.id not in s]


def _plan_states(cond: Condition) -> list[tuple[str | None, tuple[str, ...]]]:
    """Every (route, roles) that matters to `cond`: its own route and role tests, on and off."""
    refs = plan_refs(cond)
    routes: list[str | None] = [None] + sorted({i for kind, i, _ in refs if kind == "route"})
    roles = sorted({i for kind, i, _ in refs if kind == "role"})
    role_sets = [tuple(c) for n in range(len(roles) + 1) for c in combinations(roles, n)]
    return [(r, rs) for r in routes for rs in role_sets]


def _feeds(q: Questionnaire) -> tuple[tuple[Feed, ...], tuple[str, ...], tuple[tuple[str, str], ...], tuple[PlanFeed, ...]]:
    """For each answer, the actions and templates it brings in: certainly, or depending on other answers.

    Each rule is evaluated with the engine's own logic for every answer the statement covers
    (and every route and roles the rule tests): True for every answer is 'brings in'; True or
    unknown (on other answers, the route or the roles) for every answer is 'may bring in'; a rule
    that some covered answer rules out is not printed against this statement.
    """
    num = numbers(q)
    titles = {t.id: t.title for t in q.templates}
    items: list[tuple[Condition, int, Any]] = [(a.when, 0, a.title) for d in q.domains for a in d.actions if a.when is not None]
    items += [(r.when, 1, (r.template, titles[r.template])) for r in q.meta.templates.rules if r.when is not None]
    feeds = []
    refs = [{r[0] for r in question_refs(when)} for when, _, _ in items]
    tests = [{(r[0], o) for r in question_refs(when) for o in r[1]} for when, _, _ in items]
    states = [_plan_states(when) for when, _, _ in items]
    # Each answer, with the follow-up questions it rules out (what hangs on those is its doing too),
    # and each rule's verdict on it: worked out once, shared by every statement that covers the answer.
    seen: dict[tuple[str, str], dict[str, Value]] = {}
    verdicts: dict[tuple[int, tuple[str, str]], bool | None] = {}

    def verdict(k: int, key: tuple[str, str]) -> bool | None:
        if (k, key) not in verdicts:
            results = {compiled(q).evaluate(items[k][0], seen[key], route, roles) for route, roles in states[k]}
            verdicts[(k, key)] = True if results == {True} else (None if results & {True, None} else False)
        return verdicts[(k, key)]

    for index, qu in enumerate(q.questions):
        for statement, option, ticked, answers in _cases(qu):
            keys = []
            for v in answers:
                key = (qu.id, repr(v))
                if key not in seen:
                    _, skipped = _skip_run(q, index, {qu.id: v})
                    seen[key] = {qu.id: v, **{s: SKIPPED for s in skipped}}
                keys.append(key)
            touched = set().union(*(seen[k] for k in keys)) if keys else {qu.id}
            found: dict[bool, tuple[list[Any], list[Any]]] = {True: ([], []), False: ([], [])}
            for k, (_when, kind, item) in enumerate(items):
                if not refs[k] & touched:
                    continue
                per_answer = [verdict(k, key) for key in keys]
                if False in per_answer:
                    # Some answers this statement covers rule it out: it is only a reason if the rule tests this very box.
                    if (qu.id, option) not in tests[k] or not (True in per_answer or None in per_answer):
                        continue
                sure = all(v is True for v in per_answer)
                bucket = found[sure][kind]
                if item not in bucket:
                    bucket.append(item)
            for sure in (True, False):
                acts, tmpls = found[sure]
                if acts or tmpls:
                    feeds.append(Feed(num[qu.id], qu, statement, option, ticked, tuple(acts), tuple(tmpls), maybe=not sure))
    plan_only: dict[str, tuple[list[Any], list[Any]]] = {}
    for when, kind, item in items:
        if not question_refs(when):
            lists = plan_only.setdefault(describe(when, q), ([], []))
            if item not in lists[kind]:
                lists[kind].append(item)
    always_a = tuple(a.title for d in q.domains for a in d.actions if a.when is None)
    always_t: list[tuple[str, str]] = []
    for r in q.meta.templates.rules:
        if r.when is None and (r.template, titles[r.template]) not in always_t:
            always_t.append((r.template, titles[r.template]))
    # A go-live item that is not met, only planned or not known yet brings in every action that lifts it, unless
    # that action's own condition rules it out (engine.plan_actions): each is a must-do before the first patient.
    action_titles = {a.id: a.title for d in q.domains for a in d.actions}
    lifting = tuple(PlanFeed(f"“{g.title}” is not met, only planned, or not known yet (unless the action's own condition rules it out; "
                             "each is a must-do before the first patient)",
                             tuple(action_titles[a] for a in g.actions), (), heading="Go-live checklist")
                    for g in q.meta.go_live)
    return (tuple(feeds), always_a, tuple(always_t),
            tuple(PlanFeed(text, tuple(a), tuple(t)) for text, (a, t) in plan_only.items()) + lifting)


__all__ = ["DomainSheet", "Feed", "PlanFeed", "RoleLine", "RouteLine", "GateLine", "Guard", "Jump", "PaperQuestion", "ScoreRow", "ScoringSheet",
           "describe", "numbers", "paper_questions", "scoring_sheet"]


# ---------------------------------------------------------------- the paper questionnaire's context


def paper_context(q: Questionnaire) -> dict[str, Any]:
    """What templates/toolkit/_paper.html.j2 needs: numbered questions with their routing, and the scoring sheet."""
    by_id = {pq.question.id: pq for pq in paper_questions(q)}
    domains = [{"id": d.id, "title": d.title, "summary": d.summary, "questions": [by_id[qu.id] for qu in d.questions]} for d in q.domains]
    return {"paper_domains": domains, "sheet": scoring_sheet(q), "rules": sheet_rules(q)}


# ---------------------------------------------------------------- the engine's scoring rules, for the sheet


@dataclass(frozen=True)
class RowRule:
    """How one scored question counts on paper, beyond the points of its ticks."""

    number: int
    question_id: str
    max: int
    when_skipped: int | None
    """Points it earns when the routing skipped it (points_when_skipped); None: a skipped question scores 0."""
    leave_out: Any
    """The condition under which it does not count at all (neither points nor 'out of'); None: it always counts."""
    leave_out_text: str | None


@dataclass(frozen=True)
class Scale:
    """The score lookup for one 'out of' total."""

    out_of: int
    scores: tuple[int, ...]
    """scores[p]: the domain score for p points out of `out_of`."""
    green_from: int
    amber_from: int


@dataclass(frozen=True)
class DomainRules:
    id: str
    rows: tuple[RowRule, ...]
    scales: tuple[Scale, ...]
    """Every 'out of' a clinic can have, largest first (questions left out lower it)."""


@dataclass(frozen=True)
class GoLiveLine:
    id: str
    title: str
    met: Any
    text: str
    """The condition in words, with question numbers."""
    cap: str
    reason: str
    planned_text: str | None = None
    """When it is not met, the condition under which it is planned rather than missing (still not met), in words."""


@dataclass(frozen=True)
class SheetRules:
    domains: dict[str, DomainRules]
    go_live: tuple[GoLiveLine, ...]
    unknown_cap: str
    """The cap while any go-live condition is not known yet (the engine's)."""


UNKNOWN_GO_LIVE_CAP = "red"
"""engine.overall_readiness caps at red while a go-live condition is not known (engine.GO_LIVE_CAP): not known is not ready."""


def _leave_out(cond: Any) -> Any:
    """The condition under which a question with scored_if `cond` is left out: `cond` is False, i.e. its negation holds."""
    return cond.not_ if isinstance(cond, Not) else Not.model_validate({"not": cond})


def _words(cond: Any, q: Questionnaire) -> str:
    """paper.describe, with each part of a top-level 'all' that offers a choice ("… or …") in brackets, so
    "A and B or C" cannot be read as "(A and B) or C"."""
    if isinstance(cond, All):
        parts = [describe(c, q) for c in cond.all]
        return " and ".join(f"({t})" if " or " in t and not t.startswith("(") else t for t in parts)
    return describe(cond, q)


def sheet_rules(q: Questionnaire) -> SheetRules:
    """What the scoring sheet adds to paper.scoring_sheet for the engine's rules: skipped points, questions left out
    of the score and the 'out of' each leaves, and the go-live checklist. All derived from the questionnaire."""
    num = numbers(q)
    bands = q.meta.ratings
    domains: dict[str, DomainRules] = {}
    for d in q.domains:
        rows = []
        for qu in d.questions:
            if not qu.scored:
                continue
            out = _leave_out(qu.scored_if) if qu.scored_if is not None else None
            rows.append(RowRule(num[qu.id], qu.id, qu.max, None if qu.points_when_skipped is None else min(qu.points_when_skipped, qu.max),
                                out, _words(out, q) if out is not None else None))
        top = sum(r.max for r in rows)
        groups: dict[str, int] = {}
        for r in rows:
            if r.leave_out_text is not None:
                groups[r.leave_out_text] = groups.get(r.leave_out_text, 0) + r.max
        totals = sorted({top - sum(c) for n in range(len(groups) + 1) for c in combinations(groups.values(), n)}, reverse=True)
        scales = []
        for t in totals:
            scores = tuple(round_pct(p, t) if t else 0 for p in range(t + 1))
            first = [next((p for p, s in enumerate(scores) if s >= floor), t + 1) for floor in (bands.green, bands.amber)]
            scales.append(Scale(t, scores, first[0], first[1]))
        domains[d.id] = DomainRules(d.id, tuple(rows), tuple(scales))
    go_live = tuple(GoLiveLine(g.id, g.title, g.met, _words(g.met, q), GO_LIVE_CAP, g.reason,
                               _words(g.planned, q) if g.planned is not None else None) for g in q.meta.go_live)
    return SheetRules(domains, go_live, UNKNOWN_GO_LIVE_CAP)
