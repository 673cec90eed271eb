"""Pure evaluation: (questionnaire, answers) -> plan. No I/O; engine.js mirrors it line for line.

Every number is an integer and every sentence comes from the questionnaire data, so the
Python and JavaScript engines produce identical plans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .answers import AnswerFile
from .conditions import SKIPPED, Value, evaluate, question_refs
from .errors import Msg
from .schema import Gate, Question, Questionnaire

PLAN_VERSION = 1
RANK = {"red": 0, "amber": 1, "green": 2}


def fill(template: str, **fields: object) -> str:
    """Fill {name} fields (the same tiny format engine.js uses: no format specs)."""
    return re.sub(r"\{(\w+)\}", lambda m: str(fields[m.group(1)]), template)


@dataclass(frozen=True)
class Step:
    """A question's place on this clinic's path."""

    question: Question
    state: str
    """'answered', 'unknown' (on the path, no answer), 'skipped' (ruled out) or 'pending' (waits on an unanswered question)."""


def walk(q: Questionnaire, af: AnswerFile) -> tuple[list[Step], dict[str, Value]]:
    """Follow the routing: which questions are on the path, and the values conditions see."""
    values: dict[str, Value] = {}
    steps: list[Step] = []
    for qu in q.questions:
        shown = True if qu.ask_if is None else evaluate(qu.ask_if, values)
        if shown is True:
            answer = af.answers.get(qu.id)
            if answer is not None and answer.value is not None:
                steps.append(Step(qu, "answered"))
                values[qu.id] = answer.value
            else:
                steps.append(Step(qu, "unknown"))
                values[qu.id] = None
        elif shown is False:
            steps.append(Step(qu, "skipped"))
            values[qu.id] = SKIPPED
        else:
            steps.append(Step(qu, "pending"))
            values[qu.id] = None
    return steps, values


def ignored_answers(q: Questionnaire, af: AnswerFile, steps: list[Step]) -> list[tuple[str, str]]:
    """(question, message) for answers the routing did not ask for: warnings, errors with --strict."""
    out = []
    for step in steps:
        a = af.answers.get(step.question.id)
        if a is None or a.value is None or step.state not in ("skipped", "pending"):
            continue
        deps = sorted({r[0] for r in question_refs(step.question.ask_if)})
        names = ", ".join(f"'{d}'" for d in deps)
        why = f"because of the answer to {names}" if step.state == "skipped" else f"{names} is not answered yet"
        out.append((step.question.id, Msg.SKIPPED_ANSWER.format(question=step.question.id, why=why)))
    return out


def _band(score: int, q: Questionnaire) -> str:
    if score >= q.meta.ratings.green:
        return "green"
    return "amber" if score >= q.meta.ratings.amber else "red"


def _cap(rating: str, cap: str) -> str:
    return cap if RANK[cap] < RANK[rating] else rating


def _round_pct(earned: int, total: int) -> int:
    """100 * earned / total, rounded half up, in integers (identical in JavaScript)."""
    return (200 * earned + total) // (2 * total)


def _labels(qu: Question, value: Any) -> list[str]:
    if qu.type == "text":
        return [value]
    ids = value if isinstance(value, list) else [value]
    return [o.label for o in qu.options if o.id in ids]


def evaluate_plan(q: Questionnaire, af: AnswerFile) -> dict[str, Any]:
    """The tailored plan for one clinic's answers, as plain JSON-ready data."""
    meta = q.meta
    msgs = meta.messages
    steps, values = walk(q, af)
    state = {s.question.id: s.state for s in steps}
    labels = meta.ratings.labels

    # Readiness per domain: points over scored questions, then must-have gates.
    domains: dict[str, Any] = {}
    overall_caps: list[tuple[str, str]] = []

    def apply_gates(gates: list[Gate], rating: str, reasons: list[str]) -> str:
        for gate in gates:
            if evaluate(gate.when, values) is not True:
                continue
            if gate.cap:
                rating = _cap(rating, gate.cap)
                reasons.append(fill(msgs.gate, cap=gate.cap, reason=gate.reason))
            if gate.overall:
                overall_caps.append((gate.overall, gate.reason))
        return rating

    for d in q.domains:
        earned_total = 0
        max_total = 0
        lines: list[str] = []
        unknown: list[str] = []
        for qu in d.questions:
            if state[qu.id] == "unknown" and not qu.optional:
                unknown.append(qu.id)
            if not qu.scored:
                continue
            top = qu.max
            max_total += top
            if state[qu.id] == "answered":
                value = values[qu.id]
                chosen = value if isinstance(value, list) else [value]
                earned = min(sum((o.points or 0) for o in qu.options if o.id in chosen), top)
                earned_total += earned
                lines.append(fill(msgs.answered, question=qu.title, answer="; ".join(_labels(qu, value)), earned=earned, max=top))
            else:
                lines.append(fill(msgs.unanswered, question=qu.title, max=top))
        score = _round_pct(earned_total, max_total)
        rating = _band(score, q)
        reasons = [fill(msgs.band, score=score, rating=rating, green=meta.ratings.green, amber=meta.ratings.amber)]
        rating = apply_gates(d.gates, rating, reasons)
        domains[d.id] = {
            "title": d.title,
            "score": score,
            "rating": rating,
            "label": getattr(labels, rating),
            "meaning": getattr(d.ratings, rating),
            "reasons": reasons + lines,
            "unknown": unknown,
        }

    weights = meta.overall.weights
    weighted = sum(domains[did]["score"] * weights[did] for did in meta.domains)
    total_weight = sum(weights[did] for did in meta.domains)
    overall_score = _round_pct(weighted, 100 * total_weight)
    overall_rating = _band(overall_score, q)
    overall_reasons = [fill(msgs.band, score=overall_score, rating=overall_rating, green=meta.ratings.green, amber=meta.ratings.amber)]
    overall_rating = apply_gates(meta.overall.gates, overall_rating, overall_reasons)
    for cap, reason in overall_caps:
        overall_rating = _cap(overall_rating, cap)
        overall_reasons.append(fill(msgs.gate, cap=cap, reason=reason))
    red = [domains[did]["title"] for did in meta.domains if domains[did]["rating"] == "red"]
    if red:
        cap = meta.overall.any_red_caps_at
        overall_rating = _cap(overall_rating, cap)
        overall_reasons.append(fill(msgs.any_red, cap=cap, domains=", ".join(red)))

    # Route: the first rule that holds.
    route = meta.routes.default.route
    route_reasons = [meta.routes.default.reason]
    for rule in meta.routes.rules:
        if evaluate(rule.when, values) is True:
            route, route_reasons = rule.route, [rule.reason]
            break

    # Roles: points from every rule that holds; best fit first, ties in declared order.
    fit: list[dict[str, Any]] = []
    for i, option in enumerate(meta.roles.options):
        hits = [r for r in meta.roles.rules if r.role == option.id and evaluate(r.when, values) is True]
        points = sum(r.points for r in hits)
        fit.append({"role": option.id, "title": option.title, "points": points,
                    "reasons": [{"points": r.points, "text": r.reason} for r in hits], "_order": i})
    ranked = sorted(fit, key=lambda f: (-f["points"], f["_order"]))
    roles: list[str] = [f["role"] for f in ranked if f["points"] >= meta.roles.min_points]
    role_note = None
    if not roles:
        roles = [meta.roles.fallback.role]
        role_note = meta.roles.fallback.reason
    for f in fit:
        f["recommended"] = f["role"] in roles
        del f["_order"]

    # Actions: find-outs for unknowns, then every action whose condition holds;
    # by phase, weakest domain first (Community Readiness Model), then as written.
    phase_index = {p.id: i for i, p in enumerate(meta.phases)}
    domain_rank = {did: i for i, did in enumerate(sorted(meta.domains, key=lambda x: (domains[x]["score"], meta.domains.index(x))))}
    keyed: list[tuple[tuple[int, int, int, int], dict[str, Any]]] = []
    for d in q.domains:
        for j, qid in enumerate(domains[d.id]["unknown"]):
            asked = q.question(qid)
            assert asked is not None
            keyed.append(((0, domain_rank[d.id], 0, j), {
                "id": f"find_out_{qid}", "domain": d.id, "phase": meta.phases[0].id, "owner": "Service lead",
                "title": fill(msgs.find_out_title, question=asked.text), "detail": fill(msgs.find_out_detail, help=asked.help),
                "source": meta.title, "guidance": asked.guidance,
            }))
        for j, a in enumerate(d.actions):
            if a.when is not None and evaluate(a.when, values, route, roles) is not True:
                continue
            doc = meta.sources[a.source.doc]
            keyed.append(((phase_index[a.phase], domain_rank[d.id], 1, j), {
                "id": a.id, "domain": d.id, "phase": a.phase, "owner": a.owner, "title": a.title, "detail": a.detail,
                "source": f"{doc.title}: {a.source.section}", "guidance": doc.page,
            }))
    actions = [item for _, item in sorted(keyed, key=lambda k: k[0])]

    # Templates: every template with a rule that holds, in catalog order, with all its reasons.
    template_reasons: dict[str, list[str]] = {}
    for trule in meta.templates.rules:
        if trule.when is None or evaluate(trule.when, values, route, roles) is True:
            template_reasons.setdefault(trule.template, []).append(trule.reason)
    templates = [t.id for t in q.templates if t.id in template_reasons]

    answered = []
    for step in steps:
        if step.state not in ("answered", "unknown"):
            continue
        given = af.answers.get(step.question.id)
        value = values[step.question.id] if step.state == "answered" else None
        answered.append({
            "question": step.question.id,
            "domain": q.domain_of(step.question.id).id,
            "title": step.question.title,
            "answer": value,
            "labels": _labels(step.question, value) if value is not None else [],
            "note": given.note if given else None,
        })

    plan: dict[str, Any] = {
        "plan_version": PLAN_VERSION,
        "questionnaire": {"title": meta.title, "version": meta.version},
        "clinic": {"name": af.clinic_name, "organisation": af.organisation},
        "assessment": {"assessed_on": af.assessed_on, "respondent_role": af.respondent_role,
                       "answered_against": af.questionnaire_version},
        "readiness": {
            "overall": {"score": overall_score, "rating": overall_rating, "label": getattr(labels, overall_rating),
                        "reasons": overall_reasons},
            "domains": domains,
        },
        "route": route,
        "route_reasons": route_reasons,
        "roles": roles,
        "role_note": role_note,
        "role_fit": fit,
        "actions": actions,
        "templates": templates,
        "template_reasons": {t: template_reasons[t] for t in templates},
        "answers": answered,
        "unknown": [qid for d in meta.domains for qid in domains[d]["unknown"]],
        "ignored": [qid for qid, _ in ignored_answers(q, af, steps)],
    }

    # A plan a board can act on: owners, priorities, due dates, budget, risks, indicators.
    from .actionplan import add_planning

    add_planning(plan, q, af, values, route, roles)
    return plan
