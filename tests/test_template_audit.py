"""The template audit, made durable: a sentence that states a fact about the clinic or the peer's terms (insurance,
pay, supervision time, where peers come from, records, training, checks, the partner, honorary contracts …) appears in
a template only as a declared claim (templates/catalog.yaml `claims:`, shown only while its condition holds, which
tests/test_template_claims.py proves) or as a fill-in field.

How: every policy template is rendered blank and for the example clinics and an answer set per option of every
question (the conformance coverage cases), with every claim forced false. Fill-in fields and the blank "keep the option
that applies" sections are then removed; no sentence left may match an assertive pattern. A new sentence that asserts
such a fact outside a claim, or one conditioned on raw answers instead of a declared claim, fails here.
"""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any

import pytest

from builder.checks.project import load_questionnaire
from builder.core.answers import AnswerFile
from builder.core.engine import evaluate_plan
from builder.core.schema import Questionnaire
from builder.dev.fixtures import coverage_cases
from builder.load.answers import load_answers
from builder.load.project import ROOT
from builder.render.documents import document_context, environment, planning_context

TEMPLATES = ROOT / "templates"

# Phrases that state a fact about this clinic's arrangements or the peer's terms. Each is written broadly enough to
# catch rewordings; a sentence that merely sets a rule ("peers must …") or explains the law does not match.
ASSERTIVE = [
    # insurance and indemnity
    r"insurance covers", r"expected to cover", r"\b(?:is|are) covered by", r"\bcovers? (?:you|peers|claims)\b", r"\bhas confirmed\b",
    # pay, expenses and employment
    r"\bnot paid\b", r"\bno pay\b", r"\bpaid (?:post|sessional worker)\b", r"\byour peers are\b", r"\bsets pay\b",
    r"\b(?:is|are) reimbursed\b", r"\breimbursed (?:at cost|under)\b", r"\bwill reimburse\b", r"(?<!is )\bemployed (?:or placed )?by (?!another)",
    r"\bline-manages\b", r"\brecruits the peers\b",
    r"\bAgenda for Change pay scale for\b", r"\bstandard full-time week is\b", r"\bfee for this check is\b", r"\bfor a volunteer\b",
    # supervision and its time
    r"\bset aside\b", r"\bnot cancelled\b", r"\bsqueezed\b", r"\bsupervision (?:and one-to-one support )?from\b",
    r"\bone-to-one support from\b", r"\bsupervision will be provided\b", r"\bnobody has yet been found\b",
    # where peers come from
    r"\bpeers will be patients\b", r"\bmost peers\b", r"\bclinic's own patients\b", r"\brecruited mainly from\b",
    # records: what peers see and write
    r"\bown login\b", r"\b(?:do|does|will) not have access\b", r"\bmay read (?:the|relevant) parts\b", r"\bwill not use patient records\b",
    r"\bwrite a brief, factual entry\b", r"\bdo not keep notes\b", r"\bcomplete a work log after each contact\b", r"\breceive no information\b",
    r"\breceive only (?:what|the details)\b", r"\bsee only this form\b",
    # training, and who provides things
    r"\b(?:is|are) provided (?:by|within)\b", r"\btraining will be provided\b", r"\bjointly with\b", r"\baccredited (?:peer support )?course\b",
    r"\btraining from\b", r"\bhas been briefed\b",
    # honorary contracts
    r"\bunder an honorary contract\b", r"\bholds an honorary contract\b", r"\bbecause the honorary-contract rule applies\b",
    r"\byour (?:readiness )?answers (?:say|meet|show)\b",
    # where and how the work happens
    r"\bbooks appointments\b", r"\byou arrange appointments\b", r"\bin the (?:peer support|shared) room\b", r"\bwork takes place (?:in|away)\b",
    r"\bdo not work in the community\b", r"\bwhen working in the community\b", r"\bexpects some peer work\b",
    # what the clinic has, has agreed or has done
    r"\b(?:clinic|service|organisation|trust|board|we|partner)\b[^.;:]{0,40}\b(?:has|have) agreed\b",
    r"\bhas been (?:arranged|approved|completed|set up)\b", r"\bthe clinic (?:has|does not(?: yet)? have) a\b", r"\bdoes not yet have a partner\b",
    r"\bshares a room\b", r"\bDPIA (?:is|has been) (?:done|complete)", r"\bexperience comes from a different field\b",
    r"\bwhich recruits, trains and supports\b", r"\bwhich works with the clinic on\b", r"\bin the clinic record and\b", r"\byour entry in the patient's clinic record\b",
    r"\baccess to the patient record system\b", r"\bincluding community venues\b",
    # who peers support
    r"\bpeers (?:in this service )?(?:will )?support (?:young people under 18|under-18s)\b", r"\bpeople (?:you|peers) support (?:will be|are) under 18\b",
    r"\bfor every young person under 18\b",
]
PATTERN = re.compile("|".join(f"(?:{p})" for p in ASSERTIVE), re.I)

FILL = re.compile(r'<span class="fill">.*?</span>', re.S)
OPTIONS = re.compile(r'<section class="option">.*?</section>', re.S)
BREAK = "\u00b6"  # not white space, so it survives squashing the spaces
SENTENCE = re.compile(r"(?<=[.;:!?])\s+|\s*\u00b6\s*")


def sentences(rendered: str) -> list[str]:
    """The document's sentences once fill-in fields and the blank's alternatives to choose from are taken out."""
    body = OPTIONS.sub(" ", FILL.sub(" [fill-in] ", rendered))
    body = re.sub(r"</(?:p|li|dd|dt|td|th|h\d)>", f" {BREAK} ", body)
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
    return [s for s in SENTENCE.split(words) if s.strip()]


def unclaimed(q: Questionnaire, tid: str, plan: dict[str, Any] | None) -> list[str]:
    """Sentences matching an assertive pattern when the template is rendered with every claim false."""
    context = document_context(q, tid, plan)
    context["claims"] = dict.fromkeys(context["claims"], False)
    context.update(planning_context(q, plan))
    rendered = environment(TEMPLATES).get_template(f"policies/{tid}.html.j2").render(context)
    return [s for s in sentences(rendered) if asserts(s)]


def asserts(sentence: str) -> bool:
    """Whether the sentence states a fact: an assertive phrase not followed straight by the fill-in field that asks
    for the fact ("Role training is provided by [who will train peers]" asks; "… by the clinic team" states)."""
    return any(not sentence[m.end():].lstrip().startswith("[fill-in]") for m in PATTERN.finditer(sentence))


@cache
def _plans() -> list[tuple[str, dict[str, Any] | None]]:
    q = load_questionnaire()
    out: list[tuple[str, dict[str, Any] | None]] = [("blank", None)]
    base = None
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        af, _ = load_answers(path, q)
        out.append((path.stem, evaluate_plan(q, af)))
        if path.stem == "riverside":
            base = af
    assert base is not None
    cases: list[tuple[str, AnswerFile]] = coverage_cases(q, base)
    out += [(name, evaluate_plan(q, af)) for name, af in cases]
    return out


@pytest.mark.parametrize("tid", [t.id for t in load_questionnaire().templates])
def test_no_template_asserts_a_fact_outside_a_claim(q: Questionnaire, tid: str) -> None:
    found: dict[str, str] = {}
    for name, plan in _plans():
        for s in unclaimed(q, tid, plan):
            found.setdefault(s, name)
    assert not found, "\n".join(f"{tid} ({name}): {s}" for s, name in found.items())


def test_the_audit_catches_an_unclaimed_assertion(q: Questionnaire) -> None:
    """The patterns are live: the issue's offending sentences, written without a claim, are caught."""
    for text in ["The Trust's insurance covers you while you are carrying out agreed duties.", "You are not paid for your time.",
                 "Supervision is not cancelled because the clinic is busy.", "Most peers will be patients of the clinic.",
                 "Supervision is provided by the partner organisation.", "The clinic has agreed a route with the safeguarding lead."]:
        assert [s for s in sentences(f"<p>{text}</p>") if asserts(s)] == [text], text
    assert not [s for s in sentences('<p>Insurance: <span class="fill">[How peers are insured]</span>.</p>') if asserts(s)]
    assert not [s for s in sentences('<p>Role training is provided by <span class="fill">[who will train peers]</span>.</p>') if asserts(s)]


def test_every_claim_is_caught_by_the_audit_when_written_plainly(q: Questionnaire) -> None:
    """Each declared claim's words would be flagged if they lost their condition: the patterns cover what the
    catalog declares, so removing a claim's `{% if claims.x %}` cannot go unnoticed."""
    missed = [f"{t.id}.{c.id}: {c.text!r}" for t in q.templates for c in t.claims if not PATTERN.search(c.text)]
    assert not missed, "\n".join(missed)
