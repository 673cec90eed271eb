"""The fields an open-format form carries, and the flat mapping both formats share with answer files.

XLSForm names and FHIR linkIds are the same names: a question's id; `<id>-note` for the note any answer
may carry; `assumption-<id>` for a budget assumption; and the fixed `about` fields below for the clinic.
A question id is lower_snake_case, so no name with a hyphen can ever be a question's.

A *flat* mapping, {name: text or list of option ids}, is what a submission holds; `flat_to_doc` turns it
into an answer document that `parse_answers` checks like any answer file, and `answers_to_flat` is the way back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from builder.core.answers import AnswerFile
from builder.core.contract import ANSWER_FILE_VERSION
from builder.core.engine import route_states
from builder.core.schema import Questionnaire

Flat = dict[str, str | list[str]]
"""A submission: field name -> its text (single choice, text, date, number) or option ids (multiple choice)."""


@dataclass(frozen=True)
class AboutField:
    name: str
    """The form's field name (and FHIR linkId)."""
    path: tuple[str, ...]
    """Where the value goes in an answer document."""
    label: str
    kind: str = "text"
    """text, date (YYYY-MM-DD) or version (the questionnaire's version, filled in by the form)."""
    required: bool = False


ABOUT_GROUP = "about-clinic"
"""The group (and FHIR linkId) holding the fields about the clinic and the respondent."""
ASSUMPTIONS_GROUP = "budget-assumptions"
"""The group holding the budget assumptions a clinic overrides (all optional)."""
NOTE_SUFFIX = "-note"
ASSUMPTION_PREFIX = "assumption-"
DOMAIN_PREFIX = "domain-"
"""A domain's group: a domain may share its id with one of its questions, and names (linkIds) are unique in a whole form."""

ABOUT: tuple[AboutField, ...] = (
    AboutField("clinic-name", ("clinic", "name"), "Clinic or service name", required=True),
    AboutField("clinic-organisation", ("clinic", "organisation"), "Organisation (for example the NHS trust)"),
    AboutField("clinic-id", ("clinic", "id"), "Clinic reference (ties several raters of one clinic together)"),
    AboutField("clinic-area", ("clinic", "area"), "Area (the review groups clinics by it)"),
    AboutField("respondent-name", ("respondent", "name"), "Your name"),
    AboutField("respondent-role", ("respondent_role",), "Your role"),
    AboutField("assessed-on", ("assessed_on",), "Date of the assessment", kind="date"),
    AboutField("questionnaire-version", ("questionnaire_version",), "Questionnaire version", kind="version"),
)

_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?$")


def note_name(qid: str) -> str:
    return qid + NOTE_SUFFIX


def domain_name(did: str) -> str:
    return DOMAIN_PREFIX + did


def assumption_name(aid: str) -> str:
    return ASSUMPTION_PREFIX + aid


def score_name(did: str) -> str:
    """The XLSForm's calculated score of a domain."""
    return "score-" + did


def help_name(qid: str) -> str:
    """A FHIR display item holding the question's help."""
    return "help-" + qid


def field_groups(q: Questionnaire) -> dict[str, str]:
    """Every field a submission may hold -> the name of the group it sits in, in form order."""
    out = {f.name: ABOUT_GROUP for f in ABOUT}
    for d in q.domains:
        for qu in d.questions:
            out[qu.id] = out[note_name(qu.id)] = domain_name(d.id)
    if q.planning:
        out.update({assumption_name(a.id): ASSUMPTIONS_GROUP for a in q.planning.costs.assumptions})
    return out


def check_names(q: Questionnaire) -> None:
    """Refuse a questionnaire whose ids would give two fields one name (a question 'domain' beside a domain 'note'...)."""
    names = [*field_names(q), ABOUT_GROUP, ASSUMPTIONS_GROUP, *(domain_name(d.id) for d in q.domains), *(help_name(qu.id) for qu in q.questions),
             *(score_name(d.id) for d in q.domains), "about-scores"]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"two fields of the form would be named '{name}'; rename the question, domain or assumption behind one")
        seen.add(name)


def field_names(q: Questionnaire) -> list[str]:
    """Every field a submission may hold, in form order."""
    names = [f.name for f in ABOUT]
    for qu in q.questions:
        names += [qu.id, note_name(qu.id)]
    if q.planning:
        names += [assumption_name(a.id) for a in q.planning.costs.assumptions]
    return names


def flat_to_doc(q: Questionnaire, flat: Flat) -> tuple[dict[str, Any], dict[str, tuple[str, ...]]]:
    """An answer document from a submission, and the document path each field's value went to (for error lines).

    Empty values are left out (unanswered); nothing is checked here: `parse_answers` checks the document.
    """
    doc: dict[str, Any] = {"version": ANSWER_FILE_VERSION}
    where: dict[str, tuple[str, ...]] = {}
    for f in ABOUT:
        value = flat.get(f.name)
        if isinstance(value, str) and value != "":
            node = doc
            for key in f.path[:-1]:
                node = node.setdefault(key, {})
            node[f.path[-1]] = value
            where[f.name] = f.path
    doc.setdefault("clinic", {})
    answers: dict[str, Any] = {}
    for qu in q.questions:
        value = flat.get(qu.id)
        note = flat.get(note_name(qu.id))
        answer: Any = None
        if isinstance(value, list):
            answer = value or None
        elif isinstance(value, str) and value.strip():
            answer = value.split() if qu.type == "multi" else value
        if isinstance(note, str) and note != "":
            answers[qu.id] = {"answer": answer, "note": note}
            where[note_name(qu.id)] = ("answers", qu.id, "note")
        elif answer is not None:
            answers[qu.id] = answer
        where[qu.id] = ("answers", qu.id)
    doc["answers"] = answers
    if q.planning:
        assumptions: dict[str, Any] = {}
        for a in q.planning.costs.assumptions:
            value = flat.get(assumption_name(a.id))
            if isinstance(value, str) and value.strip():
                text = value.strip()
                # A number as the answer-file reader takes it; anything else stays text and is reported as not a number.
                assumptions[a.id] = (float(text) if "." in text else int(text)) if _NUMBER.match(text) else text
                where[assumption_name(a.id)] = ("assumptions", a.id)
        if assumptions:
            doc["assumptions"] = assumptions
    return doc, where


def on_path(q: Questionnaire, af: AnswerFile) -> set[str]:
    """The questions the engine asks for these answers: what a form enables."""
    state, _ = route_states(q, af)
    return {qid for qid, s in state.items() if s in ("answered", "unknown")}


def answers_to_flat(q: Questionnaire, af: AnswerFile) -> Flat:
    """A submission holding these answers, as a form would record them.

    Answers (and their notes) to questions the routing skips are not carried: a form never asks them
    and the plan ignores them. The questionnaire version is the file's, else this questionnaire's.
    """
    from builder.core.budget import plain

    values: dict[str, str | None] = {
        "clinic-name": af.clinic_name, "clinic-organisation": af.organisation, "clinic-id": af.clinic_id,
        "clinic-area": af.area, "respondent-name": af.respondent_name, "respondent-role": af.respondent_role,
        "assessed-on": af.assessed_on, "questionnaire-version": af.questionnaire_version or q.meta.version,
    }
    flat: Flat = {f.name: values[f.name] or "" for f in ABOUT if values.get(f.name)}
    asked = on_path(q, af)
    for qu in q.questions:
        a = af.answers.get(qu.id)
        if a is None or qu.id not in asked:
            continue
        if a.value is not None:
            flat[qu.id] = list(a.value) if isinstance(a.value, list) else a.value
        if a.note:
            flat[note_name(qu.id)] = a.note
    for aid, hundredths in af.assumptions.items():
        flat[assumption_name(aid)] = plain(hundredths)
    return flat


def normalised(q: Questionnaire, af: AnswerFile) -> AnswerFile:
    """`af` as it comes back from any form: no answers to skipped questions, no empty answers without a note."""
    from dataclasses import replace

    from builder.core.answers import Answer

    asked = on_path(q, af)
    kept: dict[str, Answer] = {qid: a for qid, a in af.answers.items() if qid in asked and (a.value is not None or a.note)}
    return replace(af, answers=kept, questionnaire_version=af.questionnaire_version or q.meta.version)
