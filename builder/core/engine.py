"""Pure evaluation: (questionnaire, answers) -> plan. No I/O; engine.js mirrors it line for line.

Every number is an integer and every sentence comes from the questionnaire data, so the
Python and JavaScript engines produce identical plans.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from builder.core.actions import add_planning
from builder.core.answers import AnswerFile
from builder.core.compiled import Compiled, compiled
from builder.core.conditions import SKIPPED, Value, question_refs
from builder.core.errors import Msg
from builder.core.schema import Gate, Question, Questionnaire, RatingSentence
from builder.core.wording import fill

PLAN_VERSION = 2
RANK = {"red": 0, "amber": 1, "green": 2}


class Step(NamedTuple):
    """A question's place on this clinic's path (a named tuple: a review makes millions of them)."""

    question: Question
    state: str
    """'answered', 'unknown' (on the path, no answer), 'skipped' (ruled out) or 'pending' (waits on an unanswered question)."""


def walk(q: Questionnaire, af: AnswerFile) -> tuple[list[Step], dict[str, Value]]:
    """Follow the routing: which questions are on the path, and the values conditions see."""
    state, values = route_states(q, af)
    return [Step(qu, state[qu.id]) for qu in q.questions], values


def route_states(q: Questionnaire, af: AnswerFile) -> tuple[dict[str, str], dict[str, Value]]:
    """walk's routing as two mappings, question id -> state and -> value (what a review of many clinics needs)."""
    values: dict[str, Value] = {}
    state: dict[str, str] = {}
    answers = af.answers
    test = compiled(q).test
    for qu in q.questions:
        qid = qu.id
        shown = True if qu.ask_if is None else test(qu.ask_if)(values, None, ())
        if shown is True:
            answer = answers.get(qid)
            if answer is not None and answer.value is not None:
                state[qid] = "answered"
                values[qid] = answer.value
            else:
                state[qid] = "unknown"
                values[qid] = None
        elif shown is False:
            state[qid] = "skipped"
            values[qid] = SKIPPED
        else:
            state[qid] = "pending"
            values[qid] = None
    return state, values


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


def round_pct(earned: int, total: int) -> int:
    """100 * earned / total, rounded half up, in integers (identical in JavaScript)."""
    return (200 * earned + total) // (2 * total)


def _labels(qu: Question, value: Any) -> list[str]:
    if qu.type == "text":
        return [value]
    ids = value if isinstance(value, list) else [value]
    return [o.label for o in qu.options if o.id in ids]


@dataclass
class Context:
    """What every step reads: the questionnaire, the answers, and the routing's result."""

    q: Questionnaire
    af: AnswerFile
    steps: list[Step]
    values: dict[str, Value]
    state: dict[str, str]
    overall_caps: list[tuple[str, str]]
    """(cap, reason) from domain gates that also cap the overall rating."""
    terms: dict[str, str] | None = None
    """The local wording ({term} fields) for these answers: see plan_terms."""
    words: bool = True
    """False: scores and ratings only, without the sentences that explain them (reasons, findings). The review
    of thousands of clinics shows no sentences; every number is the same either way (tests/test_review.py)."""

    compiled: Compiled = field(init=False)
    """The questionnaire compiled (its tests and indexes), read once per plan."""

    def __post_init__(self) -> None:
        self.compiled = compiled(self.q)

    def holds(self, cond: Any, route: str | None = None, roles: Sequence[str] = ()) -> bool | None:
        """The condition's value over these answers (conditions.evaluate, through the compiled table)."""
        return self.compiled.test(cond)(self.values, route, roles)


Detail = Literal["full", "summary", "scores"]
"""How much of a plan evaluate_plan makes: every section with its sentences; only what a review of many clinics keeps;
or only the readiness (what a review shows of each of several raters of one clinic, whose combined plan it summarises)."""


def evaluate_plan(q: Questionnaire, af: AnswerFile, detail: Detail = "full") -> dict[str, Any]:
    """The tailored plan for one clinic's answers, as plain JSON-ready data: the only way a plan is made.

    The steps run in this order, in engine.js too: readiness, go-live checklist, overall,
    route, roles, start with, actions, templates, answers.

    detail="summary": the same steps without the sentences that explain them, for a review of thousands of clinics:
    scores and ratings (no reasons or findings), the go-live checklist, route, roles, the actions' ids in the plan's
    final order, templates, the given answers by id and the budget's totals. Every value it carries is the full
    plan's (tests/test_review_fast_paths.py); review.summarise reads either.

    detail="scores": the summary's first steps only, readiness (overall and per domain) and the go-live checklist.
    """
    if detail != "full":
        return _summary_plan(q, af, scores_only=detail == "scores")
    steps, values = walk(q, af)
    ctx = Context(q, af, steps, values, {s.question.id: s.state for s in steps}, [])
    ctx.terms = plan_terms(ctx)
    domains = readiness(ctx)
    go_live = go_live_checklist(ctx)
    overall = overall_readiness(ctx, domains, go_live)
    route, route_reasons = choose_route(ctx)
    roles, role_note, fit = choose_roles(ctx)
    start = start_with(ctx, domains)
    actions = plan_actions(ctx, domains, route, roles, go_live)
    templates, template_reasons = plan_templates(ctx, route, roles)
    answered, by_id = plan_answers(ctx)
    coverage = standards_coverage(ctx, actions, templates)
    meta = q.meta
    plan: dict[str, Any] = {
        "plan_version": PLAN_VERSION,
        "questionnaire": {"title": meta.title, "version": meta.version},
        "clinic": {"name": af.clinic_name, "organisation": af.organisation},
        "assessment": {"assessed_on": af.assessed_on, "respondent_role": af.respondent_role,
                       "answered_against": af.questionnaire_version},
        "go_live": go_live,
        "readiness": {"overall": overall, "domains": domains},
        "start_with": start,
        "route": route,
        "route_reasons": route_reasons,
        "roles": roles,
        "role_note": role_note,
        "role_fit": fit,
        "actions": actions,
        "templates": templates,
        "template_reasons": template_reasons,
        "standards": coverage,
        "answers": answered,
        "answers_by_id": by_id,
        "unknown": [qid for d in meta.domains for qid in domains[d]["unknown"]],
        "ignored": [qid for qid, _ in ignored_answers(q, af, steps)],
    }
    # A plan a board can act on: owners, priorities, due dates, budget, risks, indicators.
    add_planning(plan, q, af, values, route, roles)
    plan["standards"] = standards_coverage(ctx, plan["actions"], templates)  # in the plan's final order of actions
    plan["local"] = local_summary(ctx, plan["actions"])
    return plan


def _summary_plan(q: Questionnaire, af: AnswerFile, scores_only: bool) -> dict[str, Any]:
    """evaluate_plan(detail="summary" or "scores"): the full plan's steps, in its order, with words=False."""
    state, values = route_states(q, af)
    ctx = Context(q, af, [], values, state, [], words=False)  # no steps: only the full plan's answers table reads them
    domains = readiness(ctx)
    go_live = go_live_checklist(ctx)
    overall = overall_readiness(ctx, domains, go_live)
    if scores_only:
        return {"plan_version": PLAN_VERSION, "detail": "scores", "go_live": go_live, "readiness": {"overall": overall, "domains": domains}}
    route, _ = choose_route(ctx)
    roles, _, _ = choose_roles(ctx)
    actions = plan_actions(ctx, domains, route, roles, go_live)
    templates, _ = plan_templates(ctx, route, roles)
    plan: dict[str, Any] = {
        "plan_version": PLAN_VERSION,
        "detail": "summary",
        "go_live": go_live,
        "readiness": {"overall": overall, "domains": domains},
        "route": route,
        "roles": roles,
        "actions": actions,
        "templates": templates,
        "answers_by_id": {qid: values[qid] for qid, st in state.items() if st == "answered"},
    }
    add_planning(plan, q, af, values, route, roles, words=False)
    return plan


def _apply_gates(ctx: Context, gates: list[Gate], rating: str, reasons: list[str]) -> str:
    for gate in gates:
        if ctx.holds(gate.when) is not True:
            continue
        if gate.cap:
            rating = _cap(rating, gate.cap)
            if ctx.words:
                reasons.append(fill(ctx.q.meta.messages.gate, cap=gate.cap, reason=gate.reason))
        if gate.overall:
            ctx.overall_caps.append((gate.overall, gate.reason))
    return rating


def _question_points(ctx: Context, qu: Question) -> tuple[int, int, str] | None:
    """(earned, available, reason line) for a scored question, or None when it does not count here."""
    msgs = ctx.q.meta.messages
    top = qu.max
    st = ctx.state[qu.id]
    if qu.scored_if is not None and ctx.holds(qu.scored_if) is False:
        return None
    if st == "answered":
        value = ctx.values[qu.id]
        points = qu.points_by_option
        earned = min(sum(points.get(c, 0) for c in set(value)) if isinstance(value, list) else points.get(value, 0), top)  # type: ignore[arg-type]
        if not ctx.words:
            return earned, top, ""
        return earned, top, fill(msgs.answered, question=qu.title, answer="; ".join(_labels(qu, value)), earned=earned, max=top)
    if st == "skipped" and qu.points_when_skipped is not None:
        earned = min(qu.points_when_skipped, top)
        if not ctx.words:
            return earned, top, ""
        return earned, top, fill(msgs.answered, question=qu.title, answer="not needed, from an earlier answer", earned=earned, max=top)
    return 0, top, fill(msgs.unanswered, question=qu.title, max=top) if ctx.words else ""


def readiness(ctx: Context) -> dict[str, Any]:
    """Readiness per domain: points over scored questions, what the answers show, then the domain's gates."""
    q, meta = ctx.q, ctx.q.meta
    labels = meta.ratings.labels
    domains: dict[str, Any] = {}
    for d in q.domains:
        earned_total = 0
        max_total = 0
        lines: list[str] = []
        unknown: list[str] = []
        for qu in d.questions:
            if ctx.state[qu.id] == "unknown" and not qu.optional:
                unknown.append(qu.id)
            if not qu.scored:
                continue
            counted = _question_points(ctx, qu)
            if counted is None:
                if ctx.words:
                    lines.append(fill(meta.messages.not_scored, question=qu.title, reason=qu.not_scored_reason or ""))
                continue
            earned_total += counted[0]
            max_total += counted[1]
            if ctx.words:
                lines.append(counted[2])
        score = round_pct(earned_total, max_total) if max_total else 0
        rating = _band(score, q)
        reasons = [fill(meta.messages.band, score=score, rating=rating, green=meta.ratings.green, amber=meta.ratings.amber)] if ctx.words else []
        rating = _apply_gates(ctx, d.gates, rating, reasons)
        findings = [fill(f.text, **_terms(ctx)) for f in d.findings if ctx.holds(f.when) is True] if ctx.words else []
        domains[d.id] = {
            "title": d.title,
            "score": score,
            "rating": rating,
            "label": getattr(labels, rating),
            "findings": findings,
            "meaning": " ".join(findings),
            "reasons": reasons + lines,
            "unknown": unknown,
        }
    return domains


STATUS = {True: "met", False: "not_met", None: "unknown"}
GO_LIVE_CAP = "red"
"""Any go-live item not met, only planned, or not known yet: the service is not ready to start."""


def go_live_checklist(ctx: Context) -> list[dict[str, Any]]:
    """Each condition that must hold before the first peer meets a patient (one per hazard), with its status:
    met, not_met, planned (what is missing is only planned: still not met) or unknown (not known yet)."""
    out = []
    for g in ctx.q.meta.go_live:
        status = STATUS[ctx.holds(g.met)]
        if status == "not_met" and g.planned is not None and ctx.holds(g.planned) is True:
            status = "planned"
        out.append({"id": g.id, "title": g.title, "status": status, "action": g.action, "hazard": g.hazard})
    return out


def overall_readiness(ctx: Context, domains: dict[str, Any], go_live: list[dict[str, Any]]) -> dict[str, Any]:
    """The weighted score, then every cap: overall gates, domain gates, go-live items, red domains."""
    q, meta = ctx.q, ctx.q.meta
    msgs = meta.messages
    weights = meta.overall.weights
    weighted = sum(domains[did]["score"] * weights[did] for did in meta.domains)
    total_weight = sum(weights[did] for did in meta.domains)
    score = round_pct(weighted, 100 * total_weight)
    rating = _band(score, q)
    reasons = [fill(msgs.band, score=score, rating=rating, green=meta.ratings.green, amber=meta.ratings.amber)]
    rating = _apply_gates(ctx, meta.overall.gates, rating, reasons)
    for cap, reason in ctx.overall_caps:
        rating = _cap(rating, cap)
        if ctx.words:
            reasons.append(fill(msgs.gate, cap=cap, reason=reason))
    items = ctx.compiled.go_live_by_id
    for item in go_live:
        if item["status"] in ("not_met", "planned"):
            g = items[item["id"]]
            rating = _cap(rating, GO_LIVE_CAP)
            template = msgs.go_live_planned if item["status"] == "planned" else msgs.go_live_not_met
            reasons.append(fill(template, cap=GO_LIVE_CAP, title=g.title, reason=g.reason))
    unknown = [item["title"] for item in go_live if item["status"] == "unknown"]
    if unknown:
        rating = _cap(rating, GO_LIVE_CAP)
        reasons.append(fill(msgs.go_live_unknown, cap=GO_LIVE_CAP, titles="; ".join(unknown)))
    red = [domains[did]["title"] for did in meta.domains if domains[did]["rating"] == "red"]
    if red:
        cap = meta.overall.any_red_caps_at
        rating = _cap(rating, cap)
        reasons.append(fill(msgs.any_red, cap=cap, domains=", ".join(red)))
    label = getattr(meta.ratings.labels, rating)
    return {"score": score, "rating": rating, "label": label, "reasons": reasons,
            "sentence": rating_sentence(msgs.rating_sentence, label, go_live, red)}


def rating_sentence(words: RatingSentence, label: str, go_live: list[dict[str, Any]], red: list[str]) -> str:
    """The overall rating in one plain sentence that points at the reason: go-live items not in place (not met or
    only planned), else not known yet, else red areas. ratingSentence in engine.js mirrors it."""
    missing = sum(1 for g in go_live if g["status"] in ("not_met", "planned"))
    unknown = sum(1 for g in go_live if g["status"] == "unknown")
    for plural, count in ((words.not_in_place, missing), (words.unknown, unknown), (words.red_areas, len(red))):
        if count:
            return fill(plural.one if count == 1 else plural.many, label=label, count=count, areas=", ".join(red))
    return fill(words.in_place, label=label)


def choose_route(ctx: Context) -> tuple[str, list[str]]:
    """The first route rule that holds, or the default."""
    routes = ctx.q.meta.routes
    for rule in routes.rules:
        if ctx.holds(rule.when) is True:
            return rule.route, [rule.reason]
    return routes.default.route, [routes.default.reason]


def choose_roles(ctx: Context) -> tuple[list[str], str | None, list[dict[str, Any]]]:
    """Points from every role rule that holds; best fit first, ties in declared order."""
    meta = ctx.q.meta
    fit: list[dict[str, Any]] = []
    for i, option in enumerate(meta.roles.options):
        hits = [r for r in meta.roles.rules if r.role == option.id and ctx.holds(r.when) is True]
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
    return roles, role_note, fit


def _weakest_first(ctx: Context, domains: dict[str, Any]) -> list[str]:
    order = ctx.compiled.domain_order
    return sorted(ctx.q.meta.domains, key=lambda x: (domains[x]["score"], order[x]))


def start_with(ctx: Context, domains: dict[str, Any]) -> list[str]:
    """The weakest domains (lowest score first, ties in questionnaire order): where the plan starts."""
    return _weakest_first(ctx, domains)[: ctx.q.meta.start_with]


def lifting(ctx: Context, go_live: list[dict[str, Any]]) -> set[str]:
    """The actions that lift a go-live item that is not met (planned and not known yet included)."""
    items = ctx.compiled.go_live_by_id
    return {a for item in go_live if item["status"] != "met" for a in items[item["id"]].actions}


def plan_actions(ctx: Context, domains: dict[str, Any], route: str, roles: list[str],
                 go_live: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Find-outs for unknowns, then every action whose condition holds, and every action that lifts a go-live
    item not yet met unless its own condition is definitely false; by phase, weakest domain first
    (Community Readiness Model), then as written."""
    q, meta = ctx.q, ctx.q.meta
    msgs = meta.messages
    lifts = lifting(ctx, go_live or [])
    phase_index = ctx.compiled.phase_order
    domain_rank = {did: i for i, did in enumerate(_weakest_first(ctx, domains))}
    keyed: list[tuple[tuple[int, int, int, int], dict[str, Any]]] = []
    for d in q.domains:
        for j, qid in enumerate(domains[d.id]["unknown"]):
            asked = ctx.compiled.question_by_id[qid]
            if not ctx.words:
                keyed.append(((0, domain_rank[d.id], 0, j), {"id": meta.find_out_prefix + qid, "domain": d.id, "phase": meta.phases[0].id}))
                continue
            keyed.append(((0, domain_rank[d.id], 0, j), {
                "id": meta.find_out_prefix + qid, "domain": d.id, "phase": meta.phases[0].id, "owner": "Service lead",
                "title": fill(msgs.find_out_title, question=asked.text), "detail": fill(msgs.find_out_detail, help=asked.help),
                "source": meta.title, "guidance": asked.guidance,
            }))
        for j, a in enumerate(d.actions):
            held = True if a.when is None else ctx.holds(a.when, route, roles)
            if held is not True and not (held is None and a.id in lifts):
                continue
            if not ctx.words:
                keyed.append(((phase_index[a.phase], domain_rank[d.id], 1, j), {"id": a.id, "domain": d.id, "phase": a.phase}))
                continue
            doc = meta.sources[a.source.doc]
            keyed.append(((phase_index[a.phase], domain_rank[d.id], 1, j), {
                "id": a.id, "domain": d.id, "phase": a.phase, "owner": a.owner, "title": a.title, "detail": fill(a.detail, **_terms(ctx)),
                "source": f"{doc.title}: {a.source.section}", "guidance": doc.page,
            }))
    return [item for _, item in sorted(keyed, key=lambda k: k[0])]


def plan_templates(ctx: Context, route: str, roles: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Every template with a rule that holds, in catalog order, with all its reasons."""
    reasons: dict[str, list[str]] = {}
    for trule in ctx.q.meta.templates.rules:
        if trule.when is None or ctx.holds(trule.when, route, roles) is True:
            reasons.setdefault(trule.template, []).append(fill(trule.reason, **_terms(ctx)) if ctx.words else "")
    templates = [t.id for t in ctx.q.templates if t.id in reasons]
    return templates, {t: reasons[t] for t in templates}


def standards_coverage(ctx: Context, actions: list[dict[str, Any]], templates: list[str]) -> list[dict[str, Any]]:
    """For each standard in the crosswalk, the plan's actions and templates that help meet it."""
    tags = ctx.compiled.action_standards
    ttags = ctx.compiled.template_standards
    return [{"id": sid, "title": s.title,
             "actions": [a["id"] for a in actions if sid in tags.get(a["id"], [])],
             "templates": [t for t in templates if sid in ttags[t]]}
            for sid, s in ctx.compiled.standards if s.when is None or ctx.holds(s.when) is True]


def plan_terms(ctx: Context) -> dict[str, str]:
    """The local wording for these answers: each term's text for the answer given, or its neutral text while unanswered."""
    out: dict[str, str] = {}
    for tid, term in ctx.compiled.terms:
        value = ctx.values.get(term.question)
        out[tid] = term.values[value] if isinstance(value, str) and value in term.values else term.unknown
    return out


def _terms(ctx: Context) -> dict[str, str]:
    return ctx.terms if ctx.terms is not None else plan_terms(ctx)


TERM_FIELD = re.compile(r"\{(\w+)\}")
"""A {term} field in an action's detail, a finding or a template reason."""


def local_summary(ctx: Context, actions: list[dict[str, Any]]) -> dict[str, Any]:
    """What applies where the service is and to whom (the terms with a label), and which of the plan's
    statements use neutral wording because a question they depend on is not answered yet."""
    q = ctx.q
    terms = _terms(ctx)
    listed = sorted(({"id": tid, "label": t.label, "text": terms[tid]}
                     for tid, t in q.local.terms.items() if t.label and terms[tid]), key=lambda x: (x["label"], x["id"]))
    by_question = ctx.compiled.terms_by_question
    details = ctx.compiled.action_details
    pending = []
    for qu in q.questions:
        if qu.id not in by_question or ctx.state.get(qu.id) != "unknown":
            continue
        mine = set(by_question[qu.id])
        uses = [a["id"] for a in actions if mine & set(TERM_FIELD.findall(details.get(a["id"], "")))]
        pending.append({"question": qu.id, "title": qu.title, "terms": sorted(mine), "actions": uses})
    return {"terms": dict(terms), "shown": listed, "pending": pending}


def plan_answers(ctx: Context) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The answers on the clinic's path, in order, and the given answers by question id."""
    answered = []
    by_id: dict[str, Any] = {}
    for step in ctx.steps:
        if step.state not in ("answered", "unknown"):
            continue
        given = ctx.af.answers.get(step.question.id)
        value = ctx.values[step.question.id] if step.state == "answered" else None
        if value is not None:
            by_id[step.question.id] = value
        answered.append({
            "question": step.question.id,
            "domain": ctx.compiled.domain_by_question[step.question.id].id,
            "title": step.question.title,
            "answer": value,
            "labels": _labels(step.question, value) if value is not None else [],
            "note": given.note if given else None,
        })
    return answered, by_id
