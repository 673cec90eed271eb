"""Where the service is and whom it serves: each nation, kind of service and under-18s, in the plan and every tailored template.

Tables of words that must and must not appear. A plan for one nation names that nation's checking scheme,
contacts and speaking-up route and nothing from another nation's system; unknown means neutral wording,
never England's; no HIV-specific sentence reaches a plan or template for a service that is not HIV.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from builder.cli.main import cli
from builder.core.answers import parse_answers
from builder.core.conditions import evaluate
from builder.core.engine import evaluate_plan
from builder.core.errors import Msg
from builder.core.schema import Questionnaire
from builder.load.project import ROOT, Project
from builder.load.sources import LoadedFile
from builder.output.pack import plan_html
from builder.render.documents import render_template
from builder.render.markdown import plan_markdown

from .conftest import edit, line_of

BASE = yaml.safe_load((ROOT / "examples" / "riverside.yaml").read_text(encoding="utf-8"))
BASE["assessed_on"] = str(BASE["assessed_on"])

ASSUMED_WHEN_UNKNOWN = ("Budget",)
"""While the nation is not known, the budget costs England's figures, cites their sources (the DBS's fees among them)
and says in a sentence that it assumed them: the one place a default nation's name may appear, and only then."""
NOT_YET_TEMPLATES: tuple[str, ...] = ()


def _plan(q: Questionnaire, **answers: Any) -> dict[str, Any]:
    doc = {**BASE, "answers": {**BASE["answers"], **answers}}
    doc["answers"] = {k: v for k, v in doc["answers"].items() if v is not None}
    return evaluate_plan(q, parse_answers(LoadedFile("<case>", doc), q))


def _text(html_text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", html_text)).split())


def _without_sections(markdown: str, titles: tuple[str, ...]) -> str:
    for title in titles:
        markdown = re.sub(rf"^## {re.escape(title)}\n.*?(?=^## )", "", markdown, flags=re.S | re.M)
    return markdown


def _without_html_sections(page: str, ids: tuple[str, ...]) -> str:
    for ident in ids:
        page = re.sub(rf'<section [^>]*aria-labelledby="{re.escape(ident)}".*?</section>', "", page, flags=re.S)
    return page


def _everything(q: Questionnaire, plan: dict[str, Any], skip: tuple[str, ...] = (), skip_templates: tuple[str, ...] = ()) -> dict[str, str]:
    """The plan as Markdown, the plan as the HTML its PDF prints, and every tailored template as the HTML its PDF prints
    (as text), by name."""
    out = {"plan": _without_sections(plan_markdown(plan, q), skip)}
    html_skip = tuple(s.lower() for s in skip)
    page = _without_html_sections(plan_html(q, plan, ROOT / "templates", link_stylesheet=False), html_skip)
    if html_skip:  # the board's summary at the top repeats the budget's lines
        page = re.sub(r'<h2 class="board-heading">Budget in brief</h2>.*?</table>', "", page, flags=re.S)
    out["plan.html"] = _text(page)
    for t in q.templates:
        if t.id not in skip_templates:
            out[t.id] = _text(render_template(q, ROOT / "templates", t.id, plan, link_stylesheet=False))
    return out


def _check(docs: dict[str, str], must: dict[str, list[str]], must_not: list[str]) -> list[str]:
    problems = [f"{where}: missing {word!r}" for where, words in must.items() for word in words if word not in docs[where]]
    problems += [f"{where}: has {word!r}" for where, text in docs.items() for word in must_not if word in text]
    return problems


OTHER_NATIONS = {
    "england": ["Freedom to Speak Up", "Local Authority Designated Officer", "LADO", "NHS 111,", "Care Quality Commission",
                "Data Security and Protection Toolkit", "NHS Resolution"],
    "wales": ["NHS 111 Wales", "Speaking Up Safely", "Welsh Language Standards", "Healthcare Inspectorate Wales", "Wales Safeguarding Procedures",
              "Welsh Risk Pool", "health board"],
    "scotland": ["PVG", "Disclosure Scotland", "NHS 24", "Independent National Whistleblowing Officer", "Healthcare Improvement Scotland",
                 "Adult Support and Protection", "CNORIS", "NHS board"],
    "northern_ireland": ["AccessNI", "GP Out of Hours", "Regulation and Quality Improvement Authority", "Gateway", "Department for Communities",
                         "Personal Data Guardian", "(Northern Ireland) Order", "Health and Social Care indemnity"],
}
DBS = ["Disclosure and Barring Service", "DBS"]

NATIONS = [
    # nation, {where: words that must appear}, words that must not appear anywhere
    ("england",
     {"plan": ["Disclosure and Barring Service", "Freedom to Speak Up", "NHS 111", "Local Authority Designated Officer", "Care Quality Commission"],
      "safeguarding": ["Local Authority Designated Officer", "Freedom to Speak Up", "NHS 111", "Care Act 2014"],
      "recruitment": ["Disclosure and Barring Service", "Rehabilitation of Offenders Act 1974"],
      "confidentiality": ["Data Security and Protection Toolkit", "Caldicott Guardian"],
      "ending_support": ["Disclosure and Barring Service"],
      "volunteer_agreement": ["Freedom to Speak Up", "Department for Work and Pensions"], "honorary_contract": ["NHS Resolution", "the Trust's policies"]},
     OTHER_NATIONS["wales"] + OTHER_NATIONS["scotland"] + OTHER_NATIONS["northern_ireland"]),
    ("wales",
     {"plan": ["Disclosure and Barring Service", "Speaking Up Safely", "NHS 111 Wales", "Welsh Language Standards", "Offer the service's public forms in Welsh"],
      "safeguarding": ["Wales Safeguarding Procedures", "Speaking Up Safely", "NHS 111 Wales"],
      "referral_form": ["Welsh Language Standards"], "recruitment": ["Welsh Language Standards", "Disclosure and Barring Service"],
      "volunteer_agreement": ["Welsh Language Standards", "Speaking Up Safely"], "role_description": ["Welsh Language Standards"],
      "honorary_contract": ["Welsh Risk Pool", "the health board's policies"]},
     OTHER_NATIONS["england"] + OTHER_NATIONS["scotland"] + OTHER_NATIONS["northern_ireland"]),
    ("scotland",
     {"plan": ["PVG", "Disclosure Scotland", "NHS 24", "Independent National Whistleblowing Officer", "Healthcare Improvement Scotland"],
      "safeguarding": ["Adult Support and Protection", "National Whistleblowing Standards", "NHS 24"],
      "recruitment": ["PVG", "Management of Offenders (Scotland) Act 2019"], "ending_support": ["Disclosure Scotland"],
      "honorary_contract": ["PVG", "CNORIS", "the NHS board's policies"], "role_description": ["Protecting Vulnerable Groups"]},
     OTHER_NATIONS["england"] + OTHER_NATIONS["wales"] + OTHER_NATIONS["northern_ireland"] + DBS),
    ("northern_ireland",
     {"plan": ["AccessNI", "GP Out of Hours", "Regulation and Quality Improvement Authority", "Adult Protection Gateway"],
      "safeguarding": ["Gateway", "GP Out of Hours", "whistleblowing policy"],
      "recruitment": ["AccessNI", "Rehabilitation of Offenders (Northern Ireland) Order 1978"],
      "ending_support": ["Disclosure and Barring Service"], "confidentiality": ["Personal Data Guardian"],
      "volunteer_agreement": ["Department for Communities"], "honorary_contract": ["Health and Social Care indemnity"]},
     # The Department for Work and Pensions serves Great Britain; Northern Ireland's benefits are the Department for Communities'.
     OTHER_NATIONS["england"] + OTHER_NATIONS["wales"] + OTHER_NATIONS["scotland"] + ["NHS 111", "Department for Work and Pensions"]),
    # Unknown: neutral wording, never England's (or any nation's) by default.
    (None,
     {"plan": ["Nation* is not answered yet", "your nation's urgent-care telephone service"],
      "safeguarding": ["the safeguarding law and guidance of the nation the service is in"],
      "honorary_contract": ["the NHS indemnity arrangements of your nation", "the organisation's policies"]},
     OTHER_NATIONS["england"] + OTHER_NATIONS["wales"] + OTHER_NATIONS["scotland"] + OTHER_NATIONS["northern_ireland"] + DBS + ["NHS 111"]),
]


@pytest.mark.parametrize("nation, must, must_not", NATIONS, ids=lambda v: v if isinstance(v, str) else None)
def test_each_nation_names_its_own_system_and_no_other(q: Questionnaire, nation: str | None, must: dict[str, list[str]], must_not: list[str]) -> None:
    plan = _plan(q, nation=nation)
    skip = ASSUMED_WHEN_UNKNOWN if nation is None else ()
    assert _check(_everything(q, plan, skip, NOT_YET_TEMPLATES), must, must_not) == []
    if nation is None:
        assert plan["budget"]["nation_assumed"] and any("is not known" in n for n in plan["budget"]["notes"])


OTHER = {"partner_org": "other_peer_org", "partner_name": "Peer Partners"}
"""A partner that is not an HIV organisation, so only the kind of service decides the words."""
HIV_WORDS = ["HIV", "BHIVA", "National Standards for Peer Support"]
MH_WORDS = ["mental distress", "Competence framework for mental health peer support workers"]

KINDS = [
    ("hiv", {"plan": ["BHIVA", "National Standards for Peer Support in HIV", "how long since diagnosis"], "role_description": ["living with HIV"],
             "safeguarding": ["HIV status"]}, MH_WORDS),
    ("mental_health", {"plan": MH_WORDS, "role_description": ["mental distress and of recovery"],
                       "safeguarding": ["someone's mental health"]}, HIV_WORDS),
    ("sexual_health", {"plan": ["sexual health issues the service sees"], "role_description": ["sexual health"]}, HIV_WORDS + MH_WORDS),
    ("long_term_condition", {"plan": ["living with the condition the service treats"], "safeguarding": ["health condition"]}, HIV_WORDS + MH_WORDS),
    (None, {"plan": ["Kind of service* is not answered yet"], "safeguarding": ["health condition"]}, HIV_WORDS + MH_WORDS),
]


@pytest.mark.parametrize("kind, must, must_not", KINDS, ids=lambda v: v if isinstance(v, str) else None)
def test_each_kind_of_service_gets_its_own_standards_and_words(q: Questionnaire, kind: str | None, must: dict[str, list[str]], must_not: list[str]) -> None:
    """Hand-picked words, and every name the other kinds' wording and sources bring (derived from local.yaml and the
    sources' 'when'), are absent; the kind's own standards are cited."""
    plan = _plan(q, service_kind=kind, **(OTHER if kind != "hiv" else {}))
    derived = _forbidden(q, kind, "service_kind")
    assert ("HIV" in derived) == (kind != "hiv") and ("Health Education England" in derived) == (kind != "mental_health")
    standards = [q.meta.sources[q.meta.standards[s["id"]].source].title for s in plan["standards"]]
    must = {**must, "plan": [*must.get("plan", []), *standards], "plan.html": standards}
    assert _check(_everything(q, plan), must, must_not + derived) == []


def test_standards_follow_the_kind_of_service_and_the_nation(q: Questionnaire) -> None:
    ids = lambda plan: [s["id"] for s in plan["standards"]]  # noqa: E731
    assert ids(_plan(q, service_kind="hiv", nation="england")) == ["bhiva_care", "hiv_peer_access", "hiv_peer_standards", "nhse_volunteers"]
    assert ids(_plan(q, service_kind="mental_health", nation="england")) == ["hee_psw", "nhse_volunteers"]
    assert ids(_plan(q, service_kind="mental_health", nation="scotland")) == ["hee_psw"]
    assert ids(_plan(q, service_kind=None, nation=None)) == []


CHILDREN = ["Add the children's barred list", "The role's check includes the children's barred list", "Train peers in safeguarding children",
            "Working with young people under 18", "When the person is under 18", "If the patient is under 18", "Young people under 18"]

UNDER_18S = [
    # under_18s, dbs_check, safety rating, overall rating at best, words that must appear, words that must not
    ("yes", "enhanced_barred", "red", "red",
     {"plan": ["Add the children's barred list to the role's criminal record check", "Capped at red: Peers will support under-18s",
               "Train peers in safeguarding children and young people at Level 2", "Agree consent, parents' and carers' involvement and the move to adult services"],
      "role_description": ["Working with young people under 18", "move to adult services", "it must include the children's barred list"],
      "safeguarding": ["When the person is under 18", "parent or carer", "including the children's barred list"],
      "boundaries": ["Young people under 18", "moves to adult services"],
      "referral_form": ["If the patient is under 18", "parent or carer", "move to adult services"]}, []),
    ("yes", "enhanced_both_barred", "green", "green",
     {"plan": ["The role's check includes the children's barred list"], "role_description": ["checks of both the children's and the adults' barred lists"]},
     ["Add the children's barred list to the role's criminal record check", "Capped at red: Peers will support under-18s"]),
    ("yes", "enhanced_children_barred", "green", "green", {"plan": ["The role's check includes the children's barred list"]}, ["Capped at red: Peers will support under-18s"]),
    ("no", "enhanced_barred", "green", "green", {}, CHILDREN + ["move to adult services"]),
    # Not known: the go-live item is not known yet, so (as for every hazard) its lifting action stays in the plan
    # beside the Find out step; nothing else about young people is said.
    (None, "enhanced_barred", "green", "red", {"plan": ["Support for under-18s* is not answered yet", "Add the children's barred list"]},
     [c for c in CHILDREN if c != "Add the children's barred list"] + ["Capped at red: Peers will support under-18s"]),
]


@pytest.mark.parametrize("under_18s, dbs_check, safety, overall, must, must_not", UNDER_18S)
def test_under_18s_need_the_childrens_barred_list(q: Questionnaire, under_18s: str | None, dbs_check: str, safety: str, overall: str,
                                                 must: dict[str, list[str]], must_not: list[str]) -> None:
    plan = _plan(q, under_18s=under_18s, dbs_check=dbs_check,
                 # Riverside's other gaps aside: every other go-live item met, so the check alone decides.
                 safeguarding_lead="agreed", risk_route="agreed", approval="approved", training="partner", supervision="partner")
    assert plan["readiness"]["domains"]["safety"]["rating"] == safety
    rank = {"red": 0, "amber": 1, "green": 2}
    assert rank[plan["readiness"]["overall"]["rating"]] <= rank[overall]
    if safety == "red":
        assert plan["readiness"]["overall"]["rating"] == "red"
    # The hazard log's children_barred_list item: not met while the check misses the children's list, met when it
    # has it or peers support no under-18s, and not known (so the plan is red: not known is not ready) while unanswered.
    go_live = {g["id"]: g["status"] for g in plan["go_live"]}
    if under_18s is None:
        assert go_live["children_barred_list"] == "unknown" and plan["readiness"]["overall"]["rating"] == "red"
    else:
        assert go_live["children_barred_list"] == {"red": "not_met", "green": "met"}[safety]
    assert _check(_everything(q, plan), must, must_not) == []


def test_every_term_has_neutral_wording_and_each_options_wording(q: Questionnaire) -> None:
    """Unknown never defaults to the first answer's wording (England's, HIV's); a listed term has wording for every answer."""
    for tid, term in q.local.terms.items():
        question = q.question(term.question)
        assert question is not None
        first = term.values.get(question.options[0].id)
        if first and len(set(term.values.values())) > 1:
            assert term.unknown != first, f"{tid}: unknown wording is {question.options[0].id}'s"
        if term.label and term.unknown:
            assert set(term.values) == {o.id for o in question.options}, f"{tid}: a listed term needs wording for every answer"


# ------------------------------------------------------------------ Done when: each nation's own system, and no other's
# The vocabulary of each nation's system is derived from the data: the names (schemes, bodies, roles, laws, phone
# services) in its wording in local.yaml, its checking scheme in figures.yaml and the titles of its figures' sources.
# A word is forbidden in a nation's documents when another nation's vocabulary has it and neither this nation's
# vocabulary nor the neutral wording does: a term added to local.yaml is covered without touching this test.

_CAP = r"(?:[A-Z][a-z'’]+|[A-Z]+[a-z]*[A-Z]+[A-Za-z]*|[0-9]+)"
_PHRASE = re.compile(rf"{_CAP}(?:(?: (?:and|of|for|to|on|in))? {_CAP})+")
"""A name of two or more capitalised words (or numbers), such as 'Local Authority Designated Officer' or 'NHS 24'."""
_ACRONYM = re.compile(r"\b[A-Z][A-Za-z]*[A-Z][A-Za-z]*\b")
"""An abbreviation standing alone, such as 'LADO', 'PVG' or 'AccessNI' (not the 'NHS' of 'NHS 24')."""


def _names(text: str) -> set[str]:
    found = set(_PHRASE.findall(text))
    return found | {a for a in _ACRONYM.findall(text) if not re.search(rf"\b{re.escape(a)}[ .][A-Z0-9]", text)}


def _vocabulary(q: Questionnaire, question: str) -> tuple[dict[str, set[str]], set[str]]:
    """(the names each answer to `question` brings, the names that belong to no one answer: the neutral wording used
    while it is unknown and the titles of sources every plan lists)."""
    qu = q.question(question)
    assert qu is not None
    vocab: dict[str, set[str]] = {o.id: set() for o in qu.options}
    neutral: set[str] = set()
    for term in q.local.terms.values():
        if term.question == question:
            for o in vocab:
                vocab[o] |= _names(term.values.get(o, ""))
            neutral |= _names(term.unknown)
    for source in q.meta.sources.values():  # a source for one nation's system or one kind of service says so in its 'when'
        if source.when is None:
            neutral |= _names(source.title)
        for o in vocab:
            if source.when is not None and evaluate(source.when, {question: o}) is True:
                vocab[o] |= _names(source.title)
    b = q.bindings.nation
    if b is not None and b.question == question and q.planning is not None:
        for o, nid in b.nations.items():
            vocab[o] |= _names(q.planning.figures.nations[nid].checks)
    return vocab, neutral


def _forbidden(q: Questionnaire, answer: str | None, question: str = "nation") -> list[str]:
    """Names another answer's vocabulary has and neither this answer's nor the neutral wording does (the answers' own
    labels aside: a plan may say 'Wales' or 'mental health' in passing)."""
    vocab, neutral = _vocabulary(q, question)
    qu = q.question(question)
    assert qu is not None
    labels = {o.label for o in qu.options}
    own = vocab[answer] if answer else set()
    others = set().union(*(v for o, v in vocab.items() if o != answer))
    return sorted(w for w in others - own - neutral - labels if not any(w in mine for mine in own))


def _must(q: Questionnaire, nation: str) -> list[str]:
    """What the plan must say for the nation: its checking scheme, check fee, pay scale year and hours, safeguarding
    contacts, urgent care and speaking-up route, each as the data words it."""
    from builder.core.budget import fmt, hundredths, say

    p = q.planning
    assert p is not None and q.bindings.nation is not None
    nid = q.bindings.nation.nations[nation]
    n = p.figures.nations[nid]
    table = {**p.figures.shared, **n.figures}
    terms = q.local.terms
    years = sorted({f.year for f in table.values() if f.year})
    return [
        terms["check_scheme"].values[nation], f"Recruitment checks ({n.checks})", fmt(hundredths(table["check_enhanced_fee"].value), "money"),
        say(p.figures.notes.pay_year, years=" and ".join(years), nation=n.name), fmt(hundredths(table["full_time_hours_year"].value), "number"),
        terms["safeguarding_contacts"].values[nation], terms["urgent_care"].values[nation], terms["speak_up"].values[nation],
    ]


def _dated(f: Any, undated: str) -> str:
    from builder.render.documents import en_gb_date

    return f"in effect from {en_gb_date(f.took_effect)}" if f.dated else undated


def _pay_words(q: Questionnaire, nid: str, model_figures: tuple[str, str] = ("band_3_salary", "check_enhanced_fee")) -> dict[str, list[str]]:
    """What the tailored role description and recruitment procedure must say for a paid peer in nation `nid` (figures.yaml
    id): the pay scale with its year and date (or 'not confirmed'), the standard week, and the check fee with its date."""
    from builder.core.budget import fmt, hundredths

    p = q.planning
    assert p is not None and p.figures.stated is not None
    n = p.figures.nations[nid]
    table = {**p.figures.shared, **n.figures}
    pay, fee, week = table[model_figures[0]], table[model_figures[1]], table[p.figures.stated.weekly_hours]
    undated = p.figures.notes.undated_shown
    scale = f"Pay follows the {pay.year} Agenda for Change pay scale for {n.name} ({_dated(pay, undated)}"
    hours = f"In {n.name} the standard full-time week is {fmt(hundredths(week.value), 'number')} hours"
    fee_said = f"The fee for this check is {fmt(hundredths(fee.value), 'money')} ({_dated(fee, undated)}"
    return {"role_description": [scale, hours, fee_said], "recruitment": [fee_said],
            # the nation-free parts, which another nation's documents must not carry when its figures differ
            "bare": [f"the {pay.year} Agenda for Change pay scale", f"full-time week is {fmt(hundredths(week.value), 'number')} hours"]}


_TERM_READ = re.compile(r'terms\.get\("([a-z_]+)"\)')


@pytest.mark.parametrize("nation", ["england", "wales", "scotland", "northern_ireland", None])
def test_done_when_each_nation_names_its_own_system_and_nothing_from_another(q: Questionnaire, nation: str | None) -> None:
    """The plan (Markdown and the HTML its PDF prints) and every tailored template name the nation's checking scheme,
    fee, pay scale and hours, safeguarding contacts, urgent care and speaking-up route, and no other nation's names."""
    plan = _plan(q, nation=nation, dbs_check="enhanced_barred", employment_model="paid_band", pay_band="band_3")
    skip = ASSUMED_WHEN_UNKNOWN if nation is None else ()
    docs = _everything(q, plan, skip)
    forbidden = _forbidden(q, nation)
    assert len(forbidden) > 20, forbidden  # the derivation found the other nations' systems
    must: dict[str, list[str]] = {}
    if nation is not None:
        must["plan"] = must["plan.html"] = _must(q, nation)
        # Each template says the nation's words for every nation term it reads.
        for t in q.templates:
            source = (ROOT / "templates" / "policies" / f"{t.id}.html.j2").read_text(encoding="utf-8")
            read = {tid for tid in _TERM_READ.findall(source) if q.local.terms[tid].question == "nation"}
            must[t.id] = sorted({q.local.terms[tid].values[nation] for tid in read if q.local.terms[tid].values.get(nation)})
            if "budget_lines" in source:  # a template that reports the budget's lines names the nation's checks as the plan does
                must[t.id].append(_must(q, nation)[1])
        # A paid peer's role description names the nation's pay scale (year, and its date or "not confirmed") and standard
        # week, and it and the recruitment procedure the check's fee; no other nation's pay scale or week appears.
        nid = q.bindings.nation.nations[nation] if q.bindings.nation else nation
        said = _pay_words(q, nid)
        for where in ("role_description", "recruitment"):
            must[where] = [*must[where], *said[where]]
        assert q.planning is not None
        others = {w for other in q.planning.figures.nations if other != nid for w in _pay_words(q, other)["bare"]}
        forbidden += sorted(others - set(said["bare"]))
        if nation == "scotland":  # the derivation found England's pay year and week
            assert {"the 2025/26 Agenda for Change pay scale", "full-time week is 37.5 hours"} <= set(forbidden)
    else:  # not known: the pay scale and week are fill-ins, and no fee is stated
        forbidden += ["Agenda for Change pay scale for", "standard full-time week is", "The fee for this check is"]
        must["role_description"] = ["If the post is paid: the Agenda for Change pay scale and year"]
    assert _check(docs, must, forbidden) == []


PAY = [
    # (answers, the role description must say, must not say): the pay scale is a claim only for a paid or sessional peer in
    # a known nation; otherwise a fill-in, or nothing at all for a volunteer or a partner's peer.
    ({"nation": "scotland", "employment_model": "sessional"}, ["Agenda for Change pay scale for Scotland", "worked out from the hourly rate",
                                                                "standard full-time week is 37 hours"], ["37.5"]),
    ({"nation": "wales", "employment_model": "paid_band", "pay_band": "band_4"}, ["Agenda for Change Band 4", "pay scale for Wales (date it took effect not confirmed"], []),
    ({"nation": "england", "employment_model": "not_decided"}, ["If the post is paid: the Agenda for Change pay scale"], ["pay scale for England", "full-time week is"]),
    ({"nation": "northern_ireland", "employment_model": "volunteer", "dbs_check": "enhanced"},
     ["The fee for this check is £32 for a volunteer (date it took effect not confirmed"], ["Pay scale and hours", "Agenda for Change"]),
    ({"nation": "england", "employment_model": "volunteer", "dbs_check": "enhanced"}, ["The fee for this check is £0 for a volunteer (in effect from 2 December 2024)"], []),
    ({"nation": "england", "employment_model": "partner_employed", "partner_org": "hiv_peer_org"}, [], ["Pay scale and hours", "The fee for this check is"]),
    ({"nation": None, "employment_model": "paid_band", "pay_band": "band_3"}, ["If the post is paid"], ["pay scale for", "37.5 hours", "£49.50"]),
    ({"nation": "scotland", "employment_model": "paid_band", "dbs_check": "not_decided"}, ["pay scale for Scotland"], ["The fee for this check is"]),
]


@pytest.mark.parametrize("extra, present, absent", PAY)
def test_the_role_description_states_pay_hours_and_fee_only_when_known(q: Questionnaire, extra: dict[str, Any], present: list[str], absent: list[str]) -> None:
    plan = _plan(q, **{"dbs_check": "enhanced_barred", **extra})
    words = _text(render_template(q, ROOT / "templates", "role_description", plan, link_stylesheet=False))
    assert [w for w in present if w not in words] == [] and [w for w in absent if w in words] == []


def test_a_pay_figure_the_clinic_overrides_is_asked_for_not_stated(q: Questionnaire) -> None:
    """The clinic's own salary has no published scale or date: the role description asks for the scale instead."""
    doc = {**BASE, "answers": {**BASE["answers"], "nation": "england", "employment_model": "paid_band", "pay_band": "band_3"},
           "assumptions": {"peer_salary": 26000}}
    plan = evaluate_plan(q, parse_answers(LoadedFile("<case>", doc), q))
    assert plan["budget"]["stated"]["pay"] is None
    words = _text(render_template(q, ROOT / "templates", "role_description", plan, link_stylesheet=False))
    assert "Pay follows [the pay scale and year agreed with HR]" in words and "pay scale for England" not in words
    assert "the standard full-time week is 37.5 hours" in words


def test_a_plan_lists_only_its_own_nations_and_kinds_sources(q: Questionnaire) -> None:
    """The plan PDF's sources: the UK-wide ones always; one nation's or one kind of service's only for that clinic."""
    from builder.output.pack import plan_sources

    for nation in ("england", "wales", "scotland", "northern_ireland", None):
        for kind in ("hiv", "mental_health", None):
            plan = _plan(q, nation=nation, service_kind=kind)
            answers = {a["question"]: a["answer"] for a in plan["answers"] if a["answer"] is not None}
            listed = plan_sources(q, plan, answers)
            for sid, s in q.meta.sources.items():
                holds = s.when is None or evaluate(s.when, answers, plan["route"], plan["roles"]) is True
                assert (s in listed) == holds, (nation, kind, sid)
            assert (q.meta.sources["hee"] in listed) == (kind == "mental_health")
            assert (q.meta.sources["disclosure_scotland"] in listed) == (nation == "scotland")


def test_a_sources_condition_is_checked_like_any_other(project: Project, runner: CliRunner) -> None:
    path = project.questionnaire_dir / "questionnaire.yaml"
    edit(path, "    when: {equals: [nation, scotland]}\n", "    when: {equals: [nation, scotlnd]}\n")
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    problem = [ln for ln in result.output.splitlines() if "'scotlnd' is not an option of 'nation'" in ln]
    assert problem and problem[0].startswith(f"questionnaire/questionnaire.yaml:{line_of(path, 'scotlnd')}:"), result.output


def test_the_standard_week_and_the_full_time_year_agree(q: Questionnaire) -> None:
    """The week the role description states and the year the budget costs with are two figures: they must not drift."""
    from builder.core.budget import hundredths

    assert q.planning is not None and q.planning.figures.stated is not None
    week = q.planning.figures.stated.weekly_hours
    for nid, n in q.planning.figures.nations.items():
        table = {**q.planning.figures.shared, **n.figures}
        assert hundredths(table[week].value) * 52 == hundredths(table["full_time_hours_year"].value), nid


@pytest.mark.parametrize("key, old, new, message", [
    ("check_fee", "  check_fee: dbs_fee\n", "  check_fee: dbs_fe\n",
     lambda: Msg.PLAN_ASSUMPTION.format(where="stated: check_fee", id="dbs_fe", hint=" (did you mean 'dbs_fee'?)")),
    ("weekly_hours", "  weekly_hours: weekly_hours\n", "  weekly_hours: weekly_hour\n",
     lambda: Msg.FIGURE_UNKNOWN.format(where="stated: weekly_hours", figure="weekly_hour", hint=" (did you mean 'weekly_hours'?)")),
])
def test_what_the_templates_state_is_checked(project: Project, runner: CliRunner, key: str, old: str, new: str, message: Any) -> None:
    path = project.questionnaire_dir / "figures.yaml"
    edit(path, old, new)
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"questionnaire/figures.yaml:{line_of(path, new.strip())}: error: {message()}" in result.output, result.output


def test_the_safety_case_standards_are_cited_for_the_method_in_every_nation(q: Questionnaire) -> None:
    """DCB0129 and DCB0160 are NHS England's: every plan, whatever its nation, cites them, and only as the safety case's method."""
    from builder.output.pack import plan_sources

    dcb = [s for s in q.meta.sources.values() if "DCB0129" in s.title]
    assert len(dcb) == 1 and dcb[0].when is None and "method only" in dcb[0].title
    for nation in ("england", "wales", "scotland", "northern_ireland", None):
        plan = _plan(q, nation=nation)
        answers = {a["question"]: a["answer"] for a in plan["answers"] if a["answer"] is not None}
        assert dcb[0] in plan_sources(q, plan, answers), nation
