"""Pure review logic: many clinics' answer files -> one commissioner's review (and before/after comparisons).

No disk, terminal or file parsing here: builder/load/raters.py turns each file's bytes into a Rater
(builder/output/reviewio.py finds and reads the files, and writes the outputs); builder/wizard/review.js
mirrors this module section by section so the browser review gives the same numbers.

How several raters are combined (the rule the report states, RULE below): for each question, the
raters who answered it are compared. Where they agree, that is the answer. Where they disagree,
the combined view takes the least ready answer: for a scored single choice the option worth the
fewest points; for a multiple choice (policies in place, champions) only what every rater
ticked, so a safeguard counts as in place only if everyone says so; for an unscored question the
answer counts as not known, which the plan turns into a "Find out" action. Free text is taken
from the first rater (files in name order) and not compared.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from builder.core.answers import Answer, AnswerFile, chosen
from builder.core.compiled import compiled
from builder.core.engine import RANK, evaluate_plan
from builder.core.errors import Msg
from builder.core.schema import Question, Questionnaire
from builder.core.text import skeleton
from builder.core.textkey import fold, text_key

REVIEW_VERSION = 1
ANSWER_SUFFIXES = (".yaml", ".yml", ".json")
MAX_BYTES = 2_000_000
"""Larger files are not read: an answer file is a few kilobytes, and a zip member could otherwise unpack to gigabytes."""
RULE = ("Where raters of one clinic disagree, the combined view takes the least ready answer: the option worth "
        "the fewest points; for multiple-choice questions only what every rater ticked (a safeguard counts as in "
        "place only if every rater says so); an unscored question they disagree on counts as not known. Raters who "
        "left a question unanswered are not counted for it. Files of one clinic with the same assessment date are "
        "one round; the review shows the latest round and the change since the round before.")
MET_STATUSES = ("met", "done", "ready", "complete", "completed", "in_place")
"""A plan's go_live item with one of these statuses is not a gap."""


# ---------------------------------------------------------------- reading one file


@dataclass(frozen=True)
class Excluded:
    file: str
    reason: str
    line: int | None = None


@dataclass
class Rater:
    """One answer file that was included: who answered, their answers and their own ratings."""

    file: str
    key: str
    clinic: str
    organisation: str | None
    clinic_id: str | None
    area: str | None
    assessed_on: str | None
    name: str | None
    role: str | None
    answers: dict[str, Any]
    """question id -> answer value (notes are not carried: the review compares answers)."""
    assumptions: dict[str, int]
    """The file's budget assumptions (hundredths), which its own plan uses."""
    digest: bytes
    view: dict[str, Any] | None = None
    """The compact summary of this rater's own plan (see summarise), made when first needed (rater_view); a rater of
    a round with several shows only its scores (rater_scores). One evaluation per file either way."""


def digest_of(data: Any) -> bytes:
    """Identifies a file's content for duplicate detection (16 bytes: one is kept per file read): a hash of its data's
    canonical JSON (sorted keys, compact) as orjson writes it, in a third of the time json took. Equal data give the
    same digest and different data different ones (tests/test_review_fast_paths.py), so files are duplicates exactly
    when their data are equal. A value orjson cannot write (an integer past 64 bits, which YAML allows) is written by
    json instead: the same data always takes the same path. (orjson writes NaN as null; an answer file with a NaN is
    refused before this, by parse_answers.)"""
    try:
        text = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")
    return hashlib.blake2b(text, digest_size=16).digest()


def clinic_key(af: AnswerFile) -> str:
    """Files of one clinic: the same explicit clinic id, or else the same name and organisation, each compared by
    builder/core/textkey.py's rule (Unicode normalisation, case folding, any run of spaces as one).

    Files that share an id but name different organisations are then split apart (split_by_organisation)."""
    if af.clinic_id:
        return "id:" + text_key(af.clinic_id)
    return "name:" + text_key(af.clinic_name) + "|" + text_key(af.organisation or "")


def _shared(option_ids: Mapping[str, Mapping[str, str]], qid: str, value: Any) -> Any:
    """The questionnaire's own id strings for an answer: thousands of raters then share them instead of each holding copies."""
    ids = option_ids.get(qid)
    if ids is None:
        return value
    return [ids.get(v, v) for v in value] if isinstance(value, list) else ids.get(value, value)


def rater_from(q: Questionnaire, file: str, af: AnswerFile, digest: bytes) -> Rater:
    table = compiled(q)
    option_ids, given = table.option_ids, af.answers
    answers: dict[str, Any] = {}
    for qid in table.question_by_id:  # the questionnaire's order
        answer = given.get(qid)
        if answer is not None and answer.value is not None:
            answers[qid] = _shared(option_ids, qid, answer.value)
    return Rater(file, clinic_key(af), af.clinic_name, af.organisation, af.clinic_id, af.area, af.assessed_on,
                 af.respondent_name, af.respondent_role, answers, dict(af.assumptions), digest)


def rater_view(q: Questionnaire, r: Rater) -> dict[str, Any]:
    """The summary of the rater's own plan, made from what the Rater holds (the same plan as from its file:
    the plan reads only answers and assumptions). Made on first use: an earlier round with several raters
    shows only their combined view, so their own plans are never needed."""
    if r.view is None:
        r.view = summarise(q, evaluate_plan(q, _answer_file(q, r), detail="summary"))
    return r.view


def rater_scores(q: Questionnaire, r: Rater) -> dict[str, Any]:
    """{"overall", "domains"} of the rater's own plan: all a round with several raters shows of each one (from its
    summary when made, else from evaluate_plan(detail="scores"), the same plan's first steps)."""
    if r.view is None:
        return scores(q, evaluate_plan(q, _answer_file(q, r), detail="scores"))
    return {"overall": r.view["overall"], "domains": r.view["domains"]}


def scores(q: Questionnaire, plan: dict[str, Any]) -> dict[str, Any]:
    """The overall and domain scores and ratings of a plan of any detail."""
    r = plan["readiness"]
    return {"overall": {"score": r["overall"]["score"], "rating": r["overall"]["rating"]},
            "domains": {d: {"score": r["domains"][d]["score"], "rating": r["domains"][d]["rating"]} for d in q.meta.domains}}


def _answer_file(q: Questionnaire, r: Rater) -> AnswerFile:
    return AnswerFile(r.clinic, r.organisation, None, r.assessed_on, r.role, _as_answers(q, r.answers), r.name, r.clinic_id,
                      r.area, r.assumptions)


def _as_answers(q: Questionnaire, values: Mapping[str, Any]) -> dict[str, Answer]:
    """Question id -> value, as Answers: a single choice's shared, one per option (answers.chosen)."""
    option_ids = compiled(q).option_ids
    return {k: _answer(option_ids, k, v) for k, v in values.items()}


def _answer(option_ids: Mapping[str, Mapping[str, str]], qid: str, value: Any) -> Answer:
    ids = option_ids.get(qid)
    return chosen(value) if ids is not None and isinstance(value, str) and value in ids else Answer(value)


# ---------------------------------------------------------------- one plan, summarised


def must_have_gaps(plan: dict[str, Any]) -> list[dict[str, str]]:
    """The must-haves not yet met: the plan's go-live items whose status is not met (planned and not known yet included)."""
    return [{"id": str(item["id"]), "title": str(item["title"]), "domain": str(item.get("domain") or "")}
            for item in plan["go_live"] if item["status"] not in MET_STATUSES]


def budget_total(plan: dict[str, Any]) -> int | float | None:
    """A plan's estimated year-one cost in whole pounds, when the plan has a budget (`budget.total_year1`)."""
    b = plan.get("budget")
    if isinstance(b, dict):
        b = b.get("total_year1")
    if isinstance(b, (int, float)) and not isinstance(b, bool):
        return b
    return None


def summarise(q: Questionnaire, plan: dict[str, Any]) -> dict[str, Any]:
    """What the review keeps of a plan (of either detail): ratings, route, roles, actions, templates, must-have gaps, cost.
    The review's is summarise(q, evaluate_plan(q, af, detail="summary"))."""
    r = plan["readiness"]
    return _summary(q, r["overall"], r["domains"], plan["route"], list(plan["roles"]), [a["id"] for a in plan["actions"]],
                    list(plan["templates"]), must_have_gaps(plan), budget_total(plan), plan["answers_by_id"])


def _summary(q: Questionnaire, overall: dict[str, Any], domains: dict[str, Any], route: str, roles: list[str],
             actions: list[str], templates: list[str], gaps: list[dict[str, str]], cost: int | float | None,
             answers: dict[str, Any]) -> dict[str, Any]:
    return {
        **scores(q, {"readiness": {"overall": overall, "domains": domains}}),
        "route": route,
        "roles": roles,
        "actions": actions,
        "templates": templates,
        "must_haves": gaps,
        "budget": cost,
        **partnership_facts(q, answers, route),
    }


def partnership_facts(q: Questionnaire, answers: dict[str, Any], route: str) -> dict[str, Any]:
    """What the area opportunities need, read through templates/bindings.yaml (no question id in code)."""
    b = q.bindings
    kind = answers.get(b.partner.question) if b.partner else None
    partnered = b.partner is not None and isinstance(kind, str) and kind not in b.partner.no_partner
    name = answers.get(b.partner.name_question) if b.partner and b.partner.name_question and partnered else None
    net = b.regional_network
    hub = (b.partnership_split is not None and route in b.partnership_split.hub_routes) or \
        (net is not None and answers.get(net.question) in net.interested)
    return {"partnered": partnered, "no_partner": b.partner is not None and kind in b.partner.no_partner,
            "partner": name if isinstance(name, str) else None, "hub_candidate": hub}


# ---------------------------------------------------------------- combining raters


def _answer_labels(value: Any, labels: Mapping[str, str]) -> str:
    """A choice question's answer as the report shows it: its options' labels in the question's order (`labels`:
    option id -> label; free text is never compared, so never shown as a disagreement)."""
    if value is None:
        return "not answered"
    if not isinstance(value, list):
        return labels.get(value, "")
    return "; ".join(label for oid, label in labels.items() if oid in value)


def combine_answer(qu: Question, given: list[Any]) -> Any:
    """The combined answer to one question from the raters who answered it (the RULE above)."""
    if not given:
        return None
    first = given[0]
    if qu.type == "text" or all(v == first for v in given):
        return first
    if qu.type == "single":
        if not qu.scored:
            return None
        points = {o.id: o.points or 0 for o in qu.options}
        order = [o.id for o in qu.options]
        return min(given, key=lambda v: (points[v], order.index(v)))
    common = [o.id for o in qu.options if all(o.id in v for v in given)]
    if common:
        return common
    exclusive = [o.id for o in qu.options if o.exclusive and any(o.id in v for v in given)]
    return [exclusive[0]] if exclusive else None


def rater_label(r: Rater) -> str:
    if r.name and r.role:
        return f"{r.name} ({r.role})"
    return r.name or r.role or r.file


def combine(q: Questionnaire, raters: list[Rater]) -> tuple[AnswerFile, list[dict[str, Any]]]:
    """One round's raters -> the combined answer file and every question they disagree on."""
    answers: dict[str, Answer] = {}
    disagreements: list[dict[str, Any]] = []
    given_by = [r.answers for r in raters]
    table = compiled(q)
    domain_of, option_labels, option_ids = table.domain_by_question, table.option_labels, table.option_ids
    respondents = [(r, rater_label(r)) for r in raters]
    for qu in q.questions:
        qid = qu.id
        given = [a[qid] for a in given_by if qid in a]
        if not given:
            continue
        first = given[0]
        if given.count(first) == len(given):  # every rater who answered agrees (the common case: no disagreement)
            answers[qid] = _answer(option_ids, qid, first)
            continue
        value = combine_answer(qu, given)
        if value is not None:
            answers[qid] = _answer(option_ids, qid, value)
        if qu.type != "text":  # lists in a different order differ too
            labels = option_labels[qid]
            disagreements.append({
                "question": qid, "title": qu.title, "domain": domain_of[qid].id,
                "combined": _answer_labels(value, labels),
                "answers": [{"respondent": who, "role": r.role, "answer": _answer_labels(r.answers.get(qid), labels)}
                            for r, who in respondents],
            })
    head = raters[0]
    roles = sorted({r.role for r in raters if r.role})
    af = AnswerFile(head.clinic, head.organisation, q.meta.version, head.assessed_on, "; ".join(roles) or None, answers,
                    None, head.clinic_id, next((r.area for r in raters if r.area), None))
    return af, disagreements


# ---------------------------------------------------------------- how far raters agree


AGREEMENT_THRESHOLD = 0.7
"""r_wg(J) at or above this: the raters agree enough for their combined answers to stand for the clinic (the
conventional cut-off; LeBreton and Senter 2008)."""
ICC_MIN_CLINICS = 5
"""ICC(1) is given only when at least this many clinics have several raters in their latest round."""


def hundredths(x: float) -> float:
    """x to two decimals, half up, by the same floating-point steps review.js takes (so both give the same number)."""
    return math.floor(x * 100 + 0.5) / 100


def _variance(xs: list[float], denominator: int) -> float:
    mean = sum(xs) / len(xs)
    return sum((x - mean) * (x - mean) for x in xs) / denominator


def rwg_j(items: list[tuple[list[float], list[float]]]) -> float | None:
    """Within-group agreement over J items (James, Demaree and Wolf 1984), each item (the raters' answers as points,
    every option's points). Per item, the observed variance s² (n - 1) over the variance expected if raters
    answered at random, σ²_EU (the options' points, each equally likely); with r the mean of those ratios,
    r_wg(J) = J(1 - r) / (J(1 - r) + r); 0 when r >= 1. Items fewer than two raters answered, or whose options
    are all worth the same, are left out; None when no item is left."""
    ratios = []
    for given, options in items:
        expected = _variance(options, len(options)) if options else 0.0
        if len(given) < 2 or expected <= 0:
            continue
        ratios.append(_variance(given, len(given) - 1) / expected)
    if not ratios:
        return None
    j = len(ratios)
    r = sum(ratios) / j
    if r >= 1:
        return 0.0
    return hundredths(j * (1 - r) / (j * (1 - r) + r))


def clinic_agreement(q: Questionnaire, raters: list[Rater]) -> dict[str, float | None] | None:
    """r_wg(J) per domain over the domain's scored single-choice questions, for a round with several raters."""
    if len(raters) < 2:
        return None
    out: dict[str, float | None] = {}
    for did, questions in compiled(q).scored_singles:
        items = []
        for qid, points, every in questions:
            given = [points[v] for r in raters if isinstance(v := r.answers.get(qid), str) and v in points]
            items.append((given, list(every)))
        out[did] = rwg_j(items)
    return out


def icc1(groups: list[list[float]]) -> float | None:
    """ICC(1), one-way random effects (Bliese 2000): how much of the raters' score variance lies between clinics.
    (MSB - MSW) / (MSB + (k - 1) MSW), k the group size adjusted for unequal groups, (N - Σn²/N) / (G - 1)."""
    groups = [g for g in groups if len(g) >= 2]
    g_count = len(groups)
    n = sum(len(g) for g in groups)
    if g_count < 2 or n <= g_count:
        return None
    means = [sum(g) / len(g) for g in groups]  # each group's mean once; the same float steps as review.js
    grand = sum(sum(g) for g in groups) / n
    ssb = sum(len(g) * (m - grand) * (m - grand) for g, m in zip(groups, means))
    ssw = sum(sum((x - m) * (x - m) for x in g) for g, m in zip(groups, means))  # _variance(g, 1), its mean reused
    msb, msw = ssb / (g_count - 1), ssw / (n - g_count)
    k = (n - sum(len(g) * len(g) for g in groups) / n) / (g_count - 1)
    denominator = msb + (k - 1) * msw
    if denominator <= 0:
        return None
    return hundredths((msb - msw) / denominator)


def review_agreement(q: Questionnaire, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """ICC(1) per domain and overall from each rater's own scores, across clinics with several raters (ranked order)."""
    several = [c for c in entries if len(c["raters"]) > 1]
    enough = len(several) >= ICC_MIN_CLINICS
    ids = [d.id for d in q.domains]
    scores: dict[str, list[list[float]]] = {key: [] for key in ["overall", *ids]}
    if enough:  # one pass over the raters, every score at once (the other cores are idle while this runs)
        for c in several:
            raters = c["raters"]
            scores["overall"].append([float(r["overall"]["score"]) for r in raters])
            for did in ids:
                scores[did].append([float(r["domains"][did]["score"]) for r in raters])
    icc: dict[str, float | None] = {key: icc1(groups) if enough else None for key, groups in scores.items()}
    low = sum(1 for c in several if any(v is not None and v < AGREEMENT_THRESHOLD for v in c["agreement"].values()))
    return {"threshold": AGREEMENT_THRESHOLD, "min_clinics": ICC_MIN_CLINICS, "clinics_with_several_raters": len(several),
            "clinics_below_threshold": low, "icc1": icc}


# ---------------------------------------------------------------- comparing two views


def _action_titles(q: Questionnaire) -> Mapping[str, str]:
    """Every action's title by id, the plan's generated "Find out" actions included (compiled once, at load)."""
    return compiled(q).action_titles


def compare_views(before: dict[str, Any], after: dict[str, Any], q: Questionnaire) -> dict[str, Any]:
    """Per-domain change, must-haves met since, actions done (no longer needed) and new gaps."""
    titles = {d.id: d.title for d in q.domains}
    action_titles = _action_titles(q)
    domains = []
    for did in q.meta.domains:
        b, a = before["domains"][did], after["domains"][did]
        domains.append({"domain": did, "title": titles[did], "before": b["score"], "after": a["score"],
                        "change": a["score"] - b["score"], "rating_before": b["rating"], "rating_after": a["rating"]})
    gaps_before = {g["id"]: g for g in before["must_haves"]}
    gaps_after = {g["id"]: g for g in after["must_haves"]}
    after_actions = set(after["actions"])
    before_actions = set(before["actions"])
    return {
        "overall": {"before": before["overall"]["score"], "after": after["overall"]["score"],
                    "change": after["overall"]["score"] - before["overall"]["score"],
                    "rating_before": before["overall"]["rating"], "rating_after": after["overall"]["rating"]},
        "domains": domains,
        "must_haves_met": [gaps_before[g] for g in gaps_before if g not in gaps_after],
        "new_gaps": [gaps_after[g] for g in gaps_after if g not in gaps_before],
        "actions_done": [{"id": a, "title": action_titles.get(a, a)} for a in before["actions"] if a not in after_actions],
        "new_actions": [{"id": a, "title": action_titles.get(a, a)} for a in after["actions"] if a not in before_actions],
    }


# ---------------------------------------------------------------- the review


@dataclass
class Review:
    """Collects raters file by file (in any order), then builds the review once."""

    q: Questionnaire
    clinics: dict[str, list[Rater]] = field(default_factory=dict)
    excluded: list[Excluded] = field(default_factory=list)
    seen: dict[bytes, str] = field(default_factory=dict)
    files: int = 0

    def add(self, item: Rater | Excluded) -> Excluded | None:
        """Take one file's result; returns the Excluded entry when the file was left out."""
        self.files += 1
        if isinstance(item, Rater):
            first = self.seen.get(item.digest)
            if first is None:
                self.seen[item.digest] = item.file
                self.clinics.setdefault(item.key, []).append(item)
                return None
            item = Excluded(item.file, Msg.DUPLICATE_FILE.format(first=first))
        self.excluded.append(item)
        return item

    def build(self, mapper: Callable[[list[list[Rater]]], Iterable[dict[str, Any]]] | None = None) -> dict[str, Any]:
        """The review; `mapper` may spread the clinics (their plans) over worker processes."""
        return build_review(self.q, split_by_organisation(self.clinics), self.excluded, self.files, mapper)


def _org_words(organisation: str | None) -> str:
    """An organisation as clinic keys compare it: builder/core/textkey.py's rule, as review.js applies it."""
    return text_key(organisation or "")


def split_by_organisation(clinics: dict[str, list[Rater]]) -> dict[str, list[Rater]]:
    """IDENTITY_RULE: files that give one clinic id but different organisations become one clinic per organisation
    (keyed 'id:...|organisation'); a file of that id that names no organisation joins the first file read that names one."""
    out: dict[str, list[Rater]] = {}
    for key, raters in clinics.items():
        orgs = [_org_words(r.organisation) for r in raters]
        named = [o for o in orgs if o]
        if not key.startswith("id:") or len(set(named)) <= 1:
            out[key] = raters
            continue
        for r, org in zip(raters, orgs):
            r.key = f"{key}|{org or named[0]}"
            out.setdefault(r.key, []).append(r)
    return out


def _round_key(date: str | None) -> str:
    return date or ""


def clinic_entry(q: Questionnaire, raters: list[Rater]) -> dict[str, Any]:
    raters = sorted(raters, key=lambda r: (_round_key(r.assessed_on), r.file))
    rounds: dict[str, list[Rater]] = {}
    for r in raters:
        rounds.setdefault(_round_key(r.assessed_on), []).append(r)
    dates = sorted(rounds)

    def view_of(group: list[Rater]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        if len(group) == 1:
            return rater_view(q, group[0]), []
        af, dis = combine(q, group)
        return summarise(q, evaluate_plan(q, af, detail="summary")), dis

    latest = rounds[dates[-1]]
    view, disagreements = view_of(latest)
    head = latest[0]
    entry: dict[str, Any] = {
        "key": head.key,
        "name": head.clinic,
        "organisation": head.organisation,
        "clinic_id": head.clinic_id,
        "area": next((r.area for r in reversed(raters) if r.area), None),
        "assessed_on": head.assessed_on,
        "files": [r.file for r in latest],
        "raters": [{"respondent": rater_label(r), "name": r.name, "role": r.role, "file": r.file,
                    **rater_scores(q, r)} for r in latest],
        **view,
        "disagreements": disagreements,
        "agreement": clinic_agreement(q, latest),
        "earlier": None,
    }
    if len(dates) > 1:
        before, _ = view_of(rounds[dates[-2]])
        entry["earlier"] = {"assessed_on": dates[-2] or None, "files": [r.file for r in rounds[dates[-2]]],
                            "comparison": compare_views(before, view, q)}
    return entry


def _rank_key(c: dict[str, Any]) -> tuple[int, int, str, str]:
    return (-RANK[c["overall"]["rating"]], -c["overall"]["score"], fold(c["name"]), c["key"])


def build_review(q: Questionnaire, clinics: dict[str, list[Rater]], excluded: list[Excluded], files: int,
                 mapper: Callable[[list[list[Rater]]], Iterable[dict[str, Any]]] | None = None) -> dict[str, Any]:
    groups = list(clinics.values())  # each clinic's plans: the expensive part, spread over workers by `mapper`
    entries = sorted(mapper(groups) if mapper else (clinic_entry(q, raters) for raters in groups), key=_rank_key)
    for i, c in enumerate(entries, 1):
        c["rank"] = i
    titles = {d.id: d.title for d in q.domains}

    red: list[dict[str, Any]] = []
    for did in q.meta.domains:
        n = sum(1 for c in entries if c["domains"][did]["rating"] == "red")
        red.append({"domain": did, "title": titles[did], "red": n})
    red.sort(key=lambda x: (-x["red"], q.meta.domains.index(x["domain"])))

    gaps: dict[str, dict[str, Any]] = {}
    for c in entries:
        for g in c["must_haves"]:
            gaps.setdefault(g["id"], {**g, "clinics": []})["clinics"].append(c["name"])
    gap_list = sorted(gaps.values(), key=lambda g: (-len(g["clinics"]), g["id"]))
    for g in gap_list:
        g["count"] = len(g["clinics"])

    template_titles = {t.id: t.title for t in q.templates}
    tcount = {t.id: 0 for t in q.templates}
    for c in entries:
        for t in c["templates"]:
            tcount[t] += 1
    order = [t.id for t in q.templates]
    needed: list[dict[str, Any]] = [{"template": t, "title": template_titles[t], "clinics": n} for t, n in tcount.items() if n]
    templates = sorted(needed,
                       key=lambda x: (-x["clinics"], order.index(x["template"])))

    budgets = [c["budget"] for c in entries if c["budget"] is not None]
    return {
        "review_version": REVIEW_VERSION,
        "questionnaire": {"title": q.meta.title, "version": q.meta.version},
        "rule": RULE,
        "domains": [{"id": d, "title": titles[d]} for d in q.meta.domains],
        "files": {"read": files, "included": files - len(excluded), "excluded": len(excluded)},
        "clinics": entries,
        "ratings": {k: sum(1 for c in entries if c["overall"]["rating"] == k) for k in ("green", "amber", "red")},
        "red_domains": red,
        "must_have_gaps": gap_list,
        "templates": templates,
        "opportunities": opportunities(entries),
        "agreement": review_agreement(q, entries),
        "cost": {"total": sum(budgets), "clinics_with_budget": len(budgets), "clinics": len(entries)} if budgets else None,
        "not_included": [{"file": e.file, "line": e.line, "reason": str(e.reason)} for e in sorted(excluded, key=lambda e: e.file)],
        "identity_conflicts": identity_conflicts(entries),
        "lookalike_names": lookalike_names(entries),
    }


def lookalike_names(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Clinics reviewed apart whose names and organisations look the same (builder/core/text.py's skeleton: a Cyrillic
    'а' for a Latin 'a', a full-width letter): flagged, never merged, so the reader decides whether they are one."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for c in entries:
        groups.setdefault(skeleton(c["name"]) + "|" + skeleton(c["organisation"] or ""), []).append(c)
    return [{"clinics": [{"rank": c["rank"], "name": c["name"], "organisation": c["organisation"]} for c in group]}
            for _, group in sorted(groups.items()) if len(group) > 1]


IDENTITY_RULE = ("Files that give the same clinic id but different organisations are not merged: each organisation's files "
                 "are reviewed as a clinic of their own, and the clash is listed, so a file that borrows a clinic's id cannot "
                 "replace that clinic's answers or organisation.")


def identity_conflicts(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Clinic ids that more than one organisation's files give: [{clinic_id, clinics: [{rank, name, organisation}]}]."""
    by_id: dict[str, list[dict[str, Any]]] = {}
    for c in entries:
        if c["clinic_id"]:
            by_id.setdefault(c["clinic_id"].casefold(), []).append(c)
    return [{"clinic_id": group[0]["clinic_id"],
             "clinics": [{"rank": c["rank"], "name": c["name"], "organisation": c["organisation"]} for c in group]}
            for _, group in sorted(by_id.items()) if len(group) > 1]


def opportunities(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per area: clinics without a partner beside clinics with one, and clinics a regional hub could serve."""
    areas: dict[str, list[dict[str, Any]]] = {}
    for c in entries:
        if c["area"]:
            areas.setdefault(c["area"], []).append(c)
    out = []
    for area in sorted(areas, key=str.casefold):
        group = sorted(areas[area], key=lambda c: c["name"].casefold())
        with_partner = [{"clinic": c["name"], "partner": c["partner"]} for c in group if c["partnered"]]
        without = [c["name"] for c in group if c["no_partner"]]
        hub = [c["name"] for c in group if c["hub_candidate"]]
        if (with_partner and without) or len(hub) >= 2:
            out.append({"area": area, "clinics": len(group), "with_partner": with_partner if without else [],
                        "without_partner": without if with_partner else [], "hub_and_spoke": hub if len(hub) >= 2 else []})
    return out


def comparison(q: Questionnaire, before: AnswerFile, before_file: str, after: AnswerFile, after_file: str) -> dict[str, Any]:
    """`readiness compare`: two assessments of one clinic, side by side."""
    b = summarise(q, evaluate_plan(q, before))
    a = summarise(q, evaluate_plan(q, after))
    return {
        "before": {"clinic": before.clinic_name, "assessed_on": before.assessed_on, "file": before_file},
        "after": {"clinic": after.clinic_name, "assessed_on": after.assessed_on, "file": after_file},
        "comparison": compare_views(b, a, q),
    }
